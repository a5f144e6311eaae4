/**
 * wdfnewapi.sys — WDF_VIOLATION (0x10D), WDF_API_UNAVAILABLE (0x10).
 *
 * The bug: the driver was built for a newer KMDF minor version than the machine runs and calls a
 * function this framework does not have without checking WDF_IS_FUNCTION_AVAILABLE. Its KMDF
 * stub (the library linked into every KMDF driver) finds the function table too short and calls
 * WdfDriverErrorReportApiMissing (fxdriverapi.cpp) instead, as `NewerKmdfFunction` does here.
 * IOCTL_BUG_TRIGGER: a function that returns VOID — WDF cannot fail it safely, so both flavors
 * stop: P2 and P3 the driver's and the extension's names (string addresses in Windows; 0 here,
 * the explanation names them), P4 the function's index. IOCTL_BUG_TRIGGER_2: a function that
 * returns NTSTATUS — only the checked flavor (the KMDF verifier on) stops; the free flavor gets
 * STATUS_PROCEDURE_NOT_FOUND, which the driver passes on.
 * The fix: `if (WDF_IS_FUNCTION_AVAILABLE(...))` before the call, or target the oldest version
 * that has everything the driver calls.
 */
import { STATUS_SUCCESS, type DRIVER_OBJECT, type NTSTATUS } from "@wdfjs/kernel";
import { WdfDriverErrorReportApiMissing, WdfGetDriver, WdfRequestComplete, type WDFDEVICE, type WDFREQUEST } from "@wdfjs/kmdf";
import { BugDriverEntry, BugGetContext, IOCTL_BUG_TRIGGER, IOCTL_BUG_TRIGGER_2 } from "../common.js";

export const WDF_API_UNAVAILABLE_NAME = "WdfNewApi";
/** The index, in the newer version's function table, of the function the driver calls (past the end of 1.33's). */
export const WDF_API_UNAVAILABLE_INDEX = 466;

/** What the KMDF stub runs for a function index past the framework's table. */
function NewerKmdfFunction(ReturnsNtstatus: boolean): NTSTATUS {
  return WdfDriverErrorReportApiMissing(WdfGetDriver()!, null, WDF_API_UNAVAILABLE_INDEX, ReturnsNtstatus);
}

function NewApiEvtIoDeviceControl(Device: WDFDEVICE, Request: WDFREQUEST, _OutputBufferLength: number, _InputBufferLength: number, IoControlCode: number): void {
  let status = STATUS_SUCCESS;
  if (IoControlCode === IOCTL_BUG_TRIGGER || IoControlCode === IOCTL_BUG_TRIGGER_2) {
    BugGetContext(Device).LastRequest = Request;
    // (missing: WDF_IS_FUNCTION_AVAILABLE)
    status = NewerKmdfFunction(IoControlCode === IOCTL_BUG_TRIGGER_2);
    if (IoControlCode === IOCTL_BUG_TRIGGER) status = STATUS_SUCCESS;
  }
  WdfRequestComplete(Request, status);
}

export function WdfNewApiDriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS {
  return BugDriverEntry(DriverObject, RegistryPath, WDF_API_UNAVAILABLE_NAME, NewApiEvtIoDeviceControl);
}
