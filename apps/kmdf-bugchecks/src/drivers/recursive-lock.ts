/**
 * wdfrecurselock.sys — WDF_VIOLATION (0x10D), WDF_RECURSIVE_LOCK (0x2).
 *
 * The bug: the device uses automatic serialization (WdfSynchronizationScopeDevice), so the
 * framework already holds the device's callback lock while EvtIoDeviceControl runs; the driver,
 * "to be safe", takes the same lock again with WdfObjectAcquireLock. The callback lock
 * (FxCallbackSpinLock::Lock, fxcallbackspinlock.hpp) finds its owner acquiring it and stops the
 * machine in both flavors. P2 is the lock in Windows; the emulation's callback locks have no
 * address, so P2 is the device's handle (what fxverifierlock.cpp's WDF_RECURSIVE_LOCK puts there).
 * A WDFSPINLOCK taken twice is not this rule: it is a plain KSPIN_LOCK (FxSpinLock has no
 * recursion check), the kernel's SPIN_LOCK_ALREADY_OWNED.
 * The fix: do not lock in a callback the framework already serializes.
 */
import { STATUS_SUCCESS, type DRIVER_OBJECT, type NTSTATUS } from "@wdfjs/kernel";
import { WdfObjectAcquireLock, WdfObjectReleaseLock, WdfRequestComplete, WdfSynchronizationScopeDevice, type WDFDEVICE, type WDFREQUEST } from "@wdfjs/kmdf";
import { BugDriverEntry, BugGetContext, IOCTL_BUG_TRIGGER } from "../common.js";

export const WDF_RECURSIVE_LOCK_NAME = "WdfRecurseLock";

function RecurseEvtIoDeviceControl(Device: WDFDEVICE, Request: WDFREQUEST, _OutputBufferLength: number, _InputBufferLength: number, IoControlCode: number): void {
  if (IoControlCode === IOCTL_BUG_TRIGGER) {
    BugGetContext(Device).LastRequest = Request;
    WdfObjectAcquireLock(Device);
    // ... update the device's counters ...
    WdfObjectReleaseLock(Device);
  }
  WdfRequestComplete(Request, STATUS_SUCCESS);
}

export function WdfRecurseLockDriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS {
  return BugDriverEntry(DriverObject, RegistryPath, WDF_RECURSIVE_LOCK_NAME, RecurseEvtIoDeviceControl, null, null, WdfSynchronizationScopeDevice);
}
