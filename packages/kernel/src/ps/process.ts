import type { AddressSpace } from "../mm/page-table.js";
import type { HandleTable } from "../ob/handle-table.js";
import type { DRIVER_OBJECT } from "../io/driver.js";
import type { IRP } from "../io/irp.js";
import { DispatcherHeader, ThreadObject, ProcessObject } from "../ke/dispatcher.js";
import type { KWAIT_GENERATOR } from "../ke/dispatcher.js";
import type { NTSTATUS } from "../ntstatus.js";

/** EPROCESS: an address space, a handle table and threads. */
export class EPROCESS extends DispatcherHeader {
  readonly threads: KTHREAD[] = [];
  terminated = false;
  ExitStatus: NTSTATUS = 0;
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

/**
 * KTHREAD/ETHREAD. A client thread runs synchronously inside system calls; a system
 * thread is a generator the scheduler steps, suspended at each `yield*` on a wait.
 */
export class KTHREAD extends DispatcherHeader {
  state: ThreadState = "initialized";
  /** The body of a system thread; null for client threads. */
  body: KWAIT_GENERATOR<void> | null = null;
  /** The value the next resumption of `body` receives (a wait status). */
  resumeWith: NTSTATUS = 0;
  waitObjects: DispatcherHeader[] | null = null;
  waitAll = false;
  waitDeadline = -1;
  waitSeq = 0;
  KernelApcDisable = 0;
  /** The IRQL the thread waited at, restored when it resumes. */
  waitIrql = 0;
  /** The processor the thread's system calls run on, chosen by the seed when it is created. */
  IdealProcessor = 0;
  readonly apcQueue: KernelApc[] = [];
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
  }
}
export type ETHREAD = KTHREAD;
export type PEPROCESS = EPROCESS;
export type PKTHREAD = KTHREAD;
