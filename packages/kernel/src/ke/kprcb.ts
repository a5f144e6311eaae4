import type { DRIVER_OBJECT } from "../io/driver.js";
import type { EPROCESS, KTHREAD } from "../ps/process.js";
import type { KIRQL } from "./irql.js";
import type { KDPC } from "./dpc.js";

/** A virtual processor: its IRQL, its DPC queue, and what runs on it. */
export class KPRCB {
  Irql: KIRQL = 0;
  dpcHead: KDPC | null = null;
  dpcTail: KDPC | null = null;
  dpcRoutineActive = false;
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
