/**
 * wdfcancelable.sys — completes a request it still has marked cancelable.
 *
 * The bug: the driver marks the request cancelable while it "works" on it, then completes it
 * without WdfRequestUnmarkCancelable. KMDF traces the mistake (`wdf.request-cancelable-completed`;
 * fxrequest.cpp breaks into the debugger) and completes the IRP with the framework's cancel routine
 * still set, which the kernel's I/O verifier stops in the checked flavor:
 * DRIVER_VERIFIER_IOMANAGER_VIOLATION (0xC9), P1 0x7, P2 the cancel routine, P3 the IRP. The free
 * flavor completes the request (the bug waits for an unlucky cancel: the cancel routine would run
 * for a completed request).
 * The fix: WdfRequestUnmarkCancelable, and complete only if it did not return STATUS_CANCELLED.
 */
import { STATUS_CANCELLED, STATUS_SUCCESS, type DRIVER_OBJECT, type NTSTATUS } from "@wdfjs/kernel";
import { WdfRequestComplete, WdfRequestMarkCancelable, type WDFDEVICE, type WDFREQUEST } from "@wdfjs/kmdf";
import { BugDriverEntry, BugGetContext, IOCTL_BUG_TRIGGER } from "../common.js";

export const WDF_CANCELABLE_NAME = "WdfCancelable";

function CancelableEvtRequestCancel(Request: WDFREQUEST): void {
  WdfRequestComplete(Request, STATUS_CANCELLED);
}

function CancelableEvtIoDeviceControl(Device: WDFDEVICE, Request: WDFREQUEST, _OutputBufferLength: number, _InputBufferLength: number, IoControlCode: number): void {
  if (IoControlCode !== IOCTL_BUG_TRIGGER) {
    WdfRequestComplete(Request, STATUS_SUCCESS);
    return;
  }
  BugGetContext(Device).LastRequest = Request;
  WdfRequestMarkCancelable(Request, CancelableEvtRequestCancel);
  // ... the work is done at once ...
  // (missing: if (WdfRequestUnmarkCancelable(Request) === STATUS_CANCELLED) return;)
  WdfRequestComplete(Request, STATUS_SUCCESS);
}

export function WdfCancelableDriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS {
  return BugDriverEntry(DriverObject, RegistryPath, WDF_CANCELABLE_NAME, CancelableEvtIoDeviceControl);
}
