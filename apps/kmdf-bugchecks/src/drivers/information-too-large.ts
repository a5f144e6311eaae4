/**
 * wdfinfolarge.sys — WDF_VIOLATION (0x10D), WDF_REQUEST_FATAL_ERROR (0x6) with
 * WDF_REQUEST_FATAL_ERROR_INFORMATION_LENGTH_MISMATCH (0x4).
 *
 * The bug: the driver reports the size of its whole record as the bytes returned, not the size
 * of the caller's output buffer it actually filled. The checked flavor's completion check
 * (FxRequest::VerifyCompleteInternal) compares Information with the output buffer's length and
 * stops the machine: P2 0x4, P3 the request. In the free flavor the I/O manager copies
 * Information bytes back to the caller (METHOD_BUFFERED): more than the caller's buffer holds.
 * The fix: complete with at most OutputBufferLength.
 */
import { STATUS_SUCCESS, type DRIVER_OBJECT, type NTSTATUS } from "@wdfjs/kernel";
import { WdfRequestComplete, WdfRequestCompleteWithInformation, type WDFDEVICE, type WDFREQUEST } from "@wdfjs/kmdf";
import { BugDriverEntry, BugGetContext, IOCTL_BUG_TRIGGER } from "../common.js";

export const WDF_INFO_LARGE_NAME = "WdfInfoLarge";
/** The driver's record: what it claims to have returned. */
export const WDF_INFO_LARGE_RECORD = 64;

function InfoLargeEvtIoDeviceControl(Device: WDFDEVICE, Request: WDFREQUEST, _OutputBufferLength: number, _InputBufferLength: number, IoControlCode: number): void {
  if (IoControlCode !== IOCTL_BUG_TRIGGER) {
    WdfRequestComplete(Request, STATUS_SUCCESS);
    return;
  }
  BugGetContext(Device).LastRequest = Request;
  // (should be: Math.min(WDF_INFO_LARGE_RECORD, OutputBufferLength))
  WdfRequestCompleteWithInformation(Request, STATUS_SUCCESS, WDF_INFO_LARGE_RECORD);
}

export function WdfInfoLargeDriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS {
  return BugDriverEntry(DriverObject, RegistryPath, WDF_INFO_LARGE_NAME, InfoLargeEvtIoDeviceControl);
}
