import type { PnpManager } from "./pnp/pnp-manager.js";
import type { DriverPackage } from "./pnp/driver-store.js";
import { inject, injectable, type Container } from "./inversify.js";
import { PnpManagerToken, MachineContainerToken, MachineOptionsToken } from "./machine-tokens.js";
import { MemoryManagerToken } from "./mm/mm-module.js";
import { ObjectManagerToken } from "./ob/ob-module.js";
import { IoManagerToken } from "./io/io-module.js";
import { PowerManagerToken } from "./po/po-module.js";
import type { PowerManager } from "./po/power-manager.js";
import { PopHostSignalWake, PopHostSleep, PopHostWake } from "./po/system-power.js";
import type { SYSTEM_POWER_STATE } from "./po/power-state.js";
import type { DEVICE_OBJECT } from "./io/device.js";
import { ConfigurationManagerToken } from "./cm/cm-module.js";
import type { ConfigurationManager, RegistrySnapshot } from "./cm/configuration-manager.js";
import { enterMachine, leaveMachine } from "./context.js";
import { BugCheck, KeBugCheckEx, MachineStopped, type BugCheckData } from "./ke/bugcheck.js";
import { DRIVER_UNLOADED_WITHOUT_CANCELLING_PENDING_OPERATIONS, DRIVER_VERIFIER_DETECTED_VIOLATION, KMODE_EXCEPTION_NOT_HANDLED, VF_POOL_LEAKED_AT_UNLOAD } from "./ke/bugcheck-codes.js";
import { Clock, realClockSource, type ClockSource } from "./ke/clock.js";
import { KEVENT, KeInitializeEvent, KeSetEvent, KiCheckUnconsumedWait, signal, NotificationEvent, type KWAIT_OPERATION, type KWAIT_BLOCK, type KWAIT_GENERATOR } from "./ke/dispatcher.js";
import type { MachineEventSource } from "./ke/source.js";
import { KiRunRoutine } from "./ke/routine.js";
import { Preemption, type PreemptionOptions } from "./ke/preempt.js";
import { KiAbandonServiceWaits, KiNextServiceWait } from "./ke/service-wait.js";
import { SehException } from "./ke/exception.js";
import { IrqlName, PASSIVE_LEVEL } from "./ke/irql.js";
import { KPRCB } from "./ke/kprcb.js";
import { KiDispatchInterrupt, KiDpcsQueued } from "./ke/dpc.js";
import { SeededRandom } from "./ke/random.js";
import { MachineDeadlock, MachineUsageError, Scheduler } from "./ke/scheduler.js";
import { DRIVER_OBJECT, type DRIVER_INITIALIZE, type DriverModule } from "./io/driver.js";
import { DO_DEVICE_INITIALIZING } from "./io/constants.js";
import { IoManager } from "./io/io-manager.js";
import { IopHostShutdown } from "./io/shutdown.js";
import { IopCloseHandle } from "./io/nt-file.js";
import { IoCancelIrp } from "./io/cancel.js";
import { MemoryManager } from "./mm/memory-manager.js";
import { NT_SUCCESS, NtStatusName, STATUS_OBJECT_NAME_COLLISION, STATUS_PENDING, STATUS_SUCCESS, type NTSTATUS } from "./ntstatus.js";
import { ObjectManager } from "./ob/object-manager.js";
import { HandleTable } from "./ob/handle-table.js";
import { EPROCESS, KTHREAD } from "./ps/process.js";
import { formatAddress } from "./mm/layout.js";
import { describeThrown, describeValue } from "./machine-options.js";
import type { TraceSink } from "./trace.js";
import type { LOOKASIDE_LIST } from "./mm/lookaside.js";
import type { VfDeadlockDatabase } from "./verifier/deadlock.js";

export type Flavor = "checked" | "free";

export interface MachineOptions {
  /** `checked` validates every rule (Driver Verifier style); `free` is the fast path. Default `checked`. */
  readonly flavor?: Flavor;
  /** Number of virtual processors. Default 2. */
  readonly processors?: number;
  /** Seed of the scheduler's choices. Default 1. */
  readonly seed?: number;
  /**
   * `virtual` (default): machine time moves only when nothing else can run, and the seed
   * alone decides the run. `real`: the host's monotonic clock; when idle until the next due
   * time the machine sleeps. Or any clock source (100 ns units).
   */
  readonly clock?: "virtual" | "real" | ClockSource;
  /** Physical memory of the machine, in bytes. Default 128 MiB. */
  readonly memoryBytes?: number;
  /** Where to send trace events; none by default. */
  readonly trace?: TraceSink | null;
  /**
   * Preemption at scheduling points (every DDI a driver calls): `off` (default), `random`
   * or `pct` (see PreemptionOptions). The same seed and mode give the same interleaving.
   */
  readonly preemption?: PreemptionOptions;
  /**
   * Windows' ThreadDpcEnable registry value: threaded DPCs (KeInitializeThreadedDpc) run at
   * PASSIVE_LEVEL in each processor's DPC thread (true, the default) or as ordinary DPCs at
   * DISPATCH_LEVEL (false). A threaded DPC routine must be right both ways.
   */
  readonly threadDpcEnable?: boolean;
  /**
   * Keys and values to seed the registry with (`machine.registry.save()` of another
   * machine, or written by hand), for example a test's installed drivers.
   */
  readonly registry?: RegistrySnapshot;
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
  /** Preemption at scheduling points, or null when off (the one test a scheduling point costs). */
  readonly preemption: Preemption | null;
  /** A waiting DDI called and not yet stepped (caught when the routine hands control back). */
  unconsumedWait: KWAIT_OPERATION | null = null;
  private doorbellCell: Int32Array | null = null;
  /** Counter for object ids shown in messages. */
  objectIds = 0;
  /** Driver Verifier's lock order graph (checked flavor, made on first use). */
  deadlockDatabase: VfDeadlockDatabase | null = null;
  private ids = 4;
  private pnpManager: PnpManager | null = null;

  constructor(
    @inject(MachineOptionsToken) readonly options: MachineOptions,
    @inject(MemoryManagerToken) readonly mm: MemoryManager,
    @inject(ObjectManagerToken) readonly ob: ObjectManager,
    @inject(IoManagerToken) readonly io: IoManager,
    /** The power manager: registered device stacks, the system power state, the power IRP watchdog. */
    @inject(PowerManagerToken) readonly po: PowerManager,
    /** The container that built this machine (see composition.ts); nothing on the I/O path asks it for anything. */
    @inject(MachineContainerToken) readonly container: Container,
    /** The registry (configuration manager): the keys under `\Registry`; `save()` and `load()` as JSON. */
    @inject(ConfigurationManagerToken) readonly registry: ConfigurationManager,
  ) {
    this.flavor = options.flavor ?? "checked";
    this.checked = this.flavor === "checked";
    const clock = options.clock;
    this.clock = new Clock(clock === undefined || clock === "virtual" ? null : clock === "real" ? realClockSource() : clock, (ms) => this.doorbellWait(ms));
    this.random = new SeededRandom(options.seed ?? 1);
    registry.clock = this.clock;
    this.trace = options.trace ?? null;
    // The System process's table is the kernel handle table: its handles carry KERNEL_HANDLE_MASK.
    this.systemProcess = new EPROCESS(4, "System", mm.kernelSpace, new HandleTable(true));
    const n = Math.max(1, Math.min(64, options.processors ?? 2));
    this.processors = [];
    for (let i = 0; i < n; i++) {
      const cpu = new KPRCB(i, this.systemProcess);
      cpu.ThreadDpcEnable = options.threadDpcEnable ?? true;
      this.processors.push(cpu);
    }
    this.cpu = this.processors[0]!;
    this.scheduler = new Scheduler(this);
    const p = options.preemption ?? "off";
    this.preemption = p === "off" || (typeof p === "object" && p.mode === "off") ? null : new Preemption(this, p, options.seed ?? 1);
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
    // A host's new call finds the machine stopped by an earlier bug check; an entry nested in
    // the one that is unwinding from the bug check is part of that same crash.
    if (this.bugCheckData !== null) throw this.depth === 0 ? new MachineStopped(this.bugCheckData) : new BugCheck(this.bugCheckData);
    const d = this.depth++;
    // A client thread runs on its ideal processor; kernel entries on one the seed picks. A thread
    // the scheduler is already running on a processor (its strand, perhaps nested by preemption
    // while its ideal processor is paused mid-routine) makes the call where it is: a thread is on
    // one processor at a time, and taking over a paused one would clobber its thread and IRQL.
    const n = this.processors.length;
    const here = d > 0 ? this.cpu : null;
    const cpu = here !== null && thread !== null && here.thread === thread ? here
      : n === 1 ? this.processors[0]! : this.processors[thread !== null ? thread.IdealProcessor % n : this.random.below(n)]!;
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
    // An idle processor runs the DPCs queued to it before it runs a thread (as the
    // scheduler's units do): the outermost entry finds the processor idle.
    if (d === 0 && KiDpcsQueued(cpu)) this.retireDpcsOnEntry(cpu);
  }

  private retireDpcsOnEntry(cpu: KPRCB): void {
    try {
      KiDispatchInterrupt(this, cpu);
    } catch (e) {
      this.endSystemCall();
      throw this.crashed(e);
    }
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
    if (this.unconsumedWait !== null) KiCheckUnconsumedWait();
    const cpu = this.cpu;
    const t = cpu.thread;
    if (t !== null && t.apcQueue.length > 0 && cpu.Irql === PASSIVE_LEVEL) this.scheduler.deliverNow(t);
    if (cpu.Irql !== PASSIVE_LEVEL) {
      KeBugCheckEx(0x4a, 0, cpu.Irql, 0, 0, `A system call returned to user mode at ${IrqlName(cpu.Irql)} (IRQL_GT_ZERO_AT_SYSTEM_SERVICE).`);
    }
  }

  /** What an exception escaping kernel code becomes: the bug check it causes (or the deadlock report). */
  crashed(e: unknown): unknown {
    if (e instanceof BugCheck || e instanceof MachineDeadlock || e instanceof MachineUsageError) return e;
    if (this.bugCheckData !== null) return new BugCheck(this.bugCheckData);
    try {
      if (e instanceof SehException) {
        // P3 and P4 are the exception's parameters: for an access violation, read (0) or write (1) and the address.
        KeBugCheckEx(KMODE_EXCEPTION_NOT_HANDLED, e.ExceptionCode >>> 0, e.ExceptionAddress, e.AccessType, e.FaultingAddress,
          `Exception ${NtStatusName(e.ExceptionCode)}${e.FaultingAddress ? ` at ${formatAddress(e.FaultingAddress)}` : ""} was not handled by a __try block.`);
      }
      // A JavaScript throw in driver code is what a C++ throw is to the kernel: 0xE06D7363.
      const message = describeThrown(e);
      KeBugCheckEx(KMODE_EXCEPTION_NOT_HANDLED, 0xe06d7363, 0, 0, 0, `A JavaScript exception escaped: ${message}`);
    } catch (b) {
      if (b instanceof BugCheck) (b as { cause?: unknown }).cause = e;
      return b;
    }
  }

  /** Run kernel code in the System process at PASSIVE_LEVEL (for tests and hosts). */
  runInKernel<T>(fn: () => T): T {
    if (typeof fn !== "function") throw new MachineUsageError(`wdfjs: runInKernel(fn): fn must be a function; got ${describeValue(fn)}.`);
    return this.enter(null, fn);
  }

  /**
   * A system call by a client thread from plain host code. A service that must wait
   * (synchronous I/O the driver pended, a wait on handles) leaves its wait on the thread;
   * here, at the outermost entry, the thread blocks on it while the machine runs, and the
   * service finishes with the wait's outcome.
   */
  syscall<T>(thread: KTHREAD, fn: () => T): T {
    if (typeof thread !== "object" || thread === null || typeof thread.IdealProcessor !== "number" || typeof fn !== "function") {
      throw new MachineUsageError(`wdfjs: syscall(thread, fn): thread must be a KTHREAD of this machine (a process's threads[i]) and fn a function; got ${describeValue(thread)} and ${describeValue(fn)}.`);
    }
    this.beginSystemCall(thread);
    try {
      let r = fn();
      if (thread.deferred !== null) r = this.completeDeferredWait(thread, r as NTSTATUS) as T;
      this.checkReturnIrql();
      return r;
    } catch (e) {
      throw this.crashed(e);
    } finally {
      this.endSystemCall();
    }
  }

  /**
   * Perform the wait a system service left on `thread` (and any it leaves after that) at
   * the outermost host entry; returns the service's final status.
   */
  completeDeferredWait(thread: KTHREAD, ServiceStatus: NTSTATUS): NTSTATUS {
    let status = ServiceStatus;
    for (let d = KiNextServiceWait(thread); d !== null; d = KiNextServiceWait(thread)) {
      let ws: NTSTATUS;
      try {
        ws = this.scheduler.hostWait(thread, d.block, d.what);
      } catch (e) {
        KiAbandonServiceWaits(thread, d);
        throw e;
      }
      status = d.finish(ws, status);
    }
    return status;
  }

  /** How many machine entries are on the JavaScript stack (1 inside the outermost one). */
  get entryDepth(): number {
    return this.depth;
  }

  /** A thread of the System process, not yet running anything. */
  createSystemThread(name: string, driver: DRIVER_OBJECT | null, worker = false): KTHREAD {
    const t = new KTHREAD(this.nextThreadId(), this.systemProcess, name, driver);
    t.worker = worker;
    return t;
  }

  // ---- the outside world ----

  /**
   * The machine's doorbell: a shared 32-bit cell an outside producer (a worker thread) bumps
   * and notifies (`Atomics.add(cell, 0, 1); Atomics.notify(cell, 0)`) when it has input for
   * an event source, so a machine blocked waiting for input (or sleeping on the real clock)
   * wakes at once.
   */
  get doorbell(): Int32Array {
    return (this.doorbellCell ??= new Int32Array(new SharedArrayBuffer(4)));
  }

  /** Block the host up to `ms` milliseconds or until the doorbell rings (never spins). */
  doorbellWait(ms: number, seen = Atomics.load(this.doorbell, 0)): void {
    Atomics.wait(this.doorbell, 0, seen, ms);
  }

  /** Add an event source (see MachineEventSource): the scheduler delivers what it has due. */
  addEventSource(source: MachineEventSource): void {
    this.scheduler.addSource(source);
  }

  removeEventSource(source: MachineEventSource): void {
    this.scheduler.removeSource(source);
  }

  /** Plain host code waits, at the outermost entry, for `block` as client thread `thread` (tests and hosts). */
  hostWait(thread: KTHREAD, block: KWAIT_BLOCK, what: string): NTSTATUS {
    return this.enter(thread, () => this.scheduler.hostWait(thread, block, what));
  }

  // ---- processes ----

  createProcess(ImageFileName: string): EPROCESS {
    this.refuseIfStopped(`createProcess(${JSON.stringify(ImageFileName)})`);
    if (typeof ImageFileName !== "string" || ImageFileName === "") {
      throw new MachineUsageError(`wdfjs: createProcess(): the image file name must be a non-empty string such as "app.exe"; got ${describeValue(ImageFileName)}.`);
    }
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
      // Process rundown closes every handle without waiting for the drivers' cleanup and close.
      for (const [h] of [...process.handles]) IopCloseHandle(process.handles, h, false);
      process.terminated = true;
      process.ExitStatus = ExitStatus;
      process.SignalState = 1;
      signal(process);
      this.scheduler.wakeTerminatedProcess(process);
      // The process's threads never return to user mode: nothing is left for them to wait for.
      for (const t of process.threads) {
        t.deferred = null;
        t.kernelStrandsWaitQueued = false;
      }
    });
  }

  // ---- drivers ----

  /**
   * Load a driver: create `\Driver\<name>` and call its DriverEntry at PASSIVE_LEVEL in
   * the System process. Devices it created lose DO_DEVICE_INITIALIZING when it succeeds.
   */
  loadDriver(name: string, driver: DriverModule | DRIVER_INITIALIZE): NTSTATUS {
    if (typeof name !== "string" || !/^[^\\/]+$/.test(name)) {
      throw new MachineUsageError(`wdfjs: loadDriver(name, DriverEntry): the name must be a service name such as "echo" (no backslashes); got ${describeValue(name)}.`);
    }
    const entry = typeof driver === "function" ? driver : typeof driver === "object" && driver !== null ? (driver as Partial<DriverModule>).DriverEntry : undefined;
    if (typeof entry !== "function") {
      throw new MachineUsageError(
        `wdfjs: loadDriver(${JSON.stringify(name)}, ...): the second argument must be the driver's DriverEntry function ` +
          `((DriverObject, RegistryPath) => NTSTATUS) or a module that exports one; got ${describeValue(driver)}.`,
      );
    }
    this.refuseIfStopped(`loadDriver(${JSON.stringify(name)})`);
    if (this.drivers.has(name.toUpperCase())) return STATUS_OBJECT_NAME_COLLISION;
    // DriverEntry runs in a system thread, so it may wait (a generator).
    const t = this.createSystemThread(`DriverEntry of ${name}`, null);
    let status: NTSTATUS = STATUS_PENDING;
    const loaded = new KEVENT();
    KeInitializeEvent(loaded, NotificationEvent, false);
    return this.enter(t, () => {
      const drv = new DRIVER_OBJECT(`\\Driver\\${name}`);
      this.ob.namespace.insert(drv.DriverName, drv);
      this.cpu.driver = drv;
      // As the service control manager does, DriverEntry gets the driver's service key, made if it is missing.
      this.registry.createPath(["MACHINE", "SYSTEM", "CurrentControlSet", "Services", name], false);
      const r = entry(drv, `\\Registry\\Machine\\SYSTEM\\CurrentControlSet\\Services\\${name}`);
      KiRunRoutine(r, `DriverEntry of ${drv.DriverName}`, (value) => {
        status = value as NTSTATUS;
        if (!NT_SUCCESS(status)) {
          this.ob.namespace.remove(drv.DriverName);
          this.ob.addresses.removeDriver(drv);
        } else {
          for (let d = drv.DeviceObject; d !== null; d = d.NextDevice) d.Flags &= ~DO_DEVICE_INITIALIZING;
          this.drivers.set(name.toUpperCase(), drv);
          this.trace?.event("driver-load", drv, null);
        }
        KeSetEvent(loaded, 0, false);
      });
      this.cpu.driver = null;
      if (status === STATUS_PENDING) this.scheduler.hostWait(t, waitFor(loaded), `DriverEntry of ${drv.DriverName}`);
      t.state = "terminated";
      return NT_SUCCESS(status) ? STATUS_SUCCESS : status;
    });
  }

  /**
   * Call a driver routine that runs at PASSIVE_LEVEL in a system thread (AddDevice, as the
   * PnP manager calls it, or any routine a host wants run that way) and return its
   * result. A routine that waits (a generator) runs as that thread while the machine
   * runs; the host blocks here until it returns.
   */
  callDriverRoutine<T>(driver: DRIVER_OBJECT | null, name: string, routine: () => T | KWAIT_GENERATOR<T>): T {
    const t = this.createSystemThread(name, driver);
    const finished = new KEVENT();
    KeInitializeEvent(finished, NotificationEvent, false);
    let result: T | undefined;
    return this.enter(t, () => {
      this.cpu.driver = driver;
      const s = KiRunRoutine(routine(), name, (value) => {
        result = value as T;
        KeSetEvent(finished, 0, false);
      });
      this.cpu.driver = null;
      if (s !== null) this.scheduler.hostWait(t, waitFor(finished), name);
      t.state = "terminated";
      return result as T;
    });
  }

  /** A host call into a stopped machine: say so, and by which bug check, instead of looking like a new crash. */
  private refuseIfStopped(call: string): void {
    if (this.bugCheckData !== null && this.depth === 0) throw new MachineStopped(this.bugCheckData, `machine.${call}`);
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
    this.refuseIfStopped(`unloadDriver(${JSON.stringify(name)})`);
    const drv = typeof name === "string" ? this.driver(name) : undefined;
    if (!drv) {
      const loaded = [...this.drivers.values()].map((d) => d.DriverName.replace(/^\\Driver\\/, ""));
      throw new MachineUsageError(
        `wdfjs: unloadDriver(${describeValue(name)}): no driver of that name is loaded (loaded: ${loaded.length ? loaded.join(", ") : "none"}).`,
      );
    }
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
      const t = this.createSystemThread(`unload of ${drv.DriverName}`, null);
      this.cpu.thread = t;
      const done = this.IopCompleteUnload(drv);
      if (done !== null) this.scheduler.hostWait(t, waitFor(done), `DriverUnload of ${drv.DriverName}`);
      t.state = "terminated";
    });
  }

  /**
   * @internal Runs DriverUnload and removes the driver (called directly, or when a pending
   * unload's last open closes). A DriverUnload that waits (a generator) runs as a strand of
   * the current thread; the driver is removed when it finishes. Returns an event set then,
   * or null if it is already done.
   */
  IopCompleteUnload(drv: DRIVER_OBJECT): KEVENT | null {
    drv.unloadPending = false;
    const unload = drv.DriverUnload;
    if (!unload) {
      this.IopFinishUnload(drv);
      return null;
    }
    const prev = this.cpu.driver;
    this.cpu.driver = drv;
    const r = unload(drv);
    const done = new KEVENT();
    KeInitializeEvent(done, NotificationEvent, false);
    const s = KiRunRoutine(r, `DriverUnload of ${drv.DriverName}`, () => {
      this.IopFinishUnload(drv);
      KeSetEvent(done, 0, false);
    });
    this.cpu.driver = prev;
    return s === null ? null : done;
  }

  private IopFinishUnload(drv: DRIVER_OBJECT): void {
    const lists = [...this.lookasideLists].filter((l) => l.owner === drv).length;
    const pending = this.scheduler.pendingFor(drv);
    const left = lists > 0 ? [pending, `${lists} lookaside list(s)`].filter((x) => x !== null).join(", ") : pending;
    if (left !== null) {
      KeBugCheckEx(DRIVER_UNLOADED_WITHOUT_CANCELLING_PENDING_OPERATIONS, 0, 0, 0, 0, `${drv.DriverName} unloaded with ${left} still pending.`, drv);
    }
    if (this.checked) {
      // Driver Verifier's pool tracking: an unload must leave none of the driver's pool behind.
      // 0xC4/0x62: P2 the driver's name (Windows: a pointer to it; ours, its DRIVER_OBJECT's address,
      // whose DriverName it is), P3 reserved, P4 the allocations not freed.
      const pool = this.mm.pool.outstanding(drv);
      if (pool.allocations > 0) {
        KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, VF_POOL_LEAKED_AT_UNLOAD, drv.address, 0, pool.allocations,
          `${drv.DriverName} unloaded with ${pool.allocations} pool allocation(s) (${pool.bytes} bytes) it never freed.`, drv);
      }
    }
    for (const [key, d] of this.drivers) if (d === drv) this.drivers.delete(key);
    this.ob.namespace.remove(drv.DriverName);
    this.ob.addresses.removeDriver(drv);
    this.trace?.event("driver-unload", drv, null);
  }

  // ---- power ----

  /**
   * Put the machine to sleep (S1–S4) or shut it down (S5): the power manager sends
   * IRP_MN_QUERY_POWER and then IRP_MN_SET_POWER for `State` to every registered device
   * stack (`machine.po.registerDeviceStack`), children first, and returns when all have
   * completed: STATUS_SUCCESS, or the status of the query a driver failed (the machine
   * then stays in S0).
   */
  sleep(State: SYSTEM_POWER_STATE): NTSTATUS {
    this.refuseIfStopped("sleep()");
    return PopHostSleep(this, State);
  }

  /**
   * Shut the machine down, as far as drivers are told by the I/O manager (`IoShutdownSystem`):
   * IRP_MJ_SHUTDOWN to every device registered with IoRegisterShutdownNotification (the last
   * registered first), then to those registered with IoRegisterLastChanceShutdownNotification.
   * Each device is told once. The S5 power IRPs are `sleep(PowerSystemShutdown)`'s.
   */
  shutdown(): NTSTATUS {
    this.refuseIfStopped("shutdown()");
    return IopHostShutdown(this);
  }

  /** Wake the machine: IRP_MN_SET_POWER (S0) to every registered stack, parents first. */
  wake(): NTSTATUS {
    this.refuseIfStopped("wake()");
    return PopHostWake(this);
  }

  /**
   * The device's wake signal: completes the WAIT_WAKE IRP its bus driver holds armed (after
   * waking a sleeping machine). FALSE if none is armed.
   */
  signalWake(DeviceObject: DEVICE_OBJECT): boolean {
    this.refuseIfStopped("signalWake()");
    return PopHostSignalWake(this, DeviceObject);
  }

  // ---- Plug and Play ----

  /**
   * The Plug and Play manager (pnp/pnp-manager.ts): made, with its root device, the first
   * time anything needs it, so a machine that never uses PnP pays nothing for it.
   */
  get pnp(): PnpManager {
    if (this.pnpManager === null) {
      this.pnpManager = this.container.get(PnpManagerToken);
      this.pnpManager.initialize(this);
    }
    return this.pnpManager;
  }

  /**
   * Install a driver package (our INF): its service is loaded and its AddDevice called for
   * every device whose hardware or compatible IDs it matches best, now and later.
   */
  installDriverPackage(pkg: DriverPackage): void {
    this.refuseIfStopped("installDriverPackage()");
    this.pnp.installDriverPackage(pkg);
  }

  // ---- time and scheduling ----

  /** Run until nothing is left to do (queued DPCs, ready threads, work items, timers). */
  run(): void {
    this.enter(null, () => this.scheduler.runUntilIdle());
  }

  /** Run for `ms` milliseconds of machine time. */
  runFor(ms: number): void {
    if (typeof ms !== "number" || !Number.isFinite(ms) || ms < 0) {
      throw new MachineUsageError(`wdfjs: runFor(ms): ms must be a finite number of milliseconds, 0 or more; got ${describeValue(ms)}.`);
    }
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

/** A wait block for one object, no timeout, for the machine's own host waits. */
function waitFor(o: KEVENT): KWAIT_BLOCK {
  return { objects: [o], waitAll: false, deadline: -1, alertable: false, userMode: false };
}
