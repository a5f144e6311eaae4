/**
 * echoapp.exe against the KMDF driver: the WDM echo's echoapp (PerformWriteReadTest,
 * AsyncIo) with the device found as the KMDF echoapp finds it, by its interface
 * (GetDevicePath: CM_Get_Device_Interface_List_Size, then CM_Get_Device_Interface_List).
 */
import { Out, type Machine } from "@wdfjs/kernel";
import { CM_GET_DEVICE_INTERFACE_LIST_PRESENT, CR_SUCCESS, MEM_COMMIT, MEM_RELEASE, MEM_RESERVE, PAGE_READWRITE, type Win32Thread } from "@wdfjs/win32";
import { main as wdmEchoMain, type EchoApp, type Log } from "@wdfjs/sample-wdm-echo";
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
 * echoapp's main for the KMDF driver: the WDM echo sample's port of echoapp.cpp, finding the device
 * by its interface (GetDevicePath) as the KMDF/UMDF echoapp does, then the default test (512 bytes,
 * then 30 KB) or `-Async n`. Returns the exit code; `app` receives the EchoApp for its statistics.
 */
export function main(machine: Machine, args: readonly string[] = [], log: Log = noLog, options: { readonly app?: (app: EchoApp) => void } = {}): number {
  return wdmEchoMain(machine, args, log, { ...options, devicePath: (app, l) => GetDevicePath(app, GUID_DEVINTERFACE_ECHO, l) });
}
