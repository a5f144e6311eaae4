import { cur } from "../context.js";
import { VfIrqlTooHigh } from "../verifier/irql-rules.js";
import { VF_RULE_IRQL_PS_PASSIVE } from "../ke/bugcheck-codes.js";
import { PASSIVE_LEVEL } from "../ke/irql.js";
import type { Box } from "../box.js";
import type { DRIVER_OBJECT } from "../io/driver.js";
import type { KWAIT_BLOCK, KWAIT_GENERATOR } from "../ke/dispatcher.js";
import { ThreadExit } from "../ke/scheduler.js";
import { isRoutineGenerator, KiPromiseReturned } from "../ke/routine.js";
import { STATUS_INVALID_HANDLE, STATUS_INVALID_PARAMETER, STATUS_OBJECT_TYPE_MISMATCH, STATUS_SUCCESS, STATUS_THREAD_IS_TERMINATING, type NTSTATUS } from "../ntstatus.js";
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
  if (m.checked && m.cpu.Irql !== PASSIVE_LEVEL) VfIrqlTooHigh("PsCreateSystemThread", PASSIVE_LEVEL, VF_RULE_IRQL_PS_PASSIVE);
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

/** A user thread's start routine (LPTHREAD_START_ROUTINE): returns its exit code, or is a generator that may wait. */
export type PUSER_THREAD_START_ROUTINE = (Argument: any) => number | void | Generator<KWAIT_BLOCK, number | void, NTSTATUS>;

/**
 * `NtCreateThreadEx` for the current process (ProcessHandle -1, NtCurrentProcess): a new
 * thread whose start routine runs when the scheduler first picks it, at PASSIVE_LEVEL in
 * the process, and whose blocking calls suspend only itself. Its handle waits until it
 * ends; its exit code is the routine's value. CreateFlags (suspended start) are not
 * supported: STATUS_INVALID_PARAMETER.
 */
export function NtCreateThreadEx(
  ThreadHandle: Box<number>,
  DesiredAccess: number,
  ObjectAttributes: unknown,
  ProcessHandle: number,
  StartRoutine: PUSER_THREAD_START_ROUTINE,
  Argument: any,
  CreateFlags: number,
  ZeroBits: number,
  StackSize: number,
  MaximumStackSize: number,
  AttributeList: unknown,
): NTSTATUS {
  void ObjectAttributes;
  void ZeroBits;
  void StackSize;
  void MaximumStackSize;
  void AttributeList;
  const m = cur;
  ThreadHandle.value = 0;
  if (ProcessHandle !== -1 || typeof StartRoutine !== "function" || CreateFlags !== 0) return STATUS_INVALID_PARAMETER;
  const process = m.cpu.process;
  const t = m.createThread(process, StartRoutine.name || "thread");
  const body = (function* (): Generator<KWAIT_BLOCK, void, NTSTATUS> {
    const r = StartRoutine(Argument);
    let code: unknown = r;
    if (isRoutineGenerator(r)) code = yield* r as Generator<KWAIT_BLOCK, unknown, NTSTATUS>;
    t.ExitStatus = typeof code === "number" ? code : 0;
  })();
  const s = m.scheduler.newStrand(t, body, null, t.name);
  t.mainStrand = s;
  t.state = "ready";
  t.ObHeader = new OBJECT_HEADER("Thread", null);
  t.ObHeader.HandleCount = 1;
  ThreadHandle.value = process.handles.insert(t as never, DesiredAccess || 0x1fffff);
  m.scheduler.makeReady(s);
  return STATUS_SUCCESS;
}

/** `NtQueueApcThread`: a user APC to a thread of the process; it runs in the thread's next alertable wait. */
export function NtQueueApcThread(ThreadHandle: number, ApcRoutine: (a1: any, a2: any, a3: any) => void, ApcArgument1: any, ApcArgument2: any, ApcArgument3: any): NTSTATUS {
  const m = cur;
  const e = m.cpu.process.handles.lookup(ThreadHandle);
  if (e === undefined) return STATUS_INVALID_HANDLE;
  if (!(e.object instanceof KTHREAD)) return STATUS_OBJECT_TYPE_MISMATCH;
  if (typeof ApcRoutine !== "function") return STATUS_INVALID_PARAMETER;
  const t = e.object;
  if (t.state === "terminated") return STATUS_THREAD_IS_TERMINATING;
  m.scheduler.queueUserApc(t, () => ApcRoutine(ApcArgument1, ApcArgument2, ApcArgument3));
  return STATUS_SUCCESS;
}

/** `NtQueryInformationThread(ThreadBasicInformation)`'s exit status: STATUS_PENDING (STILL_ACTIVE) while it runs. */
export function PsGetThreadExitStatus(Thread: KTHREAD): NTSTATUS {
  return Thread.state === "terminated" ? Thread.ExitStatus : 0x103;
}
