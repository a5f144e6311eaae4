import {
  IoCompleteRequest, IoGetCurrentIrpStackLocation, IoMarkIrpPending as IoMarkIrpPendingImported, IO_NO_INCREMENT, IRP_MJ_CLEANUP, IRP_MJ_CLOSE, IRP_MJ_CREATE, IRP_MJ_MAXIMUM_FUNCTION,
  IRP_MJ_PNP, IRP_MJ_POWER, IRP_MJ_SHUTDOWN, STATUS_INVALID_DEVICE_REQUEST, STATUS_PENDING,
  STATUS_SUCCESS, type IRP, type KWAIT_GENERATOR, type NTSTATUS,
} from "@wdfjs/kernel";
import { STATUS_WDF_BUSY } from "../wdfstatus.js";
import type { WDF_REQUEST_TYPE } from "./queue-config.js";
import type { FxIoQueue } from "./fx-io-queue.js";
import type { FxDevice } from "../device/fx-device.js";
import { currentMachine } from "@wdfjs/kernel";

/** `EVT_WDF_IO_IN_CALLER_CONTEXT` (wdfdevice.h): a request in the requesting thread's context, before any queue. */
export type EVT_WDF_IO_IN_CALLER_CONTEXT = (Device: any, Request: any) => void;
import { FxRequest } from "./fx-request.js";
import { Executive, KeWaitForSingleObject, KernelMode } from "@wdfjs/kernel";
import { FxIoStopProcessingForPowerHold, type FxIoStopProcessingForPowerAction } from "./power-actions.js";
import {
  FxIoQueueResumeProcessingForPower, FxIoQueueStartPowerTransitionOff, FxIoQueueStartPowerTransitionOn, FxIoQueueStopProcessingForPower,
} from "./fx-io-queue-power.js";
import type { WDF_OBJECT_ATTRIBUTES } from "../object/attributes.js";

// The routines of other modules that this module's I/O path calls, as module constants: V8 reads an imported
// function through a cell, with a check, at every call (even inlined); a module's own constant
// is folded into the code.
const IoMarkIrpPending = IoMarkIrpPendingImported;

/**
 * `FxPkgIo::Dispatch` for an IRP whose queue `canPresentAtOnce`: a request for it, presented now;
 * the dispatch returns what `dispatchToQueue` would.
 */
export function FxPkgIoPresentAtOnce(Irp: IRP, queue: FxIoQueue): NTSTATUS {
  // Nothing between the caller's check and the claim in presentAtOnce can switch threads (making a
  // request calls no kernel routine that schedules), so a sequential queue still presents one at a time.
  const request = FxRequest.forIrp(Irp, queue.table);
  queue.presentAtOnce(request);
  if (request.completed && !request.irpMarkedPending) return request.status;
  if (!request.irpMarkedPending) IoMarkIrpPending(Irp);
  return PENDING;
}

/** A module constant for the I/O path (an imported name is read through a cell on every use; see fx-io-queue.ts). */
const PENDING = STATUS_PENDING;

/**
 * `FxPkgIo` (fxpkgio.cpp): a device's I/O package. Every IRP that no other package claims
 * (not create, cleanup, close, PnP or power) becomes a request on the queue configured for its
 * type (WdfDeviceConfigureRequestDispatching), else on the default queue. Without a
 * default queue the package fails the IRP with STATUS_INVALID_DEVICE_REQUEST. A request the
 * driver does not complete inside the dispatch leaves the IRP pending (IoMarkIrpPending,
 * STATUS_PENDING), to be completed by WdfRequestComplete later.
 */
export class FxPkgIo {
  private defaultQueueValue: FxIoQueue | null = null;
  /** `m_DefaultQueue`. */
  get defaultQueue(): FxIoQueue | null {
    return this.defaultQueueValue;
  }
  set defaultQueue(queue: FxIoQueue | null) {
    this.defaultQueueValue = queue;
    this.routes = null;
  }
  /** `m_DispatchTable`: by IRP major function, the queue WdfDeviceConfigureRequestDispatching chose; else the default queue. */
  readonly dispatchTable: (FxIoQueue | null)[] = new Array<FxIoQueue | null>(IRP_MJ_MAXIMUM_FUNCTION + 1).fill(null);
  /** The device the package belongs to (set by FxDevice's constructor). */
  device: FxDevice | null = null;
  /** `m_InCallerContextCallback`: WdfDeviceInitSetIoInCallerContextCallback's EvtIoInCallerContext. */
  inCallerContextCallback: EVT_WDF_IO_IN_CALLER_CONTEXT | null = null;
  /** `m_IoQueueListHead`: every queue of the device, in creation order. */
  readonly queues = new Set<FxIoQueue>();
  /** `m_PowerStateOn`: the device is in D0 (or was never stopped), so new power-managed queues start on. */
  powerStateOn = true;
  /** `m_QueuesAreShuttingDown`: after a purge for removal, new queues accept nothing. */
  queuesAreShuttingDown = false;
  /** `WdfDeviceInitSetRequestAttributes`: the context (and callbacks) every request of the device gets (`m_RequestAttributes`). */
  requestAttributes: WDF_OBJECT_ATTRIBUTES | null = null;

  /**
   * `FxPkgIo::ConfigureForwarding` (fxpkgio.cpp): the queue must be able to present the type (a
   * manual queue always can), must not be the default queue, and the type must not already go
   * to another queue (STATUS_WDF_BUSY). A WDF_REQUEST_TYPE is its IRP major function.
   */
  configureForwarding(queue: FxIoQueue, RequestType: WDF_REQUEST_TYPE): NTSTATUS {
    if (!queue.isIoEventHandlerRegistered(RequestType)) return STATUS_INVALID_DEVICE_REQUEST;
    if (queue === this.defaultQueue) return STATUS_INVALID_DEVICE_REQUEST;
    if (this.dispatchTable[RequestType] !== null) return STATUS_WDF_BUSY;
    this.dispatchTable[RequestType] = queue;
    this.routes = null;
    return STATUS_SUCCESS;
  }

  /**
   * By IRP major function, the queue an IRP goes to with nothing else to decide on the way (no
   * preprocess or dynamic dispatch callback, no EvtIoInCallerContext, not a type another package
   * handles, not what a filter passes down): what `FxDevice::Dispatch` and `FxPkgIo::Dispatch`
   * would choose, looked up once. Null entries take the full dispatch. Made on first use, dropped
   * when the device's dispatching changes (`invalidateRoutes`).
   */
  private routes: (FxIoQueue | null)[] | null = null;

  /** The device's dispatching changed (a default queue, a forwarding, a dynamic dispatch callback): routes are made again. */
  invalidateRoutes(): void {
    this.routes = null;
  }

  /** The queue an IRP of this major function goes straight to, or null. */
  route(MajorFunction: number): FxIoQueue | null {
    return (this.routes ?? this.makeRoutes())[MajorFunction]!;
  }

  private makeRoutes(): (FxIoQueue | null)[] {
    const routes = new Array<FxIoQueue | null>(IRP_MJ_MAXIMUM_FUNCTION + 1).fill(null);
    const device = this.device!;
    if (device.Init.PreprocessInfo === null && device.dynamicDispatch === null && this.inCallerContextCallback === null) {
      for (let major = 0; major <= IRP_MJ_MAXIMUM_FUNCTION; major++) {
        if (major === IRP_MJ_CREATE || major === IRP_MJ_CLEANUP || major === IRP_MJ_CLOSE || major === IRP_MJ_SHUTDOWN || major === IRP_MJ_PNP || major === IRP_MJ_POWER) continue;
        const queue = this.dispatchTable[major] ?? this.defaultQueue;
        if (queue === null || (device.Filter && queue === this.defaultQueue && !queue.isIoEventHandlerRegistered(major))) continue;
        routes[major] = queue;
      }
    }
    return (this.routes = routes);
  }

  dispatch(Irp: IRP): NTSTATUS {
    const queue = this.dispatchTable[IoGetCurrentIrpStackLocation(Irp).MajorFunction] ?? this.defaultQueue;
    const inCallerContext = this.inCallerContextCallback;
    if (inCallerContext !== null) return this.dispatchToInCallerContextCallback(inCallerContext, FxRequest.forIrp(Irp), queue);
    if (queue === null) {
      Irp.IoStatus.Status = STATUS_INVALID_DEVICE_REQUEST;
      Irp.IoStatus.Information = 0;
      IoCompleteRequest(Irp, IO_NO_INCREMENT);
      return STATUS_INVALID_DEVICE_REQUEST;
    }
    return this.dispatchToQueue(Irp, queue);
  }

  /** `FxPkgIo::Dispatch` once the queue is known: a request for the IRP joins it. */
  dispatchToQueue(Irp: IRP, queue: FxIoQueue): NTSTATUS {
    const request = FxRequest.forIrp(Irp, queue.table);
    if (this.requestAttributes !== null) this.addRequestContext(request, this.requestAttributes);
    queue.queueRequest(request);
    // A request sent to a target had its location marked pending before the IRP went down (the
    // IRP's current location is no longer this device's): the dispatch returns STATUS_PENDING.
    if (request.completed && !request.irpMarkedPending) return request.status;
    // Windows: a dispatch routine that returns STATUS_PENDING must have marked the IRP pending.
    if (!request.irpMarkedPending) IoMarkIrpPending(Irp);
    return STATUS_PENDING;
  }

  /** WdfDeviceInitSetRequestAttributes: every request gets the context and callbacks. */
  private addRequestContext(request: FxRequest, a: WDF_OBJECT_ATTRIBUTES): void {
    request.addContext({ TypeInfo: a.ContextTypeInfo, Context: a.ContextTypeInfo === null ? null : new a.ContextTypeInfo.Type(), EvtCleanupCallback: a.EvtCleanupCallback, EvtDestroyCallback: a.EvtDestroyCallback });
  }

  /**
   * `FxPkgIo::StopProcessingForPower` (fxpkgio.cpp ~L1150), on the PnP/power thread at
   * PASSIVE_LEVEL. Hold (leaving D0): every power-managed queue first stops presenting, then each
   * tells the driver of its in-flight requests (EvtIoStop) and the thread waits until each is
   * completed or acknowledged. PurgeManaged / PurgeNonManaged (removal): the power-managed, or the
   * other, queues are shut down and purged, and the thread waits likewise.
   */
  *stopProcessingForPower(Action: FxIoStopProcessingForPowerAction): KWAIT_GENERATOR<void> {
    this.powerStateOn = false;
    if (Action !== FxIoStopProcessingForPowerHold) this.queuesAreShuttingDown = true;
    const queues = [...this.queues];
    if (Action === FxIoStopProcessingForPowerHold) for (const queue of queues) FxIoQueueStartPowerTransitionOff(queue);
    for (const queue of queues) {
      if (FxIoQueueStopProcessingForPower(queue, Action)) yield* KeWaitForSingleObject(queue.powerIdle, Executive, KernelMode, false, null);
    }
  }

  /**
   * `FxPkgIo::ResumeProcessingForPower` (back in D0): each power-managed queue tells the driver of
   * the requests it kept (EvtIoResume); only when all are on does any present again, so a queue
   * never forwards to one still off.
   */
  resumeProcessingForPower(): void {
    this.powerStateOn = true;
    this.queuesAreShuttingDown = false;
    const queues = [...this.queues];
    for (const queue of queues) FxIoQueueResumeProcessingForPower(queue);
    for (const queue of queues) FxIoQueueStartPowerTransitionOn(queue);
  }

  /**
   * `FxPkgIo::DispatchToInCallerContextCallback`: the IRP is marked pending and STATUS_PENDING
   * returned whatever the driver does; EvtIoInCallerContext runs in the requesting thread, at the
   * IRQL of the dispatch (PASSIVE_LEVEL for a user's request), with the request the driver's. It
   * completes it or hands it back with WdfDeviceEnqueueRequest, to the queue chosen here.
   */
  private dispatchToInCallerContextCallback(callback: EVT_WDF_IO_IN_CALLER_CONTEXT, request: FxRequest, queue: FxIoQueue | null): NTSTATUS {
    IoMarkIrpPending(request.Irp!);
    request.inCallerContext = true;
    request.driverOwned = true;
    request.callerContextQueue = queue;
    const device = this.device!;
    device.callDriver(() => callback(device.handle, request.handle));
    return STATUS_PENDING;
  }

  /**
   * `FxPkgIo::EnqueueRequest` (WdfDeviceEnqueueRequest): the request goes to the queue its type
   * is dispatched to, as if it had just arrived. With the verifier on, only a request in
   * EvtIoInCallerContext (else STATUS_INVALID_DEVICE_REQUEST). No queue for the type:
   * STATUS_INVALID_DEVICE_REQUEST, and the driver keeps the request; a queue that does not accept:
   * STATUS_WDF_BUSY, likewise.
   */
  enqueueRequest(request: FxRequest): NTSTATUS {
    const machine = currentMachine();
    if (machine.checked && !request.inCallerContext) {
      machine.trace?.event("wdf.not-in-caller-context", null,
        `WdfDeviceEnqueueRequest(0x${request.handle.toString(16)}): the request is not in EvtIoInCallerContext (STATUS_INVALID_DEVICE_REQUEST)`);
      return STATUS_INVALID_DEVICE_REQUEST;
    }
    const queue = request.callerContextQueue ?? this.dispatchTable[request.MajorFunction] ?? this.defaultQueue;
    if (queue === null) return STATUS_INVALID_DEVICE_REQUEST;
    // Out of the caller's context before the queue may present it (`VerifyEnqueueRequestUpdateFlags`); back if refused.
    request.inCallerContext = false;
    const status = queue.queueRequestFromEnqueue(request);
    if (status === STATUS_SUCCESS) request.callerContextQueue = null;
    else request.inCallerContext = true;
    return status;
  }
}
