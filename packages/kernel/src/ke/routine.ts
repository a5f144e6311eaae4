import { cur } from "../context.js";
import type { NTSTATUS } from "../ntstatus.js";
import type { KTHREAD } from "../ps/process.js";
import { KeBugCheckEx } from "./bugcheck.js";
import { DRIVER_VERIFIER_DETECTED_VIOLATION } from "./bugcheck-codes.js";
import { WDFJS_ROUTINE_RETURNED_PROMISE, type KWAIT_BLOCK } from "./dispatcher.js";
import type { Strand } from "./strand.js";

/** A generator object (what a `function*` returns), told apart from a status or undefined. */
export function isRoutineGenerator(r: unknown): r is Generator<KWAIT_BLOCK, unknown, NTSTATUS> {
  return typeof r === "object" && r !== null && typeof (r as Generator).next === "function" && typeof (r as Generator).throw === "function";
}

function isThenable(r: unknown): boolean {
  return typeof r === "object" && r !== null && typeof (r as PromiseLike<unknown>).then === "function";
}

/**
 * A driver routine returned a Promise (an `async` function): its continuation would run
 * outside the machine, after the kernel has moved on. A bug check says how to write it.
 */
export function KiPromiseReturned(name: string): never {
  return KeBugCheckEx(DRIVER_VERIFIER_DETECTED_VIOLATION, WDFJS_ROUTINE_RETURNED_PROMISE, 0, 0, 0,
    `${name} returned a Promise: it is an asynchronous function. Kernel code never waits on a Promise: its continuation would run outside ` +
      "the machine and its scheduler. A routine that waits is a generator (function*) that waits with " +
      "`yield* KeWaitForSingleObject(...)`; work to do later is a timer and DPC, a work item or a system thread.");
}

/**
 * Run what a routine that may wait returned, in the current context. A plain value is its
 * result: `onDone` gets it at once and this returns null. A generator is started as a
 * strand of the current thread (a new system thread if there is none, as for code a host
 * runs in the kernel) and stepped at once, until its first real wait; if it finishes
 * without waiting, `onDone` has its value and this returns null; else this returns the
 * strand and `onDone` runs when it finishes. A Promise is a bug check.
 */
export function KiRunRoutine(r: unknown, name: string, onDone: (value: unknown) => void): Strand | null {
  if (!isRoutineGenerator(r)) {
    if (isThenable(r)) KiPromiseReturned(name);
    onDone(r);
    return null;
  }
  const m = cur;
  const cpu = m.cpu;
  const caller: KTHREAD | null = cpu.thread;
  const thread = caller ?? m.createSystemThread(name, cpu.driver);
  cpu.thread = thread;
  const s = m.scheduler.startHere(thread, r, name, onDone);
  // A thread made for the routine is the routine's, not its caller's (code a host runs, a DPC).
  cpu.thread = caller;
  return s.state === "done" ? null : s;
}
