/** EchoPrintDriverVersion of general/echo/kmdf/driver/{AutoSync,DriverSync}/driver.c (the same function in both). */
import { currentMachine, NT_SUCCESS, Out, STATUS_SUCCESS, type NTSTATUS } from "@wdfjs/kernel";
import {
  UNICODE_STRING, WDF_DRIVER_VERSION_AVAILABLE_PARAMS, WDF_DRIVER_VERSION_AVAILABLE_PARAMS_INIT, WdfDriverIsVersionAvailable, WdfDriverRetrieveVersionString,
  WdfDriverWdmGetDriverObject, WdfGetDriver, WdfObjectDelete, WdfStringCreate, WdfStringGetUnicodeString, type WDFSTRING,
} from "./kmdf.js";

/** `KdPrint`: a line on the debugger's output (the machine's trace, kind "KdPrint"). */
export function KdPrint(line: string): void {
  const driver = WdfGetDriver();
  currentMachine().trace?.event("KdPrint", driver === null ? null : WdfDriverWdmGetDriverObject(driver), line);
}

/**
 * EchoPrintDriverVersion: shows how to retrieve the framework's version string and how to find
 * out which version of the framework the driver is bound to. DriverEntry calls it in a DBG build
 * (here: the checked flavor).
 */
export function EchoPrintDriverVersion(): NTSTATUS {
  // 1) Retrieve the version string and print it in the debugger.
  const string = Out<WDFSTRING | null>(null);
  let status = WdfStringCreate(null, null, string);
  if (!NT_SUCCESS(status)) {
    KdPrint(`Error: WdfStringCreate failed 0x${(status >>> 0).toString(16)}`);
    return status;
  }
  status = WdfDriverRetrieveVersionString(WdfGetDriver()!, string.value!);
  if (!NT_SUCCESS(status)) {
    // The string is parented to the driver, deleted with it when DriverEntry fails.
    KdPrint(`Error: WdfDriverRetrieveVersionString failed 0x${(status >>> 0).toString(16)}`);
    return status;
  }
  const us = new UNICODE_STRING();
  WdfStringGetUnicodeString(string.value!, us);
  KdPrint(`Echo Sample ${us.Buffer}`);
  WdfObjectDelete(string.value!);

  // 2) Find out which version of the framework this driver is bound to.
  const ver = new WDF_DRIVER_VERSION_AVAILABLE_PARAMS();
  WDF_DRIVER_VERSION_AVAILABLE_PARAMS_INIT(ver, 1, 0);
  if (WdfDriverIsVersionAvailable(WdfGetDriver()!, ver)) KdPrint("Yes, framework version is 1.0");
  else KdPrint("No, framework verison is not 1.0");
  return STATUS_SUCCESS;
}
