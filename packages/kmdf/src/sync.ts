import { DISPATCH_LEVEL, NT_SUCCESS, PASSIVE_LEVEL, type Box, type KWAIT_GENERATOR, type NTSTATUS } from "@wdfjs/kernel";
import {
  FxCreateObject, FxGetCallbackLock, FxObjectHandleGetAnyPtr, FxObjectHandleGetPtr, FxSpinLock, FxVerifierBugCheck, FxVerifierCheckIrqlLevel, FxWaitLock,
  FX_TYPE_SPIN_LOCK, FX_TYPE_WAIT_LOCK, WDF_INVALID_LOCK_OPERATION, WDF_RECURSIVE_LOCK, type PWDF_OBJECT_ATTRIBUTES, type WDFOBJECT, type WDFSPINLOCK, type WDFWAITLOCK,
} from "@wdfjs/framework";
import { Created, Enter } from "./ddi.js";
import { WdfCheckIrql } from "./irql.js";

// Also exported here, where it was defined before the core took it (wdftypes.h).
export type { WDFSPINLOCK, WDFWAITLOCK } from "@wdfjs/framework";

/** `WdfSpinLockCreate`: a WDFSPINLOCK, parented to the driver unless the attributes say otherwise. */
export function WdfSpinLockCreate(SpinLockAttributes: PWDF_OBJECT_ATTRIBUTES, SpinLock: Box<WDFSPINLOCK | null>): NTSTATUS {
  const status = WdfCheckIrql("WdfSpinLockCreate");
  if (!NT_SUCCESS(status)) return status;
  SpinLock.value = null;
  return Created(FxCreateObject(new FxSpinLock(), SpinLockAttributes), SpinLock);
}

/** `WdfSpinLockAcquire`: raises to DISPATCH_LEVEL and takes the lock (the kernel's rules for a lock already held). */
export function WdfSpinLockAcquire(SpinLock: WDFSPINLOCK): void {
  Enter<FxSpinLock>(SpinLock, FX_TYPE_SPIN_LOCK, "WdfSpinLockAcquire")?.acquireLock();
}

/** `WdfSpinLockRelease`: returns to the IRQL of the acquire; a caller that does not hold it → WDF_VIOLATION 0xB, P3 1. */
export function WdfSpinLockRelease(SpinLock: WDFSPINLOCK): void {
  Enter<FxSpinLock>(SpinLock, FX_TYPE_SPIN_LOCK, "WdfSpinLockRelease")?.releaseLock();
}

/** `WdfWaitLockCreate`: a WDFWAITLOCK, free, parented to the driver unless the attributes say otherwise. */
export function WdfWaitLockCreate(LockAttributes: PWDF_OBJECT_ATTRIBUTES, Lock: Box<WDFWAITLOCK | null>): NTSTATUS {
  const status = WdfCheckIrql("WdfWaitLockCreate");
  if (!NT_SUCCESS(status)) return status;
  Lock.value = null;
  return Created(FxCreateObject(new FxWaitLock(), LockAttributes), Lock);
}

/**
 * `WdfWaitLockAcquire`: waits (`yield*`) up to Timeout (100 ns units, negative relative; null
 * forever, at PASSIVE_LEVEL; 0 only tries, allowed at DISPATCH_LEVEL) → STATUS_SUCCESS or STATUS_TIMEOUT.
 */
export function* WdfWaitLockAcquire(Lock: WDFWAITLOCK, Timeout: number | null): KWAIT_GENERATOR<NTSTATUS> {
  const lock = FxObjectHandleGetPtr(Lock, FX_TYPE_WAIT_LOCK) as FxWaitLock;
  const status = FxVerifierCheckIrqlLevel("WdfWaitLockAcquire", Timeout === 0 ? DISPATCH_LEVEL : PASSIVE_LEVEL);
  return NT_SUCCESS(status) ? yield* lock.acquireLock(Timeout) : status;
}

/** `WdfWaitLockRelease`: one waiter gets the lock. */
export function WdfWaitLockRelease(Lock: WDFWAITLOCK): void {
  Enter<FxWaitLock>(Lock, FX_TYPE_WAIT_LOCK, "WdfWaitLockRelease")?.releaseLock();
}

/**
 * `WdfObjectAcquireLock` (fxobjectapi.cpp): takes the callback lock of a device or queue whose
 * synchronization scope gives it one, as its callbacks hold it. An object without one →
 * WDF_VIOLATION 0xB (WDF_INVALID_LOCK_OPERATION), P2 the handle, P3 0. A passive-level lock
 * held by another thread cannot be waited for here (the emulation's callbacks do not wait):
 * the same bug check says so. The caller holding it already → WDF_RECURSIVE_LOCK (0x2).
 */
export function WdfObjectAcquireLock(Object: WDFOBJECT): void {
  const lock = FxGetCallbackLock(FxObjectHandleGetAnyPtr(Object));
  if (lock === null) FxVerifierBugCheck(WDF_INVALID_LOCK_OPERATION, Object, 0, "WdfObjectAcquireLock: the object has no callback lock (its synchronization scope is None).");
  if (!NT_SUCCESS(FxVerifierCheckIrqlLevel("WdfObjectAcquireLock", lock.passive ? PASSIVE_LEVEL : DISPATCH_LEVEL))) return;
  // FxCallbackSpinLock/MutexLock::Lock: the owner taking it again (a callback the framework already
  // serializes with this lock) is WDF_RECURSIVE_LOCK (0x2) in both flavors. WDF's P2 is the lock's
  // address; the emulation's locks have none, so P2 is the object's handle (FxVerifierLock's P2).
  if (lock.isOwner()) FxVerifierBugCheck(WDF_RECURSIVE_LOCK, Object, 0, "WdfObjectAcquireLock: the caller already holds the object's callback lock (a recursive acquire).");
  if (!lock.tryAcquire()) FxVerifierBugCheck(WDF_INVALID_LOCK_OPERATION, Object, 0, "WdfObjectAcquireLock: the passive-level lock is held by another thread.");
}

/** `WdfObjectReleaseLock`: releases what WdfObjectAcquireLock took (no lock → WDF_VIOLATION 0xB, P3 0). */
export function WdfObjectReleaseLock(Object: WDFOBJECT): void {
  const lock = FxGetCallbackLock(FxObjectHandleGetAnyPtr(Object));
  if (lock === null) FxVerifierBugCheck(WDF_INVALID_LOCK_OPERATION, Object, 0, "WdfObjectReleaseLock: the object has no callback lock (its synchronization scope is None).");
  if (NT_SUCCESS(WdfCheckIrql("WdfObjectReleaseLock"))) lock.release();
}
