import { cur } from "../context.js";
import { KiSchedulingPoint } from "./preempt.js";
import type { DRIVER_OBJECT } from "../io/driver.js";
import {
  STATUS_ABANDONED, STATUS_MUTANT_NOT_OWNED, STATUS_SEMAPHORE_LIMIT_EXCEEDED, STATUS_SUCCESS, STATUS_TIMEOUT, STATUS_USER_APC,
  STATUS_WAIT_0, type NTSTATUS,
} from "../ntstatus.js";
import { ExRaiseStatus } from "./exception.js";
import type { KTHREAD } from "../ps/process.js";
import { KeBugCheckEx } from "./bugcheck.js";
import {
  DRIVER_VERIFIER_DETECTED_VIOLATION, IRQL_NOT_LESS_OR_EQUAL, MAXIMUM_WAIT_OBJECTS_EXCEEDED, THREAD_TERMINATE_HELD_MUTEX, VF_RULE_IRQL_KE_DISPATCH_LTE,
  VF_SET_EVENT_IRQL, VF_WAIT_ABOVE_DISPATCH, VF_WAIT_AT_DISPATCH_NO_TIMEOUT, VF_WAIT_AT_DISPATCH_WITH_TIMEOUT,
} from "./bugcheck-codes.js";
import { DISPATCH_LEVEL, IrqlName } from "./irql.js";
import type { Strand } from "./strand.js";

export const NotificationEvent = 0;
export const SynchronizationEvent = 1;
export type EVENT_TYPE = number;

export const EventObject = 0;
export const EventNotificationObject = 0;
export const EventSynchronizationObject = 1;
export const TimerNotificationObject = 8;
export const TimerSynchronizationObject = 9;
export const SemaphoreObject = 5;
export const TimerObject = 8;
export const ThreadObject = 6;
export const ProcessObject = 3;
export const MutantObject = 2;

export const WaitAll = 0;
export const WaitAny = 1;
export type WAIT_TYPE = number;

export const Executive = 0;
export const UserRequest = 13;
export const KernelMode = 0;
export const UserMode = 1;
export type KPROCESSOR_MODE = number;
export const IO_NO_INCREMENT = 0;
export const EVENT_INCREMENT = 1;

/** DISPATCHER_HEADER: anything a thread can wait on. */
export class DispatcherHeader {
  /** Ob's header when the object is named or handled (events, threads, processes). */
  ObHeader: import("../ob/object.js").OBJECT_HEADER | null = null;
  SignalState = 0;
  /**
   * Strands waiting on this object, in wait order. Each strand knows its machine's
   * scheduler, so a signal wakes the waiters of the machine they wait in, whichever
   * machine's code is executing.
   */
  waiters: Strand[] | null = null;
  /**
   * The wait each entry of `waiters` stands for (the strand's waitSeq then). Entries are
   * dropped lazily: one whose strand has since woken (by another object, a timeout) is
   * stale and is skipped and compacted away, so waking costs no search of the lists.
   */
  waiterSeqs: number[] | null = null;
  /** For synchronization events and timers: a satisfied wait resets the object. */
  autoReset = false;
  /**
   * DISPATCHER_HEADER.Type: the object's kind; for events and timers also which of the two
   * (EventNotificationObject 0 / EventSynchronizationObject 1, TimerNotificationObject 8 /
   * TimerSynchronizationObject 9), set by the initializer as in Windows.
   */
  constructor(public Type: number) {}
}

export class KEVENT extends DispatcherHeader {
  constructor() {
    super(EventObject);
  }
}

export class KSEMAPHORE extends DispatcherHeader {
  Limit = 0;
  constructor() {
    super(SemaphoreObject);
  }
}

/**
 * KMUTEX (a kernel mutant): SignalState is 1 when free and goes down by one per
 * acquisition, so a thread may acquire it again (recursion) and must release it as often.
 */
export class KMUTEX extends DispatcherHeader {
  OwnerThread: KTHREAD | null = null;
  Abandoned = false;
  /** Kernel mutexes disable normal kernel APCs while owned (KeInitializeMutex: ApcDisable = 1). */
  ApcDisable = 1;
  constructor() {
    super(MutantObject);
  }
}
export type KMUTANT = KMUTEX;

/** What a waiting routine yields to the scheduler: the thread's wait description. */
export interface KWAIT_BLOCK {
  readonly objects: DispatcherHeader[];
  readonly waitAll: boolean;
  /** Absolute due time in 100 ns units, or -1 for no timeout. */
  readonly deadline: number;
  /** An alertable user-mode wait ends with STATUS_USER_APC when a user APC is queued. */
  readonly alertable: boolean;
  readonly userMode: boolean;
  /** What the wait is for, in deadlock reports (a system service's wait says). */
  readonly what?: string;
}

/**
 * A routine that may wait: a generator that yields wait blocks and receives the wait
 * status. Drivers write `const status = yield* KeWaitForSingleObject(...)`.
 */
export type KWAIT_GENERATOR<T> = Generator<KWAIT_BLOCK, T, NTSTATUS>;

/**
 * What a waiting DDI returns: something to `yield*`. Its IRQL and arguments were checked
 * when it was called (waits are eager); the wait itself happens when it is stepped.
 */
export interface KWAIT<T> {
  [Symbol.iterator](): Iterator<KWAIT_BLOCK, T, NTSTATUS>;
}

/**
 * What KeWaitForSingleObject and the other dispatcher waits return: `yield*` it to wait.
 * A zero-timeout wait is performed when called, and `Status` holds its outcome at once
 * (how plain code, a DPC say, polls an object); otherwise `Status` is known once stepped.
 */
export interface KWAIT_STATUS extends KWAIT<NTSTATUS> {
  readonly Status: NTSTATUS;
}

/**
 * One call of a waiting DDI. The call checks the IRQL and arguments at once and records
 * itself as not yet consumed; the first step (what `yield*` does) tests the objects and,
 * if it must block, yields itself as the wait block. A call nobody steps is caught when
 * the routine returns (see `KiCheckUnconsumedWait`), in both flavors: in C the thread
 * would have waited, here it would silently have gone on.
 */
export class KWAIT_OPERATION implements KWAIT_BLOCK, Iterator<KWAIT_BLOCK, NTSTATUS, NTSTATUS>, KWAIT<NTSTATUS> {
  /** 0 called, 1 yielded to the scheduler, 2 finished. */
  step = 0;
  deadline = -1;
  constructor(
    readonly objects: DispatcherHeader[],
    readonly waitAll: boolean,
    /** The NT timeout: null for none, negative relative, positive absolute, in 100 ns. */
    readonly Timeout: number | null,
    readonly alertable: boolean,
    readonly userMode: boolean,
    /** The DDI, for the explanation of a wait that was never consumed. */
    readonly name: string,
    readonly driver: DRIVER_OBJECT | null,
  ) {}

  [Symbol.iterator](): this {
    return this;
  }

  /** The outcome, once known (a zero-timeout wait knows it when called). */
  Status: NTSTATUS = -1;

  next(value?: NTSTATUS): IteratorResult<KWAIT_BLOCK, NTSTATUS> {
    if (this.step !== 0) {
      if (this.step === 2 && this.Status >= 0) return { done: true, value: this.Status };
      this.step = 2;
      this.Status = value ?? 0;
      return { done: true, value: this.Status };
    }
    const m = cur;
    if (m.unconsumedWait === this) m.unconsumedWait = null;
    const holder = m.scheduler.current;
    if (holder !== null && holder.children > 0 && holder.thread === m.cpu.thread) {
      // In Windows this thread is still inside a routine it called that waited: it gets
      // here only once that returns. The scheduler holds this wait until then, and only
      // then tests it.
      this.deadline = this.Timeout === null ? -1 : this.Timeout < 0 ? m.clock.now() - this.Timeout : this.Timeout;
      this.step = 1;
      return { done: false, value: this };
    }
    const status = KiTestWaitNow(this, m.cpu.thread);
    if (status >= 0) {
      this.step = 2;
      this.Status = status;
      return { done: true, value: status };
    }
    this.deadline = this.Timeout === null ? -1 : this.Timeout < 0 ? m.clock.now() - this.Timeout : this.Timeout;
    this.step = 1;
    return { done: false, value: this };
  }

  return(value?: NTSTATUS): IteratorResult<KWAIT_BLOCK, NTSTATUS> {
    this.step = 2;
    return { done: true, value: value ?? 0 };
  }
}

/**
 * The immediate outcome of a wait: the satisfied status, STATUS_USER_APC for an alertable
 * user-mode wait with user APCs queued, STATUS_TIMEOUT for a zero timeout, or -1 if it
 * must block.
 */
export function KiTestWaitNow(w: KWAIT_BLOCK & { readonly Timeout?: number | null }, thread: KTHREAD | null): NTSTATUS {
  if (w.alertable && w.userMode && thread !== null && thread.userApcQueue.length > 0) return STATUS_USER_APC;
  if (w.objects.length > 0) {
    const now = testWait(w.objects, w.waitAll, thread);
    if (now >= 0) return now;
  }
  if (w.Timeout === 0) return STATUS_TIMEOUT;
  return -1;
}

/**
 * Record a waiting DDI's call; a second call while the first is unconsumed is caught at
 * once. A zero-timeout wait on objects never suspends, so it is performed now (it is legal
 * at DISPATCH_LEVEL, where plain code such as a DPC polls an object with it): its outcome
 * is `Status`, and stepping it (`yield*`) gives the same.
 */
export function KiBeginWait(op: KWAIT_OPERATION): KWAIT_OPERATION {
  const m = cur;
  const holder = m.scheduler.current;
  if (op.Timeout === 0 && op.objects.length > 0 && !(holder !== null && holder.children > 0)) {
    op.Status = KiTestWaitNow(op, m.cpu.thread);
    op.step = 2;
    return op;
  }
  if (m.unconsumedWait !== null) KiUnconsumedWait(m.unconsumedWait);
  m.unconsumedWait = op;
  return op;
}

/**
 * The bug check for a wait that was called and never stepped. Bug check 0xC4 with our
 * subcode 0xF001 (wdfjs's own: Windows cannot have this bug, as C waits when called).
 */
export function KiUnconsumedWait(op: KWAIT_OPERATION): never {
  cur.unconsumedWait = null;
  return KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, WDFJS_WAIT_NOT_YIELDED, 0, 0, 0,
    `${op.name} was called but its wait was never performed: the routine went on as if it had waited. ` +
    `A routine that waits is a generator (function*) and waits with yield*: \`const status = yield* ${op.name}(...)\`.`, op.driver);
}

/** Called where a routine hands control back to the kernel: a wait it called must have been consumed. */
export function KiCheckUnconsumedWait(): void {
  const op = cur.unconsumedWait;
  if (op !== null) KiUnconsumedWait(op);
}

/** wdfjs's own 0xC4 subcodes (Windows has no equivalent: C cannot write these bugs). */
export const WDFJS_WAIT_NOT_YIELDED = 0xf001;
export const WDFJS_ROUTINE_RETURNED_PROMISE = 0xf002;
export const WDFJS_YIELDED_NOT_A_WAIT = 0xf003;

export function KeInitializeEvent(Event: KEVENT, Type: EVENT_TYPE, State: boolean): void {
  Event.autoReset = Type === SynchronizationEvent;
  Event.Type = Type === SynchronizationEvent ? EventSynchronizationObject : EventNotificationObject;
  Event.SignalState = State ? 1 : 0;
  Event.waiters = null;
  Event.waiterSeqs = null;
}

/** `KeSetEvent`: returns the previous state; wakes waiters (one, for a synchronization event). */
export function KeSetEvent(Event: KEVENT, Increment: number, Wait: boolean): number {
  const m = cur;
  if (m.checked && m.cpu.Irql > DISPATCH_LEVEL) {
    KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, VF_SET_EVENT_IRQL, m.cpu.Irql, m.ob.addresses.giveOnRequest(Event, m.cpu.driver), 0, `KeSetEvent was called at ${IrqlName(m.cpu.Irql)}.`);
  }
  void Increment;
  void Wait;
  const prev = Event.SignalState;
  Event.SignalState = 1;
  signal(Event);
  // A waiter it woke may run (on another processor) before the caller goes on.
  KiSchedulingPoint();
  return prev;
}

export function KeResetEvent(Event: KEVENT): number {
  const prev = Event.SignalState;
  Event.SignalState = 0;
  return prev;
}

export function KeClearEvent(Event: KEVENT): void {
  Event.SignalState = 0;
}

export function KeReadStateEvent(Event: KEVENT): number {
  return Event.SignalState;
}

export function KeInitializeSemaphore(Semaphore: KSEMAPHORE, Count: number, Limit: number): void {
  Semaphore.SignalState = Count;
  Semaphore.Limit = Limit;
}

/** `KeReleaseSemaphore`: raises STATUS_SEMAPHORE_LIMIT_EXCEEDED if the count would pass the limit. */
export function KeReleaseSemaphore(Semaphore: KSEMAPHORE, Increment: number, Adjustment: number, Wait: boolean): number {
  void Increment;
  void Wait;
  const prev = Semaphore.SignalState;
  if (prev + Adjustment > Semaphore.Limit || Adjustment < 0) ExRaiseStatus(STATUS_SEMAPHORE_LIMIT_EXCEEDED);
  Semaphore.SignalState = prev + Adjustment;
  signal(Semaphore);
  return prev;
}

export function KeReadStateSemaphore(Semaphore: KSEMAPHORE): number {
  return Semaphore.SignalState;
}

/** Is the object signalled for a waiter (thread `t`) now? A mutex is for its owner. */
export function isSignaled(o: DispatcherHeader, t: KTHREAD | null): boolean {
  return o.SignalState > 0 || (o.Type === MutantObject && (o as KMUTEX).OwnerThread === t && t !== null);
}

/**
 * The side effect of a satisfied wait: auto-reset objects reset, semaphores count down, a
 * mutex is owned (once more) by the waiter. Returns STATUS_ABANDONED for a mutex whose
 * owner ended holding it.
 */
export function consume(o: DispatcherHeader, t: KTHREAD | null): NTSTATUS {
  const type = o.Type;
  if (type === SemaphoreObject) o.SignalState--;
  else if (type === MutantObject) return KiAcquireMutant(o as KMUTEX, t);
  else if (o.autoReset) o.SignalState = 0;
  return STATUS_SUCCESS;
}

function KiAcquireMutant(mx: KMUTEX, t: KTHREAD | null): NTSTATUS {
  mx.SignalState--;
  if (mx.SignalState === 0 && t !== null) {
    mx.OwnerThread = t;
    t.ownedMutants.push(mx);
    if (mx.ApcDisable !== 0) t.KernelApcDisable++;
  }
  if (mx.Abandoned) {
    mx.Abandoned = false;
    return STATUS_ABANDONED;
  }
  return STATUS_SUCCESS;
}

/** An object became signalled: wake the waiters it now satisfies, in wait order. */
export function signal(o: DispatcherHeader): void {
  const ws = o.waiters;
  if (ws === null || ws.length === 0) return;
  const seqs = o.waiterSeqs!;
  const mutant = o.Type === MutantObject;
  // Waking only readies a strand (nothing runs here), so the list is walked in place,
  // keeping the waiters still waiting and dropping stale entries.
  let kept = 0;
  for (let i = 0; i < ws.length; i++) {
    const s = ws[i]!;
    const seq = seqs[i]!;
    if (s.state !== "waiting" || s.waitSeq !== seq) continue;
    if (o.SignalState > 0 || mutant) s.scheduler.tryWake(s);
    if (s.state === "waiting" && s.waitSeq === seq) {
      ws[kept] = s;
      seqs[kept++] = seq;
    }
  }
  ws.length = kept;
  seqs.length = kept;
}

/** Add a waiting strand to an object's waiters, compacting stale entries as the list doubles. */
export function KiAddWaiter(o: DispatcherHeader, s: Strand): void {
  const ws = (o.waiters ??= []);
  const seqs = (o.waiterSeqs ??= []);
  ws.push(s);
  seqs.push(s.waitSeq);
  const n = ws.length;
  if (n >= 32 && (n & (n - 1)) === 0) {
    let kept = 0;
    for (let i = 0; i < n; i++) {
      const w = ws[i]!;
      if (w.state === "waiting" && w.waitSeq === seqs[i]) {
        ws[kept] = w;
        seqs[kept++] = seqs[i]!;
      }
    }
    ws.length = kept;
    seqs.length = kept;
  }
}

/** Check a wait against the current state; the satisfied status, or -1 if it must block. */
export function testWait(objects: DispatcherHeader[], waitAll: boolean, t: KTHREAD | null): NTSTATUS {
  if (waitAll) {
    for (const o of objects) if (!isSignaled(o, t)) return -1;
    let abandoned = false;
    for (const o of objects) if (consume(o, t) === STATUS_ABANDONED) abandoned = true;
    return abandoned ? STATUS_ABANDONED : STATUS_WAIT_0;
  }
  for (let i = 0; i < objects.length; i++) {
    const o = objects[i]!;
    if (isSignaled(o, t)) {
      return consume(o, t) === STATUS_ABANDONED ? STATUS_ABANDONED + i : STATUS_WAIT_0 + i;
    }
  }
  return -1;
}

function checkWaitIrql(name: string, Timeout: number | null, Object: object | null): void {
  const m = cur;
  const irql = m.cpu.Irql;
  // Waiting is legal below DISPATCH_LEVEL; at DISPATCH_LEVEL only with a zero timeout.
  if (irql > DISPATCH_LEVEL || (irql === DISPATCH_LEVEL && Timeout !== 0)) {
    if (m.checked) VfWaitAtWrongIrql(name, irql, Timeout, Object);
    KeBugCheckEx(IRQL_NOT_LESS_OR_EQUAL, 0, irql, 0, 0, `A thread tried to wait (${name}) at ${IrqlName(irql)}, where the dispatcher cannot switch threads.`);
  }
}

/**
 * @internal Driver Verifier's wait rules, 0xC4/0x120 (above DISPATCH_LEVEL), 0x121 (at DISPATCH_LEVEL
 * with a NULL timeout), 0x122 (at DISPATCH_LEVEL with a non-zero one). Windows gives P2 the
 * address of the IRQL value and P4 that of the timeout; ours are the values themselves
 * (neither lives in emulated memory). P3 is the (first) object waited on.
 */
export function VfWaitAtWrongIrql(name: string, irql: number, Timeout: number | null, Object: object | null): never {
  const m = cur;
  const object = Object === null ? 0 : m.ob.addresses.giveOnRequest(Object, m.cpu.driver);
  if (irql > DISPATCH_LEVEL) {
    return KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, VF_WAIT_ABOVE_DISPATCH, irql, object, Timeout ?? 0,
      `${name} was called at ${IrqlName(irql)}; a wait is legal only at or below DISPATCH_LEVEL.`);
  }
  if (Timeout === null) {
    return KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, VF_WAIT_AT_DISPATCH_NO_TIMEOUT, irql, object, 0,
      `${name} was called at DISPATCH_LEVEL with no timeout: it would wait forever where the dispatcher cannot switch threads.`);
  }
  return KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, VF_WAIT_AT_DISPATCH_WITH_TIMEOUT, irql, object, Timeout,
    `${name} was called at DISPATCH_LEVEL with a non-zero timeout; only a zero timeout is legal there.`);
}

/** A wait must come from a thread, not from an arbitrary context with none (a DPC, say). */
function checkWaitContext(name: string, Timeout: number | null): void {
  if (Timeout !== 0 && cur.cpu.thread === null) {
    KeBugCheckEx(IRQL_NOT_LESS_OR_EQUAL, 0, cur.cpu.Irql, 0, 0, `${name} was called with no thread to suspend (outside any thread context).`);
  }
}

/**
 * The IRQL and thread rules of a wait, for waiting DDIs built outside the dispatcher
 * (ExAcquireFastMutex, IoReleaseRemoveLockAndWait...): checked when they are called.
 */
export function KiCheckWait(name: string, Timeout: number | null, Object: object | null = null): void {
  checkWaitIrql(name, Timeout, Object);
  checkWaitContext(name, Timeout);
}

function isDispatcherObject(o: unknown): o is DispatcherHeader {
  return o instanceof DispatcherHeader;
}

/**
 * `KeWaitForSingleObject`. Checks the IRQL and the object when called; `yield*` performs
 * the wait: a wait that can be satisfied (or times out at zero) goes on without
 * suspending, otherwise the routine is suspended until the object is signalled or the
 * timeout expires. `Timeout` is a LARGE_INTEGER in 100 ns units (negative: relative), or
 * null for none.
 */
export function KeWaitForSingleObject(
  Object: DispatcherHeader,
  WaitReason: number,
  WaitMode: KPROCESSOR_MODE,
  Alertable: boolean,
  Timeout: number | null,
): KWAIT_STATUS {
  void WaitReason;
  checkWaitIrql("KeWaitForSingleObject", Timeout, Object);
  if (!isDispatcherObject(Object)) {
    KeBugCheckEx(IRQL_NOT_LESS_OR_EQUAL, 0, cur.cpu.Irql, 0, 0, "KeWaitForSingleObject was given something that is not a dispatcher object (KEVENT, KSEMAPHORE, KMUTEX, KTIMER, a thread or a process).");
  }
  checkWaitContext("KeWaitForSingleObject", Timeout);
  return KiBeginWait(new KWAIT_OPERATION([Object], false, Timeout, !!Alertable, WaitMode === UserMode, "KeWaitForSingleObject", cur.cpu.driver));
}

/** `KeWaitForMutexObject`: the WDK's macro for KeWaitForSingleObject on a mutex. */
export function KeWaitForMutexObject(Mutex: KMUTEX, WaitReason: number, WaitMode: KPROCESSOR_MODE, Alertable: boolean, Timeout: number | null): KWAIT_STATUS {
  return KeWaitForSingleObject(Mutex, WaitReason, WaitMode, Alertable, Timeout);
}

export function KeWaitForMultipleObjects(
  Count: number,
  Object: DispatcherHeader[],
  WaitType: WAIT_TYPE,
  WaitReason: number,
  WaitMode: KPROCESSOR_MODE,
  Alertable: boolean,
  Timeout: number | null,
  /** wdm.h's eighth parameter; the emulator needs no caller-supplied wait blocks. */
  WaitBlockArray: unknown = null,
): KWAIT_STATUS {
  void WaitReason;
  checkWaitIrql("KeWaitForMultipleObjects", Timeout, Array.isArray(Object) && Object.length > 0 ? Object[0]! : null);
  // More than THREAD_WAIT_OBJECTS (3) without a wait block array, or more than
  // MAXIMUM_WAIT_OBJECTS with one, is MAXIMUM_WAIT_OBJECTS_EXCEEDED.
  if (!(Count >= 1) || !Array.isArray(Object) || Object.length < Count || Count > (WaitBlockArray === null ? THREAD_WAIT_OBJECTS : MAXIMUM_WAIT_OBJECTS)) {
    KeBugCheckEx(MAXIMUM_WAIT_OBJECTS_EXCEEDED, Count, 0, 0, 0, `KeWaitForMultipleObjects was asked to wait on ${Count} object(s) ${WaitBlockArray === null ? "without a wait block array (at most THREAD_WAIT_OBJECTS = 3)" : "(at most MAXIMUM_WAIT_OBJECTS = 64)"}.`);
  }
  const objects = Object.slice(0, Count);
  for (const o of objects) {
    if (!isDispatcherObject(o)) KeBugCheckEx(IRQL_NOT_LESS_OR_EQUAL, 0, cur.cpu.Irql, 0, 0, "KeWaitForMultipleObjects was given something that is not a dispatcher object.");
  }
  checkWaitContext("KeWaitForMultipleObjects", Timeout);
  return KiBeginWait(new KWAIT_OPERATION(objects, WaitType === WaitAll, Timeout, !!Alertable, WaitMode === UserMode, "KeWaitForMultipleObjects", cur.cpu.driver));
}

/** `KeDelayExecutionThread`: sleep for a relative (negative) or absolute interval. */
export function KeDelayExecutionThread(WaitMode: KPROCESSOR_MODE, Alertable: boolean, Interval: number): KWAIT_STATUS {
  checkWaitIrql("KeDelayExecutionThread", Interval, null);
  checkWaitContext("KeDelayExecutionThread", Interval);
  return KiBeginWait(new KWAIT_OPERATION([], false, Interval, !!Alertable, WaitMode === UserMode, "KeDelayExecutionThread", cur.cpu.driver));
}

/**
 * `KePulseEvent`: sets the event, wakes the waiters that setting satisfies, and resets
 * it, all at once: a waiter that arrives later finds it not signalled.
 */
export function KePulseEvent(Event: KEVENT, Increment: number, Wait: boolean): number {
  const prev = KeSetEvent(Event, Increment, Wait);
  Event.SignalState = 0;
  return prev;
}

// ---- mutexes ----

/** `KeInitializeMutex`: a free mutex (the Level argument is ignored, as in Windows). */
export function KeInitializeMutex(Mutex: KMUTEX, Level: number): void {
  void Level;
  Mutex.SignalState = 1;
  Mutex.OwnerThread = null;
  Mutex.Abandoned = false;
  Mutex.ApcDisable = 1;
  Mutex.waiters = null;
  Mutex.waiterSeqs = null;
}

export function KeReadStateMutex(Mutex: KMUTEX): number {
  return Mutex.SignalState;
}

/**
 * `KeReleaseMutex`: the owner releases one acquisition; the last one frees the mutex and
 * wakes the first waiter. Returns the previous state. A thread that does not own it gets
 * the exception Windows raises (STATUS_MUTANT_NOT_OWNED, or STATUS_ABANDONED): unhandled
 * in a driver, that is KMODE_EXCEPTION_NOT_HANDLED.
 */
export function KeReleaseMutex(Mutex: KMUTEX, Wait: boolean): number {
  void Wait;
  const m = cur;
  if (m.checked && m.cpu.Irql > DISPATCH_LEVEL) {
    KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, VF_RULE_IRQL_KE_DISPATCH_LTE, m.cpu.Irql, 0, 0, `KeReleaseMutex was called at ${IrqlName(m.cpu.Irql)}, above DISPATCH_LEVEL (rule IrqlKeDispatchLte).`);
  }
  const t = m.cpu.thread;
  const prev = Mutex.SignalState;
  if (Mutex.OwnerThread !== t || t === null || prev > 0) ExRaiseStatus(Mutex.Abandoned ? STATUS_ABANDONED : STATUS_MUTANT_NOT_OWNED);
  if (++Mutex.SignalState === 1) {
    Mutex.OwnerThread = null;
    const owned = t.ownedMutants;
    const i = owned.lastIndexOf(Mutex);
    if (i >= 0) {
      owned[i] = owned[owned.length - 1]!;
      owned.pop();
    }
    if (Mutex.ApcDisable !== 0) t.KernelApcDisable--;
    signal(Mutex);
  }
  return prev;
}

/**
 * A thread ended holding kernel mutexes. A kernel mutex (ApcDisable set, every KMUTEX)
 * held at exit is THREAD_TERMINATE_HELD_MUTEX; a user mutant is abandoned: the next
 * owner's wait returns STATUS_ABANDONED.
 */
export function KiRundownMutants(t: KTHREAD): void {
  for (const mx of t.ownedMutants) {
    if (mx.ApcDisable !== 0) {
      KeBugCheckEx(THREAD_TERMINATE_HELD_MUTEX, 0, mx.SignalState, 0, 0, `Thread '${t.name}' ended while it held a kernel mutex (KMUTEX) it had acquired ${1 - mx.SignalState} time(s).`, t.driver);
    }
    mx.SignalState = 1;
    mx.OwnerThread = null;
    mx.Abandoned = true;
    signal(mx);
  }
  t.ownedMutants.length = 0;
}

export function KeQueryInterruptTime(): number {
  return cur.clock.now();
}
export function KeQuerySystemTime(CurrentTime: { value: number }): void {
  CurrentTime.value = cur.clock.now();
}

export const MAXIMUM_WAIT_OBJECTS = 64;
export const THREAD_WAIT_OBJECTS = 3;
