import type { DRIVER_OBJECT } from "../io/driver.js";
import type { EPROCESS, KTHREAD } from "../ps/process.js";
import type { KIRQL } from "./irql.js";
import type { KDPC } from "./dpc.js";

/** KiMaximumDpcQueueDepth's default: a queue this deep requests the DPC interrupt whatever the importance. */
export const DEFAULT_MAXIMUM_DPC_QUEUE_DEPTH = 4;

/** A virtual processor: its IRQL, its DPC queues, and what runs on it. */
export class KPRCB {
  Irql: KIRQL = 0;
  dpcHead: KDPC | null = null;
  dpcTail: KDPC | null = null;
  DpcQueueDepth = 0;
  MaximumDpcQueueDepth = DEFAULT_MAXIMUM_DPC_QUEUE_DEPTH;
  /**
   * The DISPATCH_LEVEL software interrupt is pending: it fires (the queue drains) as soon as
   * this processor's IRQL is below DISPATCH_LEVEL. A Low-importance DPC (or a Medium one
   * from another processor) leaves it clear, and waits for the next time the queue drains.
   */
  DpcInterruptRequested = false;
  dpcRoutineActive = false;
  /** Threaded DPCs (KeInitializeThreadedDpc), run at PASSIVE_LEVEL by this processor's DPC thread. */
  threadedDpcHead: KDPC | null = null;
  threadedDpcTail: KDPC | null = null;
  /** The DPC thread is running this processor's threaded DPCs. */
  DpcThreadActive = false;
  /** The processor's DPC thread (made when it first runs a threaded DPC). */
  DpcThread: KTHREAD | null = null;
  /** HKLM\...\Session Manager\Kernel\ThreadDpcEnable: when false, threaded DPCs run as ordinary DPCs. */
  ThreadDpcEnable = true;
  /** The thread running on this processor (a client thread in a system call, a system thread) or null when idle. */
  thread: KTHREAD | null = null;
  /** The address space in use: the current thread's process, or the one it is attached to. */
  process: EPROCESS;
  /** The driver whose code runs now, blamed by bug checks. */
  driver: DRIVER_OBJECT | null = null;
  spinLocksHeld = 0;
  constructor(
    readonly Number: number,
    systemProcess: EPROCESS,
  ) {
    this.process = systemProcess;
  }
}
