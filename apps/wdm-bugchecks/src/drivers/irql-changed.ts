/**
 * lockleak.sys — DRIVER_VERIFIER_IOMANAGER_VIOLATION (0xC9), P1 0x05, checked flavor.
 *
 * The bug: the handler takes its spin lock, and the error path for a short input
 * buffer completes the request and returns without releasing it, so the dispatch
 * routine returns at DISPATCH_LEVEL though it was called at PASSIVE_LEVEL. The I/O
 * verifier checks the IRQL around every dispatch routine: P1 0x05, P2 the device object,
 * P3 the IRQL before (0), P4 the IRQL after (2).
 * The free flavor does not look at the dispatch routine; the system call returns to
 * user mode at DISPATCH_LEVEL and that is IRQL_GT_ZERO_AT_SYSTEM_SERVICE (0x4A), later
 * and without a driver's name.
 * The fix: release the lock on every path.
 */
import {
  KeAcquireSpinLock, KeReleaseSpinLock, KSPIN_LOCK, Out, ReadUlong, STATUS_BUFFER_TOO_SMALL, STATUS_SUCCESS, type DEVICE_OBJECT,
  type DRIVER_OBJECT, type IRP, type KIRQL, type NTSTATUS, IoGetCurrentIrpStackLocation,
} from "@wdfjs/kernel";
import { CompleteIrp, CreateBugDevice, IOCTL_BUG_TRIGGER, UnknownIoctl } from "../common.js";

export const LOCK_LEAK_NAME = "LockLeak";

export class LOCK_LEAK_EXTENSION {
  readonly Lock = new KSPIN_LOCK();
  Total = 0;
}

function LockLeakControl(DeviceObject: DEVICE_OBJECT, Irp: IRP, IoControlCode: number): NTSTATUS {
  if (IoControlCode !== IOCTL_BUG_TRIGGER) return UnknownIoctl(Irp);
  const e = DeviceObject.DeviceExtension as LOCK_LEAK_EXTENSION;
  const irql = Out<KIRQL>(0);
  KeAcquireSpinLock(e.Lock, irql);
  if (IoGetCurrentIrpStackLocation(Irp).Parameters.DeviceIoControl.InputBufferLength < 4) {
    // (missing: KeReleaseSpinLock(&e->Lock, irql);)
    return CompleteIrp(Irp, STATUS_BUFFER_TOO_SMALL);
  }
  e.Total += ReadUlong(Irp.AssociatedIrp.SystemBuffer);
  KeReleaseSpinLock(e.Lock, irql.value);
  return CompleteIrp(Irp, STATUS_SUCCESS);
}

export function LockLeakDriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS {
  void RegistryPath;
  return CreateBugDevice(DriverObject, LOCK_LEAK_NAME, () => new LOCK_LEAK_EXTENSION(), LockLeakControl);
}
