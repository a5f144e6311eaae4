/**
 * wdfdeletedriver.sys — WdfObjectDelete of an object the framework owns.
 *
 * The bug: on IOCTL_BUG_TRIGGER the driver "cleans up" by deleting its WDFDRIVER. The framework
 * owns that object's lifetime (it goes when the driver unloads), so WdfObjectDelete refuses:
 * KMDF traces it (`wdf.delete-refused`; fxobjectapi.cpp breaks into an attached debugger) and
 * returns; nothing is deleted and there is no bug check, in either flavor. The driver keeps
 * working.
 * The fix: delete only objects the driver created (and not a PnP device, a driver or a request).
 */
import { STATUS_SUCCESS, type DRIVER_OBJECT, type NTSTATUS } from "@wdfjs/kernel";
import { WdfGetDriver, WdfObjectDelete, WdfRequestComplete, type WDFDEVICE, type WDFREQUEST } from "@wdfjs/kmdf";
import { BugDriverEntry, BugGetContext, IOCTL_BUG_TRIGGER } from "../common.js";

export const WDF_DELETE_DRIVER_NAME = "WdfDeleteDriver";

function DeleteDriverEvtIoDeviceControl(Device: WDFDEVICE, Request: WDFREQUEST, _OutputBufferLength: number, _InputBufferLength: number, IoControlCode: number): void {
  if (IoControlCode === IOCTL_BUG_TRIGGER) {
    const driver = WdfGetDriver()!;
    BugGetContext(Device).LastObject = driver;
    WdfObjectDelete(driver);
  }
  WdfRequestComplete(Request, STATUS_SUCCESS);
}

export function WdfDeleteDriverDriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS {
  return BugDriverEntry(DriverObject, RegistryPath, WDF_DELETE_DRIVER_NAME, DeleteDriverEvtIoDeviceControl);
}
