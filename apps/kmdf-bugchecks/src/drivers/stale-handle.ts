/**
 * wdfstale.sys — WDF_VIOLATION (0x10D), WDF_INVALID_HANDLE (0x5).
 *
 * The bug, two ways: IOCTL_BUG_TRIGGER deletes the scratch object the previous trigger left
 * behind, but the previous trigger had already deleted it (a stale handle, kept in the device
 * context); IOCTL_BUG_TRIGGER_2 passes a number that was never a handle (a forged one, as a
 * pointer read from the wrong field would be). P2 is the handle, P3 the type the function
 * expected (FX_TYPE_OBJECT: any object).
 * The checked flavor catches both. The free flavor has no handle tracking: the stale handle
 * still reaches the freed object, which is already deleted, and nothing happens; the forged
 * one names no object at all and stops the machine there too.
 * The fix: clear the saved handle when deleting the object.
 */
import { NT_SUCCESS, Out, STATUS_SUCCESS, type DRIVER_OBJECT, type NTSTATUS } from "@wdfjs/kernel";
import { WdfObjectCreate, WdfObjectDelete, WdfRequestComplete, type WDFDEVICE, type WDFOBJECT, type WDFREQUEST } from "@wdfjs/kmdf";
import { BugDriverEntry, BugGetContext, IOCTL_BUG_TRIGGER, IOCTL_BUG_TRIGGER_2 } from "../common.js";

export const WDF_STALE_NAME = "WdfStale";
/** A number that is not a framework handle (the handles are 0x10000 and up, 16 apart). */
export const WDF_STALE_FORGED_HANDLE = 0x1234;

function StaleEvtIoDeviceControl(Device: WDFDEVICE, Request: WDFREQUEST, _OutputBufferLength: number, _InputBufferLength: number, IoControlCode: number): void {
  const context = BugGetContext(Device);
  let status = STATUS_SUCCESS;
  if (IoControlCode === IOCTL_BUG_TRIGGER) {
    // Delete the previous scratch object (already deleted: the handle is stale).
    if (context.LastObject !== 0) WdfObjectDelete(context.LastObject as WDFOBJECT);
    const scratch = Out<WDFOBJECT | null>(null);
    status = WdfObjectCreate(null, scratch);
    if (NT_SUCCESS(status)) {
      WdfObjectDelete(scratch.value!);
      context.LastObject = scratch.value!; // (missing: = 0 after the delete)
    }
  } else if (IoControlCode === IOCTL_BUG_TRIGGER_2) {
    WdfObjectDelete(WDF_STALE_FORGED_HANDLE as WDFOBJECT);
  }
  WdfRequestComplete(Request, status);
}

export function WdfStaleDriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS {
  return BugDriverEntry(DriverObject, RegistryPath, WDF_STALE_NAME, StaleEvtIoDeviceControl);
}
