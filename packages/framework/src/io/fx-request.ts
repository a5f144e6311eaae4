import {
  currentMachine, IoCompleteRequest as IoCompleteRequestImported, IoGetCurrentIrpStackLocation as IoGetCurrentIrpStackLocationImported, IoReleaseCancelSpinLock, IoSetCancelRoutine, STATUS_CANCELLED, IO_NO_INCREMENT, IRP_MJ_DEVICE_CONTROL, IRP_MJ_INTERNAL_DEVICE_CONTROL, IRP_MJ_MAXIMUM_FUNCTION,
  IRP_MJ_CREATE, IRP_MJ_READ, IRP_MJ_WRITE, METHOD_BUFFERED, METHOD_FROM_CTL_CODE, METHOD_IN_DIRECT, METHOD_NEITHER, METHOD_OUT_DIRECT, Out, MmGetSystemAddressForMdlSafe, NT_SUCCESS,
  STATUS_BUFFER_TOO_SMALL, STATUS_DEVICE_BUSY, STATUS_INSUFFICIENT_RESOURCES, STATUS_INTERNAL_ERROR, STATUS_INVALID_DEVICE_REQUEST,
  STATUS_SUCCESS, type Box, type DEVICE_OBJECT, type IRP, type MDL, type NTSTATUS,
} from "@wdfjs/kernel";
import { FxObject, FxObjectStateCreated, FxObjectStateDestroyed, FxObjectTableOf, type FxObjectTable } from "../object/fx-object.js";
import { FX_TYPE_REQUEST } from "../object/types.js";
import { FxVerifierBugCheck, WDF_REQUEST_FATAL_ERROR, WDF_VERIFIER_FATAL_ERROR } from "../verifier.js";
import {
  STATUS_WDF_BUSY, STATUS_WDF_INTERNAL_ERROR, STATUS_WDF_NOT_ENOUGH_MAP_REGISTERS, STATUS_WDF_PAUSED, STATUS_WDF_TOO_FRAGMENTED,
  STATUS_WDF_TOO_MANY_TRANSFERS,
} from "../wdfstatus.js";
import {
  WdfRequestTypeCreate, WdfRequestTypeDeviceControl, WdfRequestTypeDeviceControlInternal, WdfRequestTypeOther, WdfRequestTypeRead, WdfRequestTypeWrite,
  type WDF_REQUEST_TYPE,
} from "./queue-config.js";
import type { FxIoQueue } from "./fx-io-queue.js";
import type { FxRequestList } from "./fx-request-list.js";
import { FxRequestSendStateRelease, type FxRequestSendState } from "../targets/fx-request-send.js";
import { FxRequestMemory, IFxMemoryFlagReadOnly } from "../support/fx-memory.js";
import type { FxPowerIdleHook } from "./power-idle-hook.js";
import { FxRequestReleaseMdls } from "./fx-request-buffers.js";
import { FxCallbackInvoke } from "../sync/fx-callback-lock.js";

// The routines of other modules that this module's I/O path calls, as module constants: V8 reads an imported
// function through a cell, with a check, at every call (even inlined); a module's own constant
// is folded into the code.
const IoGetCurrentIrpStackLocation = IoGetCurrentIrpStackLocationImported;
const IoCompleteRequest = IoCompleteRequestImported;

export type EVT_WDF_REQUEST_CANCEL = (Request: any) => void;

/** `WDF_REQUEST_FATAL_ERROR_CODES` (wdfbugcodes.h): parameter 2 of WDF_VIOLATION 0x6. */
export const WDF_REQUEST_FATAL_ERROR_NO_MORE_STACK_LOCATIONS = 0x1;
export const WDF_REQUEST_FATAL_ERROR_NULL_IRP = 0x2;
export const WDF_REQUEST_FATAL_ERROR_REQUEST_ALREADY_SENT = 0x3;
export const WDF_REQUEST_FATAL_ERROR_INFORMATION_LENGTH_MISMATCH = 0x4;
export const WDF_REQUEST_FATAL_ERROR_REQUEST_NOT_IN_QUEUE = 0x5;

/** `WDF_REQUEST_PARAMETERS` (wdfrequest.h). `Read`, `Write` and `DeviceIoControl` are separate views here. */
export class WDF_REQUEST_PARAMETERS {
  Size = 0;
  MinorFunction = 0;
  Type: WDF_REQUEST_TYPE = 0;
  readonly Parameters = {
    Read: { Length: 0, Key: 0, DeviceOffset: 0 },
    Write: { Length: 0, Key: 0, DeviceOffset: 0 },
    DeviceIoControl: { OutputBufferLength: 0, InputBufferLength: 0, IoControlCode: 0, Type3InputBuffer: 0 },
  };
}
export type PWDF_REQUEST_PARAMETERS = WDF_REQUEST_PARAMETERS;
export const WDF_REQUEST_PARAMETERS_SIZE = 0x38;

/** `WDF_REQUEST_PARAMETERS_INIT`. */
export function WDF_REQUEST_PARAMETERS_INIT(Parameters: WDF_REQUEST_PARAMETERS): void {
  Parameters.Size = WDF_REQUEST_PARAMETERS_SIZE;
  Parameters.MinorFunction = 0;
  Parameters.Type = 0;
}

/** Module constants for the I/O path (an imported name is read through a cell on every use; see fx-io-queue.ts). */
const STATE_CREATED = FxObjectStateCreated;
const STATE_DESTROYED = FxObjectStateDestroyed;
const NO_INCREMENT = IO_NO_INCREMENT;
const SUCCESS = STATUS_SUCCESS;
const TYPE_OTHER = WdfRequestTypeOther;

/** By IRP major function, the WDF_REQUEST_TYPE the I/O package presents it as. */
const REQUEST_TYPES: readonly WDF_REQUEST_TYPE[] = (() => {
  const types = new Array<WDF_REQUEST_TYPE>(IRP_MJ_MAXIMUM_FUNCTION + 1).fill(WdfRequestTypeOther);
  types[IRP_MJ_CREATE] = WdfRequestTypeCreate;
  types[IRP_MJ_READ] = WdfRequestTypeRead;
  types[IRP_MJ_WRITE] = WdfRequestTypeWrite;
  types[IRP_MJ_DEVICE_CONTROL] = WdfRequestTypeDeviceControl;
  types[IRP_MJ_INTERNAL_DEVICE_CONTROL] = WdfRequestTypeDeviceControlInternal;
  return types;
})();

/** The WDF_REQUEST_TYPE of an IRP major function that the I/O package presents. */
export function FxRequestTypeOf(MajorFunction: number): WDF_REQUEST_TYPE {
  return requestTypeOf(MajorFunction);
}

/** `FxRequestTypeOf` for this module's own use (an exported function is called through a cell, even here). */
function requestTypeOf(MajorFunction: number): WDF_REQUEST_TYPE {
  return REQUEST_TYPES[MajorFunction] ?? TYPE_OTHER;
}

/**
 * `FxRequest`: a WDFREQUEST around an IRP the I/O package received (fxrequest.cpp). It lives
 * from presentation (or queuing) until completion; completing it completes the IRP and deletes
 * the object, so its handle is stale afterwards (the checked flavor's handle tracking catches a
 * later use, such as a second WdfRequestComplete, as WDF_INVALID_HANDLE).
 */
export class FxRequest extends FxObject {
  Irp!: IRP | null;
  /** For a driver-created request, what it was last formatted as (`setSendType`). */
  MajorFunction!: number;
  Type!: WDF_REQUEST_TYPE;
  queue: FxIoQueue | null = null;
  /** The status the request was completed with (the IRP is gone by then). */
  status: NTSTATUS = STATUS_SUCCESS;
  completed = false;
  /** Presented to (or retrieved by) the driver, not waiting in a queue's FIFO. */
  driverOwned = false;
  /** Linked in a queue's FIFO. */
  onList = false;
  /** Links of the driver-owned list of the queue that presented it (`m_OwnerListEntry`). */
  ownedList: FxRequestList | null = null;
  ownedPrev: FxRequest | null = null;
  ownedNext: FxRequest | null = null;
  /** `prev` and `next` links of the queue's FIFO (doubly linked: a cancel unlinks in O(1)). */
  queuePrev: FxRequest | null = null;
  /** `next` link for the queue's O(1) FIFO. */
  next: FxRequest | null = null;
  /** The idle machine a power-managed queue took a power reference on for this request (released at completion). */
  powerIdleHook: FxPowerIdleHook | null = null;
  /** What most requests never use, made on the first write of a value other than its default (see FxRequestRare). */
  private rare: FxRequestRare | null = null;

  /** `IsAllocatedFromIo`: presented by a queue around a received IRP; false for WdfRequestCreate's (deleted, never completed). */
  allocatedFromIo = true;
  /** Its IRP's location was marked pending before the IRP was sent to a target (the dispatch then returns STATUS_PENDING). */
  irpMarkedPending = false;
  /** The sending half (target, completion routine, timer), made on the first format or send. */
  send: FxRequestSendState | null = null;

  /** A driver-created request has no IRP until it is formatted for a target, or an IRP with no current location. */
  constructor(Irp: IRP | null) {
    super(FX_TYPE_REQUEST);
    this.initializeForIrp(Irp);
  }

  get cancelRoutine(): EVT_WDF_REQUEST_CANCEL | null {
    return this.rare === null ? null : this.rare.cancelRoutine;
  }
  set cancelRoutine(value: EVT_WDF_REQUEST_CANCEL | null) {
    if (this.rare !== null) this.rare.cancelRoutine = value;
    else if (value !== null) (this.rare = new FxRequestRare()).cancelRoutine = value;
  }
  get canceled(): boolean {
    return this.rare === null ? false : this.rare.canceled;
  }
  set canceled(value: boolean) {
    if (this.rare !== null) this.rare.canceled = value;
    else if (value !== false) (this.rare = new FxRequestRare()).canceled = value;
  }
  get allocatedMdl(): MDL | null {
    return this.rare === null ? null : this.rare.allocatedMdl;
  }
  set allocatedMdl(value: MDL | null) {
    if (this.rare !== null) this.rare.allocatedMdl = value;
    else if (value !== null) (this.rare = new FxRequestRare()).allocatedMdl = value;
  }
  get lockedMdls(): MDL[] | null {
    return this.rare === null ? null : this.rare.lockedMdls;
  }
  set lockedMdls(value: MDL[] | null) {
    if (this.rare !== null) this.rare.lockedMdls = value;
    else if (value !== null) (this.rare = new FxRequestRare()).lockedMdls = value;
  }
  get inCallerContext(): boolean {
    return this.rare === null ? false : this.rare.inCallerContext;
  }
  set inCallerContext(value: boolean) {
    if (this.rare !== null) this.rare.inCallerContext = value;
    else if (value !== false) (this.rare = new FxRequestRare()).inCallerContext = value;
  }
  get callerContextQueue(): FxIoQueue | null {
    return this.rare === null ? null : this.rare.callerContextQueue;
  }
  set callerContextQueue(value: FxIoQueue | null) {
    if (this.rare !== null) this.rare.callerContextQueue = value;
    else if (value !== null) (this.rare = new FxRequestRare()).callerContextQueue = value;
  }
  get completionCallback(): ((request: FxRequest, Irp: IRP, Status: NTSTATUS) => void) | null {
    return this.rare === null ? null : this.rare.completionCallback;
  }
  set completionCallback(value: ((request: FxRequest, Irp: IRP, Status: NTSTATUS) => void) | null) {
    if (this.rare !== null) this.rare.completionCallback = value;
    else if (value !== null) (this.rare = new FxRequestRare()).completionCallback = value;
  }
  get completionContext(): unknown {
    return this.rare === null ? null : this.rare.completionContext;
  }
  set completionContext(value: unknown) {
    if (this.rare !== null) this.rare.completionContext = value;
    else if (value !== null) (this.rare = new FxRequestRare()).completionContext = value;
  }
  get priorityBoost(): number {
    return this.rare === null ? IO_NO_INCREMENT : this.rare.priorityBoost;
  }
  set priorityBoost(value: number) {
    if (this.rare !== null) this.rare.priorityBoost = value;
    else if (value !== IO_NO_INCREMENT) (this.rare = new FxRequestRare()).priorityBoost = value;
  }
  get inEvtIoStopContext(): boolean {
    return this.rare === null ? false : this.rare.inEvtIoStopContext;
  }
  set inEvtIoStopContext(value: boolean) {
    if (this.rare !== null) this.rare.inEvtIoStopContext = value;
    else if (value !== false) (this.rare = new FxRequestRare()).inEvtIoStopContext = value;
  }
  get powerStopState(): number {
    return this.rare === null ? 0 : this.rare.powerStopState;
  }
  set powerStopState(value: number) {
    if (this.rare !== null) this.rare.powerStopState = value;
    else if (value !== 0) (this.rare = new FxRequestRare()).powerStopState = value;
  }
  private get inputMemory(): FxRequestMemory | null {
    return this.rare === null ? null : this.rare.inputMemory;
  }
  private set inputMemory(value: FxRequestMemory | null) {
    if (this.rare !== null) this.rare.inputMemory = value;
    else if (value !== null) (this.rare = new FxRequestRare()).inputMemory = value;
  }
  private get outputMemory(): FxRequestMemory | null {
    return this.rare === null ? null : this.rare.outputMemory;
  }
  private set outputMemory(value: FxRequestMemory | null) {
    if (this.rare !== null) this.rare.outputMemory = value;
    else if (value !== null) (this.rare = new FxRequestRare()).outputMemory = value;
  }

  /**
   * A request for an IRP the I/O package received: a recycled one when the machine has one (WDF
   * allocates FxRequests from a lookaside list), else a new one.
   */
  static forIrp(Irp: IRP, table: FxObjectTable = FxObjectTableOf()): FxRequest {
    const recycled = table.takeRecycled() as FxRequest | null;
    if (recycled === null) return new FxRequest(Irp);
    recycled.reinitialize(Irp);
    return recycled;
  }

  /**
   * The I/O path's deletion of a request it completed or forgot: a plain leaf of the I/O package
   * is destroyed and quarantined for reuse at once (FxRequest has no disposeResources or
   * destroyResources of its own, and a plain leaf runs no callback), with nothing the other object
   * kinds' deletions need; anything else is deleted as every object is, and not reused. (So a
   * reused request was a plain leaf: `reinitialize` need not reset what that guarantees.)
   */
  override deleteObject(): void {
    if (this.state === STATE_CREATED && this.refCount === 1 && this.firstChild === null && this.parent === null && this.hasNoContexts && this.allocatedFromIo &&
      this.Irp === null && (this.send === null || this.send.reusable)) {
      // A plain leaf: no callbacks to run, nothing to unlink.
      this.refCount = 0;
      this.state = STATE_DESTROYED;
      this.table.removeRecyclable(this);
      return;
    }
    super.deleteObject();
  }

  /**
   * Every field as the constructor leaves it (a test compares a recycled request with a new one).
   * A reused request was deleted as a plain leaf (`deleteObject`): no parent, siblings, children or
   * contexts; and an I/O request never has its own levels, callback lock or invoke cache, nor is it
   * NoDeleteDDI. Those FxObject fields are as new already.
   */
  private reinitialize(Irp: IRP): void {
    this.refCount = 1;
    this.state = STATE_CREATED;
    this.tags = null;
    this.queue = null;
    this.status = SUCCESS;
    this.completed = false;
    this.driverOwned = false;
    this.onList = false;
    this.ownedList = null;
    this.ownedPrev = null;
    this.ownedNext = null;
    this.next = null;
    this.queuePrev = null;
    this.powerIdleHook = null;
    this.irpMarkedPending = false;
    if (this.send !== null) {
      FxRequestSendStateRelease(this, this.send);
      this.send = null;
    }
    this.rare = null;
    // An IRP the I/O package received: its current location is the device's.
    this.Irp = Irp;
    const MajorFunction = IoGetCurrentIrpStackLocation(Irp).MajorFunction;
    this.MajorFunction = MajorFunction;
    this.Type = requestTypeOf(MajorFunction);
    Irp.IoStatus.Information = 0;
  }

  private initializeForIrp(Irp: IRP | null): void {
    this.Irp = Irp;
    this.MajorFunction = Irp !== null && Irp.CurrentLocation <= Irp.StackCount ? IoGetCurrentIrpStackLocation(Irp).MajorFunction : IRP_MJ_CREATE;
    this.Type = Irp !== null && Irp.CurrentLocation <= Irp.StackCount ? FxRequestTypeOf(this.MajorFunction) : WdfRequestTypeOther;
    if (Irp !== null) Irp.IoStatus.Information = 0;
  }

  /** A driver-created request takes the type of its last format. */
  setSendType(Type: WDF_REQUEST_TYPE): void {
    this.Type = Type;
  }

  get information(): number {
    return this.Irp === null ? 0 : this.Irp.IoStatus.Information;
  }

  set information(Information: number) {
    if (this.Irp !== null) this.Irp.IoStatus.Information = Information;
  }

  getParameters(Parameters: WDF_REQUEST_PARAMETERS): void {
    const stack = IoGetCurrentIrpStackLocation(this.Irp!);
    Parameters.MinorFunction = stack.MinorFunction;
    Parameters.Type = this.Type;
    const p = Parameters.Parameters;
    if (this.Type === WdfRequestTypeRead || this.Type === WdfRequestTypeWrite) {
      const rw = this.Type === WdfRequestTypeRead ? p.Read : p.Write;
      rw.Length = stack.Parameters.Read.Length;
      rw.Key = stack.Parameters.Read.Key;
      rw.DeviceOffset = stack.Parameters.Read.ByteOffset;
    } else if (this.Type === WdfRequestTypeDeviceControl || this.Type === WdfRequestTypeDeviceControlInternal) {
      const d = stack.Parameters.DeviceIoControl;
      p.DeviceIoControl.OutputBufferLength = d.OutputBufferLength;
      p.DeviceIoControl.InputBufferLength = d.InputBufferLength;
      p.DeviceIoControl.IoControlCode = d.IoControlCode;
      p.DeviceIoControl.Type3InputBuffer = d.Type3InputBuffer;
    }
  }

  /**
   * `FxRequest::GetMemoryObject` / `WdfRequestRetrieveInput/OutputBuffer` (fxrequestapi.cpp):
   * the buffer of the request's I/O method. An input buffer of a read or an output buffer of a
   * write is STATUS_INVALID_DEVICE_REQUEST; so is METHOD_NEITHER (from any mode here: it needs
   * EvtIoInCallerContext, which does not exist yet). A zero-length buffer, or one shorter than
   * the minimum, is STATUS_BUFFER_TOO_SMALL.
   */
  retrieveBuffer(output: boolean, MinimumRequiredLength: number, Buffer: Box<number>, Length: Box<number> | null): NTSTATUS {
    Buffer.value = 0;
    if (Length !== null) Length.value = 0;
    const irp = this.Irp!;
    const stack = IoGetCurrentIrpStackLocation(irp);
    let address = 0;
    let length = 0;
    if (this.Type === WdfRequestTypeRead || this.Type === WdfRequestTypeWrite) {
      if (output !== (this.Type === WdfRequestTypeRead)) return STATUS_INVALID_DEVICE_REQUEST;
      length = stack.Parameters.Read.Length;
      if (length === 0) return STATUS_BUFFER_TOO_SMALL;
      if (irp.MdlAddress !== null) address = MmGetSystemAddressForMdlSafe(irp.MdlAddress, 0);
      else if (irp.AssociatedIrp.SystemBuffer !== 0) address = irp.AssociatedIrp.SystemBuffer;
      else return STATUS_INVALID_DEVICE_REQUEST; // neither I/O
    } else if (this.Type === WdfRequestTypeDeviceControl || this.Type === WdfRequestTypeDeviceControlInternal) {
      const d = stack.Parameters.DeviceIoControl;
      const method = METHOD_FROM_CTL_CODE(d.IoControlCode);
      if (method === METHOD_NEITHER) return STATUS_INVALID_DEVICE_REQUEST;
      length = output ? d.OutputBufferLength : d.InputBufferLength;
      if (length === 0) return STATUS_BUFFER_TOO_SMALL;
      // METHOD_BUFFERED: one system buffer for both; the output of METHOD_IN_DIRECT and
      // METHOD_OUT_DIRECT is the MDL the I/O manager built.
      if (!output || method === METHOD_BUFFERED) address = irp.AssociatedIrp.SystemBuffer;
      else if (irp.MdlAddress !== null) address = MmGetSystemAddressForMdlSafe(irp.MdlAddress, 0);
      if (address === 0) return STATUS_INVALID_DEVICE_REQUEST;
    } else {
      return STATUS_INVALID_DEVICE_REQUEST;
    }
    if (length < MinimumRequiredLength) return STATUS_BUFFER_TOO_SMALL;
    Buffer.value = address;
    if (Length !== null) Length.value = length;
    return STATUS_SUCCESS;
  }

  /**
   * `FxRequest::GetMemoryObject`: the buffer as a WDFMEMORY, with the same rules as the buffer
   * retrieval (a zero-length buffer is STATUS_BUFFER_TOO_SMALL).
   */
  retrieveMemory(output: boolean, Memory: Box<FxRequestMemory | null>): NTSTATUS {
    Memory.value = null;
    const cached = output ? this.outputMemory : this.inputMemory;
    if (cached !== null) {
      Memory.value = cached;
      return STATUS_SUCCESS;
    }
    const buffer = Out(0);
    const length = Out(0);
    const status = this.retrieveBuffer(output, 0, buffer, length);
    if (!NT_SUCCESS(status)) return status;
    const memory = new FxRequestMemory(buffer.value, length.value, this.memoryFlags(output));
    memory.assignParent(this);
    if (output) this.outputMemory = memory;
    else this.inputMemory = memory;
    Memory.value = memory;
    return STATUS_SUCCESS;
  }

  private memoryFlags(output: boolean): number {
    if (this.Type === WdfRequestTypeWrite) return IFxMemoryFlagReadOnly;
    if (this.Type === WdfRequestTypeRead) return 0;
    const method = METHOD_FROM_CTL_CODE(IoGetCurrentIrpStackLocation(this.Irp!).Parameters.DeviceIoControl.IoControlCode);
    if (output) return method === METHOD_IN_DIRECT ? IFxMemoryFlagReadOnly : 0;
    return method === METHOD_IN_DIRECT || method === METHOD_OUT_DIRECT ? IFxMemoryFlagReadOnly : 0;
  }

  /**
   * `FxRequest::CompleteInternal`: framework-private statuses are mapped to NT ones; the checked
   * flavor verifies Information against the buffer (`VerifyCompleteInternal`); the IRP is
   * completed, the queue told, and the request deleted.
   */
  complete(Status: NTSTATUS): void {
    const irp = this.Irp!;
    const rare = this.rare;
    if ((Status & 0x0fff0000) === 0x00200000) Status = FxRequestMapStatus(Status);
    if (rare !== null || this.table.checked) this.checkCompletion(irp, Status);
    this.status = Status;
    this.completed = true;
    this.Irp = null;
    irp.IoStatus.Status = Status;
    if (rare !== null) this.completeRare(irp, Status);
    IoCompleteRequest(irp, rare === null ? NO_INCREMENT : rare.priorityBoost);
    this.retire();
  }

  /**
   * The request left the driver, completed or sent and forgotten (WDF's PostProcessCompletion): the
   * power-managed queue's idle reference goes, the request is deleted and its queue may present
   * another.
   */
  retire(): void {
    if (this.powerIdleHook !== null) {
      this.powerIdleHook.ioDecrement();
      this.powerIdleHook = null;
    }
    const queue = this.queue;
    if (queue !== null && queue.driverCancelable.size !== 0) queue.driverCancelable.delete(this);
    this.deleteObject();
    queue?.requestCompleted(this);
  }

  /** `complete`'s checks: a request still cancelable, buffer memories still referenced, and (checked flavor) Information. */
  private checkCompletion(irp: IRP, Status: NTSTATUS): void {
    const rare = this.rare;
    if (rare !== null && rare.cancelRoutine !== null && !rare.canceled) this.traceCompletingCancelable();
    if (this.table.checked && NT_SUCCESS(Status)) this.verifyInformation(irp);
    if (rare !== null && (rare.inputMemory !== null || rare.outputMemory !== null)) this.verifyNoIrpReferences();
  }

  /** `complete`'s work for what only some requests have: MDLs to release, a framework completion callback. */
  private completeRare(irp: IRP, Status: NTSTATUS): void {
    const rare = this.rare!;
    if (rare.allocatedMdl !== null || rare.lockedMdls !== null) FxRequestReleaseMdls(this);
    if (rare.completionCallback !== null) rare.completionCallback(this, irp, Status);
  }

  /**
   * fxrequest.cpp traces and breaks on completing a request still marked cancelable; the IRP then
   * reaches IoCompleteRequest with its cancel routine still set, which the I/O verifier stops.
   */
  private traceCompletingCancelable(): void {
    this.table.machine.trace?.event("wdf.request-cancelable-completed", null,
      `Completing cancelable WDFREQUEST 0x${this.handle.toString(16)}: call WdfRequestUnmarkCancelable before WdfRequestComplete`);
  }

  /**
   * fxrequest.cpp (completion, ~L775): a reference the driver still holds on the WDFMEMORY of the
   * request's input or output buffer (`m_IrpReferenceCount`) would outlive the IRP's buffer:
   * WDF_VIOLATION 0x3 (WDF_VERIFIER_FATAL_ERROR), P2 the request, P3 the count, in both flavors.
   */
  private verifyNoIrpReferences(): void {
    const count = (this.inputMemory?.irpReferenceCount ?? 0) + (this.outputMemory?.irpReferenceCount ?? 0);
    if (count === 0) return;
    const memory = [this.inputMemory, this.outputMemory].filter((m) => m !== null && m.irpReferenceCount !== 0).map((m) => `WDFMEMORY 0x${m!.handle.toString(16)}`);
    FxVerifierBugCheck(WDF_VERIFIER_FATAL_ERROR, this.handle, count,
      `WDFREQUEST 0x${this.handle.toString(16)} was completed with ${count} outstanding reference(s) on ${memory.join(" and ")} retrieved from it.`);
  }

  private verifyInformation(irp: IRP): void {
    const stack = IoGetCurrentIrpStackLocation(irp);
    let length = -1;
    if (this.Type === WdfRequestTypeRead || this.Type === WdfRequestTypeWrite) length = stack.Parameters.Read.Length;
    else if (this.Type === WdfRequestTypeDeviceControl && irp.RequestorMode !== 0 && stack.Parameters.DeviceIoControl.OutputBufferLength > 0) {
      length = stack.Parameters.DeviceIoControl.OutputBufferLength;
    }
    if (length >= 0 && irp.IoStatus.Information > length) {
      FxVerifierBugCheck(WDF_REQUEST_FATAL_ERROR, WDF_REQUEST_FATAL_ERROR_INFORMATION_LENGTH_MISMATCH, this.handle,
        `A request was completed with Information ${irp.IoStatus.Information} larger than its buffer (${length}).`);
    }
  }
}

/** fxrequest.cpp: a WDF status must not reach the I/O manager. */
export function FxRequestMapStatus(Status: NTSTATUS): NTSTATUS {
  if ((Status & 0x0fff0000) !== 0x00200000) return Status;
  switch (Status) {
    case STATUS_WDF_PAUSED:
    case STATUS_WDF_BUSY: return STATUS_DEVICE_BUSY;
    case STATUS_WDF_INTERNAL_ERROR: return STATUS_INTERNAL_ERROR;
    case STATUS_WDF_TOO_FRAGMENTED:
    case STATUS_WDF_TOO_MANY_TRANSFERS: return STATUS_INVALID_DEVICE_REQUEST;
    case STATUS_WDF_NOT_ENOUGH_MAP_REGISTERS: return STATUS_INSUFFICIENT_RESOURCES;
    default: return NT_SUCCESS(Status) ? Status : STATUS_INVALID_DEVICE_REQUEST;
  }
}

/**
 * `FxIoQueue::RequestCancelable` (fxioqueue.cpp): the driver-owned request's IRP gets a cancel
 * routine that calls EvtRequestCancel. An IRP already cancelled: with FailIfIrpIsCancelled
 * (WdfRequestMarkCancelableEx) STATUS_CANCELLED and the driver completes it; without, the cancel
 * callback runs at once.
 */
export function FxRequestMarkCancelable(request: FxRequest, EvtRequestCancel: EVT_WDF_REQUEST_CANCEL, FailIfIrpIsCancelled: boolean): NTSTATUS {
  const irp = request.Irp!;
  request.cancelRoutine = EvtRequestCancel;
  request.queue?.driverCancelable.add(request);
  irp.Tail.Overlay.DriverContext[3] = request;
  IoSetCancelRoutine(irp, FxRequestCancelRoutine);
  if (irp.Cancel && IoSetCancelRoutine(irp, null) !== null) {
    irp.Tail.Overlay.DriverContext[3] = null;
    request.queue?.driverCancelable.delete(request);
    if (FailIfIrpIsCancelled) {
      request.cancelRoutine = null;
      return STATUS_CANCELLED;
    }
    request.canceled = true;
    FxRequestCallCancel(request);
  }
  return STATUS_SUCCESS;
}

/**
 * `WdfRequestUnmarkCancelable`: the driver takes the cancel routine back; if the I/O manager
 * already took it, the cancel callback has run or will run and owns the completion:
 * STATUS_CANCELLED.
 */
export function FxRequestUnmarkCancelable(request: FxRequest): NTSTATUS {
  const irp = request.Irp!;
  if (IoSetCancelRoutine(irp, null) === null) return STATUS_CANCELLED;
  irp.Tail.Overlay.DriverContext[3] = null;
  request.queue?.driverCancelable.delete(request);
  request.cancelRoutine = null;
  return STATUS_SUCCESS;
}

function FxRequestCancelRoutine(_DeviceObject: DEVICE_OBJECT, Irp: IRP): void {
  IoReleaseCancelSpinLock(Irp.CancelIrql);
  const request = Irp.Tail.Overlay.DriverContext[3] as FxRequest;
  Irp.Tail.Overlay.DriverContext[3] = null;
  FxRequestCancelForDriver(request);
}

/** `FxIoQueue::CancelForDriver`: the request is cancelled; its EvtRequestCancel completes it. */
export function FxRequestCancelForDriver(request: FxRequest): void {
  request.queue?.driverCancelable.delete(request);
  request.canceled = true;
  FxRequestCallCancel(request);
}

/** EvtRequestCancel runs under the callback lock of the request's queue (its synchronization scope). */
function FxRequestCallCancel(request: FxRequest): void {
  if (request.queue !== null) FxCallbackInvoke(request.queue, FxRequestRunCancel, null, request);
  else FxRequestRunCancel(request);
}

function FxRequestRunCancel(request: FxRequest): void {
  request.cancelRoutine!(request.handle);
}

/**
 * The fields of an FxRequest that most requests never set (cancellation, MDLs the framework
 * built or locked, EvtIoInCallerContext, a package's completion callback, a priority boost, power
 * stop acknowledgement, the buffers' WDFMEMORY objects). A request reads their defaults until one
 * is written, so a request on the I/O path neither sets nor resets them.
 */
class FxRequestRare {
  /** `m_CancelRoutine`: the driver's EvtRequestCancel while it has the request marked cancelable. */
  cancelRoutine: EVT_WDF_REQUEST_CANCEL | null = null;
  /** `m_Canceled`: the I/O manager cancelled the request while the driver had it marked cancelable. */
  canceled = false;
  /** `m_AllocatedMdl`: the MDL the framework built over a system buffer (WdfRequestRetrieve*WdmMdl). */
  allocatedMdl: MDL | null = null;
  /** MDLs of user buffers WdfRequestProbeAndLockUserBuffer* locked; unlocked at completion. */
  lockedMdls: MDL[] | null = null;
  /** `FXREQUEST_FLAG_DRIVER_INPROCESS_CONTEXT`: inside EvtIoInCallerContext. */
  inCallerContext = false;
  /** `SetInternalContext(Queue)`: the queue the I/O package chose before EvtIoInCallerContext, for WdfDeviceEnqueueRequest. */
  callerContextQueue: FxIoQueue | null = null;
  /** `m_CompletionState`'s package callback: run at completion, before the IRP is completed (a create's CreateCompleted). */
  completionCallback: ((request: FxRequest, Irp: IRP, Status: NTSTATUS) => void) | null = null;
  completionContext: unknown = null;
  /** The priority boost WdfRequestCompleteWithPriorityBoost gives IoCompleteRequest. */
  priorityBoost = IO_NO_INCREMENT;
  /** `FXREQUEST_FLAG_DRIVER_IN_EVTIOSTOP_CONTEXT`: told of a power stop and not yet acknowledged. */
  inEvtIoStopContext = false;
  /** `m_PowerStopState`: how WdfRequestStopAcknowledge answered. */
  powerStopState = 0;
  /** The WDFMEMORY objects of the input and output buffers, made on first retrieval (`m_SystemBuffer`, `m_OutputBuffer`). */
  inputMemory: FxRequestMemory | null = null;
  outputMemory: FxRequestMemory | null = null;
}
