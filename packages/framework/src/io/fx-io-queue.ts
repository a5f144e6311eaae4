import {
  IoGetCurrentIrpStackLocation as IoGetCurrentIrpStackLocationImported, IoReleaseCancelSpinLock, IoSetCancelRoutine, IRP_MJ_DEVICE_CONTROL, IRP_MJ_INTERNAL_DEVICE_CONTROL, IRP_MJ_READ, IRP_MJ_WRITE, STATUS_CANCELLED, STATUS_INVALID_DEVICE_REQUEST,
  STATUS_INVALID_DEVICE_STATE, STATUS_INVALID_PARAMETER, STATUS_NO_MORE_ENTRIES, STATUS_NOT_FOUND, STATUS_SUCCESS, KeAcquireSpinLock, KeReleaseSpinLock, KSPIN_LOCK, Out, type KIRQL, type DEVICE_OBJECT, type IRP, type NTSTATUS,
} from "@wdfjs/kernel";
import { FxObject } from "../object/fx-object.js";
import { FX_TYPE_QUEUE } from "../object/types.js";
import { STATUS_WDF_BUSY, STATUS_WDF_NO_CALLBACK, STATUS_WDF_PAUSED } from "../wdfstatus.js";
import { FxVerifierBugCheck, FxVerifierCallbackIrqlEntry, FxVerifierCallbackIrqlExit, WDF_QUEUE_FATAL_ERROR } from "../verifier.js";
import type { FxDevice } from "../device/fx-device.js";
import { FxRequestCancelForDriver, type FxRequest } from "./fx-request.js";
import { KEVENT, KeInitializeEvent, NotificationEvent } from "@wdfjs/kernel";
import { FxIoQueuePowerOn, FxIoQueuePowerOff, FxIoQueueCheckPowerIdle, type FxIoQueuePowerState } from "./fx-io-queue-power.js";
import { WdfTrue, WdfUseDefault, WdfIoQueuePnpHeld, type EVT_WDF_IO_QUEUE_IO_RESUME, type EVT_WDF_IO_QUEUE_IO_STOP } from "./queue-config.js";
import { FxRunQueueCallback } from "./fx-callback-wait.js";
import { FxRequestList } from "./fx-request-list.js";
import { FxCallbackInvoke } from "../sync/fx-callback-lock.js";
import {
  WdfIoQueueAcceptRequests, WdfIoQueueDispatchManual, WdfIoQueueDispatchParallel, WdfIoQueueDispatchRequests, WdfIoQueueDispatchSequential,
  WdfIoQueueDriverNoRequests, WdfIoQueueNoRequests, WdfRequestTypeDeviceControl, WdfRequestTypeDeviceControlInternal, WdfRequestTypeRead,
  WdfRequestTypeWrite, type EVT_WDF_IO_QUEUE_IO_CANCELED_ON_QUEUE, type EVT_WDF_IO_QUEUE_IO_DEFAULT, type EVT_WDF_IO_QUEUE_STATE, type WDF_IO_QUEUE_STATE, type WDF_REQUEST_TYPE,
  type EVT_WDF_IO_QUEUE_IO_DEVICE_CONTROL, type EVT_WDF_IO_QUEUE_IO_READ, type EVT_WDF_IO_QUEUE_IO_WRITE, type WDF_IO_QUEUE_CONFIG,
  type WDF_IO_QUEUE_DISPATCH_TYPE,
} from "./queue-config.js";

/*
 * The I/O path reads these module constants, not the imported names: V8 reads an imported binding
 * through a cell, with a check, on every use (even inlined into another module's code), and folds
 * a module's own constant into the code.
 */
const IoGetCurrentIrpStackLocation = IoGetCurrentIrpStackLocationImported;
const ACCEPT_AND_DISPATCH = WdfIoQueueAcceptRequests | WdfIoQueueDispatchRequests;
const DISPATCH_MANUAL = WdfIoQueueDispatchManual;
const POWER_ON = FxIoQueuePowerOn;
const MJ_DEVICE_CONTROL = IRP_MJ_DEVICE_CONTROL;

/**
 * `FxIoQueue` (fxioqueue.cpp): a device's queue of requests. Requests wait in a FIFO (linked
 * through the requests, O(1) both ends) until the dispatch type lets the driver have one:
 * sequential one at a time, parallel up to NumberOfPresentedRequests, manual never (the driver
 * retrieves them with WdfIoQueueRetrieveNextRequest). A completion lets the next one go. The
 * state bits (`m_QueueState`) are WDF's: a queue that does not accept requests fails new ones
 * with STATUS_INVALID_DEVICE_STATE; one that does not dispatch keeps them. Not power-managed:
 * only control devices have queues so far, and their queues never are.
 */
export class FxIoQueue extends FxObject {
  readonly DispatchType: WDF_IO_QUEUE_DISPATCH_TYPE;
  readonly AllowZeroLengthRequests: boolean;
  readonly MaxParallelQueuePresentedRequests: number;
  private readonly IoDefault: EVT_WDF_IO_QUEUE_IO_DEFAULT | null;
  private readonly IoRead: EVT_WDF_IO_QUEUE_IO_READ | null;
  private readonly IoWrite: EVT_WDF_IO_QUEUE_IO_WRITE | null;
  private readonly IoDeviceControl: EVT_WDF_IO_QUEUE_IO_DEVICE_CONTROL | null;
  private readonly IoInternalDeviceControl: EVT_WDF_IO_QUEUE_IO_DEVICE_CONTROL | null;
  private readonly IoCanceledOnQueue: EVT_WDF_IO_QUEUE_IO_CANCELED_ON_QUEUE | null;
  /** Requests presented to the driver and not yet completed (`m_DriverIoCount`). */
  driverIoCount = 0;
  /** Presented requests the driver marked cancelable (`m_DriverCancelable`); a purge cancels them. */
  readonly driverCancelable = new Set<FxRequest>();
  /** Requests waiting (`m_Queue`). */
  queuedCount = 0;
  private head: FxRequest | null = null;
  private tail: FxRequest | null = null;
  /** `m_QueueState`: WdfIoQueueAcceptRequests | WdfIoQueueDispatchRequests once created. */
  private queueState = WdfIoQueueAcceptRequests | WdfIoQueueDispatchRequests;
  /** The pending StopComplete/PurgeComplete/DrainComplete callback, run once the driver owns no request (and, for purge and drain, none waits). */
  private idleCallback: EVT_WDF_IO_QUEUE_STATE | null = null;
  private idleContext: unknown = null;
  private idleNeedsEmpty = false;
  /** `m_SpinLock`: guards the FIFO while a request is linked and its cancel routine set. */
  private readonly queueLock = new KSPIN_LOCK();
  private readonly queueLockIrql = Out<KIRQL>(0);
  /** Nonzero while the dispatch loop runs, so a completion inside a callback does not recurse into it. */
  private dispatching = 0;
  /** `m_PowerManaged`: presents requests only while the device is in D0 (resolved as `FxIoQueue::Initialize` does). */
  readonly PowerManaged: boolean;
  readonly IoStop: EVT_WDF_IO_QUEUE_IO_STOP | null;
  readonly IoResume: EVT_WDF_IO_QUEUE_IO_RESUME | null;
  /** `m_PowerState`: only FxIoQueuePowerOn presents. */
  powerState: FxIoQueuePowerState;
  /** `m_DriverOwned`: the requests the driver has from this queue, told of power stops and resumes. */
  readonly driverOwnedRequests = new FxRequestList();
  /** `m_PowerDriverNotified`: requests told EvtIoStop (or waited for) and not yet acknowledged or completed. */
  readonly powerNotified = new Set<FxRequest>();
  /** `m_PowerIdle`: set when a power stop has nothing left to wait for. */
  readonly powerIdle = new KEVENT();
  /** `FxIoQueueSetShutdown`: a power purge; WdfIoQueueStart no longer makes the queue accept. */
  shutdown = false;
  /** `m_ReadyNotify` / `m_ReadyNotifyContext`: a manual queue's WdfIoQueueReadyNotify callback. */
  private readyNotify: EVT_WDF_IO_QUEUE_STATE | null = null;
  private readyNotifyContext: unknown = null;
  /** `m_TransitionFromEmpty`: a request arrived on an empty queue and the driver has not been told yet. */
  private transitionFromEmpty = false;
  /** `m_ForceTransitionFromEmptyWhenAddingNewRequest`: a retrieval found nothing while a cancelled request was still counted. */
  private forceTransitionFromEmpty = false;
  /** `m_FwdProgContext`: the WdfIoQueueAssignForwardProgressPolicy policy (`IsForwardProgressQueue`). */
  forwardProgressPolicy: unknown = null;

  constructor(readonly device: FxDevice, Config: WDF_IO_QUEUE_CONFIG) {
    super(FX_TYPE_QUEUE);
    this.DispatchType = Config.DispatchType;
    this.AllowZeroLengthRequests = Config.AllowZeroLengthRequests;
    this.MaxParallelQueuePresentedRequests = Config.DispatchType === WdfIoQueueDispatchParallel ? Config.Settings.Parallel.NumberOfPresentedRequests >>> 0 : 1;
    this.IoDefault = Config.EvtIoDefault;
    this.IoRead = Config.EvtIoRead;
    this.IoWrite = Config.EvtIoWrite;
    this.IoDeviceControl = Config.EvtIoDeviceControl;
    this.IoInternalDeviceControl = Config.EvtIoInternalDeviceControl;
    this.IoCanceledOnQueue = Config.EvtIoCanceledOnQueue;
    this.IoStop = Config.EvtIoStop ?? null;
    this.IoResume = Config.EvtIoResume ?? null;
    // fxioqueue.cpp L397-425: the default is power-managed except on a filter; a control
    // (legacy) device's queues never are, whatever the driver asked.
    const managed = Config.PowerManaged === WdfTrue || (Config.PowerManaged === WdfUseDefault && !device.Filter);
    this.PowerManaged = managed && !device.Init.IsControlDeviceInit;
    // A queue created while the device is out of D0 starts powered off (`m_PowerStateOn`).
    this.powerState = this.PowerManaged && !device.pkgIo.powerStateOn ? FxIoQueuePowerOff : FxIoQueuePowerOn;
    if (device.pkgIo.queuesAreShuttingDown) {
      this.shutdown = true;
      this.queueState &= ~WdfIoQueueAcceptRequests;
    }
    KeInitializeEvent(this.powerIdle, NotificationEvent, true);
    device.pkgIo.queues.add(this);
  }

  /** `FxIoQueue::Initialize`'s checks of the configuration (fxioqueue.cpp). */
  static validateConfig(Config: WDF_IO_QUEUE_CONFIG): NTSTATUS {
    const t = Config.DispatchType;
    if (t !== WdfIoQueueDispatchSequential && t !== WdfIoQueueDispatchParallel && t !== WdfIoQueueDispatchManual) return STATUS_INVALID_PARAMETER;
    const any = Config.EvtIoDefault !== null || Config.EvtIoRead !== null || Config.EvtIoWrite !== null || Config.EvtIoDeviceControl !== null || Config.EvtIoInternalDeviceControl !== null;
    if (t !== WdfIoQueueDispatchManual && !any) return STATUS_WDF_NO_CALLBACK;
    if (t === WdfIoQueueDispatchManual && any) return STATUS_INVALID_PARAMETER;
    if (t !== WdfIoQueueDispatchParallel && Config.Settings.Parallel.NumberOfPresentedRequests !== 0) return STATUS_INVALID_PARAMETER;
    return STATUS_SUCCESS;
  }

  /**
   * Deleting a queue (with its device) cancels the requests still waiting in it, as a purge
   * does; the device stops routing to it.
   */
  protected override disposeResources(): void {
    if (this.device.pkgIo.defaultQueue === this) this.device.pkgIo.defaultQueue = null;
    this.device.pkgIo.queues.delete(this);
    this.cancelWaiting();
  }

  private cancelWaiting(): void {
    let request: FxRequest | null;
    while ((request = this.dequeue()) !== null) {
      request.queue = null;
      request.complete(STATUS_CANCELLED);
    }
  }

  /**
   * The oldest waiting request whose cancel routine this queue took back. One whose routine the
   * I/O manager already took (IoCancelIrp) is unlinked and left to FxIoQueueCancelRoutine: of
   * the two, whoever wins the IoSetCancelRoutine exchange owns the request (the CSQ rule).
   */
  private dequeue(): FxRequest | null {
    for (;;) {
      const request = this.head;
      if (request === null) return null;
      this.unlink(request);
      const irp = request.Irp!;
      if (IoSetCancelRoutine(irp, null) !== null) {
        irp.Tail.Overlay.DriverContext[3] = null;
        return request;
      }
    }
  }

  /** Unlinks a waiting request (the FIFO is doubly linked: O(1) wherever it stands). */
  private unlink(request: FxRequest): void {
    const prev = request.queuePrev;
    const next = request.next;
    if (prev === null) this.head = next;
    else prev.next = next;
    if (next === null) this.tail = prev;
    else next.queuePrev = prev;
    request.next = null;
    request.queuePrev = null;
    request.onList = false;
    this.queuedCount--;
  }

  /**
   * The I/O manager cancelled a waiting request: it leaves the queue and, with
   * EvtIoCanceledOnQueue, is the driver's to complete; without, the framework completes it with
   * STATUS_CANCELLED (`FxIoQueue::_IrpCancelForQueue`).
   */
  cancelQueuedRequest(request: FxRequest): void {
    if (request.onList) this.unlink(request);
    if (this.IoCanceledOnQueue !== null) {
      this.driverIoCount++;
      request.driverOwned = true;
      this.driverOwnedRequests.add(request);
      FxCallbackInvoke(this, this.canceledOnQueue, this, request);
    } else {
      request.queue = null;
      request.complete(STATUS_CANCELLED);
      this.checkIdle();
    }
  }

  private canceledOnQueue(request: FxRequest): void {
    this.IoCanceledOnQueue!(this.handle, request.handle);
  }

  /** `FxIoQueue::IsIoEventHandlerRegistered`: can the queue present this type (a manual queue presents none, so any)? */
  isIoEventHandlerRegistered(RequestType: WDF_REQUEST_TYPE): boolean {
    if (this.DispatchType === WdfIoQueueDispatchManual || this.IoDefault !== null) return true;
    switch (RequestType) {
      case WdfRequestTypeRead: return this.IoRead !== null;
      case WdfRequestTypeWrite: return this.IoWrite !== null;
      case WdfRequestTypeDeviceControl: return this.IoDeviceControl !== null;
      case WdfRequestTypeDeviceControlInternal: return this.IoInternalDeviceControl !== null;
      default: return false;
    }
  }

  /** `FxIoQueue::GetState`: the state bits, with the no-requests bits computed. */
  getState(): WDF_IO_QUEUE_STATE {
    let state = this.queueState;
    if (this.queuedCount === 0) state |= WdfIoQueueNoRequests;
    if (this.driverIoCount === 0) state |= WdfIoQueueDriverNoRequests;
    if (this.powerState !== FxIoQueuePowerOn) state |= WdfIoQueuePnpHeld;
    return state;
  }

  /** `FxIoQueue::QueueStart`: accept and dispatch again; waiting requests are presented. */
  start(): void {
    // A queue shut down by a power purge (device removal) dispatches again but accepts nothing new.
    this.queueState = (this.shutdown ? 0 : WdfIoQueueAcceptRequests) | WdfIoQueueDispatchRequests;
    // fxioqueue.cpp QueueStart: a driver that stopped the queue inside its ready callback is told again.
    if (this.queuedCount > 0) this.transitionFromEmpty = true;
    this.dispatchEvents();
  }

  /** `FxIoQueue::QueueIdle` (WdfIoQueueStop): requests keep arriving and wait; none is presented. StopComplete runs once the driver owns none. */
  stop(StopComplete: EVT_WDF_IO_QUEUE_STATE | null, Context: unknown): void {
    // fxioqueueapi.cpp: QueueIdle refuses a second pending Stop/Purge/Drain-complete callback
    // (STATUS_INVALID_DEVICE_REQUEST), and WdfIoQueueStop turns that into FxIoQueue::FatalError.
    // (WDF keeps StopComplete in m_IdleComplete, apart from Purge/DrainComplete: only a pending StopComplete counts.)
    if (StopComplete !== null && this.idleCallback !== null && !this.idleNeedsEmpty) {
      FxVerifierBugCheck(WDF_QUEUE_FATAL_ERROR, this.handle, STATUS_INVALID_DEVICE_REQUEST,
        `WdfIoQueueStop(0x${this.handle.toString(16)}): a StopComplete callback is already pending (WDF_QUEUE_FATAL_ERROR_DATA.Status STATUS_INVALID_DEVICE_REQUEST)`);
    }
    this.queueState = (this.queueState | WdfIoQueueAcceptRequests) & ~WdfIoQueueDispatchRequests;
    this.setIdleCallback(StopComplete, Context, false);
  }

  /**
   * `FxIoQueue::QueuePurge`: the queue stops accepting; waiting requests are completed with
   * STATUS_CANCELLED; the driver's cancelable requests get their EvtRequestCancel; PurgeComplete
   * runs once the driver owns none.
   */
  purge(PurgeComplete: EVT_WDF_IO_QUEUE_STATE | null, Context: unknown): void {
    this.queueState &= ~WdfIoQueueAcceptRequests;
    this.cancelWaiting();
    this.cancelDriverCancelable();
    this.setIdleCallback(PurgeComplete, Context, true);
  }

  private cancelDriverCancelable(): void {
    for (const request of [...this.driverCancelable]) {
      // The I/O manager may be cancelling it too: whoever takes the cancel routine owns it.
      if (IoSetCancelRoutine(request.Irp!, null) === null) continue;
      request.Irp!.Tail.Overlay.DriverContext[3] = null;
      FxRequestCancelForDriver(request);
    }
  }

  /**
   * `FxIoQueue::QueueIdle(CancelQueueRequests TRUE)` (WdfIoQueueStopAndPurge): the queue still
   * accepts but presents nothing; the requests waiting now are cancelled, the driver's cancelable
   * ones get EvtRequestCancel, the others stay the driver's; StopAndPurgeComplete runs once the
   * driver owns none.
   */
  stopAndPurge(StopAndPurgeComplete: EVT_WDF_IO_QUEUE_STATE | null, Context: unknown): void {
    this.queueState = (this.queueState | WdfIoQueueAcceptRequests) & ~WdfIoQueueDispatchRequests;
    this.cancelWaiting();
    this.cancelDriverCancelable();
    this.setIdleCallback(StopAndPurgeComplete, Context, false);
  }

  /**
   * `FxIoQueue::ReadyNotify` (WdfIoQueueReadyNotify): a manual queue only
   * (STATUS_INVALID_DEVICE_REQUEST); one registration at a time, and clearing one that is not set
   * or while the queue dispatches is STATUS_INVALID_DEVICE_REQUEST too. Requests already waiting
   * since the last notification are reported at once.
   */
  setReadyNotify(QueueReady: EVT_WDF_IO_QUEUE_STATE | null, Context: unknown): NTSTATUS {
    if (this.DispatchType !== WdfIoQueueDispatchManual) return STATUS_INVALID_DEVICE_REQUEST;
    if (QueueReady !== null) {
      if (this.readyNotify !== null) return STATUS_INVALID_DEVICE_REQUEST;
    } else if (this.readyNotify === null || (this.queueState & WdfIoQueueDispatchRequests) !== 0) {
      return STATUS_INVALID_DEVICE_REQUEST;
    }
    this.readyNotify = QueueReady;
    this.readyNotifyContext = QueueReady === null ? null : Context;
    this.dispatchEvents();
    return STATUS_SUCCESS;
  }

  /** `ProcessReadyNotify`: the notification is consumed, then the callback runs under the queue's callback lock. */
  private processReadyNotify(): void {
    if (this.readyNotify === null || !this.transitionFromEmpty || this.head === null) return;
    if ((this.queueState & WdfIoQueueDispatchRequests) === 0 || this.powerState !== FxIoQueuePowerOn) return;
    this.transitionFromEmpty = false;
    FxCallbackInvoke(this, this.runReadyNotify, this, this.readyNotify);
  }

  private runReadyNotify(callback: EVT_WDF_IO_QUEUE_STATE): void {
    callback(this.handle, this.readyNotifyContext);
  }

  /** `CheckTransitionFromEmpty`: the first waiting request (or one after a retrieval that raced a cancel) is news to a ready callback. */
  private checkTransitionFromEmpty(): void {
    if (this.queuedCount === 1 || this.forceTransitionFromEmpty) {
      this.transitionFromEmpty = true;
      this.forceTransitionFromEmpty = false;
    }
  }

  /**
   * `FxIrpQueue::PeekRequest` (WdfIoQueueFindRequest, manual queues only, else
   * STATUS_INVALID_DEVICE_REQUEST): the first waiting request after TagRequest (from the head
   * without one) of the file object (any without one), left in the queue and referenced for the
   * caller. A tag no longer waiting is STATUS_NOT_FOUND; nothing after it STATUS_NO_MORE_ENTRIES.
   */
  peekRequest(TagRequest: FxRequest | null, FileObject: unknown): FxRequest | NTSTATUS {
    if (this.DispatchType !== WdfIoQueueDispatchManual) return STATUS_INVALID_DEVICE_REQUEST;
    let foundTag = TagRequest === null;
    for (let r = this.head; r !== null; r = r.next) {
      // A request the I/O manager is cancelling is no longer offered.
      if (r.Irp!.Cancel) continue;
      if (!foundTag) {
        foundTag = r === TagRequest;
      } else if (FileObject === null || IoGetCurrentIrpStackLocation(r.Irp!).FileObject === FileObject) {
        r.reference(null);
        return r;
      }
    }
    if (!foundTag) return STATUS_NOT_FOUND;
    if (TagRequest === null && FileObject === null && this.queuedCount > 0) this.forceTransitionFromEmpty = true;
    return STATUS_NO_MORE_ENTRIES;
  }

  /** `FxIoQueue::QueueDrain`: the queue stops accepting; waiting requests are still presented. DrainComplete runs when none is left. */
  drain(DrainComplete: EVT_WDF_IO_QUEUE_STATE | null, Context: unknown): void {
    this.queueState &= ~WdfIoQueueAcceptRequests;
    this.setIdleCallback(DrainComplete, Context, true);
  }

  private setIdleCallback(Callback: EVT_WDF_IO_QUEUE_STATE | null, Context: unknown, needsEmpty: boolean): void {
    // fxioqueue.cpp QueueIdle/QueuePurge: only a supplied callback is registered; NULL leaves a pending one.
    if (Callback !== null) {
      this.idleCallback = Callback;
      this.idleContext = Context;
      this.idleNeedsEmpty = needsEmpty;
    }
    this.checkIdle();
  }

  private checkIdle(): void {
    const callback = this.idleCallback;
    if (callback === null || this.driverIoCount !== 0 || (this.idleNeedsEmpty && this.head !== null)) return;
    this.idleCallback = null;
    callback(this.handle, this.idleContext);
  }

  /**
   * `FxIoQueue::GetRequest` (WdfIoQueueRetrieveNextRequest, fxioqueue.cpp ~L1026): manual and
   * sequential queues only (STATUS_INVALID_DEVICE_STATE); a stopped queue is STATUS_WDF_PAUSED;
   * an empty one STATUS_NO_MORE_ENTRIES. The driver owns the request it gets.
   */
  retrieveNextRequest(): FxRequest | NTSTATUS {
    return this.retrieveRequest(null, null);
  }

  /**
   * `FxIoQueue::GetRequest` with a file object (WdfIoQueueRetrieveRequestByFileObject: the oldest
   * request of that file, else STATUS_NO_MORE_ENTRIES) or a tag (WdfIoQueueRetrieveFoundRequest:
   * that request, STATUS_NOT_FOUND once it left the queue), with WdfIoQueueRetrieveNextRequest's
   * refusals.
   */
  retrieveRequest(FileObject: unknown, TagRequest: FxRequest | null): FxRequest | NTSTATUS {
    if (this.DispatchType !== WdfIoQueueDispatchManual && this.DispatchType !== WdfIoQueueDispatchSequential) return STATUS_INVALID_DEVICE_STATE;
    if ((this.queueState & WdfIoQueueDispatchRequests) === 0 || this.powerState !== FxIoQueuePowerOn) return STATUS_WDF_PAUSED;
    // Dequeued and counted in one step under the queue lock (FxIoQueue::GetRequest): no dispatcher sees it gone but not yet counted.
    KeAcquireSpinLock(this.queueLock, this.queueLockIrql);
    const request = FileObject === null && TagRequest === null ? this.dequeue() : this.dequeueMatching(FileObject, TagRequest);
    if (request !== null) this.takeForDriver(request);
    else if (FileObject === null && TagRequest === null && this.queuedCount > 0) this.forceTransitionFromEmpty = true;
    KeReleaseSpinLock(this.queueLock, this.queueLockIrql.value);
    if (request === null) return TagRequest !== null ? STATUS_NOT_FOUND : STATUS_NO_MORE_ENTRIES;
    this.checkIdle();
    return request;
  }

  /** `FxIrpQueue::RemoveRequest` / `RemoveNextIrpFromQueue(FileObject)`: a waiting request whose cancel routine the queue took back. */
  private dequeueMatching(FileObject: unknown, TagRequest: FxRequest | null): FxRequest | null {
    for (let r = this.head; r !== null; r = r.next) {
      if (TagRequest !== null ? r !== TagRequest : IoGetCurrentIrpStackLocation(r.Irp!).FileObject !== FileObject) continue;
      const irp = r.Irp!;
      // Cancelled meanwhile: the I/O manager's routine owns it (the tag is then not found).
      if (IoSetCancelRoutine(irp, null) === null) return null;
      this.unlink(r);
      irp.Tail.Overlay.DriverContext[3] = null;
      return r;
    }
    return null;
  }

  /**
   * `FxIoQueue::Requeue` (WdfRequestRequeue): a request the driver retrieved from a manual queue
   * goes back to its head; other queues are STATUS_INVALID_DEVICE_REQUEST.
   */
  requeue(request: FxRequest): NTSTATUS {
    if (this.DispatchType !== WdfIoQueueDispatchManual) return STATUS_INVALID_DEVICE_REQUEST;
    this.requeueAtHead(request);
    this.checkIdle();
    return STATUS_SUCCESS;
  }

  /**
   * `FxIoQueue::QueueRequestFromForward` (WdfRequestForwardToIoQueue): a driver-owned request
   * moves to this queue. A queue that does not accept refuses it (STATUS_INVALID_DEVICE_STATE)
   * and the driver keeps it.
   */
  forwardRequest(request: FxRequest): NTSTATUS {
    if ((this.queueState & WdfIoQueueAcceptRequests) === 0) return STATUS_INVALID_DEVICE_STATE;
    const source = request.queue!;
    request.driverOwned = false;
    source.driverIoCount--;
    source.driverOwnedRequests.delete(request);
    this.enqueue(request);
    source.checkIdle();
    source.dispatchEvents();
    return STATUS_SUCCESS;
  }

  /**
   * The I/O path's common case: nothing waits, the queue accepts and dispatches, is in D0 and has
   * room, and its callbacks need no lock and no change of IRQL (resolved before). Then a request
   * for the IRP may be presented at once (`presentAtOnce`) instead of through `queueRequest`.
   */
  canPresentAtOnce(Irp: IRP): boolean {
    return this.invokeResolution === 1 && this.head === null && this.dispatching === 0 && this.driverIoCount < this.MaxParallelQueuePresentedRequests &&
      (this.queueState & ACCEPT_AND_DISPATCH) === ACCEPT_AND_DISPATCH && this.DispatchType !== DISPATCH_MANUAL && this.powerState === POWER_ON && !Irp.Cancel;
  }

  /**
   * After `canPresentAtOnce`: the request becomes the driver's and its EvtIo callback runs now, with
   * the device's driver current, as `queueRequest` and `present` would do it. No finally: an
   * exception out of a driver callback stops the machine.
   */
  presentAtOnce(request: FxRequest): void {
    this.takeForDriver(request);
    this.dispatching++;
    request.queue = this;
    if (this.PowerManaged) {
      // powerReference for a new request (it holds none yet).
      const hook = this.device.powerIdleHook;
      if (hook !== null) {
        request.powerIdleHook = hook;
        hook.ioIncrement();
      }
    }
    const table = this.table;
    const previous = table.driver;
    table.driver = this.device.driver;
    this.dispatchRequestToDriver(request);
    table.driver = previous;
    this.dispatching--;
    if (this.head !== null) this.dispatchEvents();
  }

  /**
   * `FxIoQueue::QueueRequest`: the request joins the FIFO and the queue presents what it may; a
   * queue that does not accept requests completes it with STATUS_INVALID_DEVICE_STATE.
   */
  queueRequest(request: FxRequest): void {
    if ((this.queueState & WdfIoQueueAcceptRequests) === 0) {
      request.complete(STATUS_INVALID_DEVICE_STATE);
      return;
    }
    // Nothing waits and the driver has room: the request is presented at once, as it would be
    // right after being linked (FxIoQueue::QueueRequest then DispatchEvents), without passing
    // through the list and its cancel routine, which no one could observe in between.
    if (this.head === null && this.dispatching === 0 && this.driverIoCount < this.MaxParallelQueuePresentedRequests && this.DispatchType !== WdfIoQueueDispatchManual &&
      (this.queueState & WdfIoQueueDispatchRequests) !== 0 && this.powerState === FxIoQueuePowerOn && !request.Irp!.Cancel) {
      // Claimed in the same step as the checks (no scheduling point in between), so a sequential
      // queue never presents two requests at once, whatever another processor does meanwhile.
      this.takeForDriver(request);
      this.dispatching++;
      request.queue = this;
      if (this.PowerManaged || request.powerIdleHook !== null) this.powerReference(request);
      this.present(request);
      return;
    }
    this.enqueue(request);
  }

  /** Hands a request already counted as the driver's to its EvtIo callback (under the queue's callback lock), then presents what waits. */
  private present(request: FxRequest): void {
    try {
      if (this.table.checked) {
        this.presentChecked(request);
      } else if (this.invokeResolution === 1) {
        // Resolved before: no callback lock, any IRQL (what FxCallbackInvoke would find).
        this.dispatchRequestToDriver(request);
      } else {
        FxCallbackInvoke(this, this.dispatchRequestToDriver, this, request);
      }
    } finally {
      this.dispatching--;
    }
    if (this.head !== null) this.dispatchEvents();
  }

  /** The presentation with the verifier's IRQL check around the callback (the checked flavor). */
  private presentChecked(request: FxRequest): void {
    const irql = FxVerifierCallbackIrqlEntry();
    FxCallbackInvoke(this, this.dispatchRequestToDriver, this, request);
    FxVerifierCallbackIrqlExit(irql, "I/O queue event callback");
  }

  /**
   * `FxIoQueue::QueueRequestFromForward` for WdfDeviceEnqueueRequest: a request the driver had in
   * EvtIoInCallerContext joins the queue as if it had just arrived. A queue that does not accept
   * returns STATUS_WDF_BUSY and the driver keeps the request.
   */
  queueRequestFromEnqueue(request: FxRequest): NTSTATUS {
    if ((this.queueState & WdfIoQueueAcceptRequests) === 0) return STATUS_WDF_BUSY;
    request.driverOwned = false;
    this.enqueue(request);
    return STATUS_SUCCESS;
  }

  private enqueue(request: FxRequest): void {
    // Linking and arming the cancel routine are one step under the queue's lock (FxIrpQueue
    // inserts under it): a request seen in the list without its routine would be dropped.
    KeAcquireSpinLock(this.queueLock, this.queueLockIrql);
    request.queue = this;
    request.next = null;
    request.queuePrev = this.tail;
    request.onList = true;
    if (this.tail === null) this.head = request;
    else this.tail.next = request;
    this.tail = request;
    this.queuedCount++;
    this.checkTransitionFromEmpty();
    this.powerReference(request);
    this.armCancel(request);
  }

  /**
   * A power-managed queue holds a power reference on the device's idle machine for each request
   * it accepted, until the request completes or moves to a queue that is not power-managed.
   */
  private powerReference(request: FxRequest): void {
    if (this.PowerManaged) {
      const hook = this.device.powerIdleHook;
      if (request.powerIdleHook === null && hook !== null) {
        request.powerIdleHook = hook;
        hook.ioIncrement();
      }
    } else if (request.powerIdleHook !== null) {
      request.powerIdleHook.ioDecrement();
      request.powerIdleHook = null;
    }
  }

  /**
   * A driver-owned request goes back to the head of the queue (WdfRequestStopAcknowledge with
   * Requeue, `InsertHeadIrpQueue`), so the order of requests is kept; it is presented again when
   * the queue may dispatch.
   */
  requeueAtHead(request: FxRequest): void {
    // Uncounted and linked in one step under the queue lock (armCancel releases it): a dispatcher
    // between the two would find the driver's count low and present a later request first.
    KeAcquireSpinLock(this.queueLock, this.queueLockIrql);
    request.driverOwned = false;
    this.driverIoCount--;
    this.driverOwnedRequests.delete(request);
    request.next = this.head;
    request.queuePrev = null;
    request.onList = true;
    if (this.head !== null) this.head.queuePrev = request;
    this.head = request;
    if (this.tail === null) this.tail = request;
    this.queuedCount++;
    this.checkTransitionFromEmpty();
    this.armCancel(request);
  }

  /**
   * `FxIoQueue::FlushByFileObject` (at IRP_MJ_CLEANUP): the waiting requests of that file object
   * are cancelled as the I/O manager would cancel them (EvtIoCanceledOnQueue, else
   * STATUS_CANCELLED); those presented to the driver stay the driver's.
   */
  flushByFileObject(FileObject: unknown): void {
    const matches: FxRequest[] = [];
    for (let r = this.head; r !== null;) {
      const next: FxRequest | null = r.next;
      if (IoGetCurrentIrpStackLocation(r.Irp!).FileObject === FileObject) {
        this.unlink(r);
        matches.push(r);
      }
      r = next;
    }
    for (const request of matches) {
      const irp = request.Irp!;
      // Whoever takes the cancel routine owns the request: if the I/O manager did, its routine completes it.
      if (IoSetCancelRoutine(irp, null) === null) continue;
      irp.Tail.Overlay.DriverContext[3] = null;
      this.cancelQueuedRequest(request);
    }
    this.checkIdle();
  }

  /** `FxIoQueue::SetStateForShutdown`: a power purge; the queue accepts nothing until the device restarts. */
  setStateForShutdown(): void {
    this.shutdown = true;
    this.queueState &= ~WdfIoQueueAcceptRequests;
  }

  private armCancel(request: FxRequest): void {
    const irp = request.Irp!;
    irp.Tail.Overlay.DriverContext[3] = request;
    IoSetCancelRoutine(irp, FxIoQueueCancelRoutine);
    KeReleaseSpinLock(this.queueLock, this.queueLockIrql.value);
    // Windows: a cancel that came before the routine was set finds none; the queue must look.
    if (irp.Cancel && IoSetCancelRoutine(irp, null) !== null) {
      irp.Tail.Overlay.DriverContext[3] = null;
      this.cancelQueuedRequest(request);
    }
    this.dispatchEvents(true);
  }

  /** The driver (or the framework) completed a presented request: the queue may present another. */
  requestCompleted(request: FxRequest): void {
    this.driverIoCount--;
    this.driverOwnedRequests.delete(request);
    // Nothing notified of a power stop, nothing waiting, no idle callback: the I/O path's case.
    if (this.powerNotified.size !== 0 || this.head !== null || this.idleCallback !== null) this.afterRequestCompleted(request);
  }

  /** `requestCompleted` when something is to be told: a power stop waiting for the request, requests to present, an idle callback. */
  private afterRequestCompleted(request: FxRequest): void {
    if (this.powerNotified.size !== 0 && this.powerNotified.delete(request)) FxIoQueueCheckPowerIdle(this);
    // DispatchEvents has nothing to present (or to tell a ready callback) while nothing waits.
    if (this.head !== null) this.dispatchEvents();
    if (this.idleCallback !== null) this.checkIdle();
  }

  /** `FxIoQueue::DispatchEvents`: present requests while the dispatch type allows (fxioqueue.cpp ~L3040). */
  dispatchEvents(fromIo = false): void {
    // fxioqueue.cpp: only a completion inside a callback is kept from recursing; a new request
    // from another thread dispatches even while this queue is presenting one (a parallel queue).
    if (this.DispatchType === WdfIoQueueDispatchManual) {
      // A manual queue presents nothing; it may tell its ready callback (fxioqueue.cpp DispatchEvents).
      if (this.readyNotify !== null) this.processReadyNotify();
      return;
    }
    if ((this.dispatching > 0 && !fromIo) || (this.queueState & WdfIoQueueDispatchRequests) === 0) return;
    // A power-managed queue presents only while the device is in D0.
    if (this.powerState !== FxIoQueuePowerOn) return;
    this.dispatching++;
    try {
      // Deciding to stop and `dispatching--` pass no scheduling point in between: a completion
      // that found `dispatching` set leaves the next presentation to this loop (WDF makes both
      // decisions under the queue lock; DispatchInternalEvents).
      while (this.canPresent()) {
        const request = this.takeNextToPresent();
        if (request === null) continue;
        const irql = FxVerifierCallbackIrqlEntry();
        FxCallbackInvoke(this, this.dispatchRequestToDriver, this, request);
        FxVerifierCallbackIrqlExit(irql, "I/O queue event callback");
      }
    } finally {
      this.dispatching--;
    }
  }

  /** `FxIoQueue::DispatchEvents`' checks: a request waits, the queue dispatches, is in D0, and is below its sequential or parallel limit. */
  private canPresent(): boolean {
    return this.head !== null && this.driverIoCount < this.MaxParallelQueuePresentedRequests && (this.queueState & WdfIoQueueDispatchRequests) !== 0 &&
      this.powerState === FxIoQueuePowerOn;
  }

  /**
   * One step of `FxIoQueue::DispatchEvents`' loop, under the queue's lock as in WDF: the checks
   * again, taking the oldest request and counting it as the driver's. Were the count raised only
   * after the dequeue (which passes IoSetCancelRoutine), a dispatcher on another processor would
   * find the count still low and a sequential queue would present two requests at once.
   */
  private takeNextToPresent(): FxRequest | null {
    KeAcquireSpinLock(this.queueLock, this.queueLockIrql);
    const request = this.canPresent() ? this.dequeue() : null;
    if (request !== null) this.takeForDriver(request);
    KeReleaseSpinLock(this.queueLock, this.queueLockIrql.value);
    return request;
  }

  /** `InsertInDriverOwnedList`: the driver has the request; the queue counts it (`m_DriverIoCount`). */
  private takeForDriver(request: FxRequest): void {
    this.driverIoCount++;
    request.driverOwned = true;
    this.driverOwnedRequests.add(request);
  }

  /**
   * `FxIoQueue::DispatchRequestToDriver` (fxioqueue.cpp ~L3230): the callback for the major
   * function, else EvtIoDefault, else the framework fails the request with
   * STATUS_INVALID_DEVICE_REQUEST. A zero-length read or write is completed with STATUS_SUCCESS
   * unless the queue allows zero-length requests, whether it would go to EvtIoRead/EvtIoWrite or
   * to EvtIoDefault.
   */
  private dispatchRequestToDriver(request: FxRequest): void {
    // Device I/O controls first and small (the I/O path's common case inlines into the presentation).
    if (request.MajorFunction === MJ_DEVICE_CONTROL && this.IoDeviceControl !== null) {
      const d = IoGetCurrentIrpStackLocation(request.Irp!).Parameters.DeviceIoControl;
      const r: unknown = this.IoDeviceControl(this.handle, request.handle, d.OutputBufferLength, d.InputBufferLength, d.IoControlCode);
      // A callback that may wait (a generator: PASSIVE_LEVEL code such as a synchronous send) runs on.
      if (r !== undefined) FxRunQueueCallback(this.device, r, "an EvtIo callback");
      return;
    }
    this.dispatchOtherRequestToDriver(request);
  }

  /** `DispatchRequestToDriver` for every type but a device I/O control with EvtIoDeviceControl. */
  private dispatchOtherRequestToDriver(request: FxRequest): void {
    const major = request.MajorFunction;
    const parameters = IoGetCurrentIrpStackLocation(request.Irp!).Parameters;
    const queue = this.handle;
    const handle = request.handle;
    let r: unknown;
    if (major === IRP_MJ_READ && this.IoRead !== null) {
      const length = parameters.Read.Length;
      if (length === 0 && !this.AllowZeroLengthRequests) request.complete(STATUS_SUCCESS);
      else r = this.IoRead(queue, handle, length);
    } else if (major === IRP_MJ_WRITE && this.IoWrite !== null) {
      const length = parameters.Write.Length;
      if (length === 0 && !this.AllowZeroLengthRequests) request.complete(STATUS_SUCCESS);
      else r = this.IoWrite(queue, handle, length);
    } else if (major === IRP_MJ_INTERNAL_DEVICE_CONTROL && this.IoInternalDeviceControl !== null) {
      const d = parameters.DeviceIoControl;
      r = this.IoInternalDeviceControl(queue, handle, d.OutputBufferLength, d.InputBufferLength, d.IoControlCode);
    } else if (this.IoDefault !== null) {
      if ((major === IRP_MJ_READ || major === IRP_MJ_WRITE) && parameters.Read.Length === 0 && !this.AllowZeroLengthRequests) request.complete(STATUS_SUCCESS);
      else r = this.IoDefault(queue, handle);
    } else {
      request.complete(STATUS_INVALID_DEVICE_REQUEST);
    }
    if (r !== undefined) FxRunQueueCallback(this.device, r, "an EvtIo callback");
  }
}

/** The cancel routine of a waiting request's IRP; the request is in DriverContext[3]. */
function FxIoQueueCancelRoutine(_DeviceObject: DEVICE_OBJECT, Irp: IRP): void {
  IoReleaseCancelSpinLock(Irp.CancelIrql);
  const request = Irp.Tail.Overlay.DriverContext[3] as FxRequest;
  Irp.Tail.Overlay.DriverContext[3] = null;
  request.queue!.cancelQueuedRequest(request);
}
