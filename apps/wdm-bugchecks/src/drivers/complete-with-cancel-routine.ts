/**
 * cancelleft.sys — DRIVER_VERIFIER_IOMANAGER_VIOLATION (0xC9), P1 0x07, checked flavor.
 *
 * The bug: the driver makes the request cancelable (IoSetCancelRoutine) while it works
 * on it, then completes it without taking the cancel routine off again. Once completed
 * the IRP is freed or reused, and a CancelIo arriving later would call the routine on
 * it. The I/O verifier checks this in IoCompleteRequest: P1 0x07, P2 the cancel routine's
 * address, P3 the IRP's.
 * In the free flavor nothing checks it: the request succeeds, and the bug waits for
 * the unlucky cancel.
 * The fix: `if (IoSetCancelRoutine(Irp, NULL) != NULL)` before completing (or a cancel-safe queue).
 */
import {
  IoReleaseCancelSpinLock, IoSetCancelRoutine, STATUS_CANCELLED, STATUS_SUCCESS, WriteUlong, type DEVICE_OBJECT,
  type DRIVER_OBJECT, type IRP, type NTSTATUS,
} from "@wdfjs/kernel";
import { CompleteIrp, CreateBugDevice, IOCTL_BUG_TRIGGER, UnknownIoctl } from "../common.js";

export const CANCEL_LEFT_NAME = "CancelLeft";

export class CANCEL_LEFT_EXTENSION {
  LastIrp = 0;
  Handled = 0;
}

function CancelLeftCancel(DeviceObject: DEVICE_OBJECT, Irp: IRP): void {
  void DeviceObject;
  IoReleaseCancelSpinLock(Irp.CancelIrql);
  CompleteIrp(Irp, STATUS_CANCELLED);
}

function CancelLeftControl(DeviceObject: DEVICE_OBJECT, Irp: IRP, IoControlCode: number): NTSTATUS {
  if (IoControlCode !== IOCTL_BUG_TRIGGER) return UnknownIoctl(Irp);
  const e = DeviceObject.DeviceExtension as CANCEL_LEFT_EXTENSION;
  e.LastIrp = Irp.address;
  IoSetCancelRoutine(Irp, CancelLeftCancel);
  WriteUlong(Irp.AssociatedIrp.SystemBuffer, ++e.Handled);
  // (missing: IoSetCancelRoutine(Irp, NULL);)
  return CompleteIrp(Irp, STATUS_SUCCESS, 4);
}

export function CancelLeftDriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS {
  void RegistryPath;
  return CreateBugDevice(DriverObject, CANCEL_LEFT_NAME, () => new CANCEL_LEFT_EXTENSION(), CancelLeftControl);
}
