import { cur } from "../context.js";
import type { Box } from "../box.js";
import type { DRIVER_OBJECT } from "../io/driver.js";
import type { KWAIT_GENERATOR } from "../ke/dispatcher.js";
import { ThreadExit } from "../ke/scheduler.js";
import { isRoutineGenerator, KiPromiseReturned } from "../ke/routine.js";
import { STATUS_SUCCESS, type NTSTATUS } from "../ntstatus.js";
import { OBJECT_HEADER } from "../ob/object.js";
import { KTHREAD } from "./process.js";

export type KSTART_ROUTINE = (StartContext: any) => void | KWAIT_GENERATOR<void>;

/** Make a thread of the System process around a body and let the scheduler run it. */
export function startSystemThread(name: string, driver: DRIVER_OBJECT | null, body: KWAIT_GENERATOR<void>, onExit?: () => void): KTHREAD {
  const m = cur;
  const t = m.createSystemThread(name, driver);
  const s = m.scheduler.newStrand(t, body, driver, name);
  if (onExit) s.onDone = onExit;
  t.mainStrand = s;
  t.state = "ready";
  m.scheduler.makeReady(s);
  return t;
}

/**
 * `PsCreateSystemThread`: the start routine runs later at PASSIVE_LEVEL in the System
 * process. A routine that waits is a generator (`function*`), suspended at each wait.
 */
export function PsCreateSystemThread(
  ThreadHandle: Box<number>,
  DesiredAccess: number,
  ObjectAttributes: unknown,
  ProcessHandle: number | null,
  ClientId: unknown,
  StartRoutine: KSTART_ROUTINE,
  StartContext: any,
): NTSTATUS {
  void DesiredAccess;
  void ObjectAttributes;
  void ProcessHandle;
  void ClientId;
  const m = cur;
  const name = StartRoutine.name || "system thread";
  const body = (function* (): KWAIT_GENERATOR<void> {
    const r = StartRoutine(StartContext);
    if (isRoutineGenerator(r)) yield* r as KWAIT_GENERATOR<void>;
    else if (r !== undefined && typeof (r as { then?: unknown }).then === "function") KiPromiseReturned(`The start routine ${name}`);
  })();
  const t = startSystemThread(name, m.cpu.driver, body);
  // The handle is a kernel handle and holds the thread object's one reference.
  t.ObHeader = new OBJECT_HEADER("Thread", null);
  t.ObHeader.HandleCount = 1;
  ThreadHandle.value = m.systemProcess.handles.insert(t as never, 0x1fffff);
  return STATUS_SUCCESS;
}

/** `PsTerminateSystemThread`: ends the calling system thread. */
export function PsTerminateSystemThread(ExitStatus: NTSTATUS): never {
  throw new ThreadExit(ExitStatus);
}

export function PsGetCurrentThread(): KTHREAD | null {
  return cur.cpu.thread;
}

export function PsGetCurrentProcess() {
  return cur.cpu.process;
}

export function IoGetCurrentProcess() {
  return cur.cpu.process;
}
