import { cur } from "../context.js";
import { STATUS_PENDING, type NTSTATUS } from "../ntstatus.js";
import { KEVENT, KeInitializeEvent, KiTestWaitNow, NotificationEvent, type DispatcherHeader, type KWAIT_BLOCK } from "./dispatcher.js";
import type { DeferredServiceWait, KTHREAD } from "../ps/process.js";

/**
 * A system service that must wait before it returns leaves the wait on the calling client
 * thread and returns; whoever drives the thread (the outermost host entry, or the thread's
 * own generator for a thread made with CreateThread) performs it and calls `finish` with
 * the wait status for the service's final status. Nothing in the kernel loops on the
 * scheduler. A kernel-mode caller (a system thread closing a handle) does not wait: the
 * operation finishes on its own, later.
 */
export function KiDeferServiceWait(
  block: KWAIT_BLOCK,
  what: string,
  finish: (WaitStatus: NTSTATUS, ServiceStatus: NTSTATUS) => NTSTATUS,
  abandon?: () => void,
): NTSTATUS {
  const t = cur.cpu.thread;
  if (t === null || !t.client) return STATUS_PENDING;
  KiQueueServiceWait(t, { block: { ...block, what }, what, finish, next: null, abandon });
  return STATUS_PENDING;
}

/**
 * The host gave up on a thread's service waits (a MachineDeadlock it caught): drop them,
 * letting each undo what its service holds (a synchronous file object's lock), so the
 * thread's next call starts clean.
 */
export function KiAbandonServiceWaits(t: KTHREAD, current: DeferredServiceWait | null): void {
  current?.abandon?.();
  for (let d = t.deferred; d !== null; d = d.next) d.abandon?.();
  t.deferred = null;
  t.kernelStrandsWaitQueued = false;
}

/** Queue a service wait on a thread, after the ones already queued. */
export function KiQueueServiceWait(t: KTHREAD, d: DeferredServiceWait): void {
  let last = t.deferred;
  if (last === null) {
    t.deferred = d;
    return;
  }
  while (last.next !== null) last = last.next;
  last.next = d;
}

/**
 * Take the next wait queued on a thread (for whoever drives it); null when none is left.
 * The caller performs it and calls its `finish`, which may queue another.
 */
export function KiNextServiceWait(t: KTHREAD): DeferredServiceWait | null {
  const d = t.deferred;
  if (d === null) return null;
  t.deferred = d.next;
  d.next = null;
  if (d.block.objects.length === 1 && d.block.objects[0] === t.kernelStrandsIdle) t.kernelStrandsWaitQueued = false;
  return d;
}

/**
 * A kernel routine running as client thread `t` waited: the thread is, in Windows, still
 * inside the system call. Before it returns to user mode it waits for the routine (and any
 * other such) to return.
 */
export function KiQueueKernelStrandsWait(t: KTHREAD, what: string): void {
  if (!t.client || t.kernelStrandsWaitQueued) return;
  t.kernelStrandsWaitQueued = true;
  KiQueueServiceWait(t, { block: KiKernelStrandsIdleBlock(t), what, finish: keepServiceStatus, next: null });
}

/** A wait block for "the kernel routines running as `t` have all returned". */
export function KiKernelStrandsIdleBlock(t: KTHREAD): KWAIT_BLOCK {
  if (t.kernelStrandsIdle === null) {
    t.kernelStrandsIdle = new KEVENT();
    KeInitializeEvent(t.kernelStrandsIdle, NotificationEvent, t.kernelStrands === 0);
  }
  return { objects: [t.kernelStrandsIdle], waitAll: false, deadline: -1, alertable: false, userMode: false };
}

function keepServiceStatus(_WaitStatus: NTSTATUS, ServiceStatus: NTSTATUS): NTSTATUS {
  return ServiceStatus;
}

/**
 * A client thread's wait on objects: satisfied now, or deferred to whoever drives the
 * thread. `Timeout` in 100 ns units (negative relative), null for INFINITE. `finish` turns
 * the wait status into the service's status (the identity by default).
 */
export function KiServiceWait(
  objects: DispatcherHeader[],
  waitAll: boolean,
  Timeout: number | null,
  Alertable: boolean,
  what: string,
  finish: (WaitStatus: NTSTATUS) => NTSTATUS = identity,
): NTSTATUS {
  const m = cur;
  const now = KiTestWaitNow({ objects, waitAll, alertable: Alertable, userMode: true, deadline: -1, Timeout }, m.cpu.thread);
  if (now >= 0) return finish(now);
  const deadline = Timeout === null ? -1 : Timeout < 0 ? m.clock.now() - Timeout : Timeout;
  return KiDeferServiceWait({ objects, waitAll, deadline, alertable: Alertable, userMode: true }, what, finish);
}

function identity(s: NTSTATUS): NTSTATUS {
  return s;
}
