import {
  Executive, IoCallDriver, IoCancelIrp, IoGetNextIrpStackLocation, IoMarkIrpPending, IoSetCompletionRoutine, KDPC, KEVENT, KeCancelTimer, KeClearEvent, KeInitializeDpc, KeInitializeEvent,
  KeInitializeTimer, KernelMode, KeSetEvent, KeSetTimer, KeWaitForSingleObject, KTIMER, NotificationEvent, STATUS_CANCELLED, STATUS_INVALID_DEVICE_STATE,
  STATUS_MORE_PROCESSING_REQUIRED, STATUS_SUCCESS, type DEVICE_OBJECT, type FILE_OBJECT, type IRP, type KWAIT_GENERATOR, type NTSTATUS,
} from "@wdfjs/kernel";
import { FxObject } from "../object/fx-object.js";
import { FX_TYPE_IO_TARGET } from "../object/types.js";
import type { FxDevice } from "../device/fx-device.js";
import type { FxRequest } from "../io/fx-request.js";
import { FxVerifierBugCheck, WDF_REQUEST_FATAL_ERROR } from "../verifier.js";
import { WDF_REQUEST_FATAL_ERROR_REQUEST_ALREADY_SENT } from "../io/fx-request.js";
import { STATUS_IO_TIMEOUT } from "../wdfstatus.js";
import { FxRequestReleaseFormat, FxRequestSendStateOf, type FxRequestSendState } from "./fx-request-send.js";
import {
  WdfIoTargetCancelSentIo, WdfIoTargetClosed, WdfIoTargetClosedForQueryRemove, WdfIoTargetDeleted, WdfIoTargetLeaveSentIoPending, WdfIoTargetPurged,
  WdfIoTargetStarted, WdfIoTargetStopped, WDF_REQUEST_SEND_OPTION_IGNORE_TARGET_STATE, WDF_REQUEST_SEND_OPTION_SYNCHRONOUS, WDF_REQUEST_SEND_OPTION_TIMEOUT,
  WdfRequestTypeNoFormat, type PWDF_REQUEST_SEND_OPTIONS, type WDF_IO_TARGET_SENT_IO_ACTION, type WDF_IO_TARGET_STATE,
} from "./io-target-types.js";
import { WdfRequestTypeDeviceControl, WdfRequestTypeDeviceControlInternal } from "../io/queue-config.js";

/** `SubmitActionFlags` (fxiotarget.hpp): what `submit` decided. */
export const FxSubmitFailed = 0;
export const FxSubmitSend = 0x1;
export const FxSubmitQueued = 0x2;

/**
 * `FxIoTarget` (fxiotarget.cpp): where a driver sends requests. The device's default target is
 * the device below it in its stack; remote targets (`FxIoTargetRemote`) are opened on another
 * stack. A started target sends at once; a stopped one keeps new requests in its queue (a list
 * through the requests, O(1)) until it is started; closed, deleted and purged targets fail them
 * with STATUS_INVALID_DEVICE_STATE. Sent requests are kept in a second list, to cancel or wait
 * for them when the target is stopped, purged or closed. Every sent IRP comes back through the
 * target's completion routine, which returns STATUS_MORE_PROCESSING_REQUIRED: the request stays
 * the driver's (a queue-presented one to complete, a driver-created one to reuse or delete).
 */
export class FxIoTarget extends FxObject {
  targetState: WDF_IO_TARGET_STATE = WdfIoTargetStarted;
  /** `m_TargetDevice`, `m_TargetPdo`, `m_TargetFileObject`, `m_TargetStackSize`. */
  TargetDevice: DEVICE_OBJECT | null = null;
  TargetPdo: DEVICE_OBJECT | null = null;
  TargetFileObject: FILE_OBJECT | null = null;
  TargetStackSize = 0;
  /** Sent and not yet back (`m_SentIoListHead`), and waiting in a stopped target (`m_PendedQueue`). */
  private sentHead: FxRequest | null = null;
  sentCount = 0;
  private queuedHead: FxRequest | null = null;
  private queuedTail: FxRequest | null = null;
  queuedCount = 0;
  /** Signalled while nothing is sent (`m_SentIoEvent`). */
  private readonly idle = new KEVENT();

  constructor(readonly device: FxDevice, Type: number = FX_TYPE_IO_TARGET) {
    super(Type);
    KeInitializeEvent(this.idle, NotificationEvent, true);
  }

  override isOfType(Type: number): boolean {
    return Type === FX_TYPE_IO_TARGET;
  }

  /** `FxIoTarget::Init` for the default target: the device attached below, its PDO and stack size. */
  initDefault(AttachedDevice: DEVICE_OBJECT, Pdo: DEVICE_OBJECT | null): void {
    this.TargetDevice = AttachedDevice;
    this.TargetPdo = Pdo;
    this.TargetStackSize = AttachedDevice.StackSize;
  }

  /** `HasEnoughStackLocations`: the IRP has a location for every device of the target's stack below the current one. */
  hasEnoughStackLocations(Irp: IRP): boolean {
    return Irp.CurrentLocation - 1 >= this.TargetStackSize;
  }

  /**
   * `FxIoTarget::SubmitLocked`: a request already outstanding is WDF_VIOLATION 0x6/0x3 (checked);
   * then the target's state decides: send, queue (stopped), or fail with
   * STATUS_INVALID_DEVICE_STATE. IGNORE_TARGET_STATE sends anyway unless the target is closed
   * or deleted. An asynchronous send with a timeout starts the request's timer.
   */
  submit(request: FxRequest, Options: PWDF_REQUEST_SEND_OPTIONS): number {
    const s = FxRequestSendStateOf(request);
    FxVerifyRequestNotSent(request);
    const irp = request.Irp;
    if (irp === null) return FxSubmitFailed;
    const flags = Options?.Flags ?? 0;
    let action = FxSubmitFailed;
    const st = this.targetState;
    if ((flags & WDF_REQUEST_SEND_OPTION_IGNORE_TARGET_STATE) !== 0) {
      if (st !== WdfIoTargetDeleted && st !== WdfIoTargetClosed && st !== WdfIoTargetClosedForQueryRemove) action = FxSubmitSend;
    } else if (st === WdfIoTargetStarted) action = FxSubmitSend;
    else if (st === WdfIoTargetStopped) action = FxSubmitQueued;
    if (action === FxSubmitFailed) {
      irp.IoStatus.Status = STATUS_INVALID_DEVICE_STATE;
      irp.IoStatus.Information = 0;
      this.table.machine.trace?.event("wdf.iotarget-refused", null, `WDFIOTARGET 0x${this.handle.toString(16)} in state ${st} failed WDFREQUEST 0x${request.handle.toString(16)} (STATUS_INVALID_DEVICE_STATE)`);
      return action;
    }
    s.target = this;
    s.outstanding = true;
    s.timedOut = false;
    s.canceled = false;
    irp.IoStatus.Status = STATUS_SUCCESS;
    irp.IoStatus.Information = 0;
    if ((flags & WDF_REQUEST_SEND_OPTION_TIMEOUT) !== 0 && (flags & WDF_REQUEST_SEND_OPTION_SYNCHRONOUS) === 0 && Options!.Timeout !== 0) startTimer(request, s, Options!.Timeout);
    if (action === FxSubmitQueued) this.enqueue(request, s);
    return action;
  }

  private enqueue(request: FxRequest, s: FxRequestSendState): void {
    s.queued = true;
    s.next = null;
    s.prev = this.queuedTail;
    if (this.queuedTail !== null) this.queuedTail.send!.next = request;
    else this.queuedHead = request;
    this.queuedTail = request;
    this.queuedCount++;
  }

  private unqueue(request: FxRequest, s: FxRequestSendState): void {
    if (s.prev !== null) s.prev.send!.next = s.next;
    else this.queuedHead = s.next;
    if (s.next !== null) s.next.send!.prev = s.prev;
    else this.queuedTail = s.prev;
    s.prev = s.next = null;
    s.queued = false;
    this.queuedCount--;
  }

  /**
   * `FxIoTarget::Send`: the IRP goes to the target device with the framework's completion
   * routine, the request in the sent list. A remote target's file object goes in the location.
   */
  send(request: FxRequest): NTSTATUS {
    const s = request.send!;
    const irp = request.Irp!;
    if (request.allocatedFromIo && !request.irpMarkedPending) {
      // Once the IRP is down, its current location is the target's: mark this device's now.
      IoMarkIrpPending(irp);
      request.irpMarkedPending = true;
    }
    const next = IoGetNextIrpStackLocation(irp);
    if (this.TargetFileObject !== null) next.FileObject = this.TargetFileObject;
    IoSetCompletionRoutine(irp, FxIoTargetCompletionRoutine, request, true, true, true);
    s.prev = null;
    s.next = this.sentHead;
    if (this.sentHead !== null) this.sentHead.send!.prev = request;
    this.sentHead = request;
    if (this.sentCount++ === 0) KeClearEvent(this.idle);
    return IoCallDriver(this.TargetDevice!, irp);
  }

  private unlinkSent(request: FxRequest, s: FxRequestSendState): void {
    if (s.prev !== null) s.prev.send!.next = s.next;
    else this.sentHead = s.next;
    if (s.next !== null) s.next.send!.prev = s.prev;
    s.prev = s.next = null;
    if (--this.sentCount === 0) KeSetEvent(this.idle, 0, false);
  }

  /**
   * `FxRequestBase::CompleteSubmitted`: the request is back (from the target device, or failed
   * or cancelled while it waited here). A request cancelled because its timeout passed reports
   * STATUS_IO_TIMEOUT. The completion parameters are filled; a synchronous sender is woken; else
   * the completion routine, if any, runs once (it is cleared before it is called).
   */
  completeRequest(request: FxRequest, wasSent: boolean): void {
    const s = request.send!;
    const irp = request.Irp!;
    if (wasSent) this.unlinkSent(request, s);
    if (s.timer !== null) KeCancelTimer(s.timer);
    if (s.timedOut && irp.IoStatus.Status === STATUS_CANCELLED) irp.IoStatus.Status = STATUS_IO_TIMEOUT;
    FxRequestReleaseFormat(request);
    const params = s.completionParams;
    params.IoStatus.Status = irp.IoStatus.Status;
    params.IoStatus.Information = irp.IoStatus.Information;
    if (params.Type === WdfRequestTypeDeviceControl || params.Type === WdfRequestTypeDeviceControlInternal) params.Parameters.Ioctl.Output.Length = irp.IoStatus.Information;
    if (params.Type === WdfRequestTypeNoFormat) params.Parameters.Ioctl.IoControlCode = 0;
    s.outstanding = false;
    if (s.syncEvent !== null) {
      KeSetEvent(s.syncEvent, 0, false);
      return;
    }
    const routine = s.completionRoutine;
    const context = s.completionContext;
    s.completionRoutine = null;
    s.completionContext = null;
    if (routine !== null) this.device.callDriver(() => routine(request.handle, this.handle, params, context));
  }

  /** Fails a request that waited here (purge, close, cancel, timeout) without sending it. */
  private completeQueued(request: FxRequest, Status: NTSTATUS): void {
    const s = request.send!;
    this.unqueue(request, s);
    request.Irp!.IoStatus.Status = Status;
    request.Irp!.IoStatus.Information = 0;
    this.completeRequest(request, false);
  }

  /**
   * `WdfRequestCancelSentRequest`: a sent request's IRP is cancelled (IoCancelIrp: TRUE if the
   * lower driver had a cancel routine set); one still waiting here is completed with
   * STATUS_CANCELLED at once.
   */
  cancelSentRequest(request: FxRequest): boolean {
    const s = request.send;
    if (s === null || !s.outstanding) return false;
    if (s.queued) {
      this.completeQueued(request, STATUS_CANCELLED);
      return true;
    }
    return IoCancelIrp(request.Irp!);
  }

  /** The request's timeout passed: a waiting request fails with STATUS_IO_TIMEOUT, a sent one is cancelled. */
  timedOut(request: FxRequest): void {
    const s = request.send!;
    if (!s.outstanding) return;
    s.timedOut = true;
    if (s.queued) this.completeQueued(request, STATUS_IO_TIMEOUT);
    else IoCancelIrp(request.Irp!);
  }

  /** `FxIoTarget::Start`: sends what waited while it was stopped. A closed or deleted target does not start. */
  start(): NTSTATUS {
    const st = this.targetState;
    if (st === WdfIoTargetClosed || st === WdfIoTargetClosedForQueryRemove || st === WdfIoTargetDeleted) return STATUS_INVALID_DEVICE_STATE;
    this.targetState = WdfIoTargetStarted;
    let request: FxRequest | null;
    while (this.targetState === WdfIoTargetStarted && (request = this.queuedHead) !== null) {
      this.unqueue(request, request.send!);
      this.send(request);
    }
    return STATUS_SUCCESS;
  }

  /**
   * `FxIoTarget::Stop`: new requests wait in the target from now on; with WdfIoTargetCancelSentIo
   * the sent ones are cancelled. The caller then waits for them unless the action was
   * WdfIoTargetLeaveSentIoPending (`waitForSentIo`).
   */
  stop(Action: WDF_IO_TARGET_SENT_IO_ACTION): void {
    if (this.targetState === WdfIoTargetStarted || this.targetState === WdfIoTargetPurged) this.targetState = WdfIoTargetStopped;
    if (Action === WdfIoTargetCancelSentIo) this.cancelSentIo();
    void WdfIoTargetLeaveSentIoPending;
  }

  /** `FxIoTarget::Purge`: the target fails new requests; the waiting ones complete with STATUS_CANCELLED and the sent ones are cancelled. */
  purge(): void {
    if (this.targetState === WdfIoTargetStarted || this.targetState === WdfIoTargetStopped) this.targetState = WdfIoTargetPurged;
    this.failQueued(STATUS_CANCELLED);
    this.cancelSentIo();
  }

  /** Closing: the target takes no more requests, fails those waiting and cancels those sent. */
  beginClose(State: WDF_IO_TARGET_STATE): void {
    this.targetState = State;
    this.failQueued(State === WdfIoTargetDeleted ? STATUS_INVALID_DEVICE_STATE : STATUS_CANCELLED);
    this.cancelSentIo();
  }

  private failQueued(Status: NTSTATUS): void {
    let request: FxRequest | null;
    while ((request = this.queuedHead) !== null) this.completeQueued(request, Status);
  }

  private cancelSentIo(): void {
    // Cancelling may complete a request at once and unlink it: take its successor first.
    for (let r = this.sentHead; r !== null; ) {
      const next = r.send!.next;
      IoCancelIrp(r.Irp!);
      r = next;
    }
  }

  /** Waits (PASSIVE_LEVEL) until every sent request has come back. */
  *waitForSentIo(): KWAIT_GENERATOR<void> {
    while (this.sentCount > 0) yield* KeWaitForSingleObject(this.idle, Executive, KernelMode, false, null);
  }

  /** A deleted target (with its device) takes no more requests; what it still holds is cancelled. */
  protected override disposeResources(): void {
    this.beginClose(WdfIoTargetDeleted);
  }
}

/**
 * `SubmitLocked`'s first check: a request still pending on a target (its IRP in a lower driver's
 * hands) sent, or formatted to be sent, again is WDF_VIOLATION 0x6/0x3 in the checked flavor.
 */
export function FxVerifyRequestNotSent(request: FxRequest): void {
  if (request.send?.outstanding === true && request.table.machine.checked) {
    FxVerifierBugCheck(WDF_REQUEST_FATAL_ERROR, WDF_REQUEST_FATAL_ERROR_REQUEST_ALREADY_SENT, request.handle, "A request that is still pending on an I/O target was sent again.");
  }
}

/** The completion routine of every IRP a target sends: the request is the context. */
function FxIoTargetCompletionRoutine(_DeviceObject: DEVICE_OBJECT | null, _Irp: IRP, Context: FxRequest): NTSTATUS {
  Context.send!.target!.completeRequest(Context, true);
  return STATUS_MORE_PROCESSING_REQUIRED;
}

function startTimer(request: FxRequest, s: FxRequestSendState, Timeout: number): void {
  FxRequestCreateTimer(request);
  KeSetTimer(s.timer!, Timeout, s.dpc);
}

/**
 * `FxRequestBase::CreateTimer` (WdfRequestAllocateTimer, and the first send with a timeout): the
 * request's timeout timer, made once and kept for its later sends.
 */
export function FxRequestCreateTimer(request: FxRequest): NTSTATUS {
  const s = FxRequestSendStateOf(request);
  if (s.timer === null) {
    s.timer = new KTIMER();
    s.dpc = new KDPC();
    KeInitializeTimer(s.timer);
    KeInitializeDpc(s.dpc, FxRequestTimerDpc, request);
  }
  return STATUS_SUCCESS;
}

/** `FxRequestBase::_TimerDPC`: the send's timeout passed. */
function FxRequestTimerDpc(_Dpc: KDPC, Context: FxRequest): void {
  Context.send?.target?.timedOut(Context);
}
