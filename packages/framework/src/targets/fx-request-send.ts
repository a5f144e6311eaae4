import {
  ExAllocatePoolWithTag, ExFreePoolWithTag, IoAllocateMdl, IoCopyCurrentIrpStackLocationToNext, IoFreeMdl, IoGetNextIrpStackLocation, IRP_MJ_DEVICE_CONTROL,
  IRP_MJ_INTERNAL_DEVICE_CONTROL, IRP_MJ_READ, IRP_MJ_WRITE, KDPC, KTIMER, METHOD_BUFFERED, METHOD_FROM_CTL_CODE, METHOD_NEITHER, MmBuildMdlForNonPagedPool,
  NonPagedPool, RtlCopyMemory, STATUS_INSUFFICIENT_RESOURCES, STATUS_SUCCESS, DO_BUFFERED_IO, DO_DIRECT_IO, type IO_STACK_LOCATION, type IRP, type KEVENT, type MDL,
  type NTSTATUS,
} from "@wdfjs/kernel";
import type { FxRequest } from "../io/fx-request.js";
import { STATUS_INTEGER_OVERFLOW } from "../wdfstatus.js";
import { WdfRequestTypeDeviceControl, WdfRequestTypeDeviceControlInternal, WdfRequestTypeRead, WdfRequestTypeWrite, type WDF_REQUEST_TYPE } from "../io/queue-config.js";
import { FxRequestTypeOf } from "../io/fx-request.js";
import type { FxMemoryObject } from "../support/fx-memory.js";
import { WDF_REQUEST_COMPLETION_PARAMS, WdfRequestTypeNoFormat, type EVT_WDF_REQUEST_COMPLETION_ROUTINE } from "./io-target-types.js";
import type { FxIoTarget } from "./fx-io-target.js";

/** The pool tag of the framework's own buffers (a buffered IOCTL's system buffer): 'FxIo'. */
const FX_IO_TAG = 0x6f497846;

/**
 * The sending half of a request (`FxRequestBase`'s target fields and `FxRequestContext`): the
 * target it was sent to, its completion routine, the formatted buffers to give back at
 * completion, its timeout timer and its links in the target's lists. Made on first use, kept
 * with the request for its life.
 */
export class FxRequestSendState {
  /** `m_Target`: the target the request was last sent to (WdfRequestGetIoTarget). */
  target: FxIoTarget | null = null;
  completionRoutine: EVT_WDF_REQUEST_COMPLETION_ROUTINE | null = null;
  completionContext: unknown = null;
  readonly completionParams = new WDF_REQUEST_COMPLETION_PARAMS();
  /** `HasContext`: formatted by a WdfIoTargetFormatRequestFor* call (send-and-forget refuses it). */
  hasContext = false;
  /** `m_IrpCompletionReferenceCount != 0`: sent (or queued in a target) and not yet back. */
  outstanding = false;
  /** Waiting in a stopped target's queue, not yet sent. */
  queued = false;
  /** Links in the target's sent list or pending queue. */
  prev: FxRequest | null = null;
  next: FxRequest | null = null;
  /** The timeout (`m_Timer`), made on the first send with a timeout; fired means the IRP was cancelled for it. */
  timer: KTIMER | null = null;
  dpc: KDPC | null = null;
  timedOut = false;
  /** WdfRequestCancelSentRequest was called while the request waited in a stopped target. */
  canceled = false;
  /** A synchronous send waits on this; the completion sets it. */
  syncEvent: KEVENT | null = null;
  /** The IRP's buffers before a format changed them (a queue-presented IRP gets them back at completion). */
  savedSystemBuffer = 0;
  savedMdl: MDL | null = null;
  savedUserBuffer = 0;
  savedBuffers = false;
  /** What the framework made for the format and frees at completion: an MDL, a buffered IOCTL's system buffer. */
  madeMdl: MDL | null = null;
  madeBuffer = 0;
  /** A buffered IOCTL's output buffer, filled from the system buffer at completion. */
  outputAddress = 0;
  outputLength = 0;

  /**
   * Idle and holding nothing that outlives the request it belonged to (no timeout timer, whose
   * DPC names the request; not sent, not waiting in a target; no buffers of a format): it may
   * serve the next request as a new one.
   */
  get reusable(): boolean {
    return this.timer === null && !this.outstanding && !this.queued && this.syncEvent === null && this.madeBuffer === 0 && this.madeMdl === null && !this.savedBuffers;
  }

  /** Every field as a new one has them (only a `reusable` state is reset). */
  reset(): void {
    this.target = null;
    this.completionRoutine = null;
    this.completionContext = null;
    const p = this.completionParams;
    p.Size = 0;
    p.Type = WdfRequestTypeNoFormat;
    p.IoStatus.Status = STATUS_SUCCESS;
    p.IoStatus.Information = 0;
    const q = p.Parameters;
    q.Write.Buffer = q.Write.Length = q.Write.Offset = 0;
    q.Read.Buffer = q.Read.Length = q.Read.Offset = 0;
    q.Ioctl.IoControlCode = 0;
    q.Ioctl.Input.Buffer = q.Ioctl.Input.Offset = 0;
    q.Ioctl.Output.Buffer = q.Ioctl.Output.Offset = q.Ioctl.Output.Length = 0;
    q.Others.Argument1 = q.Others.Argument2 = q.Others.Argument3 = q.Others.Argument4 = 0;
    this.hasContext = false;
    this.prev = this.next = null;
    this.dpc = null;
    this.timedOut = false;
    this.canceled = false;
    this.savedSystemBuffer = 0;
    this.savedMdl = null;
    this.savedUserBuffer = 0;
    this.outputLength = 0;
  }
}

/** How many idle send states a machine keeps for reuse (`FxObjectTable.spareSendStates`). */
const SPARE_SEND_STATES = 64;

/** A recycled request's send state, reset and kept for the next request that sends. */
export function FxRequestSendStateRelease(request: FxRequest, s: FxRequestSendState): void {
  const spares = request.table.spareSendStates as FxRequestSendState[];
  // Checked again: a stale handle may have reached the freed request since (the free flavor).
  if (spares.length >= SPARE_SEND_STATES || !s.reusable) return;
  s.reset();
  spares.push(s);
}

/** The request's send state, made on first use. */
export function FxRequestSendStateOf(request: FxRequest): FxRequestSendState {
  let s = request.send;
  if (s === null) {
    s = (request.table.spareSendStates.pop() as FxRequestSendState | undefined) ?? new FxRequestSendState();
    request.send = s;
  }
  return s;
}

/** Gives back what a format made and restores the IRP's own buffers (`FxRequestContext::ReleaseAndRestore`). */
export function FxRequestReleaseFormat(request: FxRequest): void {
  const s = request.send;
  if (s === null) return;
  const irp = request.Irp;
  if (s.madeBuffer !== 0) {
    if (s.outputAddress !== 0 && irp !== null) {
      // METHOD_BUFFERED: the lower driver wrote its output into the system buffer.
      const n = Math.min(irp.IoStatus.Information, s.outputLength);
      if (n > 0) RtlCopyMemory(s.outputAddress, s.madeBuffer, n);
    }
    ExFreePoolWithTag(s.madeBuffer, FX_IO_TAG);
    s.madeBuffer = 0;
  }
  s.outputAddress = 0;
  if (s.madeMdl !== null) {
    IoFreeMdl(s.madeMdl);
    s.madeMdl = null;
  }
  if (s.savedBuffers && irp !== null) {
    irp.AssociatedIrp.SystemBuffer = s.savedSystemBuffer;
    irp.MdlAddress = s.savedMdl;
    irp.UserBuffer = s.savedUserBuffer;
  }
  s.savedBuffers = false;
}

function saveBuffers(request: FxRequest, s: FxRequestSendState): IRP {
  FxRequestReleaseFormat(request);
  const irp = request.Irp!;
  s.savedSystemBuffer = irp.AssociatedIrp.SystemBuffer;
  s.savedMdl = irp.MdlAddress;
  s.savedUserBuffer = irp.UserBuffer;
  s.savedBuffers = true;
  return irp;
}

/**
 * `FxRequestBuffer`: a buffer a format or synchronous send uses, from a WDFMEMORY with its
 * offsets, or a raw buffer or MDL of a WDF_MEMORY_DESCRIPTOR: its address and length, and the
 * memory handle and offset the completion parameters report.
 */
export class FxRequestBuffer {
  constructor(readonly Address: number, readonly Length: number, readonly Memory: number, readonly Offset: number) {}
}

/** No buffer. */
export const FxRequestBufferNone = new FxRequestBuffer(0, 0, 0, 0);

/**
 * `ValidateMemoryOffsets` and the window of a WDFMEMORY: an offset window past the memory's end is
 * STATUS_INTEGER_OVERFLOW; a zero length means "to the end".
 */
export function FxRequestBufferFromMemory(memory: FxMemoryObject | null, Offset: number, Length: number): FxRequestBuffer | NTSTATUS {
  if (memory === null) return FxRequestBufferNone;
  const size = memory.BufferSize;
  if (Offset + Length > size) return STATUS_INTEGER_OVERFLOW;
  return new FxRequestBuffer(memory.Buffer + Offset, Length !== 0 ? Length : size - Offset, memory.handle, Offset);
}

/**
 * `FxIoTarget::FormatIoRequest` for a read or a write: the next stack location gets the major
 * function, length and device offset; the buffer goes the way the target device takes it
 * (DO_BUFFERED_IO: as the system buffer; DO_DIRECT_IO: an MDL; neither: the user buffer).
 */
export function FxFormatReadWrite(target: FxIoTarget, request: FxRequest, MajorFunction: number, buffer: FxRequestBuffer, DeviceOffset: number | null): NTSTATUS {
  const s = FxRequestSendStateOf(request);
  const irp = saveBuffers(request, s);
  const address = buffer.Address;
  const length = buffer.Length;
  const stack = IoGetNextIrpStackLocation(irp);
  stack.MajorFunction = MajorFunction;
  stack.MinorFunction = 0;
  stack.Flags = 0;
  stack.Parameters.Read.Length = length;
  stack.Parameters.Read.Key = 0;
  stack.Parameters.Read.ByteOffset = DeviceOffset ?? 0;
  stack.FileObject = target.TargetFileObject;
  const status = placeBuffer(target, irp, s, address, length);
  if (status !== STATUS_SUCCESS) return status;
  formatted(request, s, MajorFunction === IRP_MJ_READ ? WdfRequestTypeRead : WdfRequestTypeWrite);
  const p = s.completionParams.Parameters;
  const rw = MajorFunction === IRP_MJ_READ ? p.Read : p.Write;
  rw.Buffer = buffer.Memory;
  rw.Length = length;
  rw.Offset = buffer.Offset;
  return STATUS_SUCCESS;
}

function placeBuffer(target: FxIoTarget, irp: IRP, s: FxRequestSendState, address: number, length: number): NTSTATUS {
  irp.AssociatedIrp.SystemBuffer = 0;
  irp.MdlAddress = null;
  irp.UserBuffer = 0;
  if (length === 0) return STATUS_SUCCESS;
  const flags = target.TargetDevice?.Flags ?? 0;
  if ((flags & DO_BUFFERED_IO) !== 0) irp.AssociatedIrp.SystemBuffer = address;
  else if ((flags & DO_DIRECT_IO) !== 0) return directMdl(irp, s, address, length);
  else irp.UserBuffer = address;
  return STATUS_SUCCESS;
}

function directMdl(irp: IRP, s: FxRequestSendState, address: number, length: number): NTSTATUS {
  const mdl = IoAllocateMdl(address, length, false, false, null);
  if (mdl === null) return STATUS_INSUFFICIENT_RESOURCES;
  MmBuildMdlForNonPagedPool(mdl);
  irp.MdlAddress = mdl;
  s.madeMdl = mdl;
  return STATUS_SUCCESS;
}

/**
 * `FxIoTarget::FormatIoctlRequest`: the next location gets the control code and the lengths;
 * the buffers follow the code's method. METHOD_BUFFERED: a system buffer of the larger length
 * holding the input, whose output is copied back to the output memory at completion; the
 * direct methods: the input as system buffer, the output as an MDL; METHOD_NEITHER: the raw
 * addresses.
 */
export function FxFormatIoctl(
  target: FxIoTarget, request: FxRequest, Internal: boolean, IoctlCode: number, input: FxRequestBuffer, output: FxRequestBuffer,
): NTSTATUS {
  const s = FxRequestSendStateOf(request);
  const irp = saveBuffers(request, s);
  const inAddress = input.Address;
  const inLength = input.Length;
  const outAddress = output.Address;
  const outLength = output.Length;
  const stack = IoGetNextIrpStackLocation(irp);
  stack.MajorFunction = Internal ? IRP_MJ_INTERNAL_DEVICE_CONTROL : IRP_MJ_DEVICE_CONTROL;
  stack.MinorFunction = 0;
  stack.Flags = 0;
  const d = stack.Parameters.DeviceIoControl;
  d.IoControlCode = IoctlCode;
  d.InputBufferLength = inLength;
  d.OutputBufferLength = outLength;
  d.Type3InputBuffer = 0;
  stack.FileObject = target.TargetFileObject;
  irp.AssociatedIrp.SystemBuffer = 0;
  irp.MdlAddress = null;
  irp.UserBuffer = 0;
  const method = METHOD_FROM_CTL_CODE(IoctlCode);
  if (method === METHOD_BUFFERED) {
    const size = Math.max(inLength, outLength);
    if (size > 0) {
      const buffer = ExAllocatePoolWithTag(NonPagedPool, size, FX_IO_TAG);
      if (buffer === 0) return STATUS_INSUFFICIENT_RESOURCES;
      if (inLength > 0) RtlCopyMemory(buffer, inAddress, inLength);
      s.madeBuffer = buffer;
      irp.AssociatedIrp.SystemBuffer = buffer;
      if (outLength > 0) {
        s.outputAddress = outAddress;
        s.outputLength = outLength;
      }
    }
  } else if (method === METHOD_NEITHER) {
    d.Type3InputBuffer = inAddress;
    irp.UserBuffer = outAddress;
  } else {
    irp.AssociatedIrp.SystemBuffer = inAddress;
    if (outLength > 0) {
      const status = directMdl(irp, s, outAddress, outLength);
      if (status !== STATUS_SUCCESS) return status;
    }
  }
  formatted(request, s, Internal ? WdfRequestTypeDeviceControlInternal : WdfRequestTypeDeviceControl);
  const io = s.completionParams.Parameters.Ioctl;
  io.IoControlCode = IoctlCode;
  io.Input.Buffer = input.Memory;
  io.Input.Offset = input.Offset;
  io.Output.Buffer = output.Memory;
  io.Output.Offset = output.Offset;
  io.Output.Length = 0;
  return STATUS_SUCCESS;
}

function formatted(request: FxRequest, s: FxRequestSendState, Type: WDF_REQUEST_TYPE): void {
  s.hasContext = true;
  s.completionParams.Type = Type;
  if (!request.allocatedFromIo) request.setSendType(Type);
}

/**
 * `WdfRequestFormatRequestUsingCurrentType`: the next stack location is a copy of the current
 * one (IoCopyCurrentIrpStackLocationToNext), for a request passed down as it came.
 */
export function FxFormatUsingCurrentType(request: FxRequest): void {
  const s = FxRequestSendStateOf(request);
  FxRequestReleaseFormat(request);
  IoCopyCurrentIrpStackLocationToNext(request.Irp!);
  s.hasContext = false;
  s.completionParams.Type = WdfRequestTypeNoFormat;
}

/** `WdfRequestWdmFormatUsingStackLocation`: the next stack location is a copy of the driver's (completion routine fields cleared). */
export function FxFormatUsingStackLocation(request: FxRequest, Stack: IO_STACK_LOCATION): void {
  const s = FxRequestSendStateOf(request);
  FxRequestReleaseFormat(request);
  const next = IoGetNextIrpStackLocation(request.Irp!);
  next.MajorFunction = Stack.MajorFunction;
  next.MinorFunction = Stack.MinorFunction;
  next.Flags = Stack.Flags;
  const sp = Stack.Parameters;
  const np = next.Parameters;
  np.a1 = sp.a1;
  np.a2 = sp.a2;
  np.a3 = sp.a3;
  np.a4 = sp.a4;
  next.FileObject = Stack.FileObject;
  next.CompletionRoutine = null;
  next.Context = null;
  next.Control = 0;
  s.hasContext = false;
  s.completionParams.Type = WdfRequestTypeNoFormat;
  if (!request.allocatedFromIo) request.setSendType(FxRequestTypeOf(Stack.MajorFunction));
}
