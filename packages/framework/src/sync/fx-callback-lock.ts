import {
  DelayedWorkQueue, Executive, IoAllocateWorkItem, IoFreeWorkItem, IoQueueWorkItem, KeAcquireSpinLock, KeClearEvent, KeGetCurrentIrql, KeGetCurrentProcessorNumber,
  KeInitializeEvent, KernelMode, KeReadStateEvent, KeReleaseSpinLock, KeSetEvent, KEVENT, KeWaitForSingleObject, KSPIN_LOCK, Out, PASSIVE_LEVEL, PsGetCurrentThread,
  STATUS_INVALID_DEVICE_REQUEST, SynchronizationEvent, type NTSTATUS, type DEVICE_OBJECT, type KIRQL, type KTHREAD, type KWAIT_GENERATOR,
} from "@wdfjs/kernel";
import { startSystemThread } from "@wdfjs/kernel/internal";
import type { FxObject } from "../object/fx-object.js";
import { STATUS_WDF_INCOMPATIBLE_EXECUTION_LEVEL } from "../wdfstatus.js";
import {
  FX_TYPE_DEVICE, FX_TYPE_DRIVER, FX_TYPE_MP_DEVICE, FX_TYPE_QUEUE, WdfExecutionLevelDispatch, WdfExecutionLevelInheritFromParent, WdfExecutionLevelPassive,
  WdfSynchronizationScopeDevice, WdfSynchronizationScopeInheritFromParent, WdfSynchronizationScopeNone, WdfSynchronizationScopeQueue,
  type WDF_EXECUTION_LEVEL, type WDF_SYNCHRONIZATION_SCOPE,
} from "../object/types.js";

/**
 * `FxCallbackLock` (fxcallbacklock.hpp): the lock the framework holds around a driver callback
 * of an object with automatic serialization. A device or queue whose synchronization scope is
 * Device or Queue has one; which kind follows its execution level: a spin lock at DISPATCH
 * (`FxCallbackSpinLock`), a wait lock at PASSIVE (`FxCallbackMutexLock`).
 */
export abstract class FxCallbackLock {
  abstract readonly passive: boolean;
  /** Is the caller the one holding the lock (`IsOwner`)? */
  abstract isOwner(): boolean;
  /** Takes the lock if it is free; false if another holds it. */
  abstract tryAcquire(): boolean;
  /** Waits for the lock (a passive-level lock only). */
  abstract acquireWait(): KWAIT_GENERATOR<void>;
  abstract release(): void;
}

/** `FxCallbackSpinLock`: a KSPIN_LOCK; callbacks run at DISPATCH_LEVEL while it is held. */
export class FxCallbackSpinLock extends FxCallbackLock {
  readonly passive = false;
  readonly lock = new KSPIN_LOCK();
  private oldIrql: KIRQL = PASSIVE_LEVEL;
  private readonly box = Out<KIRQL>(PASSIVE_LEVEL);

  isOwner(): boolean {
    return this.lock.owner !== null && this.lock.owner.Number === KeGetCurrentProcessorNumber();
  }

  tryAcquire(): boolean {
    // One unit of work runs at a time and nothing nests while a spin lock is held: a held lock
    // here is the caller's own (the caller checks `isOwner` first) or a holder that returned
    // without releasing, which the kernel's spin lock reports.
    KeAcquireSpinLock(this.lock, this.box);
    this.oldIrql = this.box.value;
    return true;
  }

  *acquireWait(): KWAIT_GENERATOR<void> {
    this.tryAcquire();
  }

  release(): void {
    KeReleaseSpinLock(this.lock, this.oldIrql);
  }
}

/**
 * `FxCallbackMutexLock`: a passive-level lock owned by a thread (a synchronization event, as
 * FxWaitLock is). A caller that finds it taken by another thread cannot spin: the framework
 * defers the callback to a work item that waits for it.
 */
export class FxCallbackMutexLock extends FxCallbackLock {
  readonly passive = true;
  owner: KTHREAD | null = null;
  readonly event = new KEVENT();

  constructor() {
    super();
    KeInitializeEvent(this.event, SynchronizationEvent, true);
  }

  isOwner(): boolean {
    return KeReadStateEvent(this.event) === 0 && this.owner === PsGetCurrentThread();
  }

  tryAcquire(): boolean {
    if (KeReadStateEvent(this.event) === 0) return false;
    KeClearEvent(this.event);
    this.owner = PsGetCurrentThread();
    return true;
  }

  *acquireWait(): KWAIT_GENERATOR<void> {
    yield* KeWaitForSingleObject(this.event, Executive, KernelMode, false, null);
    this.owner = PsGetCurrentThread();
  }

  release(): void {
    this.owner = null;
    KeSetEvent(this.event, 0, false);
  }
}

/** The scope an object resolves to: its own unless it inherits, then its parent's, up to the driver's. */
export function FxGetEffectiveSynchronizationScope(object: FxObject): WDF_SYNCHRONIZATION_SCOPE {
  for (let o: FxObject | null = object; o !== null; o = o.parent) {
    if (o.synchronizationScope !== WdfSynchronizationScopeInheritFromParent) return o.synchronizationScope;
    if (o.type === FX_TYPE_DRIVER) break;
  }
  return WdfSynchronizationScopeNone;
}

/** The execution level an object resolves to (the driver's default is Dispatch). */
export function FxGetEffectiveExecutionLevel(object: FxObject): WDF_EXECUTION_LEVEL {
  for (let o: FxObject | null = object; o !== null; o = o.parent) {
    if (o.executionLevel !== WdfExecutionLevelInheritFromParent) return o.executionLevel;
    if (o.type === FX_TYPE_DRIVER) break;
  }
  return WdfExecutionLevelDispatch;
}

function makeLock(object: FxObject): FxCallbackLock {
  return FxGetEffectiveExecutionLevel(object) === WdfExecutionLevelPassive ? new FxCallbackMutexLock() : new FxCallbackSpinLock();
}

/**
 * `FxObject::_GetEffectiveLock` (fxobject.cpp): the callback lock that serializes an object's
 * callbacks, or null. A device with Device scope has its own; a queue uses its device's lock
 * (Device scope) or its own (Queue scope); any other object (a timer, DPC or work item with
 * AutomaticSerialization) uses the lock of its parent queue or device.
 */
export function FxGetCallbackLock(object: FxObject): FxCallbackLock | null {
  if (object.type === FX_TYPE_DEVICE || object.type === FX_TYPE_MP_DEVICE) {
    if (FxGetEffectiveSynchronizationScope(object) !== WdfSynchronizationScopeDevice) return null;
    return (object.callbackLock ??= makeLock(object));
  }
  if (object.type === FX_TYPE_QUEUE) {
    const scope = FxGetEffectiveSynchronizationScope(object);
    if (scope === WdfSynchronizationScopeQueue) return (object.callbackLock ??= makeLock(object));
    if (scope === WdfSynchronizationScopeDevice) return object.parent === null ? null : FxGetCallbackLock(object.parent);
    return null;
  }
  return object.parent === null || object.type === FX_TYPE_DRIVER ? null : FxGetCallbackLock(object.parent);
}

/** `FxDeviceBase::_SearchForDevice`: the object itself or its nearest ancestor that is a device or a queue (the one with callbacks). */
export function FxSearchForCallbacksObject(object: FxObject): FxObject | null {
  for (let o: FxObject | null = object; o !== null; o = o.parent) if (o.type === FX_TYPE_DEVICE || o.type === FX_TYPE_MP_DEVICE || o.type === FX_TYPE_QUEUE) return o;
  return null;
}

/**
 * `FxObject::_GetEffectiveLock` for a timer, DPC or work item parented to `parent`: with
 * AutomaticSerialization, the callback lock of the parent's device or queue; a lock of the other
 * execution level (a passive wait lock for a DPC, a spin lock for a passive timer or work item)
 * is STATUS_WDF_INCOMPATIBLE_EXECUTION_LEVEL; a parent without callbacks (not under a device)
 * STATUS_INVALID_DEVICE_REQUEST. Returns the lock or a status.
 */
export function FxGetEffectiveLock(parent: FxObject, AutomaticSerialization: boolean, PassiveCallbacks: boolean): FxCallbackLock | null | NTSTATUS {
  if (!AutomaticSerialization) return null;
  const callbacks = FxSearchForCallbacksObject(parent);
  if (callbacks === null) return STATUS_INVALID_DEVICE_REQUEST;
  const lock = FxGetCallbackLock(callbacks);
  if (lock === null) return null;
  if (lock.passive !== PassiveCallbacks) return STATUS_WDF_INCOMPATIBLE_EXECUTION_LEVEL;
  return lock;
}

/** Runs `fn` holding `lock` (already resolved), at the caller's IRQL; the holder itself runs it nested. */
export function FxCallbackRunLocked<S, A>(lock: FxCallbackLock, fn: (this: S, a: A) => void, self: S, a: A): void {
  if (lock.isOwner()) {
    fn.call(self, a);
    return;
  }
  if (!lock.tryAcquire()) {
    // Another thread holds the wait lock: a work item waits for it (PASSIVE_LEVEL callers only get here).
    FxCallbackDeferLock(lock, fn, self, a);
    return;
  }
  try {
    fn.call(self, a);
  } finally {
    lock.release();
  }
}

function FxCallbackDeferLock<S, A>(lock: FxCallbackLock, fn: (this: S, a: A) => void, self: S, a: A): void {
  // A system worker: no device to hold (the kernel's work item routine machinery).
  startSystemThread("wdf callback", null, (function* (): KWAIT_GENERATOR<void> {
    yield* lock.acquireWait();
    try {
      fn.call(self, a);
    } finally {
      lock.release();
    }
  })());
}

/** Whether a callback must be moved off DISPATCH_LEVEL (a passive-level object called at raised IRQL). */
export function FxNeedsPassive(object: FxObject): boolean {
  return FxGetEffectiveExecutionLevel(object) === WdfExecutionLevelPassive && KeGetCurrentIrql() > PASSIVE_LEVEL;
}

/** The WDM device object of the device an object belongs to (its work items run for it). */
export function FxDeviceObjectOf(object: FxObject): DEVICE_OBJECT | null {
  for (let o: FxObject | null = object; o !== null; o = o.parent) {
    if (o.type === FX_TYPE_DEVICE || o.type === FX_TYPE_MP_DEVICE) return (o as FxObject & { DeviceObject: DEVICE_OBJECT | null }).DeviceObject;
    if (o.type === FX_TYPE_QUEUE) return (o as FxObject & { device: { DeviceObject: DEVICE_OBJECT | null } }).device.DeviceObject;
  }
  return null;
}

/**
 * Runs a driver callback of `object` the way its synchronization scope and execution level
 * say (`FxCallbackLock::Lock` around the call in WDF): under its callback lock if it has one,
 * and at PASSIVE_LEVEL if it is a passive-level object. A callback that cannot run here (a
 * passive-level object at DISPATCH_LEVEL, a wait lock held by another thread) goes to a work
 * item that waits for the lock, as WDF defers a passive-level queue's presentation. The holder
 * itself calling back (a callback completes a request and the queue presents the next) runs
 * nested under the lock it holds. No closure: the hot path passes the function and its argument.
 */
export function FxCallbackInvoke<S, A>(object: FxObject, fn: (this: S, a: A) => void, self: S, a: A): void {
  let resolution = object.invokeResolution;
  if (resolution === 0) resolution = FxCallbackResolve(object);
  if (resolution !== 3) {
    if (resolution === 2 && KeGetCurrentIrql() > PASSIVE_LEVEL) FxCallbackDefer(object, null, fn, self, a);
    else fn.call(self, a);
    return;
  }
  const lock = object.invokeLock!;
  if (lock.isOwner()) {
    fn.call(self, a);
    return;
  }
  if (lock.passive && (KeGetCurrentIrql() > PASSIVE_LEVEL || !lock.tryAcquire())) {
    FxCallbackDefer(object, lock, fn, self, a);
    return;
  }
  if (!lock.passive) lock.tryAcquire();
  try {
    fn.call(self, a);
  } finally {
    lock.release();
  }
}

/** Resolves, once, how an object's callbacks run (FxCallbackInvoke's cache). */
function FxCallbackResolve(object: FxObject): number {
  const lock = FxGetCallbackLock(object);
  object.invokeLock = lock;
  object.invokeResolution = lock !== null ? 3 : FxGetEffectiveExecutionLevel(object) === WdfExecutionLevelPassive ? 2 : 1;
  return object.invokeResolution;
}

export function FxCallbackDefer<S, A>(object: FxObject, lock: FxCallbackLock | null, fn: (this: S, a: A) => void, self: S, a: A): void {
  const device = FxDeviceObjectOf(object);
  if (device === null) {
    fn.call(self, a);
    return;
  }
  const item = IoAllocateWorkItem(device);
  IoQueueWorkItem(item, function* (): KWAIT_GENERATOR<void> {
    IoFreeWorkItem(item);
    if (lock !== null) yield* lock.acquireWait();
    try {
      fn.call(self, a);
    } finally {
      lock?.release();
    }
  }, DelayedWorkQueue, null);
}
