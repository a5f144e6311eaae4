import type { AddressSpace } from "../mm/page-table.js";
import type { HandleTable } from "../ob/handle-table.js";
import type { DRIVER_OBJECT } from "../io/driver.js";
import type { IRP } from "../io/irp.js";
import { DispatcherHeader, ThreadObject, ProcessObject } from "../ke/dispatcher.js";
import type { KEVENT, KMUTEX, KWAIT_BLOCK } from "../ke/dispatcher.js";
import type { Strand } from "../ke/strand.js";
import type { NTSTATUS } from "../ntstatus.js";

/** EPROCESS: an address space, a handle table and threads. */
export class EPROCESS extends DispatcherHeader {
  readonly threads: KTHREAD[] = [];
  terminated = false;
  ExitStatus: NTSTATUS = 0;
  /** What ended the process if a thread of it threw and nothing caught it (ours, for hosts and tests). */
  unhandledException: unknown = null;
  constructor(
    readonly UniqueProcessId: number,
    readonly ImageFileName: string,
    readonly space: AddressSpace,
    readonly handles: HandleTable,
  ) {
    super(ProcessObject);
  }
}

/**
 * The thread's IRP list, linked through the IRPs themselves as in Windows
 * (Irp->ThreadListEntry): adding and removing on every request costs no allocation.
 */
export class ThreadIrpList {
  head: IRP | null = null;
  size = 0;
  add(irp: IRP): void {
    if (irp.threadListed) return;
    irp.threadListed = true;
    irp.threadPrev = null;
    irp.threadNext = this.head;
    if (this.head !== null) this.head.threadPrev = irp;
    this.head = irp;
    this.size++;
  }
  delete(irp: IRP): boolean {
    if (!irp.threadListed) return false;
    irp.threadListed = false;
    const p = irp.threadPrev;
    const n = irp.threadNext;
    if (p !== null) p.threadNext = n;
    else this.head = n;
    if (n !== null) n.threadPrev = p;
    irp.threadPrev = irp.threadNext = null;
    this.size--;
    return true;
  }
  has(irp: IRP): boolean {
    for (let i = this.head; i !== null; i = i.threadNext) if (i === irp) return true;
    return false;
  }
  *[Symbol.iterator](): IterableIterator<IRP> {
    const all: IRP[] = [];
    for (let i = this.head; i !== null; i = i.threadNext) all.push(i);
    yield* all;
  }
}

export type ThreadState = "initialized" | "ready" | "running" | "waiting" | "terminated";

/** A kernel APC queued to a thread: run at APC_LEVEL in the thread's process. */
export type KernelApc = (thread: KTHREAD) => void;

/** A user APC (QueueUserAPC, a ReadFileEx completion routine): run in the thread's alertable waits. */
export type UserApc = () => void;

/**
 * A system service that must wait before it can return (synchronous I/O the driver
 * pended, a wait on handles, a pended close). The service sets it on the calling thread
 * and returns; whoever drives the thread performs the wait and calls `finish` with the
 * wait status for the service's final status: the outermost host entry for plain host
 * code, the thread's own generator for a thread made with CreateThread. Nothing inside
 * the kernel runs a nested scheduler loop.
 */
export interface DeferredServiceWait {
  readonly block: KWAIT_BLOCK;
  readonly what: string;
  /** The service's status after the wait, given the wait's status and the status so far. */
  finish(WaitStatus: NTSTATUS, ServiceStatus: NTSTATUS): NTSTATUS;
  /** The wait to perform after this one (a thread's service waits form a queue). */
  next: DeferredServiceWait | null;
  /** The host gave up on the wait (it caught the MachineDeadlock): undo what the service holds. */
  abandon?: () => void;
}

/**
 * KTHREAD/ETHREAD. A client thread of plain host code runs inside system calls; a system
 * thread or a Win32 thread made with CreateThread has a body the scheduler steps (its
 * main strand). Any thread may also own continuation strands: dispatch routines that
 * waited while called in it.
 */
export class KTHREAD extends DispatcherHeader {
  state: ThreadState = "initialized";
  /** The strand of the thread's body (system threads, CreateThread threads), or null. */
  mainStrand: Strand | null = null;
  /** The strand plain host code blocks on at the outermost entry (made on first use). */
  hostStrand: Strand | null = null;
  /** Strands of this thread not yet finished (its body and any waiting dispatch routines). */
  liveStrands = 0;
  /**
   * Kernel routines running as this thread that waited (dispatch routines, DriverEntry...).
   * In Windows the thread would still be inside them: it returns to user mode, and its body
   * goes on past its next wait, only once they have returned.
   */
  kernelStrands = 0;
  /** Signalled while kernelStrands is 0 (made on first use). */
  kernelStrandsIdle: KEVENT | null = null;
  /** A wait for kernelStrandsIdle is queued in `deferred`. */
  kernelStrandsWaitQueued = false;
  deferred: DeferredServiceWait | null = null;
  /** Index in the scheduler's list of threads with kernel APCs to deliver, or -1. */
  apcIndex = -1;
  /** A system worker thread (runs work items; back in the idle pool when its strands end). */
  worker = false;
  /** Critical regions (KeEnterCriticalRegion, an owned KMUTEX): normal kernel APCs held back. */
  KernelApcDisable = 0;
  /** Guarded regions (KeEnterGuardedRegion): every kernel APC held back, special ones included. */
  SpecialApcDisable = 0;
  /**
   * Strands of the thread suspended at APC_LEVEL (waiting, or ready to resume there: a
   * thread waiting for a fast mutex, or holding one): its kernel APCs wait until it drops
   * below APC_LEVEL, as they would for a thread whose IRQL is APC_LEVEL.
   */
  apcLevelWaits = 0;
  /** The processor the thread's system calls run on, chosen by the seed when it is created. */
  IdealProcessor = 0;
  readonly apcQueue: KernelApc[] = [];
  readonly userApcQueue: UserApc[] = [];
  /** Kernel mutexes the thread owns (a thread that ends owning one is a bug check). */
  readonly ownedMutants: KMUTEX[] = [];
  /** True for a thread of a user process (a Win32 thread), false for a system thread. */
  readonly client: boolean;
  /** IRPs this thread issued that are not yet complete (the thread's IRP list). */
  readonly IrpList = new ThreadIrpList();
  ExitStatus: NTSTATUS = 0;
  constructor(
    readonly UniqueThreadId: number,
    readonly process: EPROCESS,
    readonly name: string,
    readonly driver: DRIVER_OBJECT | null,
  ) {
    super(ThreadObject);
    this.client = process.UniqueProcessId !== 4;
  }
}
export type ETHREAD = KTHREAD;
export type PEPROCESS = EPROCESS;
export type PKTHREAD = KTHREAD;
