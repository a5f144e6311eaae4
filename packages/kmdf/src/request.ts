import { currentMachine, NT_SUCCESS, Out, STATUS_INVALID_DEVICE_REQUEST, type Box, type NTSTATUS } from "@wdfjs/kernel";
import {
  FxObjectHandleGetPtr, FxRequestMarkCancelable, FxRequestStopAcknowledge, FxRequestUnmarkCancelable, FX_TYPE_QUEUE, FX_TYPE_REQUEST, type EVT_WDF_REQUEST_CANCEL,
  type FxIoQueue, type FxRequest, type FxRequestMemory, type WDF_REQUEST_PARAMETERS, type WDFMEMORY, type WDFQUEUE, type WDFREQUEST,
} from "@wdfjs/framework";
import { Created, Enter as EnterImported } from "./ddi.js";
import { WdfCheckIrql } from "./irql.js";

// The routines of other modules that this module's I/O path calls, as module constants: V8 reads an imported
// function through a cell, with a check, at every call (even inlined); a module's own constant
// is folded into the code.
const Enter = EnterImported;

// Also exported here, where it was defined before the core took it (wdftypes.h).
export type { WDFREQUEST } from "@wdfjs/framework";

/** A module constant for the completion DDIs (an imported name is read through a checked cell on every use). */
const TYPE_REQUEST = FX_TYPE_REQUEST;
const RequestAt = (Request: WDFREQUEST, Routine: string) => Enter<FxRequest>(Request, TYPE_REQUEST, Routine);

/**
 * A request already completed, reached through a stale handle in the free flavor (the checked
 * flavor stops at the handle): `VerifyCompleteInternal` traces it and nothing happens.
 */
function AlreadyCompleted(request: FxRequest, Routine: string): boolean {
  if (!request.completed) return false;
  request.table.machine.trace?.event("wdf.request-completed", null, `${Routine}(0x${request.handle.toString(16)}): the request was already completed`);
  return true;
}

/** `WdfRequestComplete`: completes the IRP with the status and the Information set so far; the handle is then stale. */
export function WdfRequestComplete(Request: WDFREQUEST, Status: NTSTATUS): void {
  const request = RequestAt(Request, "WdfRequestComplete");
  if (request !== null && !AlreadyCompleted(request, "WdfRequestComplete")) request.complete(Status);
}

/** `WdfRequestCompleteWithInformation`: sets Information, then completes. */
export function WdfRequestCompleteWithInformation(Request: WDFREQUEST, Status: NTSTATUS, Information: number): void {
  const request = RequestAt(Request, "WdfRequestCompleteWithInformation");
  if (request === null || AlreadyCompleted(request, "WdfRequestCompleteWithInformation")) return;
  request.information = Information;
  request.complete(Status);
}

/** `WdfRequestSetInformation`: IoStatus.Information of the IRP (bytes transferred). */
export function WdfRequestSetInformation(Request: WDFREQUEST, Information: number): void {
  const request = RequestAt(Request, "WdfRequestSetInformation");
  if (request !== null) request.information = Information;
}

/** `WdfRequestGetInformation`. */
export function WdfRequestGetInformation(Request: WDFREQUEST): number {
  return RequestAt(Request, "WdfRequestGetInformation")?.information ?? 0;
}

/** `WdfRequestGetStatus`: for a request the driver owns, the IRP's current status. */
export function WdfRequestGetStatus(Request: WDFREQUEST): NTSTATUS {
  const request = RequestAt(Request, "WdfRequestGetStatus");
  if (request === null) return STATUS_INVALID_DEVICE_REQUEST;
  return request.Irp !== null ? request.Irp.IoStatus.Status : request.status;
}

/** `WdfRequestGetParameters`: the request's type and its read, write or device-control parameters. */
export function WdfRequestGetParameters(Request: WDFREQUEST, Parameters: WDF_REQUEST_PARAMETERS): void {
  RequestAt(Request, "WdfRequestGetParameters")?.getParameters(Parameters);
}

/** `WdfRequestRetrieveInputBuffer`: the core's `retrieveBuffer` (a read has none; too short: STATUS_BUFFER_TOO_SMALL). */
export function WdfRequestRetrieveInputBuffer(Request: WDFREQUEST, MinimumRequiredLength: number, Buffer: Box<number>, Length: Box<number> | null): NTSTATUS {
  const request = RequestAt(Request, "WdfRequestRetrieveInputBuffer");
  if (request === null || request.Irp === null) return STATUS_INVALID_DEVICE_REQUEST;
  return request.retrieveBuffer(false, MinimumRequiredLength, Buffer, Length);
}

/** `WdfRequestRetrieveOutputBuffer`: as the input buffer; a write has none. */
export function WdfRequestRetrieveOutputBuffer(Request: WDFREQUEST, MinimumRequiredSize: number, Buffer: Box<number>, Length: Box<number> | null): NTSTATUS {
  const request = RequestAt(Request, "WdfRequestRetrieveOutputBuffer");
  if (request === null || request.Irp === null) return STATUS_INVALID_DEVICE_REQUEST;
  return request.retrieveBuffer(true, MinimumRequiredSize, Buffer, Length);
}

/** `WdfRequestGetIoQueue`: the queue that presented the request. */
export function WdfRequestGetIoQueue(Request: WDFREQUEST): WDFQUEUE | null {
  return (RequestAt(Request, "WdfRequestGetIoQueue")?.queue?.handle ?? null) as WDFQUEUE | null;
}

/**
 * `WdfRequestForwardToIoQueue` (`VerifyForwardRequest`): a driver-owned request, not cancelable,
 * to another queue of its device (else STATUS_INVALID_DEVICE_REQUEST); the core's `forwardRequest`.
 */
export function WdfRequestForwardToIoQueue(Request: WDFREQUEST, DestinationQueue: WDFQUEUE): NTSTATUS {
  const request = FxObjectHandleGetPtr(Request, FX_TYPE_REQUEST) as FxRequest;
  const destination = Enter<FxIoQueue>(DestinationQueue, FX_TYPE_QUEUE, "WdfRequestForwardToIoQueue");
  const source = request.queue;
  if (destination === null || source === null || !request.driverOwned || request.cancelRoutine !== null || source === destination || source.device !== destination.device) {
    return STATUS_INVALID_DEVICE_REQUEST;
  }
  return destination.forwardRequest(request);
}

/** `VerifyRequestCancelable` (checked flavor): the driver owns the request, marks it only when not cancelable, unmarks it only when it is. */
function CancelableAt(Request: WDFREQUEST, Routine: string, Cancelable: boolean): FxRequest | null {
  const request = RequestAt(Request, Routine);
  if (request === null || !currentMachine().checked) return request;
  return !request.driverOwned || (request.cancelRoutine !== null) === Cancelable ? null : request;
}

/** `WdfRequestMarkCancelable`: EvtRequestCancel runs if the I/O manager cancels the request (at once if it already has). */
export function WdfRequestMarkCancelable(Request: WDFREQUEST, EvtRequestCancel: EVT_WDF_REQUEST_CANCEL): void {
  const request = CancelableAt(Request, "WdfRequestMarkCancelable", true);
  if (request !== null) FxRequestMarkCancelable(request, EvtRequestCancel, false);
}

/** `WdfRequestMarkCancelableEx`: an already cancelled request is STATUS_CANCELLED (the driver completes it). */
export function WdfRequestMarkCancelableEx(Request: WDFREQUEST, EvtRequestCancel: EVT_WDF_REQUEST_CANCEL): NTSTATUS {
  const request = CancelableAt(Request, "WdfRequestMarkCancelableEx", true);
  return request === null ? STATUS_INVALID_DEVICE_REQUEST : FxRequestMarkCancelable(request, EvtRequestCancel, true);
}

/** `WdfRequestUnmarkCancelable`: STATUS_CANCELLED once the cancel callback has run or is about to (the driver must not complete then). */
export function WdfRequestUnmarkCancelable(Request: WDFREQUEST): NTSTATUS {
  const request = CancelableAt(Request, "WdfRequestUnmarkCancelable", false);
  return request === null ? STATUS_INVALID_DEVICE_REQUEST : FxRequestUnmarkCancelable(request);
}

/** `WdfRequestIsCanceled`: the I/O manager has cancelled the request's IRP. */
export function WdfRequestIsCanceled(Request: WDFREQUEST): boolean {
  const request = RequestAt(Request, "WdfRequestIsCanceled");
  return request !== null && (request.canceled || (request.Irp !== null && request.Irp.Cancel));
}

/** `WdfRequestRetrieveInputMemory`: the input buffer as a WDFMEMORY, a child of the request (a read has none; a write's is read-only). */
export function WdfRequestRetrieveInputMemory(Request: WDFREQUEST, Memory: Box<WDFMEMORY | null>): NTSTATUS {
  return RetrieveMemory(Request, false, Memory, "WdfRequestRetrieveInputMemory");
}

/** `WdfRequestRetrieveOutputMemory`: the output buffer as a WDFMEMORY; a write has none. */
export function WdfRequestRetrieveOutputMemory(Request: WDFREQUEST, Memory: Box<WDFMEMORY | null>): NTSTATUS {
  return RetrieveMemory(Request, true, Memory, "WdfRequestRetrieveOutputMemory");
}

function RetrieveMemory(Request: WDFREQUEST, output: boolean, Memory: Box<WDFMEMORY | null>, Routine: string): NTSTATUS {
  const request = FxObjectHandleGetPtr(Request, FX_TYPE_REQUEST) as FxRequest;
  Memory.value = null;
  if (!NT_SUCCESS(WdfCheckIrql(Routine)) || request.Irp === null) return STATUS_INVALID_DEVICE_REQUEST;
  const memory = Out<FxRequestMemory | null>(null);
  const status = request.retrieveMemory(output, memory);
  return NT_SUCCESS(status) ? Created(memory.value!, Memory) : status;
}

/**
 * `WdfRequestStopAcknowledge`: from EvtIoStop, the driver no longer touches the hardware for the
 * request; the core's `FxRequestStopAcknowledge` (Requeue TRUE: back at the head of its queue).
 */
export function WdfRequestStopAcknowledge(Request: WDFREQUEST, Requeue: boolean): void {
  const request = RequestAt(Request, "WdfRequestStopAcknowledge");
  if (request !== null) FxRequestStopAcknowledge(request, Requeue);
}
