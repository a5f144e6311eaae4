import { STATUS_SUCCESS, STATUS_TIMEOUT, type NTSTATUS } from "../ntstatus.js";
import type { Machine } from "../machine.js";
import type { KTHREAD } from "../ps/process.js";
import { KeBugCheckEx } from "./bugcheck.js";
import { DRIVER_VERIFIER_DETECTED_VIOLATION } from "./bugcheck-codes.js";
import { signal, testWait, type KWAIT_BLOCK } from "./dispatcher.js";
import { drainDpcQueue, queueDpc } from "./dpc.js";
import { APC_LEVEL, IrqlName, PASSIVE_LEVEL } from "./irql.js";
import type { KTIMER } from "./timer.js";
import type { KPRCB } from "./kprcb.js";
import type { DRIVER_OBJECT } from "../io/driver.js";

interface TimerEntry {
  due: number;
  seq: number;
  timer: KTIMER | null;
  generation: number;
  thread: KTHREAD | null;
}

/** A unit of passive-level work queued by IoQueueWorkItem / ExQueueWorkItem. */
export interface WorkQueueItem {
  run(): void;
}

/** Thrown when a caller waits for something nothing left in the machine can bring about. */
export class MachineDeadlock extends Error {
  constructor(
    readonly waitingFor: string,
    readonly report: string,
  ) {
    super(`The machine can make no progress while waiting for ${waitingFor}.\n${report}`);
    this.name = "MachineDeadlock";
  }
}

/** Raised inside a system thread by PsTerminateSystemThread to end its body. */
export class ThreadExit {
  constructor(readonly ExitStatus: NTSTATUS) {}
}

/**
 * The seeded scheduler: decides, from its seed alone, which processor runs its DPCs
 * next, which ready thread, work item or APC runs and on which processor, and moves
 * the virtual clock to the next timer when nothing else can run. The same seed gives
 * the same interleaving and the same trace.
 */
export class Scheduler {
  private readonly ready: KTHREAD[] = [];
  readonly waiting = new Set<KTHREAD>();
  private readonly apcThreads: KTHREAD[] = [];
  private readonly work: WorkQueueItem[] = [];
  private heap: TimerEntry[] = [];
  private seq = 0;
  steps = 0;
  /** Safety net: a run that takes more units than this reports a livelock. */
  maxStepsPerRun = 50_000_000;

  constructor(private readonly m: Machine) {}

  // ---- timers ----

  insertTimer(timer: KTIMER): void {
    this.push({ due: timer.DueTime, seq: this.seq++, timer, generation: timer.generation, thread: null });
  }

  private push(e: TimerEntry): void {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (before(h[p]!, e)) break;
      h[i] = h[p]!;
      i = p;
    }
    h[i] = e;
  }

  private pop(): TimerEntry {
    const h = this.heap;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= h.length) break;
        const r = l + 1;
        const c = r < h.length && before(h[r]!, h[l]!) ? r : l;
        if (before(last, h[c]!)) break;
        h[i] = h[c]!;
        i = c;
      }
      h[i] = last;
    }
    return top;
  }

  private live(e: TimerEntry): boolean {
    if (e.timer) return e.timer.inserted && e.timer.generation === e.generation;
    return e.thread !== null && e.thread.state === "waiting" && e.thread.waitSeq === e.generation;
  }

  /** The due time of the next live timer, or -1. */
  nextDue(): number {
    while (this.heap.length > 0 && !this.live(this.heap[0]!)) this.pop();
    return this.heap.length > 0 ? this.heap[0]!.due : -1;
  }

  /** Expire everything due at or before now. True if anything expired. */
  private expireTimers(): boolean {
    const now = this.m.clock.now();
    let any = false;
    for (;;) {
      const due = this.nextDue();
      if (due < 0 || due > now) return any;
      const e = this.pop();
      any = true;
      if (e.thread) {
        // A wait on objects that times out says so; a plain delay (KeDelayExecutionThread) succeeded.
        const objs = e.thread.waitObjects;
        this.wake(e.thread, objs !== null && objs.length > 0 ? STATUS_TIMEOUT : STATUS_SUCCESS);
        continue;
      }
      const t = e.timer!;
      t.inserted = false;
      t.SignalState = 1;
      if (t.Period > 0) {
        t.DueTime += t.Period * 10_000;
        t.inserted = true;
        t.generation++;
        this.insertTimer(t);
      }
      if (t.Dpc !== null && t.Dpc.queuedOn === null) {
        // The clock interrupt lands on some processor: the seed decides which.
        queueDpc(this.m.processors[this.m.random.below(this.m.processors.length)]!, t.Dpc);
      }
      signal(t);
    }
  }

  // ---- threads ----

  makeReady(t: KTHREAD): void {
    t.state = "ready";
    this.ready.push(t);
  }

  /** Called when an object a thread waits on is signalled. */
  tryWake(t: KTHREAD): void {
    if (t.state !== "waiting" || t.waitObjects === null) return;
    const status = testWait(t.waitObjects, t.waitAll);
    if (status >= 0) this.wake(t, status);
  }

  private wake(t: KTHREAD, status: NTSTATUS): void {
    if (t.waitObjects) {
      for (const o of t.waitObjects) {
        const ws = o.waiters;
        if (ws) {
          const i = ws.indexOf(t);
          if (i >= 0) ws.splice(i, 1);
        }
      }
    }
    t.waitObjects = null;
    t.waitSeq++;
    t.resumeWith = status;
    this.waiting.delete(t);
    this.makeReady(t);
  }

  private block(t: KTHREAD, w: KWAIT_BLOCK): void {
    t.state = "waiting";
    t.waitObjects = w.objects;
    t.waitAll = w.waitAll;
    t.waitDeadline = w.deadline;
    t.waitSeq++;
    for (const o of w.objects) (o.waiters ??= []).push(t);
    this.waiting.add(t);
    if (w.deadline >= 0) this.push({ due: w.deadline, seq: this.seq++, timer: null, generation: t.waitSeq, thread: t });
  }

  queueApc(t: KTHREAD, apc: (t: KTHREAD) => void): void {
    t.apcQueue.push(apc);
    if (t.apcQueue.length === 1) this.apcThreads.push(t);
  }

  /**
   * Deliver `t`'s kernel APCs now, on the current processor (the APC interrupt when the
   * thread's IRQL drops below APC_LEVEL, or on its way back to user mode).
   */
  deliverNow(t: KTHREAD): void {
    const i = this.apcThreads.indexOf(t);
    if (i >= 0) this.apcThreads.splice(i, 1);
    const cpu = this.m.cpu;
    const irql = cpu.Irql;
    const process = cpu.process;
    cpu.Irql = APC_LEVEL;
    cpu.process = t.process;
    try {
      while (t.apcQueue.length > 0) t.apcQueue.shift()!(t);
    } finally {
      cpu.Irql = irql;
      cpu.process = process;
    }
  }

  queueWork(item: WorkQueueItem): void {
    this.work.push(item);
  }

  // ---- running ----

  /** Run one unit of work. False when nothing can run and no timer is pending. */
  step(): boolean {
    const m = this.m;
    this.expireTimers();
    const cpus = m.processors;
    let dpcCpus = 0;
    for (const c of cpus) if (c.dpcHead !== null) dpcCpus++;
    const n = dpcCpus + this.apcThreads.length + this.ready.length + (this.work.length > 0 ? 1 : 0);
    if (n === 0) {
      const due = this.nextDue();
      if (due < 0) return false;
      if (m.clock.isVirtual) m.clock.advanceTo(due);
      return true;
    }
    this.steps++;
    let pick = m.random.below(n);
    if (pick < dpcCpus) {
      for (const c of cpus) if (c.dpcHead !== null && pick-- === 0) return this.runDpcs(c);
    }
    pick -= dpcCpus;
    if (pick < this.apcThreads.length) {
      this.deliverApcs(this.apcThreads.splice(pick, 1)[0]!);
      return true;
    }
    pick -= this.apcThreads.length;
    if (pick < this.ready.length) {
      this.runThread(this.ready.splice(pick, 1)[0]!);
      return true;
    }
    this.runWork(this.work.shift()!);
    return true;
  }

  private runDpcs(c: KPRCB): true {
    drainDpcQueue(this.m, c);
    return true;
  }

  private onCpu<T>(t: KTHREAD | null, irql: number, fn: () => T): T {
    const m = this.m;
    const saved = m.cpu;
    const cpu = m.processors[m.random.below(m.processors.length)]!;
    const prevThread = cpu.thread;
    const prevProcess = cpu.process;
    const prevIrql = cpu.Irql;
    const prevDriver = cpu.driver;
    m.cpu = cpu;
    cpu.thread = t;
    cpu.process = t ? t.process : m.systemProcess;
    cpu.Irql = irql;
    cpu.driver = t ? t.driver : null;
    try {
      return fn();
    } finally {
      cpu.thread = prevThread;
      cpu.process = prevProcess;
      cpu.Irql = prevIrql;
      cpu.driver = prevDriver;
      m.cpu = saved;
    }
  }

  private deliverApcs(t: KTHREAD): void {
    // Special kernel APCs run at APC_LEVEL in the context of the thread's process.
    this.onCpu(t, APC_LEVEL, () => {
      while (t.apcQueue.length > 0) t.apcQueue.shift()!(t);
    });
  }

  private runThread(t: KTHREAD): void {
    t.state = "running";
    // A thread resumes at the IRQL it waited at (PASSIVE_LEVEL or APC_LEVEL).
    this.onCpu(t, t.waitIrql, () => {
      const cpu = this.m.cpu;
      let r: IteratorResult<KWAIT_BLOCK, void>;
      try {
        r = t.body!.next(t.resumeWith);
      } catch (e) {
        if (!(e instanceof ThreadExit)) throw e;
        t.ExitStatus = e.ExitStatus;
        r = { done: true, value: undefined };
      }
      // A wait is legal up to APC_LEVEL (KeWaitForSingleObject checks the rest); a thread
      // must end at PASSIVE_LEVEL.
      if (r.done ? cpu.Irql !== PASSIVE_LEVEL : cpu.Irql > APC_LEVEL) {
        KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, 0x0002001d, cpu.Irql, 0, 0, `System thread '${t.name}' ${r.done ? "ended" : "waited"} at ${IrqlName(cpu.Irql)}.`);
      }
      t.waitIrql = cpu.Irql;
      if (r.done) {
        t.state = "terminated";
        t.SignalState = 1;
        signal(t);
      } else {
        this.block(t, r.value);
      }
    });
  }

  private runWork(w: WorkQueueItem): void {
    this.onCpu(null, PASSIVE_LEVEL, () => w.run());
  }

  /** Is there anything to run now or later? */
  get idle(): boolean {
    return (
      this.ready.length === 0 &&
      this.apcThreads.length === 0 &&
      this.work.length === 0 &&
      this.m.processors.every((c) => c.dpcHead === null) &&
      this.nextDue() < 0
    );
  }

  /**
   * Run until `done()` holds. With `deadline` (an absolute time in 100 ns units),
   * returns false once virtual time reaches it first. When nothing can run any more
   * and `done()` still fails, throws MachineDeadlock with what every thread waits on.
   */
  runUntil(done: () => boolean, waitingFor: string, deadline = -1): boolean {
    const limit = this.steps + this.maxStepsPerRun;
    const m = this.m;
    for (;;) {
      if (done()) return true;
      // What falls due at the deadline itself (a timer set for exactly that time) still runs.
      if (deadline >= 0 && m.clock.now() >= deadline && !this.dueNow()) return false;
      if (deadline >= 0 && this.nothingRunnable()) {
        const due = this.nextDue();
        if (due < 0 || due > deadline) {
          if (m.clock.isVirtual) m.clock.advanceTo(deadline);
          continue;
        }
      }
      if (!this.step()) throw new MachineDeadlock(waitingFor, this.describeWaits());
      if (this.steps > limit) throw new MachineDeadlock(waitingFor, `No progress after ${this.maxStepsPerRun} scheduling steps (a livelock).\n${this.describeWaits()}`);
    }
  }

  /** Run until nothing is left to do, timers included. */
  runUntilIdle(): void {
    const limit = this.steps + this.maxStepsPerRun;
    while (this.step()) {
      if (this.steps > limit) throw new MachineDeadlock("idle", "The machine never becomes idle (a livelock, or a periodic timer).");
    }
  }

  /** Is anything runnable, or a timer due, at the current time? */
  private dueNow(): boolean {
    if (!this.nothingRunnable()) return true;
    const due = this.nextDue();
    return due >= 0 && due <= this.m.clock.now();
  }

  private nothingRunnable(): boolean {
    return this.ready.length === 0 && this.apcThreads.length === 0 && this.work.length === 0 && this.m.processors.every((c) => c.dpcHead === null);
  }

  /** What of `driver` is still queued or set (timers, DPCs, threads), or null if nothing. */
  pendingFor(driver: DRIVER_OBJECT): string | null {
    const what: string[] = [];
    const timers = this.heap.filter((e) => e.timer !== null && this.live(e) && e.timer.driver === driver).length;
    if (timers) what.push(`${timers} timer(s)`);
    let dpcs = 0;
    for (const c of this.m.processors) for (let d = c.dpcHead; d !== null; d = d.next) if (d.driver === driver) dpcs++;
    if (dpcs) what.push(`${dpcs} DPC(s)`);
    const threads = [...this.ready, ...this.waiting].filter((t) => t.driver === driver).length;
    if (threads) what.push(`${threads} thread(s)`);
    return what.length ? what.join(", ") : null;
  }

  describeWaits(): string {
    const lines: string[] = [];
    for (const t of this.waiting) {
      const what = (t.waitObjects ?? []).map((o) => o.constructor.name).join(", ") || "a delay";
      lines.push(`  thread '${t.name}' (process ${t.process.ImageFileName}) waits on ${what}`);
    }
    return lines.length ? `Waiting threads:\n${lines.join("\n")}` : "No thread is waiting; nothing is queued and no timer is set.";
  }
}

function before(a: TimerEntry, b: TimerEntry): boolean {
  return a.due < b.due || (a.due === b.due && a.seq < b.seq);
}
