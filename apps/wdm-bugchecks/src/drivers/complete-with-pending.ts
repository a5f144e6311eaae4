/**
 * completepending.sys — DRIVER_VERIFIER_IOMANAGER_VIOLATION (0xC9), P1 0x06, checked flavor.
 *
 * The bug: the handler starts with `status = STATUS_PENDING` meaning to queue the
 * request, takes the fast path that finishes it at once, and completes it with the
 * status it started with. STATUS_PENDING is not a final status. The I/O verifier checks
 * this in IoCompleteRequest: P1 0x06, P2 the status (0x103), P3 the IRP's address.
 * In the free flavor nothing checks it, and the caller never gets an answer: the
 * request was completed with "still pending" and returned as pending, so nothing will
 * ever finish it (a synchronous caller waits forever).
 * The fix: set the real final status before IoCompleteRequest.
 */
import { STATUS_PENDING, type DEVICE_OBJECT, type DRIVER_OBJECT, type IRP, type NTSTATUS } from "@wdfjs/kernel";
import { CompleteIrp, CreateBugDevice, IOCTL_BUG_TRIGGER, UnknownIoctl } from "../common.js";

export const COMPLETE_PENDING_NAME = "CompletePending";

export class COMPLETE_PENDING_EXTENSION {
  LastIrp = 0;
}

function CompletePendingControl(DeviceObject: DEVICE_OBJECT, Irp: IRP, IoControlCode: number): NTSTATUS {
  if (IoControlCode !== IOCTL_BUG_TRIGGER) return UnknownIoctl(Irp);
  (DeviceObject.DeviceExtension as COMPLETE_PENDING_EXTENSION).LastIrp = Irp.address;
  const status = STATUS_PENDING;
  // The fast path: nothing to wait for after all.
  return CompleteIrp(Irp, status);
}

export function CompletePendingDriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS {
  void RegistryPath;
  return CreateBugDevice(DriverObject, COMPLETE_PENDING_NAME, () => new COMPLETE_PENDING_EXTENSION(), CompletePendingControl);
}
