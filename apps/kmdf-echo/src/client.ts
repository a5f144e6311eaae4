/**
 * echoapp.exe against the KMDF driver: the WDM echo's echoapp (PerformWriteReadTest,
 * AsyncIo) with the device found as the KMDF echoapp finds it, by its interface
 * (GetDevicePath: CM_Get_Device_Interface_List_Size, then CM_Get_Device_Interface_List).
 */
import { Out, type Machine } from "@wdfjs/kernel";
import {
  CM_GET_DEVICE_INTERFACE_LIST_PRESENT, CR_SUCCESS, FILE_SHARE_READ, FILE_SHARE_WRITE, GENERIC_READ, GENERIC_WRITE, INFINITE, INVALID_HANDLE_VALUE, MEM_COMMIT,
  MEM_RELEASE, MEM_RESERVE, OPEN_EXISTING, PAGE_READWRITE, Win32Process, type HANDLE, type Win32Thread,
} from "@wdfjs/win32";
import { EchoApp, PerformWriteReadTest, READER_TYPE, WRITER_TYPE, DEFAULT_ASYNC_COUNT, type Log } from "@wdfjs/sample-wdm-echo";
import { GUID_DEVINTERFACE_ECHO } from "./public.js";

const noLog: Log = () => {};

/** echoapp.cpp GetDevicePath: the first present interface of GUID_DEVINTERFACE_ECHO, or null. */
export function GetDevicePath(app: Win32Thread, InterfaceGuid: string = GUID_DEVINTERFACE_ECHO, log: Log = noLog): string | null {
  const deviceInterfaceListLength = Out(0);
  let cr = app.CM_Get_Device_Interface_List_Size(deviceInterfaceListLength, InterfaceGuid, null, CM_GET_DEVICE_INTERFACE_LIST_PRESENT);
  if (cr !== CR_SUCCESS) {
    log(`Error 0x${cr.toString(16)} retrieving device interface list size.`);
    return null;
  }
  if (deviceInterfaceListLength.value <= 1) {
    log("Error: No active device interfaces found.\n Is the sample driver loaded?");
    return null;
  }
  const deviceInterfaceList = app.VirtualAlloc(0, 2 * deviceInterfaceListLength.value, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
  cr = app.CM_Get_Device_Interface_List(InterfaceGuid, null, deviceInterfaceList, deviceInterfaceListLength.value, CM_GET_DEVICE_INTERFACE_LIST_PRESENT);
  const list = cr === CR_SUCCESS ? app.ReadMultiSz(deviceInterfaceList) : [];
  app.VirtualFree(deviceInterfaceList, 0, MEM_RELEASE);
  if (cr !== CR_SUCCESS) {
    log(`Error 0x${cr.toString(16)} retrieving device interface list.`);
    return null;
  }
  if (list.length > 1) log("Warning: More than one device interface instance found. \nSelecting first matching device.");
  return list[0] ?? null;
}

/**
 * echoapp's main for the KMDF driver: the device path by interface, then the default test
 * (512 bytes, then 30 KB) or `-Async n` (a reader thread and the main thread as writer).
 * Returns the exit code; `app` receives the EchoApp for its statistics.
 */
export function main(machine: Machine, args: readonly string[] = [], log: Log = noLog, options: { readonly app?: (app: EchoApp) => void } = {}): number {
  const echo = new EchoApp(log);
  options.app?.(echo);
  let hDevice: HANDLE = INVALID_HANDLE_VALUE;
  let th1: HANDLE = 0;
  let result = true;
  const app = Win32Process.create(machine, "echoapp.exe");
  exit: {
    if (args.length > 0) {
      if (args[0]!.slice(0, 6).toLowerCase() === "-async") {
        echo.G_PerformAsyncIo = true;
        echo.G_AsyncIoLoopsNum = args.length > 1 ? Number.parseInt(args[1]!, 10) || 0 : DEFAULT_ASYNC_COUNT;
        echo.G_LimitedLoops = true;
      } else {
        log("Usage:");
        result = false;
        break exit;
      }
    }
    const path = GetDevicePath(app, GUID_DEVINTERFACE_ECHO, log);
    if (path === null) {
      result = false;
      break exit;
    }
    echo.G_DevicePath = path;
    log(`DevicePath: ${path}`);
    hDevice = app.CreateFile(path, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, null, OPEN_EXISTING, 0, 0);
    if (hDevice === INVALID_HANDLE_VALUE) {
      log(`Failed to open device. Error ${app.GetLastError()}`);
      result = false;
      break exit;
    }
    log("Opened device successfully");
    if (echo.G_PerformAsyncIo) {
      log("Starting AsyncIo");
      th1 = app.CreateThread(null, 0, (p, t) => echo.AsyncIo(p, t), READER_TYPE, 0, null);
      if (th1 === 0) {
        result = false;
        break exit;
      }
      result = app.CallThreadProc((p, t) => echo.AsyncIo(p, t), WRITER_TYPE) !== 0;
    } else {
      result = PerformWriteReadTest(app, hDevice, 512, log).ok;
      if (!result) break exit;
      result = PerformWriteReadTest(app, hDevice, 30 * 1024, log).ok;
    }
  }
  if (th1 !== 0) {
    app.WaitForSingleObject(th1, INFINITE);
    const code = Out(0);
    app.GetExitCodeThread(th1, code);
    if (code.value === 0) result = false;
    app.CloseHandle(th1);
  }
  if (hDevice !== INVALID_HANDLE_VALUE) app.CloseHandle(hDevice);
  const code = result ? 0 : 1;
  app.ExitProcess(code);
  return code;
}
