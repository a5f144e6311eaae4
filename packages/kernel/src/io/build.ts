import { cur } from "../context.js";
import { VfIrqlTooHigh } from "../verifier/irql-rules.js";
import { VF_RULE_IRQL_IO_PASSIVE1 } from "../ke/bugcheck-codes.js";
import { APC_LEVEL } from "../ke/irql.js";
import type { KEVENT } from "../ke/dispatcher.js";
import { KernelMode } from "../ke/dispatcher.js";
import { IoAllocateMdl, IoFreeMdl, MDL_PAGES_LOCKED, MmProbeAndLockPages, MmUnlockPages } from "../mm/mdl.js";
import { SehException } from "../ke/exception.js";
import { POOL_FLAG_NON_PAGED, POOL_TAG } from "../mm/pool.js";
import {
  DO_BUFFERED_IO, DO_DIRECT_IO, IRP_BUFFERED_IO, IRP_DEALLOCATE_BUFFER, IRP_INPUT_OPERATION, IRP_MJ_DEVICE_CONTROL,
  IRP_MJ_INTERNAL_DEVICE_CONTROL, IRP_MJ_READ, IoReadAccess, IoWriteAccess, METHOD_BUFFERED, METHOD_FROM_CTL_CODE,
  METHOD_IN_DIRECT, METHOD_NEITHER,
} from "./constants.js";
import type { DEVICE_OBJECT } from "./device.js";
import { IoAllocateIrp, IoFreeIrp, IoGetNextIrpStackLocation, IRP_KIND_DRIVER, IRP_KIND_THREADED, type IO_STATUS_BLOCK, type IRP } from "./irp.js";

const TAG = POOL_TAG("IoBd");

/** Runs a probe or copy that may raise; false if it raised a structured exception. */
function guarded(fn: () => void): boolean {
  try {
    fn();
    return true;
  } catch (e) {
    if (!(e instanceof SehException)) throw e;
    return false;
  }
}

/** A builder that cannot finish frees what it took and returns NULL, as Windows does. */
function failBuild(irp: IRP): null {
  const m = cur;
  if (irp.AssociatedIrp.SystemBuffer !== 0) {
    m.mm.kernelCode++;
    m.mm.pool.free_(irp.AssociatedIrp.SystemBuffer, TAG);
    m.mm.kernelCode--;
    irp.AssociatedIrp.SystemBuffer = 0;
  }
  for (let mdl = irp.MdlAddress; mdl !== null; mdl = mdl.Next) {
    if ((mdl.MdlFlags & MDL_PAGES_LOCKED) !== 0) MmUnlockPages(mdl);
    IoFreeMdl(mdl);
  }
  irp.MdlAddress = null;
  irp.kind = IRP_KIND_DRIVER;
  IoFreeIrp(irp);
  return null;
}

/**
 * `IoBuildDeviceIoControlRequest`: a threaded IRP for a kernel-mode caller. The I/O
 * manager frees it on completion after copying buffered output, filling IoStatusBlock
 * and setting Event; the caller waits on Event when IoCallDriver returns STATUS_PENDING.
 */
export function IoBuildDeviceIoControlRequest(
  IoControlCode: number,
  DeviceObject: DEVICE_OBJECT,
  InputBuffer: number,
  InputBufferLength: number,
  OutputBuffer: number,
  OutputBufferLength: number,
  InternalDeviceIoControl: boolean,
  Event: KEVENT | null,
  IoStatusBlock: IO_STATUS_BLOCK,
): IRP | null {
  const m = cur;
  // The rule IrqlIoPassive1 allows PASSIVE_LEVEL and APC_LEVEL.
  if (m.checked && m.cpu.Irql > APC_LEVEL) VfIrqlTooHigh("IoBuildDeviceIoControlRequest", APC_LEVEL, VF_RULE_IRQL_IO_PASSIVE1);
  const irp = IoAllocateIrp(DeviceObject.StackSize, false);
  if (irp === null) return null;
  irp.kind = IRP_KIND_THREADED;
  irp.RequestorMode = KernelMode;
  irp.Tail.Overlay.Thread = m.cpu.thread;
  irp.UserIosb = IoStatusBlock;
  irp.UserEvent = Event;
  const sl = IoGetNextIrpStackLocation(irp);
  sl.MajorFunction = InternalDeviceIoControl ? IRP_MJ_INTERNAL_DEVICE_CONTROL : IRP_MJ_DEVICE_CONTROL;
  const p = sl.Parameters.DeviceIoControl;
  p.IoControlCode = IoControlCode >>> 0;
  p.InputBufferLength = InputBufferLength;
  p.OutputBufferLength = OutputBufferLength;
  const method = METHOD_FROM_CTL_CODE(IoControlCode);
  const mm = m.mm;
  if (method === METHOD_NEITHER) {
    p.Type3InputBuffer = InputBuffer;
    irp.UserBuffer = OutputBuffer;
  } else {
    const len = method === METHOD_BUFFERED ? Math.max(InputBufferLength, OutputBufferLength) : InputBufferLength;
    if (len > 0) {
      mm.kernelCode++;
      const sb = mm.pool.allocate(POOL_FLAG_NON_PAGED, len, TAG);
      mm.kernelCode--;
      if (sb === 0) return failBuild(irp);
      irp.AssociatedIrp.SystemBuffer = sb;
      irp.Flags |= IRP_BUFFERED_IO | IRP_DEALLOCATE_BUFFER;
      if (InputBufferLength > 0 && !guarded(() => mm.copy(sb, InputBuffer, InputBufferLength))) return failBuild(irp);
    }
    if (method === METHOD_BUFFERED) {
      if (OutputBufferLength > 0) {
        irp.Flags |= IRP_INPUT_OPERATION;
        irp.UserBuffer = OutputBuffer;
        irp.userOutputLength = OutputBufferLength;
      }
    } else if (OutputBufferLength > 0) {
      const mdl = IoAllocateMdl(OutputBuffer, OutputBufferLength, false, false, irp);
      if (mdl === null || !guarded(() => MmProbeAndLockPages(mdl, KernelMode, method === METHOD_IN_DIRECT ? IoReadAccess : IoWriteAccess))) return failBuild(irp);
    }
  }
  if (irp.Tail.Overlay.Thread !== null) irp.Tail.Overlay.Thread.IrpList.add(irp);
  return irp;
}

function buildFsd(kind: number, MajorFunction: number, DeviceObject: DEVICE_OBJECT, Buffer: number, Length: number, StartingOffset: number | null, IoStatusBlock: IO_STATUS_BLOCK | null): IRP | null {
  const m = cur;
  const irp = IoAllocateIrp(DeviceObject.StackSize, false);
  if (irp === null) return null;
  irp.kind = kind;
  irp.RequestorMode = KernelMode;
  // Both forms record the caller's thread, as Windows does (Wine's test_call_driver checks it).
  irp.Tail.Overlay.Thread = m.cpu.thread;
  irp.UserIosb = IoStatusBlock;
  const sl = IoGetNextIrpStackLocation(irp);
  sl.MajorFunction = MajorFunction;
  const read = MajorFunction === IRP_MJ_READ;
  if (Length > 0) {
    sl.Parameters.Read.Length = Length;
    sl.Parameters.Read.ByteOffset = StartingOffset ?? 0;
    if ((DeviceObject.Flags & DO_BUFFERED_IO) !== 0) {
      m.mm.kernelCode++;
      const sb = m.mm.pool.allocate(POOL_FLAG_NON_PAGED, Length, TAG);
      m.mm.kernelCode--;
      if (sb === 0) return failBuild(irp);
      irp.AssociatedIrp.SystemBuffer = sb;
      irp.Flags |= IRP_BUFFERED_IO | IRP_DEALLOCATE_BUFFER;
      if (read) {
        irp.Flags |= IRP_INPUT_OPERATION;
        irp.UserBuffer = Buffer;
        irp.userOutputLength = Length;
      } else if (!guarded(() => m.mm.copy(sb, Buffer, Length))) {
        return failBuild(irp);
      }
    } else if ((DeviceObject.Flags & DO_DIRECT_IO) !== 0) {
      const mdl = IoAllocateMdl(Buffer, Length, false, false, irp);
      if (mdl === null || !guarded(() => MmProbeAndLockPages(mdl, KernelMode, read ? IoWriteAccess : IoReadAccess))) return failBuild(irp);
    } else {
      irp.UserBuffer = Buffer;
    }
  }
  return irp;
}

/** `IoBuildSynchronousFsdRequest`: a threaded read/write/flush/shutdown IRP, freed by the I/O manager. */
export function IoBuildSynchronousFsdRequest(MajorFunction: number, DeviceObject: DEVICE_OBJECT, Buffer: number, Length: number, StartingOffset: number | null, Event: KEVENT, IoStatusBlock: IO_STATUS_BLOCK): IRP | null {
  const m = cur;
  if (m.checked && m.cpu.Irql > APC_LEVEL) VfIrqlTooHigh("IoBuildSynchronousFsdRequest", APC_LEVEL);
  const irp = buildFsd(IRP_KIND_THREADED, MajorFunction, DeviceObject, Buffer, Length, StartingOffset, IoStatusBlock);
  if (irp !== null) {
    irp.UserEvent = Event;
    if (irp.Tail.Overlay.Thread !== null) irp.Tail.Overlay.Thread.IrpList.add(irp);
  }
  return irp;
}

/**
 * `IoBuildAsynchronousFsdRequest`: the caller owns the IRP; its completion routine
 * must free it (IoFreeIrp) and return STATUS_MORE_PROCESSING_REQUIRED.
 */
export function IoBuildAsynchronousFsdRequest(MajorFunction: number, DeviceObject: DEVICE_OBJECT, Buffer: number, Length: number, StartingOffset: number | null, IoStatusBlock: IO_STATUS_BLOCK | null): IRP | null {
  const m = cur;
  if (m.checked && m.cpu.Irql > APC_LEVEL) VfIrqlTooHigh("IoBuildAsynchronousFsdRequest", APC_LEVEL);
  return buildFsd(IRP_KIND_DRIVER, MajorFunction, DeviceObject, Buffer, Length, StartingOffset, IoStatusBlock);
}
