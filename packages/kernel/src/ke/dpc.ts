import { cur } from "../context.js";
import { KiSchedulingPoint } from "./preempt.js";
import type { DRIVER_OBJECT } from "../io/driver.js";
import type { Machine } from "../machine.js";
import { KeBugCheckEx } from "./bugcheck.js";
import { DRIVER_VERIFIER_DETECTED_VIOLATION } from "./bugcheck-codes.js";
import { DISPATCH_LEVEL, IrqlName } from "./irql.js";
import type { KPRCB } from "./kprcb.js";

export type PKDEFERRED_ROUTINE = (Dpc: KDPC, DeferredContext: any, SystemArgument1: any, SystemArgument2: any) => void;

export const LowImportance = 0;
export const MediumImportance = 1;
export const HighImportance = 2;

/** KDPC: a deferred procedure call, run at DISPATCH_LEVEL on the processor it is queued to. */
export class KDPC {
  DeferredRoutine: PKDEFERRED_ROUTINE | null = null;
  DeferredContext: any = null;
  SystemArgument1: any = null;
  SystemArgument2: any = null;
  Importance = MediumImportance;
  /** Target processor, or -1 for the current one. */
  Number = -1;
  /** Where it is queued, or null. */
  queuedOn: KPRCB | null = null;
  next: KDPC | null = null;
  /** The driver that initialised it, blamed if its routine breaks a rule. */
  driver: DRIVER_OBJECT | null = null;
}

export function KeInitializeDpc(Dpc: KDPC, DeferredRoutine: PKDEFERRED_ROUTINE, DeferredContext: any): void {
  Dpc.DeferredRoutine = DeferredRoutine;
  Dpc.DeferredContext = DeferredContext;
  Dpc.queuedOn = null;
  Dpc.next = null;
  Dpc.Number = -1;
  Dpc.driver = cur.cpu.driver;
}

export function KeSetTargetProcessorDpc(Dpc: KDPC, Number: number): void {
  Dpc.Number = Number;
}

export function KeSetImportanceDpc(Dpc: KDPC, Importance: number): void {
  Dpc.Importance = Importance;
}

/**
 * `KeInsertQueueDpc`: false if already queued. Queued to this processor below
 * DISPATCH_LEVEL, it runs at once, as the DPC interrupt would fire.
 */
export function KeInsertQueueDpc(Dpc: KDPC, SystemArgument1: any, SystemArgument2: any): boolean {
  const m = cur;
  if (Dpc.queuedOn !== null) return false;
  Dpc.SystemArgument1 = SystemArgument1;
  Dpc.SystemArgument2 = SystemArgument2;
  const target = Dpc.Number >= 0 && Dpc.Number < m.processors.length ? m.processors[Dpc.Number]! : m.cpu;
  queueDpc(target, Dpc);
  if (target === m.cpu && target.Irql < DISPATCH_LEVEL && !target.dpcRoutineActive) drainDpcQueue(m, target);
  // Queued to another processor, it may run there before the caller goes on.
  KiSchedulingPoint();
  return true;
}

export function queueDpc(cpu: KPRCB, Dpc: KDPC): void {
  Dpc.queuedOn = cpu;
  Dpc.next = null;
  if (Dpc.Importance === HighImportance && cpu.dpcHead !== null) {
    Dpc.next = cpu.dpcHead;
    cpu.dpcHead = Dpc;
    return;
  }
  if (cpu.dpcTail === null) cpu.dpcHead = Dpc;
  else cpu.dpcTail.next = Dpc;
  cpu.dpcTail = Dpc;
}

export function KeRemoveQueueDpc(Dpc: KDPC): boolean {
  const cpu = Dpc.queuedOn;
  if (cpu === null) return false;
  let prev: KDPC | null = null;
  for (let d = cpu.dpcHead; d !== null; prev = d, d = d.next) {
    if (d !== Dpc) continue;
    if (prev === null) cpu.dpcHead = d.next;
    else prev.next = d.next;
    if (cpu.dpcTail === d) cpu.dpcTail = prev;
    break;
  }
  Dpc.queuedOn = null;
  Dpc.next = null;
  return true;
}

/** Run every DPC queued to `cpu`, at DISPATCH_LEVEL, in queue order. */
export function drainDpcQueue(m: Machine, cpu: KPRCB): void {
  if (cpu.dpcRoutineActive) return;
  const savedCpu = m.cpu;
  const savedIrql = cpu.Irql;
  const savedDriver = cpu.driver;
  const savedProcess = cpu.process;
  m.cpu = cpu;
  cpu.Irql = DISPATCH_LEVEL;
  cpu.dpcRoutineActive = true;
  // DPCs run in an arbitrary thread context: we use the System process, so a user
  // address (METHOD_NEITHER) touched from a DPC is not the requester's.
  cpu.process = m.systemProcess;
  try {
    let d: KDPC | null;
    while ((d = cpu.dpcHead) !== null) {
      cpu.dpcHead = d.next;
      if (cpu.dpcHead === null) cpu.dpcTail = null;
      d.queuedOn = null;
      d.next = null;
      cpu.driver = d.driver;
      if (m.checked && d.driver !== null) m.mm.pageOutAll();
      m.trace?.event("dpc", d.driver, null);
      d.DeferredRoutine!(d, d.DeferredContext, d.SystemArgument1, d.SystemArgument2);
      if (cpu.Irql !== DISPATCH_LEVEL) {
        KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, 0xfa, cpu.Irql, DISPATCH_LEVEL, 0, `A DPC routine returned at ${IrqlName(cpu.Irql)} instead of DISPATCH_LEVEL.`);
      }
      if (cpu.spinLocksHeld !== 0) {
        KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, 0x00040009, cpu.spinLocksHeld, 0, 0, "A DPC routine returned holding a spin lock.");
      }
    }
  } finally {
    cpu.dpcRoutineActive = false;
    cpu.Irql = savedIrql;
    cpu.driver = savedDriver;
    cpu.process = savedProcess;
    m.cpu = savedCpu;
  }
}
