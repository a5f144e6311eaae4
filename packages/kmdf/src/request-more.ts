import { IoGetRequestorProcessId, STATUS_INVALID_DEVICE_REQUEST, type NTSTATUS } from "@wdfjs/kernel";
import {
  FxObjectHandleGetPtr, FxRequestCreateTimer, FxRequestForwardToParent, FxRequestRequeue, FxRequestValidateTarget, FX_TYPE_IO_TARGET, FX_TYPE_QUEUE, FX_TYPE_REQUEST,
  type FxIoQueue, type FxIoTarget, type FxRequest, type PWDF_REQUEST_FORWARD_OPTIONS, type WDFIOTARGET, type WDFQUEUE, type WDFREQUEST,
} from "@wdfjs/framework";
import { Enter } from "./ddi.js";

const RequestAt = (Request: WDFREQUEST, Routine: string) => Enter<FxRequest>(Request, FX_TYPE_REQUEST, Routine);

/** `WdfRequestRequeue`: the core's `FxRequestRequeue` (back to the head of its manual queue; else STATUS_INVALID_DEVICE_REQUEST). */
export function WdfRequestRequeue(Request: WDFREQUEST): NTSTATUS {
  const request = RequestAt(Request, "WdfRequestRequeue");
  return request === null ? STATUS_INVALID_DEVICE_REQUEST : FxRequestRequeue(request);
}

/**
 * `WdfRequestChangeTarget` (`FxRequestBase::ValidateTarget`): whether the request can be sent to
 * the target: its IRP has a location for each of the target's devices (else
 * STATUS_REQUEST_NOT_ACCEPTED); a target with no device is STATUS_INVALID_DEVICE_STATE.
 */
export function WdfRequestChangeTarget(Request: WDFREQUEST, IoTarget: WDFIOTARGET): NTSTATUS {
  const request = FxObjectHandleGetPtr(Request, FX_TYPE_REQUEST) as FxRequest;
  const target = Enter<FxIoTarget>(IoTarget, FX_TYPE_IO_TARGET, "WdfRequestChangeTarget");
  return target === null ? STATUS_INVALID_DEVICE_REQUEST : FxRequestValidateTarget(request, target);
}

/** `WdfRequestAllocateTimer` (`FxRequestBase::CreateTimer`): the timeout timer made now, so a later send with a timeout cannot fail for it. */
export function WdfRequestAllocateTimer(Request: WDFREQUEST): NTSTATUS {
  const request = RequestAt(Request, "WdfRequestAllocateTimer");
  return request === null ? STATUS_INVALID_DEVICE_REQUEST : FxRequestCreateTimer(request);
}

/** `WdfRequestGetRequestorProcessId` (`IoGetRequestorProcessId`): the process that sent the request's IRP; 0 for a kernel IRP. */
export function WdfRequestGetRequestorProcessId(Request: WDFREQUEST): number {
  const irp = RequestAt(Request, "WdfRequestGetRequestorProcessId")?.Irp ?? null;
  return irp === null ? 0 : IoGetRequestorProcessId(irp);
}

/** `WdfRequestIsReserved`: a forward-progress reserved request; wdfjs preallocates none (see WdfIoQueueAssignForwardProgressPolicy), so FALSE. */
export function WdfRequestIsReserved(Request: WDFREQUEST): boolean {
  RequestAt(Request, "WdfRequestIsReserved");
  return false;
}

/** `WdfRequestForwardToParentDeviceIoQueue`: the core's `FxRequestForwardToParent` (a PDO's request to its parent FDO's queue). */
export function WdfRequestForwardToParentDeviceIoQueue(Request: WDFREQUEST, ParentDeviceQueue: WDFQUEUE, ForwardOptions: PWDF_REQUEST_FORWARD_OPTIONS): NTSTATUS {
  const queue = FxObjectHandleGetPtr(ParentDeviceQueue, FX_TYPE_QUEUE) as FxIoQueue;
  const request = RequestAt(Request, "WdfRequestForwardToParentDeviceIoQueue");
  return request === null ? STATUS_INVALID_DEVICE_REQUEST : FxRequestForwardToParent(request, queue, ForwardOptions);
}
