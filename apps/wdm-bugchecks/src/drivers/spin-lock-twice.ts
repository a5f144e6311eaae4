/**
 * locktwice.sys — SPIN_LOCK_ALREADY_OWNED (0xF).
 *
 * The bug: the request handler takes the device's spin lock and, while holding it,
 * calls a helper that takes the same lock again. Spin locks are not recursive: the
 * processor would spin forever on a lock it owns. P1 is the spin lock (its id here).
 * The fix: a helper documented as "called with the lock held" that does not acquire it.
 */
import {
  KeAcquireSpinLock, KeReleaseSpinLock, KSPIN_LOCK, Out, STATUS_SUCCESS, WriteUlong, type DEVICE_OBJECT, type DRIVER_OBJECT,
  type IRP, type KIRQL, type NTSTATUS,
} from "@wdfjs/kernel";
import { CompleteIrp, CreateBugDevice, IOCTL_BUG_TRIGGER, UnknownIoctl } from "../common.js";

export const LOCK_TWICE_NAME = "LockTwice";

export class LOCK_TWICE_EXTENSION {
  readonly Lock = new KSPIN_LOCK();
  Requests = 0;
}

/** Counts a request. Takes the lock itself: fine on its own, fatal when the caller holds it. */
function CountRequest(e: LOCK_TWICE_EXTENSION): number {
  const irql = Out<KIRQL>(0);
  KeAcquireSpinLock(e.Lock, irql);
  const n = ++e.Requests;
  KeReleaseSpinLock(e.Lock, irql.value);
  return n;
}

function LockTwiceControl(DeviceObject: DEVICE_OBJECT, Irp: IRP, IoControlCode: number): NTSTATUS {
  if (IoControlCode !== IOCTL_BUG_TRIGGER) return UnknownIoctl(Irp);
  const e = DeviceObject.DeviceExtension as LOCK_TWICE_EXTENSION;
  const irql = Out<KIRQL>(0);
  KeAcquireSpinLock(e.Lock, irql);
  const n = CountRequest(e);
  KeReleaseSpinLock(e.Lock, irql.value);
  WriteUlong(Irp.AssociatedIrp.SystemBuffer, n);
  return CompleteIrp(Irp, STATUS_SUCCESS, 4);
}

export function LockTwiceDriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS {
  void RegistryPath;
  return CreateBugDevice(DriverObject, LOCK_TWICE_NAME, () => new LOCK_TWICE_EXTENSION(), LockTwiceControl);
}
