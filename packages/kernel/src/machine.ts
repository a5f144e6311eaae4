import { inject, injectable, type Container } from "./inversify.js";
import { MachineContainerToken, MachineOptionsToken } from "./machine-tokens.js";
import { MemoryManagerToken } from "./mm/mm-module.js";
import { ObjectManagerToken } from "./ob/ob-module.js";
import { IoManagerToken } from "./io/io-module.js";
import { enterMachine, leaveMachine } from "./context.js";
import { BugCheck, KeBugCheckEx, type BugCheckData } from "./ke/bugcheck.js";
import { DRIVER_UNLOADED_WITHOUT_CANCELLING_PENDING_OPERATIONS, DRIVER_VERIFIER_DETECTED_VIOLATION, IRQL_GT_ZERO_AT_SYSTEM_SERVICE, KMODE_EXCEPTION_NOT_HANDLED } from "./ke/bugcheck-codes.js";
import { Clock, type ClockSource } from "./ke/clock.js";
import type { KWAIT_GENERATOR } from "./ke/dispatcher.js";
import { SehException } from "./ke/exception.js";
import { IrqlName, PASSIVE_LEVEL } from "./ke/irql.js";
import { KPRCB } from "./ke/kprcb.js";
import { SeededRandom } from "./ke/random.js";
import { MachineDeadlock, Scheduler } from "./ke/scheduler.js";
import { DRIVER_OBJECT, type DRIVER_INITIALIZE, type DriverModule } from "./io/driver.js";
import { DO_DEVICE_INITIALIZING } from "./io/constants.js";
import { IoManager } from "./io/io-manager.js";
import { NtClose } from "./io/nt-file.js";
import { IoCancelIrp } from "./io/cancel.js";
import { MemoryManager } from "./mm/memory-manager.js";
import { NT_SUCCESS, NtStatusName, STATUS_OBJECT_NAME_COLLISION, STATUS_SUCCESS, type NTSTATUS } from "./ntstatus.js";
import { ObjectManager } from "./ob/object-manager.js";
import { HandleTable } from "./ob/handle-table.js";
import { EPROCESS, KTHREAD } from "./ps/process.js";
import { startSystemThread } from "./ps/system-thread.js";
import { formatAddress } from "./mm/layout.js";
import type { TraceSink } from "./trace.js";
import type { LOOKASIDE_LIST } from "./mm/lookaside.js";

export type Flavor = "checked" | "free";

export interface MachineOptions {
  /** `checked` validates every rule (Driver Verifier style); `free` is the fast path. Default `checked`. */
  readonly flavor?: Flavor;
  /** Number of virtual processors. Default 2. */
  readonly processors?: number;
  /** Seed of the scheduler's choices. Default 1. */
  readonly seed?: number;
  /** `virtual` (default) or a host clock source (100 ns units). */
  readonly clock?: "virtual" | ClockSource;
  /** Physical memory of the machine, in bytes. Default 128 MiB. */
  readonly memoryBytes?: number;
  /** Where to send trace events; none by default. */
  readonly trace?: TraceSink | null;
}

/**
 * One emulated computer: processors with IRQLs, memory, the object namespace, the I/O
 * manager and a seeded scheduler. Any number live side by side in one process.
 */
@injectable()
export class Machine {
  readonly flavor: Flavor;
  readonly checked: boolean;
  readonly processors: KPRCB[];
  /** The processor whose code is executing. */
  cpu: KPRCB;
  readonly clock: Clock;
  readonly random: SeededRandom;
  readonly scheduler: Scheduler;
  readonly systemProcess: EPROCESS;
  readonly trace: TraceSink | null;
  readonly drivers = new Map<string, DRIVER_OBJECT>();
  readonly processes: EPROCESS[] = [];
  bugCheckData: BugCheckData | null = null;
  /** Lookaside lists initialised and not yet deleted (a driver must delete its own before unloading). */
  readonly lookasideLists = new Set<LOOKASIDE_LIST>();
  /** Counter for object ids shown in messages. */
  objectIds = 0;
  private ids = 4;

  constructor(
    @inject(MachineOptionsToken) readonly options: MachineOptions,
    @inject(MemoryManagerToken) readonly mm: MemoryManager,
    @inject(ObjectManagerToken) readonly ob: ObjectManager,
    @inject(IoManagerToken) readonly io: IoManager,
    /** The container that built this machine (see composition.ts); nothing on the I/O path asks it for anything. */
    @inject(MachineContainerToken) readonly container: Container,
  ) {
    this.flavor = options.flavor ?? "checked";
    this.checked = this.flavor === "checked";
    this.clock = new Clock(options.clock === undefined || options.clock === "virtual" ? null : options.clock);
    this.random = new SeededRandom(options.seed ?? 1);
    this.trace = options.trace ?? null;
    // The System process's table is the kernel handle table: its handles carry KERNEL_HANDLE_MASK.
    this.systemProcess = new EPROCESS(4, "System", mm.kernelSpace, new HandleTable(true));
    const n = Math.max(1, Math.min(64, options.processors ?? 2));
    this.processors = [];
    for (let i = 0; i < n; i++) this.processors.push(new KPRCB(i, this.systemProcess));
    this.cpu = this.processors[0]!;
    this.scheduler = new Scheduler(this);
    const sink = this.trace as { attach?: (f: () => { time: number; cpu: number; irql: number }) => void } | null;
    sink?.attach?.(() => ({ time: this.clock.now(), cpu: this.cpu.Number, irql: this.cpu.Irql }));
  }

  nextThreadId(): number {
    return (this.ids += 4);
  }

  /** True once the machine has bug-checked. */
  get stopped(): boolean {
    return this.bugCheckData !== null;
  }

  /** @internal Called by KeBugCheckEx. */
  stop(data: BugCheckData): void {
    this.bugCheckData = data;
    this.trace?.event("bugcheck", null, data.name);
  }

  /**
   * Run `fn` inside the machine: on a processor the seed picks, at PASSIVE_LEVEL, as
   * `thread` (a client thread in a system call) or in the System process. Kernel code
   * that raises an exception nobody catches bug-checks the machine
   * (KMODE_EXCEPTION_NOT_HANDLED); a stopped machine refuses to run anything.
   */
  enter<T>(thread: KTHREAD | null, fn: () => T): T {
    this.beginSystemCall(thread);
    try {
      const r = fn();
      this.checkReturnIrql();
      return r;
    } catch (e) {
      throw this.crashed(e);
    } finally {
      this.endSystemCall();
    }
  }

  // Saved state of nested entries, kept in parallel arrays so an entry allocates nothing.
  private depth = 0;
  private readonly savedMachine: Machine[] = [];
  private readonly savedCpu: KPRCB[] = [];
  private readonly savedThread: (KTHREAD | null)[] = [];
  private readonly savedProcess: EPROCESS[] = [];
  private readonly savedIrql: number[] = [];
  private readonly savedDriver: (DRIVER_OBJECT | null)[] = [];
  private readonly enteredCpu: KPRCB[] = [];
  private outerMachine: Machine | null = null;
  private outerCpu: KPRCB | null = null;

  /**
   * The split form of `enter` for the Win32 layer's hot path (no closure per call):
   * `beginSystemCall(t); try { ...; checkReturnIrql() } catch (e) { throw crashed(e) }
   * finally { endSystemCall() }`.
   */
  beginSystemCall(thread: KTHREAD | null): void {
    if (this.bugCheckData !== null) throw new BugCheck(this.bugCheckData);
    const d = this.depth++;
    // A client thread runs on its ideal processor; kernel entries on one the seed picks.
    const n = this.processors.length;
    const cpu = n === 1 ? this.processors[0]! : this.processors[thread !== null ? thread.IdealProcessor % n : this.random.below(n)]!;
    if (d === 0) {
      // The outermost entry finds every processor idle (no thread, System process,
      // PASSIVE_LEVEL, no driver), so only the executing machine and processor are saved.
      this.outerMachine = enterMachine(this);
      this.outerCpu = cpu;
    } else {
      this.savedMachine[d] = enterMachine(this);
      this.savedCpu[d] = this.cpu;
      this.enteredCpu[d] = cpu;
      this.savedThread[d] = cpu.thread;
      this.savedProcess[d] = cpu.process;
      this.savedIrql[d] = cpu.Irql;
      this.savedDriver[d] = cpu.driver;
    }
    this.cpu = cpu;
    cpu.thread = thread;
    cpu.process = thread !== null ? thread.process : this.systemProcess;
    cpu.Irql = PASSIVE_LEVEL;
    cpu.driver = null;
  }

  endSystemCall(): void {
    const d = --this.depth;
    if (d === 0) {
      const cpu = this.outerCpu!;
      cpu.thread = null;
      cpu.process = this.systemProcess;
      cpu.Irql = PASSIVE_LEVEL;
      cpu.driver = null;
      leaveMachine(this.outerMachine!);
      return;
    }
    const cpu = this.enteredCpu[d]!;
    cpu.thread = this.savedThread[d]!;
    cpu.process = this.savedProcess[d]!;
    cpu.Irql = this.savedIrql[d]!;
    cpu.driver = this.savedDriver[d]!;
    this.cpu = this.savedCpu[d]!;
    leaveMachine(this.savedMachine[d]!);
  }

  /**
   * On the way back to user mode: the thread's pending kernel APCs run (an IRP completed
   * while it was in the kernel finishes before the call returns), and the IRQL must be
   * PASSIVE_LEVEL.
   */
  checkReturnIrql(): void {
    const cpu = this.cpu;
    const t = cpu.thread;
    if (t !== null && t.apcQueue.length > 0 && cpu.Irql === PASSIVE_LEVEL) this.scheduler.deliverNow(t);
    if (cpu.Irql !== PASSIVE_LEVEL) {
      KeBugCheckEx(0x4a, 0, cpu.Irql, 0, 0, `A system call returned to user mode at ${IrqlName(cpu.Irql)} (IRQL_GT_ZERO_AT_SYSTEM_SERVICE).`);
    }
  }

  /** What an exception escaping kernel code becomes: the bug check it causes (or the deadlock report). */
  crashed(e: unknown): unknown {
    if (e instanceof BugCheck || e instanceof MachineDeadlock) return e;
    if (this.bugCheckData !== null) return new BugCheck(this.bugCheckData);
    try {
      if (e instanceof SehException) {
        KeBugCheckEx(KMODE_EXCEPTION_NOT_HANDLED, e.ExceptionCode >>> 0, e.ExceptionAddress, 0, e.FaultingAddress,
          `Exception ${NtStatusName(e.ExceptionCode)}${e.FaultingAddress ? ` at ${formatAddress(e.FaultingAddress)}` : ""} was not handled by a __try block.`);
      }
      // A JavaScript throw in driver code is what a C++ throw is to the kernel: 0xE06D7363.
      const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      KeBugCheckEx(KMODE_EXCEPTION_NOT_HANDLED, 0xe06d7363, 0, 0, 0, `A JavaScript exception escaped: ${message}`);
    } catch (b) {
      if (b instanceof BugCheck) (b as { cause?: unknown }).cause = e;
      return b;
    }
  }

  /** Run kernel code in the System process at PASSIVE_LEVEL (for tests and hosts). */
  runInKernel<T>(fn: () => T): T {
    return this.enter(null, fn);
  }

  /** A system call by a client thread. */
  syscall<T>(thread: KTHREAD, fn: () => T): T {
    return this.enter(thread, fn);
  }

  // ---- processes ----

  createProcess(ImageFileName: string): EPROCESS {
    const p = new EPROCESS(this.nextThreadId(), ImageFileName, this.mm.newUserSpace(ImageFileName), new HandleTable());
    const t = new KTHREAD(this.nextThreadId(), p, "main", null);
    t.IdealProcessor = this.random.below(this.processors.length);
    p.threads.push(t);
    this.processes.push(p);
    return p;
  }

  createThread(process: EPROCESS, name: string): KTHREAD {
    const t = new KTHREAD(this.nextThreadId(), process, name, null);
    t.IdealProcessor = this.random.below(this.processors.length);
    process.threads.push(t);
    return t;
  }

  /**
   * End a process as ExitProcess or TerminateProcess does: its threads' pending IRPs are
   * cancelled, then every handle is closed (IRP_MJ_CLEANUP reaches the drivers).
   */
  terminateProcess(process: EPROCESS, ExitStatus: NTSTATUS): void {
    if (process.terminated) return;
    this.enter(process.threads[0] ?? null, () => {
      for (const t of process.threads) for (const irp of [...t.IrpList]) IoCancelIrp(irp);
      for (const [h] of [...process.handles]) NtClose(h);
      process.terminated = true;
      process.ExitStatus = ExitStatus;
      process.SignalState = 1;
    });
  }

  // ---- drivers ----

  /**
   * Load a driver: create `\Driver\<name>` and call its DriverEntry at PASSIVE_LEVEL in
   * the System process. Devices it created lose DO_DEVICE_INITIALIZING when it succeeds.
   */
  loadDriver(name: string, driver: DriverModule | DRIVER_INITIALIZE): NTSTATUS {
    const entry = typeof driver === "function" ? driver : driver.DriverEntry;
    return this.enter(null, () => {
      if (this.drivers.has(name.toUpperCase())) return STATUS_OBJECT_NAME_COLLISION;
      const drv = new DRIVER_OBJECT(`\\Driver\\${name}`);
      this.ob.namespace.insert(drv.DriverName, drv);
      this.cpu.driver = drv;
      const status = entry(drv, `\\Registry\\Machine\\System\\CurrentControlSet\\Services\\${name}`);
      this.cpu.driver = null;
      if (!NT_SUCCESS(status)) {
        this.ob.namespace.remove(drv.DriverName);
        return status;
      }
      for (let d = drv.DeviceObject; d !== null; d = d.NextDevice) d.Flags &= ~DO_DEVICE_INITIALIZING;
      this.drivers.set(name.toUpperCase(), drv);
      this.trace?.event("driver-load", drv, null);
      return STATUS_SUCCESS;
    });
  }

  driver(name: string): DRIVER_OBJECT | undefined {
    return this.drivers.get(name.toUpperCase());
  }

  /**
   * Unload a driver: call its DriverUnload and run the machine until that finishes. A
   * driver that leaves a timer set or a DPC queued is
   * DRIVER_UNLOADED_WITHOUT_CANCELLING_PENDING_OPERATIONS, as Windows says when the
   * timer later fires into unloaded code.
   */
  unloadDriver(name: string): void {
    const drv = this.driver(name);
    if (!drv) return;
    this.enter(null, () => {
      // As IopUnloadDriver: while a device of the driver is still open, the unload waits;
      // new opens are refused and DriverUnload runs when the last file object closes.
      for (let d = drv.DeviceObject; d !== null; d = d.NextDevice) {
        if (d.openCount > 0) {
          drv.unloadPending = true;
          this.trace?.event("driver-unload-pending", drv, null);
          return;
        }
      }
      this.IopCompleteUnload(drv);
    });
  }

  /** @internal Runs DriverUnload and removes the driver (called directly, or when a pending unload's last open closes). */
  IopCompleteUnload(drv: DRIVER_OBJECT): void {
    drv.unloadPending = false;
    const unload = drv.DriverUnload;
    if (unload) {
      const prev = this.cpu.driver;
      this.cpu.driver = drv;
      const r = unload(drv);
      this.cpu.driver = prev;
      if (r && typeof (r as KWAIT_GENERATOR<void>).next === "function") {
        const t = startSystemThread(`${drv.DriverName} unload`, drv, r as KWAIT_GENERATOR<void>);
        this.scheduler.runUntil(() => t.state === "terminated", `${drv.DriverName}'s DriverUnload`);
      }
    }
    const lists = [...this.lookasideLists].filter((l) => l.owner === drv).length;
    const pending = this.scheduler.pendingFor(drv);
    const left = lists > 0 ? [pending, `${lists} lookaside list(s)`].filter((x) => x !== null).join(", ") : pending;
    if (left !== null) {
      KeBugCheckEx(DRIVER_UNLOADED_WITHOUT_CANCELLING_PENDING_OPERATIONS, 0, 0, 0, 0, `${drv.DriverName} unloaded with ${left} still pending.`, drv);
    }
    if (this.checked) {
      // Driver Verifier's pool tracking: an unload must leave none of the driver's pool behind.
      const pool = this.mm.pool.outstanding(drv);
      if (pool.allocations > 0) {
        KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, 0x62, 0, pool.allocations, pool.bytes,
          `${drv.DriverName} unloaded with ${pool.allocations} pool allocation(s) (${pool.bytes} bytes) it never freed.`, drv);
      }
    }
    for (const [key, d] of this.drivers) if (d === drv) this.drivers.delete(key);
    this.ob.namespace.remove(drv.DriverName);
    this.trace?.event("driver-unload", drv, null);
  }

  // ---- time and scheduling ----

  /** Run until nothing is left to do (queued DPCs, ready threads, work items, timers). */
  run(): void {
    this.enter(null, () => this.scheduler.runUntilIdle());
  }

  /** Run for `ms` milliseconds of machine time. */
  runFor(ms: number): void {
    this.enter(null, () => {
      const deadline = this.clock.now() + ms * 10_000;
      this.scheduler.runUntil(() => false, "time to pass", deadline);
    });
  }

  /** Machine time in milliseconds. */
  get now(): number {
    return this.clock.now() / 10_000;
  }

  /** Page out all pageable memory that is not locked (memory pressure, or a test's doing). */
  trimWorkingSets(): number {
    return this.enter(null, () => this.mm.pageOutAll());
  }
}
