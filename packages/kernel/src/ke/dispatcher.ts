import { cur } from "../context.js";
import { STATUS_TIMEOUT, STATUS_WAIT_0, STATUS_INVALID_PARAMETER, STATUS_SEMAPHORE_LIMIT_EXCEEDED, type NTSTATUS } from "../ntstatus.js";
import { ExRaiseStatus } from "./exception.js";
import type { KTHREAD } from "../ps/process.js";
import { KeBugCheckEx } from "./bugcheck.js";
import { DRIVER_VERIFIER_DETECTED_VIOLATION, IRQL_NOT_LESS_OR_EQUAL } from "./bugcheck-codes.js";
import { DISPATCH_LEVEL, IrqlName } from "./irql.js";

export const NotificationEvent = 0;
export const SynchronizationEvent = 1;
export type EVENT_TYPE = number;

export const EventObject = 0;
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
  /** Threads waiting on this object. */
  waiters: KTHREAD[] | null = null;
  /** For synchronization events and timers: a satisfied wait resets the object. */
  autoReset = false;
  constructor(readonly Type: number) {}
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

/** What a waiting routine yields to the scheduler: the thread's wait description. */
export interface KWAIT_BLOCK {
  readonly objects: DispatcherHeader[];
  readonly waitAll: boolean;
  /** Absolute due time in 100 ns units, or -1 for no timeout. */
  readonly deadline: number;
}

/**
 * A routine that may wait: a generator that yields wait blocks and receives the wait
 * status. Drivers write `const status = yield* KeWaitForSingleObject(...)`.
 */
export type KWAIT_GENERATOR<T> = Generator<KWAIT_BLOCK, T, NTSTATUS>;

export function KeInitializeEvent(Event: KEVENT, Type: EVENT_TYPE, State: boolean): void {
  Event.autoReset = Type === SynchronizationEvent;
  Event.SignalState = State ? 1 : 0;
  Event.waiters = null;
}

/** `KeSetEvent`: returns the previous state; wakes waiters (one, for a synchronization event). */
export function KeSetEvent(Event: KEVENT, Increment: number, Wait: boolean): number {
  const m = cur;
  if (m.checked && m.cpu.Irql > DISPATCH_LEVEL) {
    KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, 0x80, m.cpu.Irql, 0, 0, `KeSetEvent was called at ${IrqlName(m.cpu.Irql)}.`);
  }
  void Increment;
  void Wait;
  const prev = Event.SignalState;
  Event.SignalState = 1;
  signal(Event);
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

/** Is the object signalled for a waiter now? */
export function isSignaled(o: DispatcherHeader): boolean {
  return o.SignalState > 0;
}

/** The side effect of a satisfied wait: auto-reset objects reset, semaphores count down. */
export function consume(o: DispatcherHeader): void {
  if (o.Type === SemaphoreObject) o.SignalState--;
  else if (o.autoReset) o.SignalState = 0;
}

/** An object became signalled: wake the waiters it now satisfies, in wait order. */
export function signal(o: DispatcherHeader): void {
  const ws = o.waiters;
  if (ws === null || ws.length === 0) return;
  const m = cur;
  for (const t of ws.slice()) {
    if (!isSignaled(o)) break;
    m.scheduler.tryWake(t);
  }
}

/** Check a wait against the current state; the satisfied status, or -1 if it must block. */
export function testWait(objects: DispatcherHeader[], waitAll: boolean): NTSTATUS {
  if (waitAll) {
    for (const o of objects) if (!isSignaled(o)) return -1;
    for (const o of objects) consume(o);
    return STATUS_WAIT_0;
  }
  for (let i = 0; i < objects.length; i++) {
    const o = objects[i]!;
    if (isSignaled(o)) {
      consume(o);
      return STATUS_WAIT_0 + i;
    }
  }
  return -1;
}

function checkWaitIrql(Timeout: number | null): void {
  const m = cur;
  const irql = m.cpu.Irql;
  // Waiting is legal below DISPATCH_LEVEL; at DISPATCH_LEVEL only with a zero timeout.
  if (irql > DISPATCH_LEVEL || (irql === DISPATCH_LEVEL && Timeout !== 0)) {
    if (m.checked) {
      KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, 0x3b, irql, 0, Timeout ?? 0, `KeWaitForSingleObject was called at ${IrqlName(irql)} with a non-zero timeout.`);
    }
    KeBugCheckEx(IRQL_NOT_LESS_OR_EQUAL, 0, irql, 0, 0, `A thread tried to wait at ${IrqlName(irql)}, where the dispatcher cannot switch threads.`);
  }
}

/**
 * `KeWaitForSingleObject`. A wait that can be satisfied (or times out at zero) returns
 * without suspending; otherwise the generator yields to the scheduler, which resumes
 * it with the status when the object is signalled or the timeout expires.
 * `Timeout` is a LARGE_INTEGER in 100 ns units (negative: relative), or null for none.
 */
export function* KeWaitForSingleObject(
  Object: DispatcherHeader,
  WaitReason: number,
  WaitMode: KPROCESSOR_MODE,
  Alertable: boolean,
  Timeout: number | null,
): KWAIT_GENERATOR<NTSTATUS> {
  return yield* KeWaitForMultipleObjects(1, [Object], WaitAny, WaitReason, WaitMode, Alertable, Timeout);
}

export function* KeWaitForMultipleObjects(
  Count: number,
  Object: DispatcherHeader[],
  WaitType: WAIT_TYPE,
  WaitReason: number,
  WaitMode: KPROCESSOR_MODE,
  Alertable: boolean,
  Timeout: number | null,
  /** wdm.h's eighth parameter; the emulator needs no caller-supplied wait blocks. */
  WaitBlockArray: unknown = null,
): KWAIT_GENERATOR<NTSTATUS> {
  void WaitBlockArray;
  void WaitReason;
  void WaitMode;
  void Alertable;
  checkWaitIrql(Timeout);
  const objects = Object.slice(0, Count);
  if (objects.length === 0) return STATUS_INVALID_PARAMETER;
  const waitAll = WaitType === WaitAll;
  const now = testWait(objects, waitAll);
  if (now >= 0) return now;
  if (Timeout === 0) return STATUS_TIMEOUT;
  const m = cur;
  const deadline = Timeout === null ? -1 : Timeout < 0 ? m.clock.now() - Timeout : Timeout;
  return yield { objects, waitAll, deadline };
}

/** `KeDelayExecutionThread`: sleep for a relative (negative) or absolute interval. */
export function* KeDelayExecutionThread(WaitMode: KPROCESSOR_MODE, Alertable: boolean, Interval: number): KWAIT_GENERATOR<NTSTATUS> {
  void WaitMode;
  void Alertable;
  checkWaitIrql(Interval);
  const m = cur;
  const deadline = Interval < 0 ? m.clock.now() - Interval : Interval;
  return yield { objects: [], waitAll: false, deadline };
}

export function KeQueryInterruptTime(): number {
  return cur.clock.now();
}
export function KeQuerySystemTime(CurrentTime: { value: number }): void {
  CurrentTime.value = cur.clock.now();
}

export const MAXIMUM_WAIT_OBJECTS = 64;
