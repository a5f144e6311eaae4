import { cur } from "../context.js";
import { KiSchedulingPoint } from "./preempt.js";
import type { DRIVER_OBJECT } from "../io/driver.js";
import type { Machine } from "../machine.js";
import { KeBugCheckEx } from "./bugcheck.js";
import { DRIVER_VERIFIER_DETECTED_VIOLATION, IRQL_UNEXPECTED_VALUE, VF_RULE_SPIN_LOCK } from "./bugcheck-codes.js";
import { DISPATCH_LEVEL, IrqlName, PASSIVE_LEVEL } from "./irql.js";
import type { KPRCB } from "./kprcb.js";

export type PKDEFERRED_ROUTINE = (Dpc: KDPC, DeferredContext: any, SystemArgument1: any, SystemArgument2: any) => void;

/** KDPC_IMPORTANCE (wdm.h). */
export const LowImportance = 0;
export const MediumImportance = 1;
export const HighImportance = 2;
export const MediumHighImportance = 3;

/** The KOBJECTS value of an ordinary DPC's Type. */
export const DpcObject = 0x13;
/** The KOBJECTS value of a threaded DPC's Type (Windows 10's numbering). */
export const ThreadedDpcObject = 0x1a;

/**
 * KDPC: a deferred procedure call, run at DISPATCH_LEVEL on the processor it is queued to
 * (a threaded DPC: at PASSIVE_LEVEL, by that processor's DPC thread).
 */
export class KDPC {
  Type = DpcObject;
  DeferredRoutine: PKDEFERRED_ROUTINE | null = null;
  DeferredContext: any = null;
  SystemArgument1: any = null;
  SystemArgument2: any = null;
  Importance = MediumImportance;
  /** Target processor, or -1 for the current one. */
  Number = -1;
  /** Where it is queued, or null. */
  queuedOn: KPRCB | null = null;
  /** It is in its processor's threaded DPC queue (not the ordinary one). */
  inThreadedQueue = false;
  next: KDPC | null = null;
  /** The driver that initialised it, blamed if its routine breaks a rule. */
  driver: DRIVER_OBJECT | null = null;
}

function initialize(Dpc: KDPC, DeferredRoutine: PKDEFERRED_ROUTINE, DeferredContext: any, Type: number): void {
  Dpc.Type = Type;
  Dpc.DeferredRoutine = DeferredRoutine;
  Dpc.DeferredContext = DeferredContext;
  Dpc.Importance = MediumImportance;
  Dpc.queuedOn = null;
  Dpc.inThreadedQueue = false;
  Dpc.next = null;
  Dpc.Number = -1;
  Dpc.driver = cur.cpu.driver;
}

export function KeInitializeDpc(Dpc: KDPC, DeferredRoutine: PKDEFERRED_ROUTINE, DeferredContext: any): void {
  initialize(Dpc, DeferredRoutine, DeferredContext, DpcObject);
}

/**
 * `KeInitializeThreadedDpc`: a DPC the system runs at PASSIVE_LEVEL, in the context of the
 * target processor's DPC thread (the highest-priority thread: no other thread preempts it,
 * ordinary DPCs do). With threaded DPCs disabled (`boot({ threadDpcEnable: false })`, the
 * ThreadDpcEnable registry value) it runs as an ordinary DPC, at DISPATCH_LEVEL: its routine
 * must be correct at both levels.
 */
export function KeInitializeThreadedDpc(Dpc: KDPC, DeferredRoutine: PKDEFERRED_ROUTINE, DeferredContext: any): void {
  initialize(Dpc, DeferredRoutine, DeferredContext, ThreadedDpcObject);
}

export function KeSetTargetProcessorDpc(Dpc: KDPC, Number: number): void {
  Dpc.Number = Number;
}

export function KeSetImportanceDpc(Dpc: KDPC, Importance: number): void {
  Dpc.Importance = Importance;
}

/**
 * `KeInsertQueueDpc`: false if already queued. Where it goes and when it runs follow
 * Windows' rules ("Organization of DPC Queues", KeSetImportanceDpc): see KiInsertQueueDpc.
 * Queued to this processor below DISPATCH_LEVEL with the DISPATCH interrupt requested, it
 * runs before KeInsertQueueDpc returns, as the interrupt fires at once; a threaded DPC
 * likewise runs at once (its thread preempts the caller's).
 */
export function KeInsertQueueDpc(Dpc: KDPC, SystemArgument1: any, SystemArgument2: any): boolean {
  const m = cur;
  if (Dpc.queuedOn !== null) return false;
  Dpc.SystemArgument1 = SystemArgument1;
  Dpc.SystemArgument2 = SystemArgument2;
  const cpu = m.cpu;
  const target = Dpc.Number >= 0 && Dpc.Number < m.processors.length ? m.processors[Dpc.Number]! : cpu;
  KiInsertQueueDpc(target, Dpc, cpu);
  if (target === cpu && cpu.Irql < DISPATCH_LEVEL && cpu.DpcInterruptRequested) KiDispatchInterrupt(m, cpu);
  // Queued to another processor, it may run there before the caller goes on.
  KiSchedulingPoint();
  return true;
}

/**
 * Queue `Dpc` on `cpu`, as KeInsertQueueDpc does from processor `from`. A High-importance
 * DPC goes to the head of the queue, any other to the tail. Whether the DISPATCH_LEVEL
 * interrupt is requested on `cpu` (so the queue drains as soon as its IRQL allows):
 * on the current processor, for any importance but Low; on another processor, for
 * MediumHigh and High only; on either, once the queue is MaximumDpcQueueDepth deep. (The
 * rule that also lets a Low DPC interrupt the current processor while its DPC request rate
 * is low is not modelled: we behave as a busy processor, where Low DPCs wait.) A threaded
 * DPC goes to the threaded queue whatever its importance, and always asks for its thread.
 */
export function KiInsertQueueDpc(cpu: KPRCB, Dpc: KDPC, from: KPRCB): void {
  Dpc.queuedOn = cpu;
  Dpc.next = null;
  const high = Dpc.Importance === HighImportance;
  if (Dpc.Type === ThreadedDpcObject && cpu.ThreadDpcEnable) {
    Dpc.inThreadedQueue = true;
    if (high && cpu.threadedDpcHead !== null) {
      Dpc.next = cpu.threadedDpcHead;
      cpu.threadedDpcHead = Dpc;
    } else {
      if (cpu.threadedDpcTail === null) cpu.threadedDpcHead = Dpc;
      else cpu.threadedDpcTail.next = Dpc;
      cpu.threadedDpcTail = Dpc;
    }
    if (!cpu.DpcThreadActive) cpu.DpcInterruptRequested = true;
    return;
  }
  Dpc.inThreadedQueue = false;
  if (high && cpu.dpcHead !== null) {
    Dpc.next = cpu.dpcHead;
    cpu.dpcHead = Dpc;
  } else {
    if (cpu.dpcTail === null) cpu.dpcHead = Dpc;
    else cpu.dpcTail.next = Dpc;
    cpu.dpcTail = Dpc;
  }
  cpu.DpcQueueDepth++;
  // A queue being drained picks it up in the same pass.
  if (cpu.dpcRoutineActive || cpu.DpcInterruptRequested) return;
  const imp = Dpc.Importance;
  const interrupt = cpu === from ? imp !== LowImportance : high || imp === MediumHighImportance;
  if (interrupt || cpu.DpcQueueDepth >= cpu.MaximumDpcQueueDepth) cpu.DpcInterruptRequested = true;
}

/**
 * A timer expired in the clock interrupt taken by `clockCpu` (KiTimerExpiration): its DPC
 * runs there, unless KeSetTargetProcessorDpc aimed it at another processor, where it is
 * queued as KeInsertQueueDpc would. Either way it gets the system time, low and high
 * 32 bits, as SystemArgument1 and SystemArgument2.
 */
export function KiInsertTimerDpc(m: Machine, Dpc: KDPC, clockCpu: KPRCB): void {
  const now = m.clock.now();
  Dpc.SystemArgument1 = now >>> 0;
  Dpc.SystemArgument2 = Math.floor(now / 0x1_0000_0000);
  const target = Dpc.Number >= 0 && Dpc.Number < m.processors.length ? m.processors[Dpc.Number]! : clockCpu;
  KiInsertQueueDpc(target, Dpc, clockCpu);
  // The timer expiration is itself DISPATCH_LEVEL work on the clock processor: what it
  // runs there runs before that processor returns to a thread.
  if (target === clockCpu) clockCpu.DpcInterruptRequested = true;
}

export function KeRemoveQueueDpc(Dpc: KDPC): boolean {
  const cpu = Dpc.queuedOn;
  if (cpu === null) return false;
  const threaded = Dpc.inThreadedQueue;
  let prev: KDPC | null = null;
  for (let d = threaded ? cpu.threadedDpcHead : cpu.dpcHead; d !== null; prev = d, d = d.next) {
    if (d !== Dpc) continue;
    if (threaded) {
      if (prev === null) cpu.threadedDpcHead = d.next;
      else prev.next = d.next;
      if (cpu.threadedDpcTail === d) cpu.threadedDpcTail = prev;
    } else {
      if (prev === null) cpu.dpcHead = d.next;
      else prev.next = d.next;
      if (cpu.dpcTail === d) cpu.dpcTail = prev;
      cpu.DpcQueueDepth--;
    }
    break;
  }
  Dpc.queuedOn = null;
  Dpc.inThreadedQueue = false;
  Dpc.next = null;
  return true;
}

/** Has `cpu` any DPC queued, ordinary or threaded? */
export function KiDpcsQueued(cpu: KPRCB): boolean {
  return cpu.dpcHead !== null || cpu.threadedDpcHead !== null;
}

/**
 * The DISPATCH_LEVEL software interrupt on `cpu`, whose IRQL is below DISPATCH_LEVEL:
 * its DPC queue drains (Low-importance DPCs too), then its DPC thread, the highest-priority
 * thread, runs the threaded DPCs before the interrupted thread goes on. An idle processor
 * does the same before it switches to a thread (KiIdleLoop retires the DPC list first).
 */
export function KiDispatchInterrupt(m: Machine, cpu: KPRCB): void {
  if (cpu.dpcHead !== null) drainDpcQueue(m, cpu);
  else cpu.DpcInterruptRequested = false;
  if (cpu.threadedDpcHead !== null && !cpu.DpcThreadActive) runThreadedDpcs(m, cpu);
}

/**
 * The unique value our IRQL_UNEXPECTED_VALUE gives for a DPC routine that returned at
 * another IRQL. The bug check's page gives 0 and 1 to APC delivery (P2-P4 then name the
 * APC); any other value leaves P2-P4 zero.
 */
const IRQL_UNEXPECTED_DPC_RETURN = 2;

/**
 * A DPC routine must return at the IRQL it was called at. The kernel finds the IRQL is not
 * what it should be: IRQL_UNEXPECTED_VALUE (0xC8), P1 (current << 16) | (expected << 8) |
 * unique value. https://learn.microsoft.com/windows-hardware/drivers/debugger/bug-check-0xc8--irql-unexpected-value
 */
function KiDpcReturnedAtWrongIrql(irql: number, expected: number, what: string): never {
  return KeBugCheckEx(IRQL_UNEXPECTED_VALUE, (irql << 16) | (expected << 8) | IRQL_UNEXPECTED_DPC_RETURN, 0, 0, 0,
    `${what} returned at ${IrqlName(irql)} instead of ${IrqlName(expected)}.`);
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
      cpu.DpcQueueDepth--;
      d.queuedOn = null;
      d.next = null;
      cpu.driver = d.driver;
      if (m.checked && d.driver !== null) m.mm.pageOutAll();
      m.trace?.event("dpc", d.driver, null);
      d.DeferredRoutine!(d, d.DeferredContext, d.SystemArgument1, d.SystemArgument2);
      if (cpu.Irql !== DISPATCH_LEVEL) KiDpcReturnedAtWrongIrql(cpu.Irql, DISPATCH_LEVEL, "A DPC routine");
      if (cpu.spinLocksHeld !== 0) {
        KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, VF_RULE_SPIN_LOCK, cpu.spinLocksHeld, 0, 0, "A DPC routine returned holding a spin lock (rule SpinLock).");
      }
    }
  } finally {
    cpu.dpcRoutineActive = false;
    cpu.DpcInterruptRequested = false;
    cpu.Irql = savedIrql;
    cpu.driver = savedDriver;
    cpu.process = savedProcess;
    m.cpu = savedCpu;
  }
}

/**
 * The DPC thread of `cpu` runs its threaded DPCs, in queue order, at PASSIVE_LEVEL in the
 * System process. Ordinary DPCs preempt it: before each threaded DPC, and whenever one of
 * them queues an ordinary DPC to this processor, the ordinary queue drains first.
 */
function runThreadedDpcs(m: Machine, cpu: KPRCB): void {
  const savedCpu = m.cpu;
  const savedThread = cpu.thread;
  const savedIrql = cpu.Irql;
  const savedDriver = cpu.driver;
  const savedProcess = cpu.process;
  m.cpu = cpu;
  cpu.thread = cpu.DpcThread ??= m.createSystemThread(`DPC thread ${cpu.Number}`, null);
  cpu.process = m.systemProcess;
  cpu.DpcThreadActive = true;
  try {
    let d: KDPC | null;
    while ((d = cpu.threadedDpcHead) !== null) {
      cpu.Irql = PASSIVE_LEVEL;
      if (cpu.dpcHead !== null && cpu.DpcInterruptRequested) drainDpcQueue(m, cpu);
      if (d !== cpu.threadedDpcHead) continue; // an ordinary DPC removed or queued one
      cpu.threadedDpcHead = d.next;
      if (cpu.threadedDpcHead === null) cpu.threadedDpcTail = null;
      d.queuedOn = null;
      d.inThreadedQueue = false;
      d.next = null;
      cpu.driver = d.driver;
      m.trace?.event("dpc", d.driver, null);
      d.DeferredRoutine!(d, d.DeferredContext, d.SystemArgument1, d.SystemArgument2);
      if (cpu.Irql !== PASSIVE_LEVEL) KiDpcReturnedAtWrongIrql(cpu.Irql, PASSIVE_LEVEL, "A threaded DPC routine");
      if (cpu.spinLocksHeld !== 0) {
        KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, VF_RULE_SPIN_LOCK, cpu.spinLocksHeld, 0, 0, "A threaded DPC routine returned holding a spin lock (rule SpinLock).");
      }
    }
  } finally {
    cpu.DpcThreadActive = false;
    cpu.thread = savedThread;
    cpu.Irql = savedIrql;
    cpu.driver = savedDriver;
    cpu.process = savedProcess;
    m.cpu = savedCpu;
  }
}
