import { currentMachine, DISPATCH_LEVEL, STATUS_INVALID_DEVICE_REQUEST, NT_SUCCESS, Out, type Box, type NTSTATUS } from "@wdfjs/kernel";
import { FxObjectHandleGetPtr, FxRequestStopAcknowledge, FxRequestMarkCancelable, FxRequestUnmarkCancelable, type EVT_WDF_REQUEST_CANCEL, FxVerifierCheckIrqlLevel, FX_TYPE_QUEUE, FX_TYPE_REQUEST, type FxIoQueue, type FxRequest, type FxRequestMemory, type WDF_REQUEST_PARAMETERS, type WDFHANDLE } from "@wdfjs/framework";
import type { WDFQUEUE } from "./queue.js";
import type { WDFMEMORY } from "./memory.js";

export type WDFREQUEST = WDFHANDLE<"WDFREQUEST">;

function RequestOf(Request: WDFREQUEST): FxRequest {
  return FxObjectHandleGetPtr(Request, FX_TYPE_REQUEST) as FxRequest;
}

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
  const request = RequestOf(Request);
  if (!NT_SUCCESS(FxVerifierCheckIrqlLevel("WdfRequestComplete", DISPATCH_LEVEL))) return;
  if (AlreadyCompleted(request, "WdfRequestComplete")) return;
  request.complete(Status);
}

/** `WdfRequestCompleteWithInformation`: sets Information, then completes. */
export function WdfRequestCompleteWithInformation(Request: WDFREQUEST, Status: NTSTATUS, Information: number): void {
  const request = RequestOf(Request);
  if (!NT_SUCCESS(FxVerifierCheckIrqlLevel("WdfRequestCompleteWithInformation", DISPATCH_LEVEL))) return;
  if (AlreadyCompleted(request, "WdfRequestCompleteWithInformation")) return;
  request.information = Information;
  request.complete(Status);
}

/** `WdfRequestSetInformation`: IoStatus.Information of the IRP (bytes transferred). */
export function WdfRequestSetInformation(Request: WDFREQUEST, Information: number): void {
  const request = RequestOf(Request);
  if (!NT_SUCCESS(FxVerifierCheckIrqlLevel("WdfRequestSetInformation", DISPATCH_LEVEL))) return;
  request.information = Information;
}

/** `WdfRequestGetInformation`. */
export function WdfRequestGetInformation(Request: WDFREQUEST): number {
  const request = RequestOf(Request);
  if (!NT_SUCCESS(FxVerifierCheckIrqlLevel("WdfRequestGetInformation", DISPATCH_LEVEL))) return 0;
  return request.information;
}

/** `WdfRequestGetStatus`: for a request the driver owns, the IRP's current status. */
export function WdfRequestGetStatus(Request: WDFREQUEST): NTSTATUS {
  const request = RequestOf(Request);
  const status = FxVerifierCheckIrqlLevel("WdfRequestGetStatus", DISPATCH_LEVEL);
  if (!NT_SUCCESS(status)) return status;
  return request.Irp !== null ? request.Irp.IoStatus.Status : request.status;
}

/** `WdfRequestGetParameters`: the request's type and its read, write or device-control parameters. */
export function WdfRequestGetParameters(Request: WDFREQUEST, Parameters: WDF_REQUEST_PARAMETERS): void {
  const request = RequestOf(Request);
  if (!NT_SUCCESS(FxVerifierCheckIrqlLevel("WdfRequestGetParameters", DISPATCH_LEVEL))) return;
  request.getParameters(Parameters);
}

/**
 * `WdfRequestRetrieveInputBuffer`: the input buffer's system address and length. A read has none
 * (STATUS_INVALID_DEVICE_REQUEST); a zero-length or too short one is STATUS_BUFFER_TOO_SMALL.
 * METHOD_BUFFERED: the same buffer as the output.
 */
export function WdfRequestRetrieveInputBuffer(Request: WDFREQUEST, MinimumRequiredLength: number, Buffer: Box<number>, Length: Box<number> | null): NTSTATUS {
  const request = RequestOf(Request);
  const status = FxVerifierCheckIrqlLevel("WdfRequestRetrieveInputBuffer", DISPATCH_LEVEL);
  if (!NT_SUCCESS(status)) return status;
  if (request.Irp === null) return STATUS_INVALID_DEVICE_REQUEST;
  return request.retrieveBuffer(false, MinimumRequiredLength, Buffer, Length);
}

/** `WdfRequestRetrieveOutputBuffer`: as the input buffer; a write has none. */
export function WdfRequestRetrieveOutputBuffer(Request: WDFREQUEST, MinimumRequiredSize: number, Buffer: Box<number>, Length: Box<number> | null): NTSTATUS {
  const request = RequestOf(Request);
  const status = FxVerifierCheckIrqlLevel("WdfRequestRetrieveOutputBuffer", DISPATCH_LEVEL);
  if (!NT_SUCCESS(status)) return status;
  if (request.Irp === null) return STATUS_INVALID_DEVICE_REQUEST;
  return request.retrieveBuffer(true, MinimumRequiredSize, Buffer, Length);
}

/** `WdfRequestGetIoQueue`: the queue that presented the request. */
export function WdfRequestGetIoQueue(Request: WDFREQUEST): WDFQUEUE | null {
  const queue = RequestOf(Request).queue;
  if (!NT_SUCCESS(FxVerifierCheckIrqlLevel("WdfRequestGetIoQueue", DISPATCH_LEVEL))) return null;
  return queue === null ? null : (queue.handle as WDFQUEUE);
}

/**
 * `WdfRequestForwardToIoQueue` (fxrequestapi.cpp, `VerifyForwardRequest`): a request the driver
 * owns moves to another queue of the same device, which presents it (or, manual, keeps it for
 * WdfIoQueueRetrieveNextRequest). A request the driver does not own (still waiting in a queue)
 * or has marked cancelable,
 * the same queue or another device's queue → STATUS_INVALID_DEVICE_REQUEST (`VerifyForwardRequest`,
 * fxioqueue.cpp); a queue that does not accept → STATUS_INVALID_DEVICE_STATE. On any failure the
 * driver still owns the request.
 */
export function WdfRequestForwardToIoQueue(Request: WDFREQUEST, DestinationQueue: WDFQUEUE): NTSTATUS {
  const request = RequestOf(Request);
  const destination = FxObjectHandleGetPtr(DestinationQueue, FX_TYPE_QUEUE) as FxIoQueue;
  const status = FxVerifierCheckIrqlLevel("WdfRequestForwardToIoQueue", DISPATCH_LEVEL);
  if (!NT_SUCCESS(status)) return status;
  const source = request.queue;
  if (source === null || !request.driverOwned || request.cancelRoutine !== null || source === destination || source.device !== destination.device) {
    return STATUS_INVALID_DEVICE_REQUEST;
  }
  return destination.forwardRequest(request);
}

/**
 * `VerifyRequestCancelable` (checked flavor): the driver must own the request, and mark it only
 * when it is not cancelable, unmark it only when it is; else STATUS_INVALID_DEVICE_REQUEST.
 */
function VerifyRequestCancelable(request: FxRequest, Cancelable: boolean): NTSTATUS {
  if (!currentMachine().checked) return 0;
  if (!request.driverOwned || (request.cancelRoutine !== null) === Cancelable) return STATUS_INVALID_DEVICE_REQUEST;
  return 0;
}

/** `WdfRequestMarkCancelable`: EvtRequestCancel runs if the I/O manager cancels the request (at once if it already has). */
export function WdfRequestMarkCancelable(Request: WDFREQUEST, EvtRequestCancel: EVT_WDF_REQUEST_CANCEL): void {
  const request = RequestOf(Request);
  if (!NT_SUCCESS(FxVerifierCheckIrqlLevel("WdfRequestMarkCancelable", DISPATCH_LEVEL))) return;
  if (!NT_SUCCESS(VerifyRequestCancelable(request, true))) return;
  FxRequestMarkCancelable(request, EvtRequestCancel, false);
}

/** `WdfRequestMarkCancelableEx`: as WdfRequestMarkCancelable, but an already cancelled request is STATUS_CANCELLED (the driver completes it). */
export function WdfRequestMarkCancelableEx(Request: WDFREQUEST, EvtRequestCancel: EVT_WDF_REQUEST_CANCEL): NTSTATUS {
  const request = RequestOf(Request);
  let status = FxVerifierCheckIrqlLevel("WdfRequestMarkCancelableEx", DISPATCH_LEVEL);
  if (!NT_SUCCESS(status)) return status;
  status = VerifyRequestCancelable(request, true);
  if (!NT_SUCCESS(status)) return status;
  return FxRequestMarkCancelable(request, EvtRequestCancel, true);
}

/**
 * `WdfRequestUnmarkCancelable`: STATUS_CANCELLED when the cancel callback has run or is about
 * to: the driver must then not complete the request (the callback does).
 */
export function WdfRequestUnmarkCancelable(Request: WDFREQUEST): NTSTATUS {
  const request = RequestOf(Request);
  let status = FxVerifierCheckIrqlLevel("WdfRequestUnmarkCancelable", DISPATCH_LEVEL);
  if (!NT_SUCCESS(status)) return status;
  status = VerifyRequestCancelable(request, false);
  if (!NT_SUCCESS(status)) return status;
  return FxRequestUnmarkCancelable(request);
}

/** `WdfRequestIsCanceled`: the I/O manager has cancelled the request's IRP. */
export function WdfRequestIsCanceled(Request: WDFREQUEST): boolean {
  const request = RequestOf(Request);
  if (!NT_SUCCESS(FxVerifierCheckIrqlLevel("WdfRequestIsCanceled", DISPATCH_LEVEL))) return false;
  return request.canceled || (request.Irp !== null && request.Irp.Cancel);
}

/**
 * `WdfRequestRetrieveInputMemory`: the input buffer as a WDFMEMORY (a child of the request: its
 * handle goes stale at completion). A write's input is read-only; a read has none.
 */
export function WdfRequestRetrieveInputMemory(Request: WDFREQUEST, Memory: Box<WDFMEMORY | null>): NTSTATUS {
  return RetrieveMemory(Request, false, Memory, "WdfRequestRetrieveInputMemory");
}

/** `WdfRequestRetrieveOutputMemory`: the output buffer as a WDFMEMORY; a write has none. */
export function WdfRequestRetrieveOutputMemory(Request: WDFREQUEST, Memory: Box<WDFMEMORY | null>): NTSTATUS {
  return RetrieveMemory(Request, true, Memory, "WdfRequestRetrieveOutputMemory");
}

function RetrieveMemory(Request: WDFREQUEST, output: boolean, Memory: Box<WDFMEMORY | null>, Routine: string): NTSTATUS {
  const request = RequestOf(Request);
  Memory.value = null;
  let status = FxVerifierCheckIrqlLevel(Routine, DISPATCH_LEVEL);
  if (!NT_SUCCESS(status)) return status;
  if (request.Irp === null) return STATUS_INVALID_DEVICE_REQUEST;
  const memory = Out<FxRequestMemory | null>(null);
  status = request.retrieveMemory(output, memory);
  if (NT_SUCCESS(status)) Memory.value = memory.value!.handle as WDFMEMORY;
  return status;
}

/**
 * `WdfRequestStopAcknowledge`: from EvtIoStop (or later, for a request it was told of), the
 * driver no longer touches the hardware for the request. Requeue TRUE puts it back at the head of
 * its queue, to be presented again after the power-up; FALSE keeps it the driver's, with
 * EvtIoResume on power-up. The checked flavor traces and ignores a call outside that context.
 */
export function WdfRequestStopAcknowledge(Request: WDFREQUEST, Requeue: boolean): void {
  const request = RequestOf(Request);
  if (!NT_SUCCESS(FxVerifierCheckIrqlLevel("WdfRequestStopAcknowledge", DISPATCH_LEVEL))) return;
  FxRequestStopAcknowledge(request, Requeue);
}
