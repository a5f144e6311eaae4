import { cur, isInsideMachine } from "../context.js";
import { KeBugCheckEx } from "../ke/bugcheck.js";
import {
  DRIVER_VERIFIER_DETECTED_VIOLATION, KMODE_EXCEPTION_NOT_HANDLED, VF_REMOVE_LOCK_REINITIALIZED, VF_REMOVE_LOCK_RELEASE_AND_WAIT_TAG,
  VF_REMOVE_LOCK_RELEASE_TAG,
} from "../ke/bugcheck-codes.js";
import {
  Executive, IO_NO_INCREMENT, KEVENT, KeInitializeEvent, KernelMode, KeSetEvent, KeWaitForSingleObject, KiCheckWait, SynchronizationEvent,
  type KWAIT, type KWAIT_BLOCK,
} from "../ke/dispatcher.js";
import { KWAIT_CALL } from "../ke/wait-call.js";
import { formatAddress } from "../mm/layout.js";
import { STATUS_BREAKPOINT, STATUS_DELETE_PENDING, STATUS_SUCCESS, type NTSTATUS } from "../ntstatus.js";

/** One acquisition the checked build tracks: its tag and when it was taken. */
export class IO_REMOVE_LOCK_TRACKING_BLOCK {
  constructor(
    readonly Tag: unknown,
    /** Machine time of the acquisition, in 100 ns units. */
    readonly LockMoment: number,
  ) {}
}

/**
 * IO_REMOVE_LOCK: IO_REMOVE_LOCK_COMMON_BLOCK (Removed, IoCount, RemoveEvent) and, in the
 * checked flavor, IO_REMOVE_LOCK_DBG_BLOCK (HighWatermark, MaxLockedTicks, AllocateTag and
 * the tracking blocks of the outstanding acquisitions). IoCount starts at 1, the lock's
 * own bias that IoReleaseRemoveLockAndWait drops with the caller's acquisition.
 */
export class IO_REMOVE_LOCK {
  Removed = false;
  IoCount = 0;
  readonly RemoveEvent = new KEVENT();
  HighWatermark = 0;
  /** MaxLockedMinutes in 100 ns units; 0 for no limit. */
  MaxLockedTicks = 0;
  AllocateTag = 0;
  /** Outstanding acquisitions (checked flavor), in no particular order. */
  readonly Blocks: IO_REMOVE_LOCK_TRACKING_BLOCK[] = [];
  /** A number for bug check parameters and messages (the lock's "address"). */
  readonly id = isInsideMachine() ? ++cur.objectIds : 0;
  initialized = false;
}
export type PIO_REMOVE_LOCK = IO_REMOVE_LOCK;

/** A tag as a bug check parameter: an IRP's address, a number, or 0. */
function tagValue(Tag: unknown): number {
  if (typeof Tag === "number") return Tag;
  if (typeof Tag === "object" && Tag !== null && typeof (Tag as { address?: unknown }).address === "number") return (Tag as { address: number }).address;
  return 0;
}

/** A tag as a message shows it: an object by its kind and address, a number in hex, never `[object Object]`. */
function tagText(Tag: unknown): string {
  if (typeof Tag === "number") return formatAddress(Tag);
  const address = tagValue(Tag);
  const kind = typeof Tag === "object" && Tag !== null ? ((Tag as { constructor?: { name?: string } }).constructor?.name ?? "object") : "";
  if (address !== 0) return `${kind} at ${formatAddress(address)}`;
  if (kind !== "") return `a ${kind}`;
  return typeof Tag === "string" ? JSON.stringify(Tag) : String(Tag);
}

/**
 * A failed ASSERT in the checked build's remove lock code (remlock.c). With no kernel
 * debugger attached, the breakpoint RtlAssert raises is an unhandled exception:
 * KMODE_EXCEPTION_NOT_HANDLED with STATUS_BREAKPOINT.
 */
function IopRemoveLockAssert(message: string): never {
  return KeBugCheckEx(KMODE_EXCEPTION_NOT_HANDLED, STATUS_BREAKPOINT >>> 0, 0, 0, 0, `Assertion failed in the checked build's remove lock code: ${message}`);
}

/**
 * `IoInitializeRemoveLock(Lock, AllocateTag, MaxLockedMinutes, HighWatermark)`. The last
 * three serve the checked flavor's tracking only: acquisitions outstanding beyond
 * HighWatermark (0: no limit; it counts the lock's bias too, as remlock.c does) or held
 * longer than MaxLockedMinutes (0: no limit) fail its assertions. A lock is initialised
 * once (Driver Verifier: 0xC4, 0xD7 on a second time).
 */
export function IoInitializeRemoveLock(Lock: IO_REMOVE_LOCK, AllocateTag: number, MaxLockedMinutes: number, HighWatermark: number): void {
  const m = cur;
  if (m.checked && Lock.initialized) {
    KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, VF_REMOVE_LOCK_REINITIALIZED, Lock.id, Lock.id, 0,
      `IoInitializeRemoveLock was called on remove lock #${Lock.id} a second time: other threads may still be using it. Initialise a remove lock once, in its device extension.`);
  }
  Lock.initialized = true;
  Lock.Removed = false;
  Lock.IoCount = 1;
  KeInitializeEvent(Lock.RemoveEvent, SynchronizationEvent, false);
  Lock.AllocateTag = AllocateTag;
  Lock.HighWatermark = HighWatermark;
  Lock.MaxLockedTicks = MaxLockedMinutes * 60 * 10_000_000;
  Lock.Blocks.length = 0;
}

/**
 * `IoAcquireRemoveLock(Lock, Tag)`: STATUS_SUCCESS, one more acquisition the device's
 * removal will wait for; or STATUS_DELETE_PENDING once IoReleaseRemoveLockAndWait has
 * been called, and the caller must fail its request. Tag (any value, usually the IRP)
 * names the acquisition for the checked flavor's tracking.
 */
export function IoAcquireRemoveLock(Lock: IO_REMOVE_LOCK, Tag: unknown): NTSTATUS {
  const m = cur;
  const count = ++Lock.IoCount;
  if (!Lock.Removed) {
    if (m.checked) {
      if (Lock.HighWatermark !== 0 && count > Lock.HighWatermark) {
        IopRemoveLockAssert(`Remove Lock over allocated: remove lock #${Lock.id} has ${count - 1} acquisitions outstanding (plus its bias), more than its HighWatermark of ${Lock.HighWatermark}.`);
      }
      Lock.Blocks.push(new IO_REMOVE_LOCK_TRACKING_BLOCK(Tag, m.clock.now()));
    }
    return STATUS_SUCCESS;
  }
  if (--Lock.IoCount === 0) KeSetEvent(Lock.RemoveEvent, IO_NO_INCREMENT, false);
  return STATUS_DELETE_PENDING;
}

/**
 * The checked flavor's tracking at a release: the first outstanding acquisition with this
 * tag goes; none is Driver Verifier's 0xC4, 0xD5. Any acquisition held past
 * MaxLockedMinutes fails the checked build's assertion.
 */
function IopReleaseTrackingBlock(Lock: IO_REMOVE_LOCK, Tag: unknown): void {
  const now = cur.clock.now();
  const blocks = Lock.Blocks;
  let found = -1;
  for (let i = 0; i < blocks.length; i++) {
    const b = blocks[i]!;
    if (Lock.MaxLockedTicks !== 0 && now - b.LockMoment > Lock.MaxLockedTicks) {
      IopRemoveLockAssert(`remove lock #${Lock.id} was held (tag ${tagText(b.Tag)}) longer than its MaxLockedMinutes (${Lock.MaxLockedTicks / 600_000_000} min).`);
    }
    if (found < 0 && blocks[i]!.Tag === Tag) found = i;
  }
  if (found < 0) {
    KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, VF_REMOVE_LOCK_RELEASE_TAG, Lock.id, tagValue(Tag), 0,
      `IoReleaseRemoveLock on remove lock #${Lock.id} with a tag no outstanding IoAcquireRemoveLock used (${blocks.length} acquisition(s) outstanding).`);
  }
  blocks[found] = blocks[blocks.length - 1]!;
  blocks.pop();
}

/** `IoReleaseRemoveLock(Lock, Tag)`: ends one acquisition; the last one after removal wakes the remover. */
export function IoReleaseRemoveLock(Lock: IO_REMOVE_LOCK, Tag: unknown): void {
  if (cur.checked) IopReleaseTrackingBlock(Lock, Tag);
  if (--Lock.IoCount === 0) KeSetEvent(Lock.RemoveEvent, IO_NO_INCREMENT, false);
}

function* IopReleaseRemoveLockAndWait(Lock: IO_REMOVE_LOCK, Tag: unknown): Generator<KWAIT_BLOCK, void, NTSTATUS> {
  Lock.Removed = true;
  // The caller's own acquisition, then the lock's bias: what is left is everyone else's.
  Lock.IoCount--;
  if (--Lock.IoCount > 0) yield* KeWaitForSingleObject(Lock.RemoveEvent, Executive, KernelMode, false, null);
  if (cur.checked) {
    const blocks = Lock.Blocks;
    for (let i = 0; i < blocks.length; i++) {
      if (blocks[i]!.Tag !== Tag) continue;
      blocks[i] = blocks[blocks.length - 1]!;
      blocks.pop();
      break;
    }
  }
}

/**
 * `IoReleaseRemoveLockAndWait(Lock, Tag)`: for IRP_MN_REMOVE_DEVICE. The caller acquired
 * the lock with Tag; this marks the lock removed (later acquisitions get
 * STATUS_DELETE_PENDING), releases the caller's acquisition and waits until every other
 * one is released. A waiting DDI: `yield* IoReleaseRemoveLockAndWait(lock, Irp)`, at
 * PASSIVE_LEVEL. The checked flavor requires an outstanding acquisition with Tag (Driver
 * Verifier: 0xC4, 0xD6) and fails the checked build's assertion on a second call.
 */
export function IoReleaseRemoveLockAndWait(Lock: IO_REMOVE_LOCK, Tag: unknown): KWAIT<void> {
  const m = cur;
  KiCheckWait("IoReleaseRemoveLockAndWait", null);
  if (m.checked) {
    if (Lock.Removed) {
      IopRemoveLockAssert(`IoReleaseRemoveLockAndWait was called a second time on remove lock #${Lock.id} (its count would go below zero).`);
    }
    let found = false;
    for (const b of Lock.Blocks) if (b.Tag === Tag) found = true;
    if (!found) {
      KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, VF_REMOVE_LOCK_RELEASE_AND_WAIT_TAG, Lock.id, tagValue(Tag), Lock.Blocks.length > 0 ? tagValue(Lock.Blocks[0]!.Tag) : 0,
        `IoReleaseRemoveLockAndWait on remove lock #${Lock.id} with a tag no outstanding IoAcquireRemoveLock used: the caller must hold the lock (acquired with the same tag) when it removes the device.`);
    }
  }
  return new KWAIT_CALL("IoReleaseRemoveLockAndWait", IopReleaseRemoveLockAndWait(Lock, Tag));
}
