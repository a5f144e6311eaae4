/**
 * wdflockop.sys — WDF_VIOLATION (0x10D), WDF_INVALID_LOCK_OPERATION (0xB), both forms.
 *
 * The bug, two ways: IOCTL_BUG_TRIGGER's error path releases the driver's WDFSPINLOCK although
 * only the success path acquired it (a release by a non-owner: P2 the WDFSPINLOCK, P3 1; known
 * only to the lock verifier's history, so the checked flavor); IOCTL_BUG_TRIGGER_2 calls
 * WdfObjectAcquireLock on its device, whose synchronization scope is None, so it has no callback
 * lock to take (P2 the device, P3 0; fxobjectapi.cpp checks it in both flavors). In the free
 * flavor the stray release reaches KeReleaseSpinLock, which finds the lock not held by the
 * processor: the kernel's SPIN_LOCK_NOT_OWNED (0x10).
 * The fix: release only what was acquired; create a WDFSPINLOCK (or set a synchronization scope)
 * for the device's own locking.
 */
import { Out, STATUS_INSUFFICIENT_RESOURCES, STATUS_INVALID_PARAMETER, STATUS_SUCCESS, type DRIVER_OBJECT, type NTSTATUS } from "@wdfjs/kernel";
import {
  WdfObjectAcquireLock, WdfObjectReleaseLock, WdfRequestComplete, WdfSpinLockAcquire, WdfSpinLockCreate, WdfSpinLockRelease, type WDFDEVICE,
  type WDFREQUEST, type WDFSPINLOCK,
} from "@wdfjs/kmdf";
import { BugDriverEntry, BugGetContext, IOCTL_BUG_TRIGGER, IOCTL_BUG_TRIGGER_2 } from "../common.js";

export const WDF_LOCK_OPERATION_NAME = "WdfLockOp";

function LockOpEvtIoDeviceControl(Device: WDFDEVICE, Request: WDFREQUEST, _OutputBufferLength: number, InputBufferLength: number, IoControlCode: number): void {
  const context = BugGetContext(Device);
  let status = STATUS_SUCCESS;
  if (IoControlCode === IOCTL_BUG_TRIGGER) {
    context.LastRequest = Request;
    const lock = context.LastObject as WDFSPINLOCK;
    if (InputBufferLength >= 4) {
      WdfSpinLockAcquire(lock);
      // ... update the shared state ...
    } else {
      status = STATUS_INVALID_PARAMETER;
    }
    WdfSpinLockRelease(lock); // (should be inside the success branch)
  } else if (IoControlCode === IOCTL_BUG_TRIGGER_2) {
    WdfObjectAcquireLock(Device);
    WdfObjectReleaseLock(Device);
  }
  WdfRequestComplete(Request, status);
}

export function WdfLockOpDriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS {
  const device = Out<WDFDEVICE | null>(null);
  const status = BugDriverEntry(DriverObject, RegistryPath, WDF_LOCK_OPERATION_NAME, LockOpEvtIoDeviceControl, device);
  if (status !== STATUS_SUCCESS) return status;
  const lock = Out<WDFSPINLOCK | null>(null);
  if (WdfSpinLockCreate(null, lock) !== STATUS_SUCCESS) return STATUS_INSUFFICIENT_RESOURCES;
  BugGetContext(device.value!).LastObject = lock.value!;
  return STATUS_SUCCESS;
}
