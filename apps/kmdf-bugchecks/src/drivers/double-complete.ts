/**
 * wdfdoublecomplete.sys — WDF_VIOLATION (0x10D), WDF_INVALID_HANDLE (0x5).
 *
 * The bug: the short-input path completes the request, then falls through to the common exit,
 * which completes it again. A completed WDFREQUEST is deleted with its IRP, so the second
 * WdfRequestComplete passes a handle that no longer names an object: the checked flavor's handle
 * tracking stops the machine (P2 the handle, P3 the type the function expected, FX_TYPE_REQUEST).
 * The free flavor reads the freed request, sees it completed and does nothing
 * (FxRequest::VerifyCompleteInternal's trace); the caller gets the first status.
 * The fix: return right after the first WdfRequestComplete.
 */
import { STATUS_BUFFER_TOO_SMALL, STATUS_SUCCESS, type DRIVER_OBJECT, type NTSTATUS } from "@wdfjs/kernel";
import { WdfRequestComplete, type WDFDEVICE, type WDFREQUEST } from "@wdfjs/kmdf";
import { BugDriverEntry, BugGetContext, IOCTL_BUG_TRIGGER } from "../common.js";

export const WDF_DOUBLE_COMPLETE_NAME = "WdfDoubleComplete";

function DoubleCompleteEvtIoDeviceControl(Device: WDFDEVICE, Request: WDFREQUEST, _OutputBufferLength: number, InputBufferLength: number, IoControlCode: number): void {
  if (IoControlCode !== IOCTL_BUG_TRIGGER) {
    WdfRequestComplete(Request, STATUS_SUCCESS);
    return;
  }
  BugGetContext(Device).LastRequest = Request;
  let status = STATUS_SUCCESS;
  if (InputBufferLength < 8) {
    status = STATUS_BUFFER_TOO_SMALL;
    WdfRequestComplete(Request, status);
    // (missing: return;)
  }
  WdfRequestComplete(Request, status);
}

export function WdfDoubleCompleteDriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS {
  return BugDriverEntry(DriverObject, RegistryPath, WDF_DOUBLE_COMPLETE_NAME, DoubleCompleteEvtIoDeviceControl);
}
