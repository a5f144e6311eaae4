import { cur } from "../context.js";
import { VfIrqlTooHigh } from "../verifier/irql-rules.js";
import { VF_RULE_IRQL_OB_PASSIVE, VF_RULE_IRQL_ZW_PASSIVE } from "../ke/bugcheck-codes.js";
import { PASSIVE_LEVEL } from "../ke/irql.js";
import type { Box } from "../box.js";
import { DispatcherHeader, KEVENT, KeInitializeEvent, KeResetEvent, KeSetEvent, KernelMode, signal, WaitAll, type EVENT_TYPE, type KPROCESSOR_MODE } from "../ke/dispatcher.js";
import { KiDeferServiceWait, KiServiceWait } from "../ke/service-wait.js";
import { IoCompletionObject } from "../io/completion-port.js";
import { FILE_OBJECT } from "../io/file.js";
import type { IO_STATUS_BLOCK } from "../io/irp.js";
import { STATUS_ACCESS_DENIED, STATUS_INVALID_HANDLE, STATUS_INVALID_PARAMETER, STATUS_OBJECT_TYPE_MISMATCH, STATUS_SUCCESS, STATUS_TIMEOUT, STATUS_USER_APC, type NTSTATUS } from "../ntstatus.js";
import { IopCloseHandle } from "../io/nt-file.js";
import { ObIsKernelHandle } from "./handle-table.js";
import { OBJECT_HEADER, ObReferenceObject, type ObObject } from "./object.js";
import { ObpCheckObjectAttributes, type OBJECT_ATTRIBUTES } from "./object-attributes.js";

/**
 * Object services for clients (events, waits, completion ports) and
 * ObReferenceObjectByHandle for drivers. A client wait runs the machine until the
 * objects are signalled or the timeout passes; it never blocks the host.
 */

/**
 * `NtCreateEvent`. ObjectAttributes may be null. Named events are not emulated: a name
 * is accepted and ignored (the event is unnamed). OBJ_KERNEL_HANDLE means nothing to a
 * user-mode caller, as in Windows; in the System process every handle is a kernel handle.
 */
export function NtCreateEvent(
  EventHandle: Box<number>,
  DesiredAccess: number,
  ObjectAttributes: OBJECT_ATTRIBUTES | null,
  EventType: EVENT_TYPE,
  InitialState: boolean,
): NTSTATUS {
  if (ObjectAttributes !== null && ObjectAttributes !== undefined) {
    const st = ObpCheckObjectAttributes(ObjectAttributes);
    if (st !== STATUS_SUCCESS) return st;
  }
  const e = new KEVENT();
  KeInitializeEvent(e, EventType, InitialState);
  e.ObHeader = new OBJECT_HEADER("Event", null);
  e.ObHeader.HandleCount = 1;
  EventHandle.value = cur.cpu.process.handles.insert(e as unknown as ObObject, DesiredAccess || 0x1f0003);
  return STATUS_SUCCESS;
}

function eventOf(Handle: number): KEVENT | NTSTATUS {
  const e = cur.cpu.process.handles.lookup(Handle);
  if (!e) return STATUS_INVALID_HANDLE;
  if (!(e.object instanceof KEVENT)) return STATUS_OBJECT_TYPE_MISMATCH;
  return e.object;
}

export function NtSetEvent(EventHandle: number, PreviousState: Box<number> | null): NTSTATUS {
  const e = eventOf(EventHandle);
  if (typeof e === "number") return e;
  const prev = KeSetEvent(e, 0, false);
  if (PreviousState) PreviousState.value = prev;
  return STATUS_SUCCESS;
}

export function NtResetEvent(EventHandle: number, PreviousState: Box<number> | null): NTSTATUS {
  const e = eventOf(EventHandle);
  if (typeof e === "number") return e;
  const prev = KeResetEvent(e);
  if (PreviousState) PreviousState.value = prev;
  return STATUS_SUCCESS;
}

/** The dispatcher object behind a handle: a file handle waits on its file object's event. */
function waitableOf(Handle: number): DispatcherHeader | NTSTATUS {
  const e = cur.cpu.process.handles.lookup(Handle);
  if (!e) return STATUS_INVALID_HANDLE;
  const o = e.object as unknown;
  if (o instanceof FILE_OBJECT) return o.Event;
  if (o instanceof DispatcherHeader) return o;
  return STATUS_OBJECT_TYPE_MISMATCH;
}

/**
 * Wait in a client thread: Timeout in 100 ns units (negative relative), null for INFINITE.
 * Satisfied now, or left on the thread for whoever drives it (see KiDeferServiceWait).
 */
export function clientWait(objects: DispatcherHeader[], waitAll: boolean, Timeout: number | null, what: string, Alertable = false): NTSTATUS {
  return KiServiceWait(objects, waitAll, Timeout, Alertable, what);
}

export function NtWaitForSingleObject(Handle: number, Alertable: boolean, Timeout: number | null): NTSTATUS {
  const o = waitableOf(Handle);
  if (typeof o === "number") return o;
  return KiServiceWait([o], false, Timeout, !!Alertable, `handle ${Handle}`);
}

export function NtWaitForMultipleObjects(Count: number, Handles: number[], WaitType: number, Alertable: boolean, Timeout: number | null): NTSTATUS {
  if (!(Count >= 1 && Count <= 64) || !Array.isArray(Handles) || Handles.length < Count) return STATUS_INVALID_PARAMETER;
  const objs: DispatcherHeader[] = [];
  for (let i = 0; i < Count; i++) {
    const o = waitableOf(Handles[i]!);
    if (typeof o === "number") return o;
    objs.push(o);
  }
  return KiServiceWait(objs, WaitType === WaitAll, Timeout, !!Alertable, `${Count} handles`);
}

/** `NtDelayExecution`: Sleep/SleepEx. An alertable delay ends early with STATUS_USER_APC. */
export function NtDelayExecution(Alertable: boolean, DelayInterval: number | null): NTSTATUS {
  if (DelayInterval === 0) {
    // Sleep(0): give the processor to any other thread ready to run (the wait ends at once,
    // after the scheduler has had its pick), or take a queued user APC if alertable.
    const t = cur.cpu.thread;
    if (Alertable && t !== null && t.userApcQueue.length > 0) return STATUS_USER_APC;
    return KiDeferServiceWait({ objects: [], waitAll: false, deadline: cur.clock.now(), alertable: !!Alertable, userMode: true }, "Sleep(0)", (ws) => (ws === STATUS_USER_APC ? ws : STATUS_SUCCESS));
  }
  return KiServiceWait([], false, DelayInterval, !!Alertable, "Sleep", (ws) => (ws === STATUS_TIMEOUT ? STATUS_SUCCESS : ws));
}

export function NtRemoveIoCompletion(
  IoCompletionHandle: number,
  KeyContext: Box<number>,
  ApcContext: Box<any>,
  IoStatusBlock: IO_STATUS_BLOCK,
  Timeout: number | null,
): NTSTATUS {
  const e = cur.cpu.process.handles.lookup(IoCompletionHandle);
  if (!e) return STATUS_INVALID_HANDLE;
  if (!(e.object instanceof IoCompletionObject)) return STATUS_OBJECT_TYPE_MISMATCH;
  const port = e.object;
  return KiServiceWait([port], false, Timeout, false, "a completion packet", (st) => {
    if (st === STATUS_TIMEOUT) return STATUS_TIMEOUT;
    // The satisfied wait consumed one count; the packet itself is taken here.
    port.SignalState++;
    const p = port.remove()!;
    KeyContext.value = p.KeyContext;
    ApcContext.value = p.ApcContext;
    IoStatusBlock.Status = p.Status;
    IoStatusBlock.Information = p.Information;
    return STATUS_SUCCESS;
  });
}

export function NtSetIoCompletion(IoCompletionHandle: number, KeyContext: number, ApcContext: any, IoStatus: NTSTATUS, IoStatusInformation: number): NTSTATUS {
  const e = cur.cpu.process.handles.lookup(IoCompletionHandle);
  if (!e) return STATUS_INVALID_HANDLE;
  if (!(e.object instanceof IoCompletionObject)) return STATUS_OBJECT_TYPE_MISMATCH;
  e.object.post({ KeyContext, ApcContext, Status: IoStatus, Information: IoStatusInformation });
  signal(e.object);
  return STATUS_SUCCESS;
}

/**
 * `ObReferenceObjectByHandle`: the object behind a handle, referenced, if it is of the
 * type asked and the handle grants the access. A kernel handle (KERNEL_HANDLE_MASK set)
 * names the System process's table and only kernel mode may use it; any other handle is
 * one of the current process's.
 */
export function ObReferenceObjectByHandle(
  Handle: number,
  DesiredAccess: number,
  ObjectType: (abstract new (...a: any[]) => unknown) | null,
  AccessMode: KPROCESSOR_MODE,
  Object: Box<any>,
  HandleInformation: Box<number> | null,
): NTSTATUS {
  const m = cur;
  if (m.checked && m.cpu.Irql !== PASSIVE_LEVEL) VfIrqlTooHigh("ObReferenceObjectByHandle", PASSIVE_LEVEL, VF_RULE_IRQL_OB_PASSIVE);
  Object.value = null;
  let e;
  if (ObIsKernelHandle(Handle)) {
    // Windows: a kernel handle from user mode is STATUS_INVALID_HANDLE, whatever its value.
    if (AccessMode !== KernelMode) return STATUS_INVALID_HANDLE;
    e = m.systemProcess.handles.lookup(Handle);
  } else {
    e = m.cpu.process.handles.lookup(Handle);
  }
  if (!e) return STATUS_INVALID_HANDLE;
  if (ObjectType !== null && !(e.object instanceof ObjectType)) return STATUS_OBJECT_TYPE_MISMATCH;
  if (AccessMode !== 0 && ((e.GrantedAccess & DesiredAccess) >>> 0) !== DesiredAccess >>> 0) return STATUS_ACCESS_DENIED;
  ObReferenceObject(e.object);
  Object.value = e.object;
  if (HandleInformation) HandleInformation.value = e.GrantedAccess;
  return STATUS_SUCCESS;
}

/**
 * `ZwClose`: closes a handle from kernel mode. A kernel handle is closed in the System
 * process's table whatever the current process; any other in the current process's.
 */
export function ZwClose(Handle: number): NTSTATUS {
  const m = cur;
  if (m.checked && m.cpu.Irql !== PASSIVE_LEVEL) VfIrqlTooHigh("ZwClose", PASSIVE_LEVEL, VF_RULE_IRQL_ZW_PASSIVE);
  return IopCloseHandle(ObIsKernelHandle(Handle) ? m.systemProcess.handles : m.cpu.process.handles, Handle, false);
}
