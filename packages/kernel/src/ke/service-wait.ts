import { cur } from "../context.js";
import { STATUS_PENDING, type NTSTATUS } from "../ntstatus.js";
import { KiTestWaitNow, type DispatcherHeader, type KWAIT_BLOCK } from "./dispatcher.js";

/**
 * A system service that must wait before it returns leaves the wait on the calling client
 * thread and returns; whoever drives the thread (the outermost host entry, or the thread's
 * own generator for a thread made with CreateThread) performs it and calls `finish` with
 * the wait status for the service's final status. Nothing in the kernel loops on the
 * scheduler. A kernel-mode caller (a system thread closing a handle) does not wait: the
 * operation finishes on its own, later.
 */
export function KiDeferServiceWait(block: KWAIT_BLOCK, what: string, finish: (WaitStatus: NTSTATUS) => NTSTATUS): NTSTATUS {
  const t = cur.cpu.thread;
  if (t === null || !t.client) return STATUS_PENDING;
  if (t.deferred !== null) throw new Error(`wdfjs: ${what}: the thread already has a service wait outstanding (${t.deferred.what})`);
  t.deferred = { block, what, finish };
  return STATUS_PENDING;
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
