import { cur, isInsideMachine } from "../context.js";
import { KeBugCheckEx } from "../ke/bugcheck.js";
import {
  DRIVER_VERIFIER_DETECTED_VIOLATION, VF_DEADLOCK_MISMATCHED_RELEASE, VF_DEADLOCK_SELF, VF_DEADLOCK_UNACQUIRED,
  VF_DEADLOCK_WRONG_THREAD, VF_FAST_MUTEX_ACQUIRE_IRQL, VF_FAST_MUTEX_RELEASE_IRQL, VF_FAST_MUTEX_UNSAFE_ACQUIRE,
  VF_FAST_MUTEX_UNSAFE_RELEASE,
} from "../ke/bugcheck-codes.js";
import {
  Executive, KEVENT, KeInitializeEvent, KernelMode, KeSetEvent, KeWaitForSingleObject, SynchronizationEvent,
  type KWAIT, type KWAIT_BLOCK,
} from "../ke/dispatcher.js";
import { KeLowerIrql } from "../ke/irql-ddi.js";
import { APC_LEVEL, IrqlName, type KIRQL } from "../ke/irql.js";
import { KWAIT_CALL } from "../ke/wait-call.js";
import type { NTSTATUS } from "../ntstatus.js";
import type { KTHREAD } from "../ps/process.js";

/**
 * FAST_MUTEX, as Windows lays it out: Count is 1 when free and goes down by one per
 * acquirer, so below 0 it counts the waiters; a waiter sleeps on Event, a synchronization
 * event, and the release that finds waiters sets it once, handing the mutex to the first
 * of them (waiters are woken in the order they waited). OldIrql is the IRQL the owner had
 * before ExAcquireFastMutex raised it to APC_LEVEL. Not recursive: the owner acquiring it
 * again waits for itself.
 */
export class FAST_MUTEX {
  Count = 1;
  Owner: KTHREAD | null = null;
  Contention = 0;
  readonly Event = new KEVENT();
  OldIrql: KIRQL = 0;
  /** A number for bug check parameters and messages (the mutex's "address"). */
  readonly id = isInsideMachine() ? ++cur.objectIds : 0;
  /** How the owner acquired it (checked flavor: released with the matching API). */
  unsafe = false;
}
export type PFAST_MUTEX = FAST_MUTEX;

/** `ExInitializeFastMutex`: a free fast mutex. */
export function ExInitializeFastMutex(FastMutex: FAST_MUTEX): void {
  FastMutex.Count = 1;
  FastMutex.Owner = null;
  FastMutex.Contention = 0;
  FastMutex.OldIrql = 0;
  FastMutex.unsafe = false;
  KeInitializeEvent(FastMutex.Event, SynchronizationEvent, false);
}

function threadId(t: KTHREAD | null): number {
  return t === null ? 0 : t.UniqueThreadId;
}

/** Driver Verifier's deadlock detection: the owner acquiring again would wait for itself forever. */
function ExpCheckRecursion(FastMutex: FAST_MUTEX, name: string): void {
  const t = cur.cpu.thread;
  if (t !== null && FastMutex.Owner === t) {
    KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, VF_DEADLOCK_SELF, FastMutex.id, 0, 0,
      `Self-deadlock: thread '${t.name}' called ${name} on fast mutex #${FastMutex.id}, which it already owns. A fast mutex is not recursive: the thread would wait for itself forever.`);
  }
}

/** The checks every release makes in the checked flavor: owned, by this thread, with the matching API. */
function ExpCheckRelease(FastMutex: FAST_MUTEX, name: string, unsafe: boolean): void {
  const t = cur.cpu.thread;
  if (FastMutex.Count >= 1) {
    KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, VF_DEADLOCK_UNACQUIRED, FastMutex.id, 0, 0, `${name} was called on fast mutex #${FastMutex.id}, which nobody owns.`);
  }
  if (FastMutex.Owner !== t) {
    KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, VF_DEADLOCK_WRONG_THREAD, FastMutex.id, threadId(FastMutex.Owner), threadId(t),
      `${name}: fast mutex #${FastMutex.id} is owned by ${FastMutex.Owner === null ? "no thread yet" : `thread '${FastMutex.Owner.name}'`}, and thread '${t === null ? "(none)" : t.name}' released it.`);
  }
  if (FastMutex.unsafe !== unsafe) {
    KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, VF_DEADLOCK_MISMATCHED_RELEASE, FastMutex.id, 0, 0,
      `${name} released fast mutex #${FastMutex.id}, which was acquired with ${unsafe ? "ExAcquireFastMutex (release it with ExReleaseFastMutex)" : "ExAcquireFastMutexUnsafe (release it with ExReleaseFastMutexUnsafe)"}.`);
  }
}

/**
 * `ExAcquireFastMutex`: raises to APC_LEVEL, then takes the mutex, waiting (at APC_LEVEL)
 * while another thread owns it. A waiting DDI: `yield* ExAcquireFastMutex(fm)`. Callable
 * at or below APC_LEVEL; the checked flavor stops the machine above it (0xC4, 0x33) and
 * on a recursive acquisition (0xC4, 0x1000), which free Windows turns into a thread that
 * waits for itself forever.
 */
export function ExAcquireFastMutex(FastMutex: FAST_MUTEX): KWAIT<void> {
  const m = cur;
  if (m.checked) {
    const irql = m.cpu.Irql;
    if (irql > APC_LEVEL) {
      KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, VF_FAST_MUTEX_ACQUIRE_IRQL, irql, FastMutex.id, 0, `ExAcquireFastMutex was called at ${IrqlName(irql)}, above APC_LEVEL.`);
    }
    ExpCheckRecursion(FastMutex, "ExAcquireFastMutex");
  }
  return new KWAIT_CALL("ExAcquireFastMutex", ExpAcquireFastMutex(FastMutex, true));
}

/**
 * Both acquisitions: the raise (ExAcquireFastMutex only), one decrement, and a wait on
 * the event if the mutex was owned. The release that sets the event has already counted
 * the mutex as this waiter's, so waking is owning.
 */
function* ExpAcquireFastMutex(FastMutex: FAST_MUTEX, raise: boolean): Generator<KWAIT_BLOCK, void, NTSTATUS> {
  const m = cur;
  const old = m.cpu.Irql;
  if (raise && old < APC_LEVEL) m.cpu.Irql = APC_LEVEL;
  if (--FastMutex.Count !== 0) {
    FastMutex.Contention++;
    yield* KeWaitForSingleObject(FastMutex.Event, Executive, KernelMode, false, null);
  }
  FastMutex.Owner = m.cpu.thread;
  FastMutex.unsafe = !raise;
  if (raise) FastMutex.OldIrql = old;
}

/**
 * `ExTryToAcquireFastMutex`: takes the mutex if it is free (raising to APC_LEVEL) and
 * returns TRUE; returns FALSE at once, IRQL unchanged, if anyone owns it.
 */
export function ExTryToAcquireFastMutex(FastMutex: FAST_MUTEX): boolean {
  const m = cur;
  const cpu = m.cpu;
  const old = cpu.Irql;
  if (m.checked && old > APC_LEVEL) {
    KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, VF_FAST_MUTEX_ACQUIRE_IRQL, old, FastMutex.id, 0, `ExTryToAcquireFastMutex was called at ${IrqlName(old)}, above APC_LEVEL.`);
  }
  if (FastMutex.Count !== 1) return false;
  if (old < APC_LEVEL) cpu.Irql = APC_LEVEL;
  FastMutex.Count = 0;
  FastMutex.Owner = cpu.thread;
  FastMutex.unsafe = false;
  FastMutex.OldIrql = old;
  return true;
}

/** The release both forms share: the first waiter, if any, now owns the mutex. */
function ExpReleaseFastMutex(FastMutex: FAST_MUTEX): void {
  FastMutex.Owner = null;
  if (++FastMutex.Count <= 0) KeSetEvent(FastMutex.Event, 0, false);
}

/**
 * `ExReleaseFastMutex`: frees the mutex (handing it to the first waiter) and lowers the
 * IRQL back to the owner's OldIrql, which delivers the kernel APCs that waited. The
 * checked flavor requires APC_LEVEL (0xC4, 0x34) and the owning thread (0xC4, 0x1004);
 * free Windows releases whatever the caller.
 */
export function ExReleaseFastMutex(FastMutex: FAST_MUTEX): void {
  const m = cur;
  if (m.checked) {
    const irql = m.cpu.Irql;
    if (irql !== APC_LEVEL) {
      KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, VF_FAST_MUTEX_RELEASE_IRQL, irql, FastMutex.id, 0, `ExReleaseFastMutex was called at ${IrqlName(irql)}; the owner of a fast mutex runs at APC_LEVEL until it releases it.`);
    }
    ExpCheckRelease(FastMutex, "ExReleaseFastMutex", false);
  }
  const old = FastMutex.OldIrql;
  ExpReleaseFastMutex(FastMutex);
  KeLowerIrql(old);
}

/**
 * The caller of an Unsafe form keeps APCs off itself: it is at APC_LEVEL, or in a
 * critical or guarded region below it (Driver Verifier: 0x39 on acquire, 0x3A on release).
 */
function ExpCheckUnsafeContext(FastMutex: FAST_MUTEX, name: string, subcode: number): void {
  const m = cur;
  const irql = m.cpu.Irql;
  const t = m.cpu.thread;
  const disable = t === null ? 0 : t.KernelApcDisable;
  if (irql > APC_LEVEL || (irql < APC_LEVEL && (t === null || (t.KernelApcDisable === 0 && t.SpecialApcDisable === 0)))) {
    KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, subcode, irql, disable, FastMutex.id,
      `${name} was called at ${IrqlName(irql)}${irql < APC_LEVEL ? " outside any critical or guarded region" : ""}: its caller must be at APC_LEVEL, or in a critical region (KeEnterCriticalRegion) or guarded region.`);
  }
}

/**
 * `ExAcquireFastMutexUnsafe`: takes the mutex without touching the IRQL; the caller is
 * already at APC_LEVEL or in a critical region. A waiting DDI: `yield*` it.
 */
export function ExAcquireFastMutexUnsafe(FastMutex: FAST_MUTEX): KWAIT<void> {
  if (cur.checked) {
    ExpCheckUnsafeContext(FastMutex, "ExAcquireFastMutexUnsafe", VF_FAST_MUTEX_UNSAFE_ACQUIRE);
    ExpCheckRecursion(FastMutex, "ExAcquireFastMutexUnsafe");
  }
  return new KWAIT_CALL("ExAcquireFastMutexUnsafe", ExpAcquireFastMutex(FastMutex, false));
}

/** `ExReleaseFastMutexUnsafe`: frees the mutex; the IRQL is left as it is. */
export function ExReleaseFastMutexUnsafe(FastMutex: FAST_MUTEX): void {
  if (cur.checked) {
    ExpCheckUnsafeContext(FastMutex, "ExReleaseFastMutexUnsafe", VF_FAST_MUTEX_UNSAFE_RELEASE);
    ExpCheckRelease(FastMutex, "ExReleaseFastMutexUnsafe", true);
  }
  ExpReleaseFastMutex(FastMutex);
}
