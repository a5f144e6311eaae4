import { cur } from "../context.js";
import { KEVENT, KeSetEvent, signal } from "../ke/dispatcher.js";
import { SehException } from "../ke/exception.js";
import { MDL_PAGES_LOCKED, MmUnlockPages, IoFreeMdl } from "../mm/mdl.js";
import { NT_ERROR, NT_SUCCESS } from "../ntstatus.js";

import { FO_SYNCHRONOUS_IO, IRP_BUFFERED_IO, IRP_DEALLOCATE_BUFFER, IRP_INPUT_OPERATION, IRP_READ_OPERATION, IRP_SYNCHRONOUS_API, IRP_WRITE_OPERATION } from "./constants.js";
import { IopDereferenceFileObject, type FILE_OBJECT } from "./file.js";
import { IO_STATUS_BLOCK, IoFreeIrp, IRP_KIND_USER, type IRP } from "./irp.js";

/**
 * The buffer half of IopCompleteRequest, attached to the requester's address space
 * (KeStackAttachProcess) for the copy back. A copy that faults (the caller freed its
 * buffer) fails the request with the exception's code.
 */
function IopFinishBuffers(Irp: IRP): void {
  const thread = Irp.Tail.Overlay.Thread;
  const cpu = cur.cpu;
  // Usually the requester's thread is the one completing (a synchronous request): its
  // address space is already current.
  if (thread === null || thread.process === cpu.process) {
    IopFinishBuffersInContext(Irp);
    return;
  }
  const savedProcess = cpu.process;
  cpu.process = thread.process;
  try {
    IopFinishBuffersInContext(Irp);
  } finally {
    cpu.process = savedProcess;
  }
}

function IopFinishBuffersInContext(Irp: IRP): void {
  const mm = cur.mm;
  const flags = Irp.Flags;
  if ((flags & IRP_BUFFERED_IO) !== 0) {
    const info = Irp.IoStatus.Information;
    if ((flags & IRP_INPUT_OPERATION) !== 0 && !NT_ERROR(Irp.IoStatus.Status) && info > 0) {
      const thread = Irp.Tail.Overlay.Thread;
      if (thread === null || !thread.process.terminated) {
        try {
          mm.copyKernel(Irp.UserBuffer, Irp.AssociatedIrp.SystemBuffer, info < Irp.userOutputLength ? info : Irp.userOutputLength);
        } catch (e) {
          if (!(e instanceof SehException)) throw e;
          Irp.IoStatus.Status = e.ExceptionCode;
          Irp.IoStatus.Information = 0;
        }
      }
    }
    if ((flags & IRP_DEALLOCATE_BUFFER) !== 0 && Irp.AssociatedIrp.SystemBuffer !== 0) {
      mm.pool.free_(Irp.AssociatedIrp.SystemBuffer, null);
      Irp.AssociatedIrp.SystemBuffer = 0;
    }
  }
  for (let mdl = Irp.MdlAddress; mdl !== null; ) {
    const next = mdl.Next;
    if ((mdl.MdlFlags & MDL_PAGES_LOCKED) !== 0) MmUnlockPages(mdl);
    IoFreeMdl(mdl);
    mdl = next;
  }
  Irp.MdlAddress = null;
}

function signalFileObject(fo: FILE_OBJECT, status: number): void {
  fo.FinalStatus = status;
  const ev = fo.Event;
  ev.SignalState = 1;
  if (ev.waiters !== null) signal(ev);
}

/**
 * What happens once a cleanup or close IRP has completed: the rest of the close, then the
 * event a waiting caller blocks on. Carried in the IRP (its `request`) when the driver pends.
 */
export class IopFileIrpTail {
  readonly event = new KEVENT();
  constructor(readonly after: () => void) {}
  done(): void {
    this.after();
    KeSetEvent(this.event, 0, false);
  }
}

/**
 * IopCompleteRequest: the last stage of completion, in the requester's context. Copies
 * buffered output back to the caller (unless the status is an error), unlocks and
 * frees the MDLs, frees the system buffer, reports the status to the caller's
 * IO_STATUS_BLOCK / OVERLAPPED, sets its event, queues the completion port packet and
 * frees the IRP.
 */
export function IopCompleteRequest(Irp: IRP): void {
  // Buffers first: copy back and free the system buffer, unlock and free the MDLs.
  if ((Irp.Flags & IRP_BUFFERED_IO) !== 0 || Irp.MdlAddress !== null) IopFinishBuffers(Irp);
  const status = Irp.IoStatus.Status;
  const info = Irp.IoStatus.Information;
  const thread = Irp.Tail.Overlay.Thread;
  const fo = Irp.Tail.Overlay.OriginalFileObject;
  const user = Irp.kind === IRP_KIND_USER;
  const synchronous = (Irp.Flags & IRP_SYNCHRONOUS_API) !== 0 || (fo !== null && (fo.Flags & FO_SYNCHRONOUS_IO) !== 0);
  if (!NT_ERROR(status) || (Irp.PendingReturned && !synchronous) || !user) {
    // Success (warnings included), or an asynchronous request that failed after pending:
    // the caller learns the outcome through its IO_STATUS_BLOCK / OVERLAPPED, its event
    // (or the file object's) and, for overlapped I/O on a bound handle, a completion packet.
    const iosb = Irp.UserIosb;
    if (iosb !== null) {
      iosb.Status = status;
      iosb.Information = info;
    }
    // The caller's event; and the file object's when there is none or the file object is
    // synchronous (its waiter waits on that one, as Windows' I/O manager does).
    if (Irp.UserEvent !== null) KeSetEvent(Irp.UserEvent, 0, false);
    if (fo !== null && user && (Irp.UserEvent === null || (fo.Flags & FO_SYNCHRONOUS_IO) !== 0)) signalFileObject(fo, status);
    if (Irp.UserApcRoutine !== null && thread !== null) {
      // ReadFileEx and friends: the routine runs as a user APC in the requesting thread's
      // next alertable wait.
      const routine = Irp.UserApcRoutine;
      const ctx = Irp.request;
      const st = new IO_STATUS_BLOCK();
      st.Status = status;
      st.Information = info;
      cur.scheduler.queueUserApc(thread, () => routine(ctx, st, 0));
    }
    if (Irp.request !== null && fo !== null && fo.CompletionContext !== null) {
      fo.CompletionContext.Port.post({ KeyContext: fo.CompletionContext.Key, ApcContext: Irp.request, Status: status, Information: info });
      signal(fo.CompletionContext.Port);
    }
  } else if (Irp.PendingReturned && fo !== null) {
    // A synchronous request that failed after pending: its waiter still has to wake. (One
    // that failed inside the call returns its status from the system service directly;
    // an overlapped one that failed that way posts nothing, as Windows does.)
    if ((Irp.Flags & IRP_SYNCHRONOUS_API) !== 0) {
      const iosb = Irp.UserIosb;
      if (iosb !== null) {
        iosb.Status = status;
        iosb.Information = info;
      }
      if (Irp.UserEvent !== null) KeSetEvent(Irp.UserEvent, 0, false);
      signalFileObject(fo, status);
    } else {
      signalFileObject(fo, status);
    }
  }
  // A read or write on a synchronous file object moves its position past what it transferred.
  if ((Irp.Flags & (IRP_READ_OPERATION | IRP_WRITE_OPERATION)) !== 0 && fo !== null && (fo.Flags & FO_SYNCHRONOUS_IO) !== 0 && NT_SUCCESS(Irp.IoStatus.Status)) {
    fo.CurrentByteOffset = Irp.Stack[Irp.StackCount - 1]!.Parameters.Read.ByteOffset + Irp.IoStatus.Information;
  }
  if (thread !== null) thread.IrpList.delete(Irp);
  if (fo !== null && user) IopDereferenceFileObject(fo);
  const request = Irp.request;
  IoFreeIrp(Irp);
  // A cleanup or close (no original file object): the rest of the close follows it.
  if (fo === null && request instanceof IopFileIrpTail) request.done();
}
