import { cur, isInsideMachine } from "../context.js";
import { KeBugCheckEx } from "../ke/bugcheck.js";
import {
  DRIVER_VERIFIER_DETECTED_VIOLATION, RESOURCE_NOT_OWNED, VF_DEADLOCK_DELETE_OWNED, VF_DEADLOCK_SELF, VF_DEADLOCK_UNINITIALIZED,
  VF_RESOURCE_ACQUIRE_APCS_ENABLED, VF_RESOURCE_DELETE_UNINITIALIZED, VF_RESOURCE_REINITIALIZED, VF_RESOURCE_RELEASE_APCS_ENABLED,
  VF_RULE_IRQL_EX_APC_LTE3,
} from "../ke/bugcheck-codes.js";
import {
  Executive, KEVENT, KeInitializeEvent, KeInitializeSemaphore, KernelMode, KeReleaseSemaphore, KeSetEvent, KeWaitForSingleObject,
  KSEMAPHORE, SynchronizationEvent, type KWAIT, type KWAIT_BLOCK,
} from "../ke/dispatcher.js";
import { APC_LEVEL, IrqlName } from "../ke/irql.js";
import { KWAIT_CALL } from "../ke/wait-call.js";
import { STATUS_SUCCESS, type NTSTATUS } from "../ntstatus.js";
import type { KTHREAD } from "../ps/process.js";

/** ERESOURCE.Flag: the resource is owned exclusively (by OwnerThreads[0]). */
export const ResourceOwnedExclusive = 0x80;

/** OWNER_ENTRY: a thread that owns the resource and how many times it acquired it. */
export class OWNER_ENTRY {
  constructor(
    /** Null for a moment after a release handed the resource to a waiter that has not run yet. */
    public OwnerThread: KTHREAD | null,
    public OwnerCount: number,
  ) {}
}

const UNINITIALIZED = 0;
const INITIALIZED = 1;
const DELETED = 2;

/**
 * ERESOURCE, a reader/writer lock, as Windows builds it: ActiveCount owners (one when
 * exclusive), their OWNER_ENTRYs with recursion counts, shared waiters on a semaphore and
 * exclusive waiters on a synchronization event. A release hands the resource over, so a
 * woken waiter already owns it: an exclusive release wakes every shared waiter (or else
 * the first exclusive one); a shared release that leaves no owner wakes the first
 * exclusive waiter. A new shared acquirer waits behind a waiting exclusive one, so writers
 * are not starved.
 */
export class ERESOURCE {
  ActiveCount = 0;
  Flag = 0;
  readonly OwnerThreads: OWNER_ENTRY[] = [];
  readonly SharedWaiters = new KSEMAPHORE();
  readonly ExclusiveWaiters = new KEVENT();
  NumberOfSharedWaiters = 0;
  NumberOfExclusiveWaiters = 0;
  ContentionCount = 0;
  /** A number for bug check parameters and messages (the resource's "address"). */
  readonly id = isInsideMachine() ? ++cur.objectIds : 0;
  /** ExInitializeResourceLite done, ExDeleteResourceLite not yet (the system resource list's membership). */
  state = UNINITIALIZED;
}
export type PERESOURCE = ERESOURCE;

/** `ExInitializeResourceLite`. The checked flavor refuses to initialise a live resource again (0xC4, 0xD0). */
export function ExInitializeResourceLite(Resource: ERESOURCE): NTSTATUS {
  if (cur.checked && Resource.state === INITIALIZED) {
    KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, VF_RESOURCE_REINITIALIZED, Resource.id, 0, 0, `ExInitializeResourceLite was called on resource #${Resource.id}, which is initialised and not deleted.`);
  }
  Resource.ActiveCount = 0;
  Resource.Flag = 0;
  Resource.OwnerThreads.length = 0;
  KeInitializeSemaphore(Resource.SharedWaiters, 0, 0x7fffffff);
  KeInitializeEvent(Resource.ExclusiveWaiters, SynchronizationEvent, false);
  Resource.NumberOfSharedWaiters = 0;
  Resource.NumberOfExclusiveWaiters = 0;
  Resource.ContentionCount = 0;
  Resource.state = INITIALIZED;
  return STATUS_SUCCESS;
}

/**
 * `ExDeleteResourceLite`. The checked flavor stops the machine for a resource never
 * initialised (0xC4, 0xD1) or still owned or waited for (0xC4, 0x100B); free Windows
 * just takes it off the resource list.
 */
export function ExDeleteResourceLite(Resource: ERESOURCE): NTSTATUS {
  if (cur.checked) {
    if (Resource.state !== INITIALIZED) {
      KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, VF_RESOURCE_DELETE_UNINITIALIZED, Resource.id, 0, 0, `ExDeleteResourceLite was called on resource #${Resource.id}, which is ${Resource.state === DELETED ? "already deleted" : "not initialised"}.`);
    }
    if (Resource.ActiveCount !== 0 || Resource.NumberOfExclusiveWaiters !== 0 || Resource.NumberOfSharedWaiters !== 0) {
      const owner = Resource.OwnerThreads.length > 0 ? Resource.OwnerThreads[0]!.OwnerThread : null;
      KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, VF_DEADLOCK_DELETE_OWNED, Resource.id, owner === null ? 0 : owner.UniqueThreadId, 0,
        `ExDeleteResourceLite was called on resource #${Resource.id} while ${Resource.ActiveCount} thread(s) own it${owner !== null ? ` (thread '${owner.name}' among them)` : ""} and ${Resource.NumberOfExclusiveWaiters + Resource.NumberOfSharedWaiters} wait for it.`);
    }
  }
  Resource.state = DELETED;
  return STATUS_SUCCESS;
}

function ExpFindOwner(Resource: ERESOURCE, t: KTHREAD | null): OWNER_ENTRY | null {
  if (t === null) return null;
  const owners = Resource.OwnerThreads;
  for (let i = 0; i < owners.length; i++) if (owners[i]!.OwnerThread === t) return owners[i]!;
  return null;
}

function isExclusive(Resource: ERESOURCE): boolean {
  return (Resource.Flag & ResourceOwnedExclusive) !== 0;
}

/**
 * The checked flavor's rules for an acquisition: an initialised resource (0xC4, 0x1002),
 * at or below APC_LEVEL (0xC4, 0x20007, rule IrqlExApcLte3), with normal kernel APCs
 * disabled (0xC4, 0x37: a thread suspended while it owns the resource must not be made
 * to run an APC that acquires it too).
 */
function ExpCheckAcquire(Resource: ERESOURCE, name: string): void {
  const m = cur;
  const irql = m.cpu.Irql;
  const t = m.cpu.thread;
  if (Resource.state !== INITIALIZED) {
    KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, VF_DEADLOCK_UNINITIALIZED, Resource.id, 0, 0, `${name} was called on resource #${Resource.id}, which is ${Resource.state === DELETED ? "deleted" : "not initialised (ExInitializeResourceLite)"}.`);
  }
  if (irql > APC_LEVEL) {
    KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, VF_RULE_IRQL_EX_APC_LTE3, irql, 0, 0, `${name} was called at ${IrqlName(irql)}, above APC_LEVEL (rule IrqlExApcLte3).`);
  }
  if (irql < APC_LEVEL && (t === null || (t.KernelApcDisable === 0 && t.SpecialApcDisable === 0))) {
    KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, VF_RESOURCE_ACQUIRE_APCS_ENABLED, irql, t === null ? 0 : t.KernelApcDisable, Resource.id,
      `${name} was called with normal kernel APCs enabled: call KeEnterCriticalRegion first, and KeLeaveCriticalRegion after ExReleaseResourceLite.`);
  }
}

function ExpTryExclusive(Resource: ERESOURCE, t: KTHREAD | null): boolean {
  if (Resource.ActiveCount === 0) {
    Resource.Flag |= ResourceOwnedExclusive;
    Resource.ActiveCount = 1;
    Resource.OwnerThreads.push(new OWNER_ENTRY(t, 1));
    return true;
  }
  if (isExclusive(Resource) && t !== null && Resource.OwnerThreads[0]!.OwnerThread === t) {
    Resource.OwnerThreads[0]!.OwnerCount++;
    return true;
  }
  return false;
}

function* ExpAcquireExclusiveWait(Resource: ERESOURCE): Generator<KWAIT_BLOCK, boolean, NTSTATUS> {
  if (ExpTryExclusive(Resource, cur.cpu.thread)) return true;
  Resource.ContentionCount++;
  Resource.NumberOfExclusiveWaiters++;
  yield* KeWaitForSingleObject(Resource.ExclusiveWaiters, Executive, KernelMode, false, null);
  // The release that woke us made the resource ours (ExpGrantExclusive): take the entry.
  Resource.OwnerThreads[0]!.OwnerThread = cur.cpu.thread;
  return true;
}

/**
 * `ExAcquireResourceExclusiveLite(Resource, Wait)`. Free or owned exclusively by the
 * caller (recursion): granted at once. Otherwise, with Wait FALSE it returns FALSE at
 * once (a BOOLEAN, not a wait); with Wait TRUE it is a waiting DDI returning a
 * KWAIT<boolean>: `yield* ExAcquireResourceExclusiveLite(r, true)`. A shared owner asking
 * for exclusive access would wait for itself forever: the checked flavor stops the
 * machine there (0xC4, 0x1000).
 */
export function ExAcquireResourceExclusiveLite(Resource: ERESOURCE, Wait: false): boolean;
export function ExAcquireResourceExclusiveLite(Resource: ERESOURCE, Wait: true): KWAIT<boolean>;
export function ExAcquireResourceExclusiveLite(Resource: ERESOURCE, Wait: boolean): boolean | KWAIT<boolean>;
export function ExAcquireResourceExclusiveLite(Resource: ERESOURCE, Wait: boolean): boolean | KWAIT<boolean> {
  const m = cur;
  const t = m.cpu.thread;
  if (m.checked) {
    ExpCheckAcquire(Resource, "ExAcquireResourceExclusiveLite");
    if (Wait && !isExclusive(Resource) && ExpFindOwner(Resource, t) !== null) {
      KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, VF_DEADLOCK_SELF, Resource.id, 0, 0,
        `Self-deadlock: thread '${t!.name}' owns resource #${Resource.id} shared and asked for it exclusively; it would wait for its own shared ownership to end. Release it first.`);
    }
  }
  if (!Wait) return ExpTryExclusive(Resource, t);
  return new KWAIT_CALL("ExAcquireResourceExclusiveLite", ExpAcquireExclusiveWait(Resource));
}

function ExpTryShared(Resource: ERESOURCE, t: KTHREAD | null): boolean {
  if (Resource.ActiveCount === 0) {
    Resource.ActiveCount = 1;
    Resource.OwnerThreads.push(new OWNER_ENTRY(t, 1));
    return true;
  }
  if (isExclusive(Resource)) {
    // Shared after exclusive by the same thread: counted as one more exclusive acquisition.
    if (t !== null && Resource.OwnerThreads[0]!.OwnerThread === t) {
      Resource.OwnerThreads[0]!.OwnerCount++;
      return true;
    }
    return false;
  }
  const mine = ExpFindOwner(Resource, t);
  if (mine !== null) {
    mine.OwnerCount++;
    return true;
  }
  // Behind a waiting exclusive acquirer, a new reader waits too (writers are not starved).
  if (Resource.NumberOfExclusiveWaiters !== 0) return false;
  Resource.ActiveCount++;
  Resource.OwnerThreads.push(new OWNER_ENTRY(t, 1));
  return true;
}

function* ExpAcquireSharedWait(Resource: ERESOURCE): Generator<KWAIT_BLOCK, boolean, NTSTATUS> {
  if (ExpTryShared(Resource, cur.cpu.thread)) return true;
  Resource.ContentionCount++;
  Resource.NumberOfSharedWaiters++;
  yield* KeWaitForSingleObject(Resource.SharedWaiters, Executive, KernelMode, false, null);
  // The release that woke us counted us in ActiveCount (ExpGrantShared): add our entry.
  Resource.OwnerThreads.push(new OWNER_ENTRY(cur.cpu.thread, 1));
  return true;
}

/**
 * `ExAcquireResourceSharedLite(Resource, Wait)`. Granted at once when the resource is
 * free, owned by the caller (shared, or exclusive: then it counts as one more exclusive
 * acquisition), or owned shared with no exclusive waiter. Wait FALSE returns the BOOLEAN
 * at once; Wait TRUE returns a KWAIT<boolean> to `yield*`.
 */
export function ExAcquireResourceSharedLite(Resource: ERESOURCE, Wait: false): boolean;
export function ExAcquireResourceSharedLite(Resource: ERESOURCE, Wait: true): KWAIT<boolean>;
export function ExAcquireResourceSharedLite(Resource: ERESOURCE, Wait: boolean): boolean | KWAIT<boolean>;
export function ExAcquireResourceSharedLite(Resource: ERESOURCE, Wait: boolean): boolean | KWAIT<boolean> {
  const m = cur;
  if (m.checked) ExpCheckAcquire(Resource, "ExAcquireResourceSharedLite");
  if (!Wait) return ExpTryShared(Resource, m.cpu.thread);
  return new KWAIT_CALL("ExAcquireResourceSharedLite", ExpAcquireSharedWait(Resource));
}

/** Every shared waiter becomes an owner at once (they add their entries as they run). */
function ExpGrantShared(Resource: ERESOURCE): void {
  const n = Resource.NumberOfSharedWaiters;
  Resource.Flag &= ~ResourceOwnedExclusive;
  Resource.ActiveCount += n;
  Resource.NumberOfSharedWaiters = 0;
  KeReleaseSemaphore(Resource.SharedWaiters, 0, n, false);
}

/** The first exclusive waiter becomes the owner; its entry names it when it runs. */
function ExpGrantExclusive(Resource: ERESOURCE): void {
  Resource.Flag |= ResourceOwnedExclusive;
  Resource.ActiveCount = 1;
  Resource.OwnerThreads.push(new OWNER_ENTRY(null, 1));
  Resource.NumberOfExclusiveWaiters--;
  KeSetEvent(Resource.ExclusiveWaiters, 0, false);
}

/**
 * `ExReleaseResourceLite`: releases one acquisition by the calling thread; the last one
 * hands the resource to its waiters. A thread that does not own it is RESOURCE_NOT_OWNED
 * (0xE3), in both flavors. The checked flavor also wants normal kernel APCs still
 * disabled (0xC4, 0x38): KeLeaveCriticalRegion comes after the release.
 */
export function ExReleaseResourceLite(Resource: ERESOURCE): void {
  const m = cur;
  const t = m.cpu.thread;
  if (m.checked) {
    const irql = m.cpu.Irql;
    if (irql < APC_LEVEL && (t === null || (t.KernelApcDisable === 0 && t.SpecialApcDisable === 0))) {
      KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, VF_RESOURCE_RELEASE_APCS_ENABLED, irql, t === null ? 0 : t.KernelApcDisable, Resource.id,
        "ExReleaseResourceLite was called with normal kernel APCs enabled: release the resource before KeLeaveCriticalRegion.");
    }
  }
  const owners = Resource.OwnerThreads;
  let i = -1;
  if (t !== null) for (let k = 0; k < owners.length; k++) if (owners[k]!.OwnerThread === t) i = k;
  if (i < 0) {
    KeBugCheckEx(RESOURCE_NOT_OWNED, Resource.id, t === null ? 0 : t.UniqueThreadId, 0, 0,
      `Thread '${t === null ? "(none)" : t.name}' released resource #${Resource.id}, which it does not own (${Resource.ActiveCount === 0 ? "nobody owns it" : isExclusive(Resource) ? "another thread owns it exclusively" : `${Resource.ActiveCount} other thread(s) own it shared`}).`);
  }
  const entry = owners[i]!;
  if (--entry.OwnerCount > 0) return;
  // Swap-remove: the table is unordered (the exclusive owner is its only entry).
  owners[i] = owners[owners.length - 1]!;
  owners.pop();
  if (isExclusive(Resource)) {
    Resource.ActiveCount = 0;
    if (Resource.NumberOfSharedWaiters !== 0) ExpGrantShared(Resource);
    else if (Resource.NumberOfExclusiveWaiters !== 0) ExpGrantExclusive(Resource);
    else Resource.Flag &= ~ResourceOwnedExclusive;
    return;
  }
  if (--Resource.ActiveCount === 0 && Resource.NumberOfExclusiveWaiters !== 0) ExpGrantExclusive(Resource);
}

/**
 * `ExConvertExclusiveToSharedLite`: the exclusive owner keeps the resource shared (with
 * the same recursion count), and the shared waiters are let in with it. The checked
 * flavor requires the caller to own it exclusively (RESOURCE_NOT_OWNED otherwise).
 */
export function ExConvertExclusiveToSharedLite(Resource: ERESOURCE): void {
  const m = cur;
  const t = m.cpu.thread;
  if (m.checked && !(isExclusive(Resource) && t !== null && Resource.OwnerThreads[0]!.OwnerThread === t)) {
    KeBugCheckEx(RESOURCE_NOT_OWNED, Resource.id, t === null ? 0 : t.UniqueThreadId, 0, 0, `ExConvertExclusiveToSharedLite was called on resource #${Resource.id}, which the caller does not own exclusively.`);
  }
  Resource.Flag &= ~ResourceOwnedExclusive;
  if (Resource.NumberOfSharedWaiters !== 0) ExpGrantShared(Resource);
}

/** `ExIsResourceAcquiredExclusiveLite`: does the calling thread own it exclusively? */
export function ExIsResourceAcquiredExclusiveLite(Resource: ERESOURCE): boolean {
  const t = cur.cpu.thread;
  return isExclusive(Resource) && t !== null && Resource.OwnerThreads[0]!.OwnerThread === t;
}

/**
 * `ExIsResourceAcquiredSharedLite`: how many times the calling thread holds the resource,
 * shared or exclusive (exclusive access includes shared), 0 if not at all. A ULONG in C.
 */
export function ExIsResourceAcquiredSharedLite(Resource: ERESOURCE): number {
  const e = ExpFindOwner(Resource, cur.cpu.thread);
  return e === null ? 0 : e.OwnerCount;
}

/** `ExGetExclusiveWaiterCount`. */
export function ExGetExclusiveWaiterCount(Resource: ERESOURCE): number {
  return Resource.NumberOfExclusiveWaiters;
}

/** `ExGetSharedWaiterCount`. */
export function ExGetSharedWaiterCount(Resource: ERESOURCE): number {
  return Resource.NumberOfSharedWaiters;
}
