import { KeClearEvent, KeSetEvent, STATUS_CANCELLED, currentMachine } from "@wdfjs/kernel";
import type { FxIoQueue } from "./fx-io-queue.js";
import type { FxRequest } from "./fx-request.js";
import { FxIoStopProcessingForPowerHold, FxIoStopProcessingForPowerPurgeNonManaged, type FxIoStopProcessingForPowerAction } from "./power-actions.js";
import { WdfRequestStopActionPurge, WdfRequestStopActionSuspend, WdfRequestStopRequestCancelable } from "./queue-config.js";

/**
 * `FxIoQueuePowerState` (fxioqueue.hpp), folded: WDF's intermediate states (starting transition,
 * notifying driver, driver notified, restarting) are steps of the functions below, which run to
 * completion on the PnP thread; what the driver sees is the same: only `FxIoQueuePowerOn` presents.
 */
export const FxIoQueuePowerOn = 0;
/** Stopping or purging: EvtIoStop has been (or is being) delivered; acknowledgements are awaited. */
export const FxIoQueuePowerStopping = 1;
export const FxIoQueuePowerOff = 2;
/** Power is coming back: EvtIoResume is being delivered; nothing is presented until it is done. */
export const FxIoQueuePowerRestarting = 3;
export type FxIoQueuePowerState = 0 | 1 | 2 | 3;

/** `WdfRequestStopAcknowledge`'s record on the request (`m_PowerStopState`). */
export const FxRequestPowerStopUnknown = 0;
export const FxRequestPowerStopAcknowledged = 1;
export const FxRequestPowerStopAcknowledgedWithRequeue = 2;

/** `FxIoQueue::StartPowerTransitionOff`: a power-managed queue stops presenting before any queue is asked to stop its requests. */
export function FxIoQueueStartPowerTransitionOff(queue: FxIoQueue): void {
  if (queue.PowerManaged && queue.powerState === FxIoQueuePowerOn) queue.powerState = FxIoQueuePowerStopping;
}

/**
 * `FxIoQueue::StopProcessingForPower` (fxioqueue.cpp ~L5865, with `ProcessPowerEvents`' stop and
 * purge states). Hold: a power-managed queue's driver-owned requests get EvtIoStop with
 * WdfRequestStopActionSuspend. Purge (managed: power-managed queues; non-managed: the others, at
 * removal): the queue is shut down and purged first (waiting requests STATUS_CANCELLED, the
 * driver's cancelable ones EvtRequestCancel), then the rest get EvtIoStop with
 * WdfRequestStopActionPurge. Either way WdfRequestStopRequestCancelable is added for a request
 * marked cancelable; a cancelled request, or a queue without EvtIoStop, is not told, and the stop
 * waits for its completion. Returns true if the caller must wait for `queue.powerIdle`.
 */
export function FxIoQueueStopProcessingForPower(queue: FxIoQueue, Action: FxIoStopProcessingForPowerAction): boolean {
  let flags: number;
  if (Action === FxIoStopProcessingForPowerHold) {
    if (!queue.PowerManaged) return false;
    flags = WdfRequestStopActionSuspend;
  } else {
    if (queue.PowerManaged === (Action === FxIoStopProcessingForPowerPurgeNonManaged)) return false;
    queue.setStateForShutdown();
    queue.purge(null, null);
    flags = WdfRequestStopActionPurge;
  }
  queue.powerState = FxIoQueuePowerStopping;
  KeClearEvent(queue.powerIdle);
  // WDF moves m_DriverOwned to the notify list first, then tells the driver one by one.
  const requests = [...queue.driverOwnedRequests];
  for (const request of requests) queue.powerNotified.add(request);
  const IoStop = queue.IoStop;
  for (const request of requests) {
    if (!queue.powerNotified.has(request) || request.completed) continue;
    request.inEvtIoStopContext = true;
    if (IoStop === null || request.canceled) continue;
    const ActionFlags = request.cancelRoutine !== null ? flags | WdfRequestStopRequestCancelable : flags;
    queue.device.callDriver(() => IoStop(queue.handle, request.handle, ActionFlags));
  }
  FxIoQueueCheckPowerIdle(queue);
  return queue.powerState === FxIoQueuePowerStopping;
}

/** Every notified request completed or acknowledged: the queue is off and the PnP thread goes on (`m_PowerIdle.Set()`). */
export function FxIoQueueCheckPowerIdle(queue: FxIoQueue): void {
  if (queue.powerState !== FxIoQueuePowerStopping || queue.powerNotified.size !== 0) return;
  queue.powerState = FxIoQueuePowerOff;
  KeSetEvent(queue.powerIdle, 0, false);
}

/**
 * `FxRequest::StopAcknowledge` with `FxIoQueue::ProcessAcknowledgedRequests`: the driver no longer
 * works on the request. With Requeue it goes back to the head of its queue and is presented
 * again after the resume (no EvtIoResume for it); during a purge it is cancelled instead
 * (`m_CancelDispatchedRequests`). Without, the driver keeps it and gets EvtIoResume on resume.
 * The checked flavor's `VerifyStopAcknowledge`: only for a request in its EvtIoStop context, and
 * a requeued one must be driver-owned and not cancelable; else the call is traced and ignored.
 */
export function FxRequestStopAcknowledge(request: FxRequest, Requeue: boolean): void {
  const machine = currentMachine();
  const queue = request.queue;
  if (machine.checked) {
    let problem: string | null = null;
    if (!request.inEvtIoStopContext) problem = "This call is valid only in EvtIoStop callback";
    else if (!request.completed && Requeue && !request.driverOwned) problem = "the driver does not own the request";
    else if (!request.completed && Requeue && request.cancelRoutine !== null) problem = "a cancelable request cannot be requeued";
    if (problem !== null) {
      machine.trace?.event("wdf.stop-acknowledge-invalid", null,
        `WdfRequestStopAcknowledge(0x${request.handle.toString(16)}): ${problem} (STATUS_INVALID_DEVICE_REQUEST, FxVerifierDbgBreakPoint)`);
      return;
    }
  }
  request.powerStopState = Requeue ? FxRequestPowerStopAcknowledgedWithRequeue : FxRequestPowerStopAcknowledged;
  if (queue === null || !queue.powerNotified.delete(request)) return;
  request.inEvtIoStopContext = false;
  request.powerStopState = FxRequestPowerStopUnknown;
  if (Requeue && !request.completed) {
    if (queue.shutdown) request.complete(STATUS_CANCELLED);
    else queue.requeueAtHead(request);
  }
  FxIoQueueCheckPowerIdle(queue);
}

/**
 * `FxIoQueue::ResumeProcessingForPower` with the restarting states: every request the driver
 * still owns (acknowledged without requeue) gets EvtIoResume; presentation starts again when the
 * package has resumed every queue (`FxIoQueueStartPowerTransitionOn`).
 */
export function FxIoQueueResumeProcessingForPower(queue: FxIoQueue): void {
  if (!queue.PowerManaged || queue.powerState === FxIoQueuePowerOn) return;
  queue.powerState = FxIoQueuePowerRestarting;
  queue.powerNotified.clear();
  const IoResume = queue.IoResume;
  for (const request of [...queue.driverOwnedRequests]) {
    request.inEvtIoStopContext = false;
    if (IoResume !== null && !request.canceled && !request.completed) queue.device.callDriver(() => IoResume(queue.handle, request.handle));
  }
  queue.powerState = FxIoQueuePowerOn;
}

/** `FxIoQueue::StartPowerTransitionOn`: present what waited while the device was out of D0. */
export function FxIoQueueStartPowerTransitionOn(queue: FxIoQueue): void {
  if (queue.PowerManaged) queue.dispatchEvents();
}
