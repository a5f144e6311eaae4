import type { Box } from "../box.js";
import type { KIRQL } from "../ke/irql.js";
import { STATUS_SUCCESS, type NTSTATUS } from "../ntstatus.js";
import { IoReleaseCancelSpinLock, IoSetCancelRoutine } from "./cancel.js";
import type { DEVICE_OBJECT } from "./device.js";
import { IoMarkIrpPending, type IRP } from "./irp.js";

export type IO_CSQ_INSERT_IRP = (Csq: IO_CSQ, Irp: IRP) => void;
export type IO_CSQ_REMOVE_IRP = (Csq: IO_CSQ, Irp: IRP) => void;
export type IO_CSQ_PEEK_NEXT_IRP = (Csq: IO_CSQ, Irp: IRP | null, PeekContext: any) => IRP | null;
export type IO_CSQ_ACQUIRE_LOCK = (Csq: IO_CSQ, Irql: Box<KIRQL>) => void;
export type IO_CSQ_RELEASE_LOCK = (Csq: IO_CSQ, Irql: KIRQL) => void;
export type IO_CSQ_COMPLETE_CANCELED_IRP = (Csq: IO_CSQ, Irp: IRP) => void;

/** IO_CSQ: a cancel-safe queue; the driver supplies the queue and its lock, the I/O manager the cancel logic. */
export class IO_CSQ {
  CsqInsertIrp: IO_CSQ_INSERT_IRP | null = null;
  CsqRemoveIrp: IO_CSQ_REMOVE_IRP | null = null;
  CsqPeekNextIrp: IO_CSQ_PEEK_NEXT_IRP | null = null;
  CsqAcquireLock: IO_CSQ_ACQUIRE_LOCK | null = null;
  CsqReleaseLock: IO_CSQ_RELEASE_LOCK | null = null;
  CsqCompleteCanceledIrp: IO_CSQ_COMPLETE_CANCELED_IRP | null = null;
  /** Driver-private storage beside the queue (our addition). */
  Context: any = null;
}

/** IO_CSQ_IRP_CONTEXT: lets a driver remove one particular IRP later with IoCsqRemoveIrp. */
export class IO_CSQ_IRP_CONTEXT {
  Irp: IRP | null = null;
  Csq: IO_CSQ | null = null;
}

export function IoCsqInitialize(
  Csq: IO_CSQ,
  CsqInsertIrp: IO_CSQ_INSERT_IRP,
  CsqRemoveIrp: IO_CSQ_REMOVE_IRP,
  CsqPeekNextIrp: IO_CSQ_PEEK_NEXT_IRP,
  CsqAcquireLock: IO_CSQ_ACQUIRE_LOCK,
  CsqReleaseLock: IO_CSQ_RELEASE_LOCK,
  CsqCompleteCanceledIrp: IO_CSQ_COMPLETE_CANCELED_IRP,
): NTSTATUS {
  Csq.CsqInsertIrp = CsqInsertIrp;
  Csq.CsqRemoveIrp = CsqRemoveIrp;
  Csq.CsqPeekNextIrp = CsqPeekNextIrp;
  Csq.CsqAcquireLock = CsqAcquireLock;
  Csq.CsqReleaseLock = CsqReleaseLock;
  Csq.CsqCompleteCanceledIrp = CsqCompleteCanceledIrp;
  return STATUS_SUCCESS;
}

const CSQ_SLOT = 3;

function csqOf(Irp: IRP): IO_CSQ {
  const c = Irp.Tail.Overlay.DriverContext[CSQ_SLOT];
  return c instanceof IO_CSQ_IRP_CONTEXT ? c.Csq! : (c as IO_CSQ);
}

function detach(Irp: IRP): void {
  const c = Irp.Tail.Overlay.DriverContext[CSQ_SLOT];
  if (c instanceof IO_CSQ_IRP_CONTEXT) c.Irp = null;
  Irp.Tail.Overlay.DriverContext[CSQ_SLOT] = null;
}

/** The cancel routine the CSQ installs: removes the IRP under the driver's lock and hands it back. */
function IopCsqCancelRoutine(DeviceObject: DEVICE_OBJECT, Irp: IRP): void {
  void DeviceObject;
  IoReleaseCancelSpinLock(Irp.CancelIrql);
  const csq = csqOf(Irp);
  const irql = { value: 0 };
  csq.CsqAcquireLock!(csq, irql);
  csq.CsqRemoveIrp!(csq, Irp);
  detach(Irp);
  csq.CsqReleaseLock!(csq, irql.value);
  csq.CsqCompleteCanceledIrp!(csq, Irp);
}

/**
 * `IoCsqInsertIrp`: queues the IRP, marks it pending and makes it cancelable. If it
 * was cancelled already, it is taken out again and completed as cancelled.
 */
export function IoCsqInsertIrp(Csq: IO_CSQ, Irp: IRP, Context: IO_CSQ_IRP_CONTEXT | null): void {
  const irql = { value: 0 };
  Csq.CsqAcquireLock!(Csq, irql);
  if (Context) {
    Context.Irp = Irp;
    Context.Csq = Csq;
    Irp.Tail.Overlay.DriverContext[CSQ_SLOT] = Context;
  } else {
    Irp.Tail.Overlay.DriverContext[CSQ_SLOT] = Csq;
  }
  Csq.CsqInsertIrp!(Csq, Irp);
  IoMarkIrpPending(Irp);
  IoSetCancelRoutine(Irp, IopCsqCancelRoutine);
  if (Irp.Cancel && IoSetCancelRoutine(Irp, null) !== null) {
    Csq.CsqRemoveIrp!(Csq, Irp);
    detach(Irp);
    Csq.CsqReleaseLock!(Csq, irql.value);
    Csq.CsqCompleteCanceledIrp!(Csq, Irp);
    return;
  }
  Csq.CsqReleaseLock!(Csq, irql.value);
}

/** `IoCsqRemoveNextIrp`: the next IRP the driver's peek routine chooses that is not being cancelled. */
export function IoCsqRemoveNextIrp(Csq: IO_CSQ, PeekContext: any): IRP | null {
  const irql = { value: 0 };
  Csq.CsqAcquireLock!(Csq, irql);
  let irp = Csq.CsqPeekNextIrp!(Csq, null, PeekContext);
  while (irp !== null) {
    if (IoSetCancelRoutine(irp, null) !== null) {
      Csq.CsqRemoveIrp!(Csq, irp);
      detach(irp);
      break;
    }
    irp = Csq.CsqPeekNextIrp!(Csq, irp, PeekContext);
  }
  Csq.CsqReleaseLock!(Csq, irql.value);
  return irp;
}

/** `IoCsqRemoveIrp`: the IRP recorded in Context, unless it is gone or being cancelled. */
export function IoCsqRemoveIrp(Csq: IO_CSQ, Context: IO_CSQ_IRP_CONTEXT): IRP | null {
  const irql = { value: 0 };
  Csq.CsqAcquireLock!(Csq, irql);
  let irp = Context.Irp;
  if (irp !== null && IoSetCancelRoutine(irp, null) !== null) {
    Csq.CsqRemoveIrp!(Csq, irp);
    detach(irp);
  } else {
    irp = null;
  }
  Csq.CsqReleaseLock!(Csq, irql.value);
  return irp;
}
