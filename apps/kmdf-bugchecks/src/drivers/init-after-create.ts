/**
 * wdfinitnull.sys — WDF_VIOLATION (0x10D), WDF_REQUIRED_PARAMETER_IS_NULL (0x4).
 *
 * The bug: the driver keeps the PWDFDEVICE_INIT it gave WdfDeviceCreate and, on IOCTL_BUG_TRIGGER,
 * "changes a setting" through it. WdfDeviceCreate consumed the init and set the driver's pointer
 * to NULL; a WdfDeviceInit* function given NULL stops the machine in both flavors (FxPointerNotNull
 * is not a verifier option): P2 0, P3 the caller's return address (0 here: no code addresses).
 * The fix: set device properties on the WDFDEVICE after creation; the init is gone.
 */
import { Out, STATUS_SUCCESS, type Box, type DRIVER_OBJECT, type NTSTATUS } from "@wdfjs/kernel";
import { WdfDeviceInitSetExclusive, WdfRequestComplete, type PWDFDEVICE_INIT, type WDFDEVICE, type WDFREQUEST } from "@wdfjs/kmdf";
import { BugDriverEntry, IOCTL_BUG_TRIGGER } from "../common.js";

export const WDF_INIT_NULL_NAME = "WdfInitNull";

export function WdfInitNullDriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS {
  // The variable DriverEntry passed to WdfDeviceCreate, kept for later.
  const kept = Out<Box<PWDFDEVICE_INIT> | null>(null);
  function InitNullEvtIoDeviceControl(_Device: WDFDEVICE, Request: WDFREQUEST, _OutputBufferLength: number, _InputBufferLength: number, IoControlCode: number): void {
    if (IoControlCode === IOCTL_BUG_TRIGGER) WdfDeviceInitSetExclusive(kept.value!.value, true);
    WdfRequestComplete(Request, STATUS_SUCCESS);
  }
  return BugDriverEntry(DriverObject, RegistryPath, WDF_INIT_NULL_NAME, InitNullEvtIoDeviceControl, null, kept);
}
