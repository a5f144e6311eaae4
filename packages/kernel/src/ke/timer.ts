import { cur } from "../context.js";
import { VfIrqlTooHigh } from "../verifier/irql-rules.js";
import { VF_RULE_IRQL_KE_DISPATCH_LTE } from "./bugcheck-codes.js";
import { DISPATCH_LEVEL } from "./irql.js";
import type { DRIVER_OBJECT } from "../io/driver.js";
import { DispatcherHeader, TimerNotificationObject, TimerObject, TimerSynchronizationObject } from "./dispatcher.js";
import type { KDPC } from "./dpc.js";

export const NotificationTimer = 0;
export const SynchronizationTimer = 1;
export type TIMER_TYPE = number;

/** KTIMER: a dispatcher object that becomes signalled at its due time and may queue a DPC. */
export class KTIMER extends DispatcherHeader {
  DueTime = 0;
  /** Period in milliseconds, 0 for a one-shot timer. */
  Period = 0;
  Dpc: KDPC | null = null;
  inserted = false;
  /** Bumped on every set and cancel so the scheduler can drop stale queue entries. */
  generation = 0;
  driver: DRIVER_OBJECT | null = null;
  constructor() {
    super(TimerObject);
  }
}

export function KeInitializeTimer(Timer: KTIMER): void {
  KeInitializeTimerEx(Timer, NotificationTimer);
}

export function KeInitializeTimerEx(Timer: KTIMER, Type: TIMER_TYPE): void {
  Timer.autoReset = Type === SynchronizationTimer;
  Timer.Type = Type === SynchronizationTimer ? TimerSynchronizationObject : TimerNotificationObject;
  Timer.SignalState = 0;
  Timer.inserted = false;
  Timer.generation++;
  Timer.driver = cur.cpu.driver;
}

/**
 * `KeSetTimer`: DueTime in 100 ns units, negative for relative. Returns TRUE if the
 * timer was already in the queue (it is reset).
 */
export function KeSetTimer(Timer: KTIMER, DueTime: number, Dpc: KDPC | null): boolean {
  const m = cur;
  if (m.checked && m.cpu.Irql > DISPATCH_LEVEL) VfIrqlTooHigh("KeSetTimer", DISPATCH_LEVEL, VF_RULE_IRQL_KE_DISPATCH_LTE);
  return KeSetTimerEx(Timer, DueTime, 0, Dpc);
}

export function KeSetTimerEx(Timer: KTIMER, DueTime: number, Period: number, Dpc: KDPC | null): boolean {
  const m = cur;
  if (m.checked && m.cpu.Irql > DISPATCH_LEVEL) VfIrqlTooHigh("KeSetTimerEx", DISPATCH_LEVEL, VF_RULE_IRQL_KE_DISPATCH_LTE);
  const was = Timer.inserted;
  const now = m.clock.now();
  Timer.DueTime = DueTime < 0 ? now - DueTime : Math.max(DueTime, now);
  Timer.Period = Period;
  Timer.Dpc = Dpc;
  Timer.SignalState = 0;
  Timer.inserted = true;
  Timer.generation++;
  Timer.driver = m.cpu.driver ?? Timer.driver;
  m.scheduler.insertTimer(Timer);
  return was;
}

/** `KeCancelTimer`: TRUE if the timer was in the queue. A DPC already queued still runs. */
export function KeCancelTimer(Timer: KTIMER): boolean {
  const was = Timer.inserted;
  Timer.inserted = false;
  Timer.generation++;
  return was;
}

export function KeReadStateTimer(Timer: KTIMER): boolean {
  return Timer.SignalState > 0;
}
