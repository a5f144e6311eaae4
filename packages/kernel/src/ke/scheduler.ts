import { STATUS_SUCCESS, STATUS_THREAD_IS_TERMINATING, STATUS_TIMEOUT, STATUS_USER_APC, type NTSTATUS } from "../ntstatus.js";
import { heapPop, heapPush } from "../rtl/binary-heap.js";
import type { Machine } from "../machine.js";
import type { KTHREAD } from "../ps/process.js";
import type { DRIVER_OBJECT } from "../io/driver.js";
import { KeBugCheckEx } from "./bugcheck.js";
import { DRIVER_VERIFIER_DETECTED_VIOLATION, IRQL_NOT_LESS_OR_EQUAL, VF_RULE_IRQL_RETURN } from "./bugcheck-codes.js";
import {
  KEVENT, KeInitializeEvent, KiAddWaiter, KiCheckUnconsumedWait, KiRundownMutants, NotificationEvent, KiTestWaitNow, KWAIT_OPERATION, signal, testWait, WDFJS_YIELDED_NOT_A_WAIT, VfWaitAtWrongIrql, type KWAIT_BLOCK,
} from "./dispatcher.js";
import { KiDispatchInterrupt, KiDpcsQueued, KiInsertTimerDpc } from "./dpc.js";
import { APC_LEVEL, DISPATCH_LEVEL, IrqlName, PASSIVE_LEVEL } from "./irql.js";
import type { KTIMER } from "./timer.js";
import type { KPRCB } from "./kprcb.js";
import { Strand } from "./strand.js";
import type { SeededRandom } from "./random.js";
import { KiQueueKernelStrandsWait } from "./service-wait.js";
import type { MachineEventSource } from "./source.js";

interface TimerEntry {
  due: number;
  seq: number;
  timer: KTIMER | null;
  generation: number;
  strand: Strand | null;
}

/** A unit of passive-level work queued by IoQueueWorkItem / ExQueueWorkItem, run by a system worker thread. */
export interface WorkQueueItem {
  run(): void;
}

/** Thrown when a caller waits for something nothing left in the machine (or outside it) can bring about. */
export class MachineDeadlock extends Error {
  constructor(
    readonly waitingFor: string,
    readonly report: string,
  ) {
    super(`The machine can make no progress while waiting for ${waitingFor}.\n${report}`);
    this.name = "MachineDeadlock";
  }
}

/**
 * A host program used the machine wrongly (plain host code's blocking call made from code
 * the machine itself runs): an error in the caller's program, not a kernel bug check.
 */
export class MachineUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MachineUsageError";
  }
}

/** Raised inside a system thread by PsTerminateSystemThread to end its body. */
export class ThreadExit {
  constructor(readonly ExitStatus: NTSTATUS) {}
}

/**
 * The seeded scheduler: decides, from its seed alone, which processor runs its DPCs
 * next, which ready strand, work item, APC or due event source runs and on which
 * processor, and moves the virtual clock to the next timer when nothing else can run.
 * The same seed gives the same interleaving and the same trace.
 *
 * Only the outermost host entry loops here (`hostWait`, `runUntil`): kernel code never
 * runs a nested loop; it waits as a strand.
 */
export class Scheduler {
  private readonly ready: Strand[] = [];
  private readonly waiting: Strand[] = [];
  private readonly apcThreads: KTHREAD[] = [];
  private work: WorkQueueItem[] = [];
  private workHead = 0;
  private heap: TimerEntry[] = [];
  /** Heap entries of waits that ended before their deadline (dropped when they surface, or by compaction). */
  private staleTimers = 0;
  private seq = 0;
  private readonly sources: MachineEventSource[] = [];
  /** Idle system worker threads, reused by work items. */
  private readonly idleWorkers: KTHREAD[] = [];
  private workers = 0;
  /** The strand whose body is executing now, or null (host code, DPCs, APCs, work item routines). */
  current: Strand | null = null;
  /** Depth of scheduler-run machine code on the JavaScript stack (a host wait inside it would nest). */
  private running = 0;
  steps = 0;
  /** Safety net: a run that takes more units than this reports a livelock. */
  maxStepsPerRun = 50_000_000;
  /** How long (host milliseconds) a due event source may keep the machine waiting for its input. */
  sourceTimeoutMs = 30_000;

  constructor(private readonly m: Machine) {}

  // ---- timers ----

  insertTimer(timer: KTIMER): void {
    this.push({ due: timer.DueTime, seq: this.seq++, timer, generation: timer.generation, strand: null });
  }

  private push(e: TimerEntry): void {
    heapPush(this.heap, e, before);
  }

  private pop(): TimerEntry {
    return heapPop(this.heap, before);
  }

  private live(e: TimerEntry): boolean {
    if (e.timer) return e.timer.inserted && e.timer.generation === e.generation;
    return e.strand !== null && e.strand.state === "waiting" && e.strand.waitSeq === e.generation;
  }

  /** The due time of the next live timer, or -1. */
  nextDue(): number {
    while (this.heap.length > 0 && !this.live(this.heap[0]!)) {
      if (this.pop().strand !== null && this.staleTimers > 0) this.staleTimers--;
    }
    return this.heap.length > 0 ? this.heap[0]!.due : -1;
  }

  /** Entries in the timer heap, live or stale (for tests of its growth). */
  get timerHeapSize(): number {
    return this.heap.length;
  }

  /** A strand's wait ended before its deadline: its heap entry is now stale. */
  private dropTimer(s: Strand): void {
    if (!s.timed) return;
    s.timed = false;
    // When stale entries are most of the heap, rebuild it from the live ones, so waits that
    // keep ending early (a poll with a timeout) cost what is live, not what ever was.
    if (++this.staleTimers > 64 && this.staleTimers * 2 > this.heap.length) {
      const live = this.heap.filter((e) => this.live(e));
      this.heap = [];
      this.staleTimers = 0;
      for (const e of live) this.push(e);
    }
  }

  /** Expire everything due at or before now. */
  private expireTimers(): void {
    const now = this.m.clock.now();
    for (;;) {
      const due = this.nextDue();
      if (due < 0 || due > now) return;
      const e = this.pop();
      if (e.strand) {
        e.strand.timed = false;
        // A wait on objects that times out says so; a plain delay (KeDelayExecutionThread) succeeded.
        const objs = e.strand.waitObjects;
        this.wake(e.strand, objs !== null && objs.length > 0 ? STATUS_TIMEOUT : STATUS_SUCCESS);
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
        // The clock interrupt lands on some processor: the seed decides which. The DPC runs
        // there unless it targets another processor (KeSetTargetProcessorDpc).
        KiInsertTimerDpc(this.m, t.Dpc, this.m.processors[this.m.random.below(this.m.processors.length)]!);
      }
      signal(t);
    }
  }

  // ---- strands ----

  /** A new strand of `thread` running `body`, counted as live until it finishes. */
  newStrand(thread: KTHREAD, body: Generator<KWAIT_BLOCK, unknown, NTSTATUS>, driver: DRIVER_OBJECT | null, name: string): Strand {
    const s = new Strand(this, thread, body, thread.process, driver, name);
    thread.liveStrands++;
    return s;
  }

  makeReady(s: Strand): void {
    s.state = "ready";
    if (s.body === null) return; // a host strand: the host's loop sees the state change
    s.readyIndex = this.ready.length;
    this.ready.push(s);
  }

  /** Called when an object a strand waits on is signalled. */
  tryWake(s: Strand): void {
    if (s.state !== "waiting" || s.waitObjects === null) return;
    const status = testWait(s.waitObjects, s.waitAll, s.thread);
    if (status >= 0) this.wake(s, status);
  }

  /** Take a waiting strand out of its wait without readying it (its waiter entries go stale). */
  private unblock(s: Strand): void {
    if (s.waitIndex < 0) return;
    s.waitObjects = null;
    s.waitSeq++;
    this.dropTimer(s);
    const w = this.waiting;
    const last = w.pop()!;
    if (last !== s) {
      w[s.waitIndex] = last;
      last.waitIndex = s.waitIndex;
    }
    s.waitIndex = -1;
    s.state = "running";
  }

  private wake(s: Strand, status: NTSTATUS): void {
    if (s.waitIndex < 0) return;
    this.unblock(s);
    s.resumeWith = status;
    this.makeReady(s);
  }

  /**
   * Suspend `s` on a wait block. A block that is already satisfied (a wait tested before
   * it was yielded can only have become more satisfiable since) readies it at once.
   */
  block(s: Strand, w: KWAIT_BLOCK): void {
    const now = KiTestWaitNow(w, s.thread);
    if (now >= 0) {
      s.resumeWith = now;
      this.makeReady(s);
      return;
    }
    s.state = "waiting";
    if (w.what !== undefined) s.waitingFor = w.what;
    else if (s.body !== null) s.waitingFor = "";
    s.waitObjects = w.objects;
    s.waitAll = w.waitAll;
    s.waitAlertable = w.alertable;
    s.waitUserMode = w.userMode;
    s.waitSeq++;
    for (const o of w.objects) KiAddWaiter(o, s);
    s.waitIndex = this.waiting.length;
    this.waiting.push(s);
    if (w.deadline >= 0) {
      s.timed = true;
      this.push({ due: w.deadline, seq: this.seq++, timer: null, generation: s.waitSeq, strand: s });
    }
  }

  /**
   * A process ended: the user-mode waits of its threads (their bodies, and host code
   * blocked in a call) end, so those threads run down. Kernel waits of its threads (a
   * dispatch routine that waited) go on until they return, as in Windows.
   */
  wakeTerminatedProcess(process: KTHREAD["process"]): void {
    for (const s of this.waiting.slice()) {
      const t = s.thread;
      if (t.process === process && (s === t.mainStrand || s.body === null)) this.wake(s, STATUS_THREAD_IS_TERMINATING);
    }
  }

  /** Queue a user APC (KeInsertQueueApc with UserMode): it runs in the thread's next alertable wait. */
  queueUserApc(t: KTHREAD, apc: () => void): void {
    t.userApcQueue.push(apc);
    this.alertForUserApc(t);
  }

  /** A user APC was queued: an alertable user-mode wait of the thread ends with STATUS_USER_APC. */
  alertForUserApc(t: KTHREAD): void {
    // Any strand of the thread in an alertable user-mode wait: its body, host code blocked
    // in a call, or a kernel routine waiting as it with KeWaitFor...(UserMode, Alertable).
    const w = this.waiting;
    for (let i = w.length - 1; i >= 0; i--) {
      const s = w[i]!;
      if (s.thread === t && s.waitAlertable && s.waitUserMode) this.wake(s, STATUS_USER_APC);
    }
  }

  /**
   * Step a strand once in the current processor context: resume its body with
   * `resumeWith`; then it has finished, or it yielded a wait it is now blocked on.
   */
  stepStrand(s: Strand): void {
    const outer = this.current;
    this.current = s;
    try {
      this.stepStrandBody(s);
    } finally {
      this.current = outer;
    }
  }

  private stepStrandBody(s: Strand): void {
    s.state = "running";
    const body = s.body!;
    if (s.thread.client && s.thread.process.terminated && s === s.thread.mainStrand) {
      s.thread.ExitStatus = s.thread.process.ExitStatus;
      // The process ended (ExitProcess): its threads' user-mode code ends wherever it was;
      // kernel code running as them (a dispatch routine that waited) goes on until it returns.
      body.return(undefined);
      this.finish(s, undefined);
      return;
    }
    let r: IteratorResult<KWAIT_BLOCK, unknown>;
    try {
      r = body.next(s.resumeWith);
    } catch (e) {
      if (!(e instanceof ThreadExit)) throw e;
      s.thread.ExitStatus = e.ExitStatus;
      r = { done: true, value: undefined };
    }
    const m = this.m;
    // `yield KeWait...(...)` (no star) hands over a wait that was called and never stepped:
    // say so before the generic check for an unconsumed wait would.
    const w = r.done ? null : (r.value as unknown);
    const forgotStar = w instanceof KWAIT_OPERATION && w.step === 0;
    if (!r.done && (forgotStar || (!(w instanceof KWAIT_OPERATION && w.step === 1) && !isWaitBlock(w)))) {
      m.unconsumedWait = null;
      KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, WDFJS_YIELDED_NOT_A_WAIT, 0, 0, 0,
        forgotStar
          ? `${s.name} yielded ${w.name}(...) with \`yield\`; a wait is performed with \`yield*\`: \`const status = yield* ${w.name}(...)\`.`
          : `${s.name} yielded something that is not a wait (${typeof w}); a routine only yields through \`yield*\` on a waiting DDI.`);
    }
    // A wait the routine called and did not yield* is caught when it hands control back.
    KiCheckUnconsumedWait();
    if (r.done) {
      const t = s.thread;
      if (s.children > 0) {
        // It returned, but it is still inside a routine it called that waited: it ends
        // when that routine returns.
        s.endsWith = { value: r.value };
        s.waitIrql = m.cpu.Irql;
        this.block(s, childrenIdleBlock(s));
        return;
      }
      this.finish(s, r.value);
      return;
    }
    // A wait is legal up to APC_LEVEL (the waiting DDIs checked the rest when called).
    const cpu = m.cpu;
    if (cpu.Irql > APC_LEVEL) {
      // It raised the IRQL after calling the DDI: the same rules as a wait called there.
      const b = w as KWAIT_BLOCK;
      if (m.checked) VfWaitAtWrongIrql(s.name, cpu.Irql, b instanceof KWAIT_OPERATION ? b.Timeout : b.deadline < 0 ? null : b.deadline, b.objects.length > 0 ? b.objects[0]! : null);
      KeBugCheckEx(IRQL_NOT_LESS_OR_EQUAL, 0, cpu.Irql, 0, 0, `${s.name} waited at ${IrqlName(cpu.Irql)}, where the dispatcher cannot switch threads.`);
    }
    s.waitIrql = cpu.Irql;
    if (s.waitIrql === APC_LEVEL) s.thread.apcLevelWaits++;
    s.process = cpu.process;
    s.driver = cpu.driver;
    const t = s.thread;
    if (s.children > 0) {
      // In Windows the thread is still inside a routine this code called that waited (a
      // dispatch routine): it reaches this wait only once that routine returns.
      s.afterWait = w as KWAIT_BLOCK;
      this.block(s, childrenIdleBlock(s));
      return;
    }
    this.block(s, w as KWAIT_BLOCK);
  }

  private finish(s: Strand, value: unknown): void {
    s.state = "done";
    const t = s.thread;
    t.liveStrands--;
    const parent = s.parent;
    if (parent !== null) {
      if (--parent.children === 0 && parent.childrenIdle !== null) {
        parent.childrenIdle.SignalState = 1;
        signal(parent.childrenIdle);
      }
    } else if (s.kernelRoutine && --t.kernelStrands === 0 && t.kernelStrandsIdle !== null) {
      t.kernelStrandsIdle.SignalState = 1;
      signal(t.kernelStrandsIdle);
    }
    if (s.onDone !== null) s.onDone(value);
    if (s === t.mainStrand) {
      // A thread must end at PASSIVE_LEVEL, holding no kernel mutex.
      const cpu = this.m.cpu;
      if (cpu.Irql !== PASSIVE_LEVEL) {
        KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, VF_RULE_IRQL_RETURN, cpu.Irql, 0, 0, `Thread '${t.name}' ended at ${IrqlName(cpu.Irql)}.`);
      }
      if (t.ownedMutants.length > 0) KiRundownMutants(t);
      t.state = "terminated";
      t.SignalState = 1;
      signal(t);
    } else if (t.worker && t.liveStrands === 0) {
      this.idleWorkers.push(t);
    }
  }

  /** Start `body` as a new strand of the current thread and step it at once, until it waits or ends. */
  startHere(thread: KTHREAD, body: Generator<KWAIT_BLOCK, unknown, NTSTATUS>, name: string, onDone: ((value: unknown) => void) | null): Strand {
    const s = this.newStrand(thread, body, this.m.cpu.driver, name);
    s.onDone = onDone;
    const cpu = this.m.cpu;
    const irql = cpu.Irql;
    const process = cpu.process;
    // The strand running now (if any) is the caller: the one inside this routine.
    const parent = this.current !== null && this.current.thread === thread ? this.current : null;
    this.stepStrand(s);
    if (s.state !== "done") {
      // A kernel routine running as the thread waited: the thread stays "inside" it until
      // it returns (its return to user mode, and its body's next wait, wait for that).
      s.kernelRoutine = true;
      if (parent !== null) {
        // Called from a strand (a system thread's body, a routine that resumed): that strand
        // is inside this routine until it returns.
        s.parent = parent;
        if (parent.children++ === 0 && parent.childrenIdle !== null) parent.childrenIdle.SignalState = 0;
      } else {
        // Called from plain host code's system call: the client returns to user mode only
        // once the routine has returned.
        if (thread.kernelStrands++ === 0 && thread.kernelStrandsIdle !== null) thread.kernelStrandsIdle.SignalState = 0;
        KiQueueKernelStrandsWait(thread, `${name} to return`);
      }
      // The routine is suspended at the IRQL (and in the process) it waited at, which its
      // strand keeps; its caller goes on as if it had returned, at the caller's own IRQL.
      cpu.Irql = irql;
      cpu.process = process;
    }
    return s;
  }

  queueApc(t: KTHREAD, apc: (t: KTHREAD) => void): void {
    t.apcQueue.push(apc);
    if (t.apcIndex < 0) {
      t.apcIndex = this.apcThreads.length;
      this.apcThreads.push(t);
    }
  }

  private unlistApcThread(t: KTHREAD): void {
    const i = t.apcIndex;
    if (i < 0) return;
    const a = this.apcThreads;
    const last = a.pop()!;
    if (last !== t) {
      a[i] = last;
      last.apcIndex = i;
    }
    t.apcIndex = -1;
  }

  /**
   * Deliver `t`'s kernel APCs now, on the current processor (the APC interrupt when the
   * thread's IRQL drops below APC_LEVEL, or on its way back to user mode).
   */
  deliverNow(t: KTHREAD): void {
    // A guarded region holds every kernel APC back; KeLeaveGuardedRegion delivers them.
    if (t.SpecialApcDisable !== 0) return;
    this.unlistApcThread(t);
    const cpu = this.m.cpu;
    const irql = cpu.Irql;
    const process = cpu.process;
    cpu.Irql = APC_LEVEL;
    cpu.process = t.process;
    try {
      runApcs(t);
    } finally {
      cpu.Irql = irql;
      cpu.process = process;
    }
  }

  queueWork(item: WorkQueueItem): void {
    this.work.push(item);
  }

  // ---- event sources ----

  addSource(source: MachineEventSource): void {
    this.sources.push(source);
  }

  removeSource(source: MachineEventSource): void {
    const i = this.sources.indexOf(source);
    if (i >= 0) {
      this.sources[i] = this.sources[this.sources.length - 1]!;
      this.sources.pop();
    }
  }

  /** The earliest time a source has something due, or -1. */
  private sourcesDue(): number {
    let due = -1;
    for (const s of this.sources) {
      const d = s.nextDue();
      if (d >= 0 && (due < 0 || d < due)) due = d;
    }
    return due;
  }

  // ---- running ----

  /**
   * Run one unit of work. False when nothing can run, no timer is pending and no source has
   * anything coming. With `limit` (machine time), an idle machine's clock moves no further.
   */
  step(limit = -1): boolean {
    const m = this.m;
    this.expireTimers();
    const cpus = m.processors;
    let dpcCpus = 0;
    for (const c of cpus) if (KiDpcsQueued(c)) dpcCpus++;
    let dueSources = 0;
    const now = m.clock.now();
    for (const s of this.sources) {
      const d = s.nextDue();
      if (d >= 0 && d <= now) dueSources++;
    }
    const hasWork = this.workHead < this.work.length ? 1 : 0;
    const n = dpcCpus + this.apcThreads.length + this.ready.length + hasWork + dueSources;
    if (n === 0) {
      const due = this.nextDue();
      const sdue = this.sourcesDue();
      let next = due < 0 ? sdue : sdue < 0 ? due : Math.min(due, sdue);
      if (next < 0) return false;
      if (limit >= 0 && next > limit) next = limit;
      if (m.clock.isVirtual) m.clock.advanceTo(next);
      else m.clock.sleepUntil(next);
      return true;
    }
    this.steps++;
    let pick = m.random.below(n);
    if (pick < dpcCpus) {
      for (const c of cpus) if (KiDpcsQueued(c) && pick-- === 0) return this.runDpcs(c);
    }
    pick -= dpcCpus;
    if (pick < this.apcThreads.length) {
      const t = this.apcThreads[pick]!;
      this.unlistApcThread(t);
      this.deliverApcs(t);
      return true;
    }
    pick -= this.apcThreads.length;
    if (pick < this.ready.length) {
      const r = this.ready;
      const s = r[pick]!;
      const last = r.pop()!;
      if (last !== s) {
        r[pick] = last;
        last.readyIndex = pick;
      }
      s.readyIndex = -1;
      this.runStrand(s);
      return true;
    }
    pick -= this.ready.length;
    if (pick < hasWork) {
      const w = this.work[this.workHead]!;
      this.work[this.workHead++] = undefined as unknown as WorkQueueItem;
      if (this.workHead === this.work.length) {
        this.work = [];
        this.workHead = 0;
      }
      this.runWork(w);
      return true;
    }
    pick -= hasWork;
    for (const s of this.sources) {
      const d = s.nextDue();
      if (d >= 0 && d <= now && pick-- === 0) {
        this.deliverSource(s);
        break;
      }
    }
    return true;
  }

  private runDpcs(c: KPRCB): true {
    this.running++;
    try {
      // The processor gets to its queue (its clock tick, or its idle loop): all of it runs,
      // Low-importance DPCs too, then its threaded DPCs.
      KiDispatchInterrupt(this.m, c);
    } finally {
      this.running--;
    }
    return true;
  }

  /** Run `fn` on a processor the seed picks, as `t` (or no thread) in `process`, at `irql`. */
  private onCpu(t: KTHREAD | null, irql: number, process: KTHREAD["process"] | null, driver: DRIVER_OBJECT | null, fn: () => void, on: KPRCB | null = null): void {
    const m = this.m;
    const saved = m.cpu;
    const cpu = on ?? m.processors[m.random.below(m.processors.length)]!;
    // Below DISPATCH_LEVEL, what is queued to the processor runs first: its idle loop
    // retires the DPC list before it switches to a thread, and its DPC thread outranks any.
    if (irql < DISPATCH_LEVEL && KiDpcsQueued(cpu)) this.runDpcs(cpu);
    const prevThread = cpu.thread;
    const prevProcess = cpu.process;
    const prevIrql = cpu.Irql;
    const prevDriver = cpu.driver;
    m.cpu = cpu;
    cpu.thread = t;
    cpu.process = process ?? (t ? t.process : m.systemProcess);
    cpu.Irql = irql;
    cpu.driver = driver;
    this.running++;
    try {
      fn();
    } finally {
      this.running--;
      cpu.thread = prevThread;
      cpu.process = prevProcess;
      cpu.Irql = prevIrql;
      cpu.driver = prevDriver;
      m.cpu = saved;
    }
  }

  private deliverApcs(t: KTHREAD): void {
    // Not while the thread is in a guarded region or suspended at APC_LEVEL: the APCs stay
    // queued until it leaves the region or lowers its IRQL (KeLowerIrql delivers them).
    if (t.SpecialApcDisable !== 0 || t.apcLevelWaits !== 0) return;
    // Special kernel APCs run at APC_LEVEL in the context of the thread's process.
    this.onCpu(t, APC_LEVEL, null, null, () => runApcs(t));
  }

  /** Processors whose code is paused at a scheduling point while other work runs nested. */
  private readonly paused: KPRCB[] = [];

  /**
   * Preemption at a scheduling point: run one unit of other work nested, while the routine
   * on the current processor is paused, chosen by `random` among what could run now: this
   * processor's DPCs (only if it is below DISPATCH_LEVEL, as the DPC interrupt would), and on
   * a processor nobody is using, another processor's DPCs, a ready strand of another thread
   * (a thread's step, a client thread's next call), or a work item. The unit runs to its
   * own completion or wait. True if something ran.
   */
  runNested(random: SeededRandom): boolean {
    const m = this.m;
    const here = m.cpu;
    const paused = this.paused;
    const free: KPRCB[] = [];
    for (const c of m.processors) if (c !== here && !c.dpcRoutineActive && paused.indexOf(c) < 0) free.push(c);
    const units: (() => void)[] = [];
    if (KiDpcsQueued(here) && here.Irql < DISPATCH_LEVEL && !here.dpcRoutineActive) units.push(() => KiDispatchInterrupt(m, here));
    if (free.length > 0) {
      const on = free[random.below(free.length)]!;
      for (const c of free) if (KiDpcsQueued(c)) units.push(() => this.runDpcs(c));
      for (const s of this.ready) {
        // One thread is in one place: not a strand of a thread paused here or further out.
        if (s.thread === here.thread || paused.some((c) => c.thread === s.thread)) continue;
        units.push(() => {
          const r = this.ready;
          const i = s.readyIndex;
          const last = r.pop()!;
          if (last !== s) {
            r[i] = last;
            last.readyIndex = i;
          }
          s.readyIndex = -1;
          this.runStrand(s, on);
        });
      }
      if (this.workHead < this.work.length) {
        units.push(() => {
          const w = this.work[this.workHead]!;
          this.work[this.workHead++] = undefined as unknown as WorkQueueItem;
          if (this.workHead === this.work.length) {
            this.work = [];
            this.workHead = 0;
          }
          this.runWork(w, on);
        });
      }
    }
    if (units.length === 0) return false;
    const unit = units[random.below(units.length)]!;
    m.trace?.event("preempt", here.driver, `cpu${here.Number} at ${IrqlName(here.Irql)}`);
    paused.push(here);
    try {
      unit();
    } finally {
      paused.pop();
      m.cpu = here;
    }
    return true;
  }

  private runStrand(s: Strand, on: KPRCB | null = null): void {
    const ending = s.endsWith;
    if (ending !== null) {
      s.endsWith = null;
      this.onCpu(s.thread, s.waitIrql, s.process, s.driver, () => this.finish(s, ending.value), on);
      return;
    }
    const held = s.afterWait;
    if (held !== null) {
      // The kernel routines of its thread have returned: now the body's own wait (still at
      // the IRQL it waited at).
      s.afterWait = null;
      // In Windows the thread makes this wait only now: a relative timeout counts from now.
      if (held instanceof KWAIT_OPERATION && held.Timeout !== null && held.Timeout < 0) held.deadline = this.m.clock.now() - held.Timeout;
      this.block(s, held);
      return;
    }
    if (s.waitIrql === APC_LEVEL) s.thread.apcLevelWaits--;
    // A strand resumes as its thread, in the process and at the IRQL it waited at.
    this.onCpu(s.thread, s.waitIrql, s.process, s.driver, () => this.resumeStrand(s), on);
  }

  /**
   * A thread switched back in at PASSIVE_LEVEL first runs the kernel APCs queued to it
   * (KiSwapThread delivers them before its wait returns), unless a guarded region holds
   * them back or another of its strands is at APC_LEVEL; then its strand goes on.
   */
  private resumeStrand(s: Strand): void {
    const t = s.thread;
    if (s.waitIrql === PASSIVE_LEVEL && t.apcQueue.length > 0 && t.apcLevelWaits === 0) this.deliverNow(t);
    this.stepStrand(s);
  }

  /** A system worker thread for a work item: an idle one, or a new one. */
  private worker(): KTHREAD {
    const idle = this.idleWorkers.pop();
    if (idle !== undefined) return idle;
    return this.m.createSystemThread(`worker ${++this.workers}`, null, true);
  }

  private runWork(w: WorkQueueItem, on: KPRCB | null = null): void {
    const t = this.worker();
    this.onCpu(t, PASSIVE_LEVEL, null, null, () => {
      w.run();
      KiCheckUnconsumedWait();
    }, on);
    // A work item that waited keeps its worker until it finishes (see finish).
    if (t.liveStrands === 0) this.idleWorkers.push(t);
  }

  private deliverSource(s: MachineEventSource): void {
    if (!s.ready()) {
      // Due, and its input has not arrived: the machine waits for it here, at this point of
      // the schedule and this machine time, however long the host takes.
      // The doorbell's value is read before ready() is asked, so a ring in between is not
      // missed; only waits that time out count towards the limit.
      const limit = this.sourceTimeoutMs;
      const db = this.m.doorbell;
      let waited = 0;
      for (;;) {
        const seen = Atomics.load(db, 0);
        if (s.ready()) break;
        if (waited >= limit) {
          throw new MachineDeadlock(`event source '${s.name}'`, `The source was due and delivered nothing for ${limit} ms of host time.\n${this.describeWaits()}`);
        }
        const slice = Math.min(100, limit - waited);
        if (Atomics.wait(db, 0, seen, slice) === "timed-out") waited += slice;
      }
    }
    // What a source delivers arrives as an interrupt's deferred work would: at DISPATCH_LEVEL.
    this.onCpu(null, DISPATCH_LEVEL, null, null, () => s.deliver());
  }

  /** Is there anything to run now or later? */
  get idle(): boolean {
    return this.nothingRunnable() && this.nextDue() < 0 && this.sourcesDue() < 0;
  }

  private checkOutermost(what: string): void {
    if (this.running > 0 || this.m.entryDepth > 1) {
      throw new MachineUsageError(
        `wdfjs: a blocking call (${what}) was made from code already running inside the machine. ` +
          "Only plain host code may block; code the machine runs (a thread made with CreateThread, a driver routine) waits with yield*.",
      );
    }
  }

  /**
   * Block plain host code (thread `t` at the machine's outermost entry) until `w` is
   * satisfied: `t`'s host strand is a waiter like any other while the machine runs.
   */
  hostWait(t: KTHREAD, w: KWAIT_BLOCK, what: string): NTSTATUS {
    this.checkOutermost(what);
    const s = (t.hostStrand ??= new Strand(this, t, null, t.process, null, t.name));
    s.waitingFor = what;
    this.block(s, w);
    const limit = this.steps + this.maxStepsPerRun;
    try {
      while (s.state === "waiting") {
        if (!this.step() && s.state === "waiting") throw new MachineDeadlock(what, this.describeWaits(s));
        if (this.steps > limit) throw new MachineDeadlock(what, `No progress after ${this.maxStepsPerRun} scheduling steps (a livelock).\n${this.describeWaits(s)}`);
      }
    } finally {
      // A host that catches the deadlock goes on: its strand must not stay a waiter.
      if (s.state === "waiting") this.unblock(s);
    }
    s.state = "running";
    return s.resumeWith;
  }

  /**
   * Run until `done()` holds (host entries only). With `deadline` (an absolute time in
   * 100 ns units), returns false once machine time reaches it first. When nothing can run
   * any more and `done()` still fails, throws MachineDeadlock with what every thread waits on.
   */
  runUntil(done: () => boolean, waitingFor: string, deadline = -1): boolean {
    this.checkOutermost(waitingFor);
    const limit = this.steps + this.maxStepsPerRun;
    const m = this.m;
    for (;;) {
      if (done()) return true;
      // What falls due at the deadline itself (a timer set for exactly that time) still runs.
      if (deadline >= 0 && m.clock.now() >= deadline && !this.dueNow()) return false;
      if (deadline >= 0 && this.nothingRunnable()) {
        const due = this.nextDue();
        const sdue = this.sourcesDue();
        const next = due < 0 ? sdue : sdue < 0 ? due : Math.min(due, sdue);
        if (next < 0 || next > deadline) {
          if (m.clock.isVirtual) m.clock.advanceTo(deadline);
          else m.clock.sleepUntil(deadline);
          continue;
        }
      }
      if (!this.step(deadline)) {
        if (done()) return true;
        // Nothing left to do at all: time passing to a deadline is not a deadlock.
        if (deadline >= 0) {
          if (m.clock.isVirtual) m.clock.advanceTo(deadline);
          else m.clock.sleepUntil(deadline);
          return false;
        }
        throw new MachineDeadlock(waitingFor, this.describeWaits());
      }
      if (this.steps > limit) throw new MachineDeadlock(waitingFor, `No progress after ${this.maxStepsPerRun} scheduling steps (a livelock).\n${this.describeWaits()}`);
    }
  }

  /** Run until nothing is left to do, timers and sources included. */
  runUntilIdle(): void {
    this.checkOutermost("the machine to become idle");
    const limit = this.steps + this.maxStepsPerRun;
    while (this.step()) {
      if (this.steps > limit) throw new MachineDeadlock("idle", "The machine never becomes idle (a livelock, or a periodic timer).");
    }
  }

  /** Is anything runnable, or a timer due, at the current time? */
  private dueNow(): boolean {
    if (!this.nothingRunnable()) return true;
    const now = this.m.clock.now();
    const due = this.nextDue();
    const sdue = this.sourcesDue();
    return (due >= 0 && due <= now) || (sdue >= 0 && sdue <= now);
  }

  private nothingRunnable(): boolean {
    return this.ready.length === 0 && this.apcThreads.length === 0 && this.workHead >= this.work.length && !this.m.processors.some(KiDpcsQueued);
  }

  /** What of `driver` is still queued or set (timers, DPCs, threads), or null if nothing. */
  pendingFor(driver: DRIVER_OBJECT): string | null {
    const what: string[] = [];
    const timers = this.heap.filter((e) => e.timer !== null && this.live(e) && e.timer.driver === driver).length;
    if (timers) what.push(`${timers} timer(s)`);
    let dpcs = 0;
    for (const c of this.m.processors) {
      for (let d = c.dpcHead; d !== null; d = d.next) if (d.driver === driver) dpcs++;
      for (let d = c.threadedDpcHead; d !== null; d = d.next) if (d.driver === driver) dpcs++;
    }
    if (dpcs) what.push(`${dpcs} DPC(s)`);
    const threads = [...this.ready, ...this.waiting].filter((s) => s.body !== null && s.thread.driver === driver && s === s.thread.mainStrand).length;
    if (threads) what.push(`${threads} thread(s)`);
    return what.length ? what.join(", ") : null;
  }

  describeWaits(self: Strand | null = null): string {
    const lines: string[] = [];
    for (const s of this.waiting) {
      const what = (s.waitObjects ?? []).map((o) => o.constructor.name).join(", ") || "a delay";
      const kind = s.body === null ? "blocked in a synchronous call" : s === s.thread.mainStrand ? "thread" : `routine ${s.name} of thread`;
      lines.push(`  ${kind} '${s.thread.name}' (process ${s.thread.process.ImageFileName}) waits on ${what}${s.waitingFor ? ` (${s.waitingFor})` : ""}${s === self ? "  <- the caller" : ""}`);
    }
    for (const src of this.sources) {
      const due = src.nextDue();
      lines.push(due < 0 ? `  event source '${src.name}' has nothing coming` : `  event source '${src.name}' is due at ${due / 10_000} ms of machine time`);
    }
    return lines.length ? `Waiting:\n${lines.join("\n")}` : "No thread is waiting; nothing is queued and no timer is set.";
  }
}

/** A wait block for "the routines `s` called that waited have all returned". */
function childrenIdleBlock(s: Strand): KWAIT_BLOCK {
  let ev = s.childrenIdle;
  if (ev === null) {
    ev = s.childrenIdle = new KEVENT();
    KeInitializeEvent(ev, NotificationEvent, s.children === 0);
  }
  return { objects: [ev], waitAll: false, deadline: -1, alertable: false, userMode: false };
}

function runApcs(t: KTHREAD): void {
  const q = t.apcQueue;
  // APCs queued while these run are run too (the loop reads the length each time).
  for (let i = 0; i < q.length; i++) q[i]!(t);
  q.length = 0;
}

function isWaitBlock(w: unknown): w is KWAIT_BLOCK {
  return typeof w === "object" && w !== null && Array.isArray((w as KWAIT_BLOCK).objects) && typeof (w as KWAIT_BLOCK).deadline === "number";
}

function before(a: TimerEntry, b: TimerEntry): boolean {
  return a.due < b.due || (a.due === b.due && a.seq < b.seq);
}
