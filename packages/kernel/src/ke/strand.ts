import type { DRIVER_OBJECT } from "../io/driver.js";
import type { NTSTATUS } from "../ntstatus.js";
import type { EPROCESS, KTHREAD } from "../ps/process.js";
import type { DispatcherHeader, KEVENT, KWAIT_BLOCK } from "./dispatcher.js";
import type { Scheduler } from "./scheduler.js";

export type StrandState = "ready" | "running" | "waiting" | "done";

/**
 * One line of execution of a thread that the scheduler can suspend and resume: a thread's
 * body, or the rest of a routine that waited while the thread was running something else
 * (a dispatch routine that waited inside `IoCallDriver` goes on as a strand of the thread
 * that called it, in the same process, at the IRQL it waited at). A host strand has no
 * body: it stands for plain host code blocked in a synchronous call at the machine's
 * outermost entry, registered as a waiter like any other so the dispatcher's rules
 * (synchronization-event fairness, set-then-reset) apply to it too.
 *
 * `PsGetCurrentThread()` is the strand's thread: ownership (mutexes, resources) belongs
 * to threads, not strands.
 */
export class Strand {
  state: StrandState = "ready";
  /** The value the next resumption of `body` receives (a wait status). */
  resumeWith: NTSTATUS = 0;
  waitObjects: DispatcherHeader[] | null = null;
  waitAll = false;
  /** An alertable wait in user mode ends with STATUS_USER_APC when a user APC is queued. */
  waitAlertable = false;
  waitUserMode = false;
  waitSeq = 0;
  /** The IRQL the strand waited at, restored when it resumes. */
  waitIrql = 0;
  /** Index in the scheduler's ready list while ready (swap-remove keeps removal O(1)). */
  readyIndex = -1;
  /** Its wait has an entry in the scheduler's timer heap. */
  timed = false;
  /** Index in the scheduler's waiting list while waiting. */
  waitIndex = -1;
  /** What the strand waits for, for deadlock reports. */
  waitingFor = "";
  /** A kernel routine that waited while running as its thread (counted in kernelStrands). */
  kernelRoutine = false;
  /**
   * The strand that called the routine this strand runs (IoCallDriver from a system thread's
   * body), or null when plain host code or a scheduler unit with no strand called it.
   */
  parent: Strand | null = null;
  /** Routines this strand called that waited and have not returned: it is "inside" them. */
  children = 0;
  /** Signalled while `children` is 0 (made on first use). */
  childrenIdle: KEVENT | null = null;
  /** A thread body's wait held back until the kernel routines running as its thread return. */
  afterWait: KWAIT_BLOCK | null = null;
  /** A thread body that ended while kernel routines still ran as its thread: it ends when they return. */
  endsWith: { readonly value: unknown } | null = null;
  /** Called once the body has finished (a dispatch routine's checks, a thread's exit). */
  onDone: ((result: unknown) => void) | null = null;
  constructor(
    readonly scheduler: Scheduler,
    readonly thread: KTHREAD,
    /** The body, or null for a host strand. */
    readonly body: Generator<KWAIT_BLOCK, unknown, NTSTATUS> | null,
    /** The address space it runs in (the thread's process, or the one it was attached to). */
    public process: EPROCESS,
    /** The driver whose code it runs, blamed by bug checks. */
    public driver: DRIVER_OBJECT | null,
    readonly name: string,
  ) {}
}
