/**
 * enum.exe and toast.exe, written against @wdfjs/win32 as the C programs are against
 * kernel32, cfgmgr32 and setupapi. Each returns its exit code and what it printed.
 */
import { Out } from "@wdfjs/kernel";
import {
  CM_GET_DEVICE_INTERFACE_LIST_PRESENT, CR_SUCCESS, DIGCF_DEVICEINTERFACE, DIGCF_PRESENT, SP_DEVICE_INTERFACE_DATA, SP_DEVICE_INTERFACE_DATA_SIZE,
  SP_DEVICE_INTERFACE_DETAIL_DATA_DEVICE_PATH, SP_DEVICE_INTERFACE_DETAIL_DATA_SIZE, FILE_SHARE_READ, FILE_SHARE_WRITE, GENERIC_READ, GENERIC_WRITE, INVALID_HANDLE_VALUE, MEM_COMMIT, MEM_RELEASE, MEM_RESERVE, OPEN_EXISTING, PAGE_READWRITE,
  type Win32Thread,
} from "@wdfjs/win32";
import {
  BUS_HARDWARE_ID, BUSENUM_EJECT_HARDWARE_SIZE, BUSENUM_PLUGIN_HARDWARE_SIZE, BUSENUM_UNPLUG_HARDWARE_SIZE, GUID_DEVINTERFACE_BUSENUM_TOASTER,
  GUID_DEVINTERFACE_TOASTER, IOCTL_BUSENUM_EJECT_HARDWARE, IOCTL_BUSENUM_PLUGIN_HARDWARE, IOCTL_BUSENUM_UNPLUG_HARDWARE,
  IOCTL_TOASTER_DONT_DISPLAY_IN_UI_DEVICE,
} from "./public.js";

export interface ProgramResult {
  readonly exitCode: number;
  readonly output: string[];
}

/**
 * enum.c's way to the bus: CM_Get_Device_Interface_List_Size, then
 * CM_Get_Device_Interface_List into the program's memory (a MULTI_SZ of `\\?\` paths).
 */
export function GetInterfaceList(app: Win32Thread, guid: string): string[] {
  const len = Out(0);
  if (app.CM_Get_Device_Interface_List_Size(len, guid, null, CM_GET_DEVICE_INTERFACE_LIST_PRESENT) !== CR_SUCCESS) return [];
  const buffer = app.VirtualAlloc(0, 2 * len.value, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
  const cr = app.CM_Get_Device_Interface_List(guid, null, buffer, len.value, CM_GET_DEVICE_INTERFACE_LIST_PRESENT);
  const list = cr === CR_SUCCESS ? app.ReadMultiSz(buffer) : [];
  app.VirtualFree(buffer, 0, MEM_RELEASE);
  return list;
}

/**
 * toast.c's way to the toasters: SetupDiGetClassDevs(DIGCF_PRESENT | DIGCF_DEVICEINTERFACE),
 * SetupDiEnumDeviceInterfaces one by one, and the two-call SetupDiGetDeviceInterfaceDetail.
 */
export function GetDevicePaths(app: Win32Thread, guid: string): string[] {
  const out: string[] = [];
  const hardwareDeviceInfo = app.SetupDiGetClassDevs(guid, null, null, DIGCF_PRESENT | DIGCF_DEVICEINTERFACE);
  if (hardwareDeviceInfo === INVALID_HANDLE_VALUE) return out;
  const deviceInterfaceData = new SP_DEVICE_INTERFACE_DATA();
  deviceInterfaceData.cbSize = SP_DEVICE_INTERFACE_DATA_SIZE;
  for (let i = 0; app.SetupDiEnumDeviceInterfaces(hardwareDeviceInfo, null, guid, i, deviceInterfaceData); i++) {
    const requiredLength = Out(0);
    // The first call asks how big the detail is.
    app.SetupDiGetDeviceInterfaceDetail(hardwareDeviceInfo, deviceInterfaceData, null, 0, requiredLength, null);
    const detail = app.VirtualAlloc(0, requiredLength.value, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
    app.WriteMemory(detail, [SP_DEVICE_INTERFACE_DETAIL_DATA_SIZE, 0, 0, 0]);
    if (app.SetupDiGetDeviceInterfaceDetail(hardwareDeviceInfo, deviceInterfaceData, detail, requiredLength.value, null, null)) {
      out.push(app.ReadWideString(detail + SP_DEVICE_INTERFACE_DETAIL_DATA_DEVICE_PATH));
    }
    app.VirtualFree(detail, 0, MEM_RELEASE);
  }
  app.SetupDiDestroyDeviceInfoList(hardwareDeviceInfo);
  return out;
}

function ulongBytes(v: number): number[] {
  return [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
}

function hex(n: number): string {
  return `0x${(n >>> 0).toString(16)}`;
}

const USAGE = ["Usage:", "    Enum [-p SerialNo] Plugs in a device. SerialNo must be greater than zero.", "         [-u SerialNo or 0] Unplugs device(s) - specify 0 to unplug all the devices enumerated so far.", "         [-e SerialNo or 0] Ejects device(s) - specify 0 to eject all the devices enumerated so far."];

/** enum.exe: `enum -p n` plugs in toaster n, `-u n` unplugs it, `-e n` ejects it (0: all). */
export function enumMain(app: Win32Thread, argv: readonly string[]): ProgramResult {
  const output: string[] = [];
  const opt = argv[0];
  const serial = argv[1] === undefined ? NaN : Number.parseInt(argv[1], 10);
  if (argv.length < 2 || (opt !== "-p" && opt !== "-u" && opt !== "-e") || Number.isNaN(serial) || (opt === "-p" && serial === 0)) {
    output.push(...USAGE);
    return { exitCode: 0, output };
  }
  const interfaces = GetInterfaceList(app, GUID_DEVINTERFACE_BUSENUM_TOASTER);
  if (interfaces.length === 0) {
    output.push("Error: No active device interfaces found.", " Is the sample driver loaded?");
    return { exitCode: 1, output };
  }
  const path = interfaces[0]!;
  output.push(`Opening ${path}`);
  const file = app.CreateFile(path, GENERIC_READ, 0, null, OPEN_EXISTING, 0, 0);
  if (file === INVALID_HANDLE_VALUE) {
    output.push(`CreateFile failed: 0x${app.GetLastError().toString(16)}`);
    return { exitCode: 1, output };
  }
  output.push("Bus interface opened!!!");
  const ok = OpenBusInterface(app, file, opt, serial, output);
  app.CloseHandle(file);
  return { exitCode: ok ? 0 : 1, output };
}

function OpenBusInterface(app: Win32Thread, file: number, opt: string, serial: number, output: string[]): boolean {
  const buffer = app.VirtualAlloc(0, 4096, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
  const bytes = Out(0);
  let ok: boolean;
  try {
    if (opt === "-p") {
      output.push(`SerialNo. of the device to be enumerated: ${serial}`);
      // BUSENUM_PLUGIN_HARDWARE followed by BUS_HARDWARE_IDS, a MULTI_SZ.
      const ids: number[] = [];
      for (const ch of `${BUS_HARDWARE_ID}\0\0`) ids.push(ch.charCodeAt(0) & 0xff, ch.charCodeAt(0) >>> 8);
      const size = BUSENUM_PLUGIN_HARDWARE_SIZE + ids.length;
      app.WriteMemory(buffer, [...ulongBytes(BUSENUM_PLUGIN_HARDWARE_SIZE), ...ulongBytes(serial), ...ids]);
      ok = app.DeviceIoControl(file, IOCTL_BUSENUM_PLUGIN_HARDWARE, buffer, size, buffer, size, bytes, null);
      if (!ok) output.push(`PlugIn failed:0x${app.GetLastError().toString(16)}`);
    } else if (opt === "-u") {
      output.push(`Unplugging device(s)....`);
      app.WriteMemory(buffer, [...ulongBytes(BUSENUM_UNPLUG_HARDWARE_SIZE), ...ulongBytes(serial), ...ulongBytes(0), ...ulongBytes(0)]);
      ok = app.DeviceIoControl(file, IOCTL_BUSENUM_UNPLUG_HARDWARE, buffer, BUSENUM_UNPLUG_HARDWARE_SIZE, 0, 0, bytes, null);
      if (!ok) output.push(`UnPlug failed:0x${app.GetLastError().toString(16)}`);
    } else {
      output.push(`Ejecting Device(s)`);
      app.WriteMemory(buffer, [...ulongBytes(BUSENUM_EJECT_HARDWARE_SIZE), ...ulongBytes(serial), ...ulongBytes(0), ...ulongBytes(0)]);
      ok = app.DeviceIoControl(file, IOCTL_BUSENUM_EJECT_HARDWARE, buffer, BUSENUM_EJECT_HARDWARE_SIZE, 0, 0, bytes, null);
      if (!ok) output.push(`Eject failed:0x${app.GetLastError().toString(16)}`);
    }
    if (ok) output.push("Success!!!");
    return ok;
  } finally {
    app.VirtualFree(buffer, 0, MEM_RELEASE);
  }
}

/** toast.exe: lists the toasters, opens the last one, (`-h` hides it,) and reads `reads` times. */
export function toastMain(app: Win32Thread, argv: readonly string[] = [], reads = 1): ProgramResult {
  const output: string[] = [];
  const interfaces = GetDevicePaths(app, GUID_DEVINTERFACE_TOASTER);
  if (interfaces.length === 0) {
    output.push("No toasters found.");
    return { exitCode: 1, output };
  }
  interfaces.forEach((p, i) => output.push(`${i + 1}) ${p}`));
  const path = interfaces[interfaces.length - 1]!;
  output.push(`Opening ${path}`);
  const file = app.CreateFile(path, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, null, OPEN_EXISTING, 0, 0);
  if (file === INVALID_HANDLE_VALUE) {
    output.push(`Error in CreateFile: ${hex(app.GetLastError())}`);
    return { exitCode: 1, output };
  }
  const buffer = app.VirtualAlloc(0, 4096, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
  let exitCode = 0;
  if (argv.includes("-h")) {
    const n = Out(0);
    if (!app.DeviceIoControl(file, IOCTL_TOASTER_DONT_DISPLAY_IN_UI_DEVICE, 0, 0, 0, 0, n, null)) {
      output.push(`Hide failed: ${hex(app.GetLastError())}`);
      exitCode = 1;
    } else output.push("Request to hide the device completed successfully");
  }
  for (let i = 0; i < reads && exitCode === 0; i++) {
    const n = Out(0);
    if (app.ReadFile(file, buffer, 10, n, null)) output.push(`Read Successful (${n.value} bytes)`);
    else {
      output.push(`Error in ReadFile: ${hex(app.GetLastError())}`);
      exitCode = 1;
    }
  }
  app.VirtualFree(buffer, 0, MEM_RELEASE);
  app.CloseHandle(file);
  return { exitCode, output };
}
