import { NT_SUCCESS, STATUS_INVALID_DEVICE_REQUEST, type Box, type KWAIT_GENERATOR, type NTSTATUS } from "@wdfjs/kernel";
import {
  FxIoQueueAssignForwardProgressPolicy, FxIoQueueWaitFor, FxObjectHandleGetPtr, FX_TYPE_FILEOBJECT, FX_TYPE_QUEUE, FX_TYPE_REQUEST, STATUS_INVALID_PARAMETER_4, WDF_REQUEST_PARAMETERS_SIZE,
  type EVT_WDF_IO_QUEUE_STATE, type FxFileObject, type FxIoQueue, type FxRequest, type PWDF_IO_QUEUE_FORWARD_PROGRESS_POLICY, type PWDF_REQUEST_PARAMETERS,
  type WDFFILEOBJECT, type WDFQUEUE, type WDFREQUEST,
} from "@wdfjs/framework";
import { Created, Enter } from "./ddi.js";
import { WdfCheckIrql } from "./irql.js";

const QueueAt = (Queue: WDFQUEUE, Routine: string) => Enter<FxIoQueue>(Queue, FX_TYPE_QUEUE, Routine);
const WdmFileObject = (FileObject: WDFFILEOBJECT) => (FxObjectHandleGetPtr(FileObject, FX_TYPE_FILEOBJECT) as FxFileObject).FileObject;

/**
 * `WdfIoQueueFindRequest` (fxioqueueapi.cpp, `FxIrpQueue::PeekRequest`): a manual queue's first
 * waiting request after TagRequest, of FileObject if given, left in the queue and referenced (the
 * driver calls WdfObjectDereference). A short WDF_REQUEST_PARAMETERS is STATUS_INVALID_PARAMETER_4;
 * a lost tag STATUS_NOT_FOUND; none STATUS_NO_MORE_ENTRIES; another dispatch type STATUS_INVALID_DEVICE_REQUEST.
 */
export function WdfIoQueueFindRequest(Queue: WDFQUEUE, TagRequest: WDFREQUEST | null, FileObject: WDFFILEOBJECT | null, Parameters: PWDF_REQUEST_PARAMETERS | null, OutRequest: Box<WDFREQUEST | null>): NTSTATUS {
  const queue = FxObjectHandleGetPtr(Queue, FX_TYPE_QUEUE) as FxIoQueue;
  OutRequest.value = null;
  const tag = TagRequest !== null ? FxObjectHandleGetPtr(TagRequest, FX_TYPE_REQUEST) as FxRequest : null;
  const fileObject = FileObject !== null ? WdmFileObject(FileObject) : null;
  const status = WdfCheckIrql("WdfIoQueueFindRequest");
  if (!NT_SUCCESS(status)) return status;
  if (Parameters !== null && Parameters.Size < WDF_REQUEST_PARAMETERS_SIZE) return STATUS_INVALID_PARAMETER_4;
  const found = queue.peekRequest(tag, fileObject);
  if (typeof found !== "number" && Parameters !== null) found.getParameters(Parameters);
  return Created(found, OutRequest);
}

/** `WdfIoQueueRetrieveFoundRequest`: the request WdfIoQueueFindRequest found, now the driver's; STATUS_NOT_FOUND once it left the queue. */
export function WdfIoQueueRetrieveFoundRequest(Queue: WDFQUEUE, TagRequest: WDFREQUEST, OutRequest: Box<WDFREQUEST | null>): NTSTATUS {
  const queue = FxObjectHandleGetPtr(Queue, FX_TYPE_QUEUE) as FxIoQueue;
  OutRequest.value = null;
  const tag = FxObjectHandleGetPtr(TagRequest, FX_TYPE_REQUEST) as FxRequest;
  const status = WdfCheckIrql("WdfIoQueueRetrieveFoundRequest");
  return NT_SUCCESS(status) ? Created(queue.retrieveRequest(null, tag), OutRequest) : status;
}

/** `WdfIoQueueRetrieveRequestByFileObject`: the oldest waiting request of the file, now the driver's (else as WdfIoQueueRetrieveNextRequest). */
export function WdfIoQueueRetrieveRequestByFileObject(Queue: WDFQUEUE, FileObject: WDFFILEOBJECT, OutRequest: Box<WDFREQUEST | null>): NTSTATUS {
  const queue = FxObjectHandleGetPtr(Queue, FX_TYPE_QUEUE) as FxIoQueue;
  OutRequest.value = null;
  const fileObject = WdmFileObject(FileObject);
  const status = WdfCheckIrql("WdfIoQueueRetrieveRequestByFileObject");
  return NT_SUCCESS(status) ? Created(queue.retrieveRequest(fileObject, null), OutRequest) : status;
}

/**
 * `WdfIoQueueReadyNotify` (`FxIoQueue::ReadyNotify`): QueueReady runs each time a manual queue
 * goes from empty to holding a request; NULL cancels it (only while the queue is stopped). Not a
 * manual queue, a second registration, or a cancel with none: STATUS_INVALID_DEVICE_REQUEST.
 */
export function WdfIoQueueReadyNotify(Queue: WDFQUEUE, QueueReady: EVT_WDF_IO_QUEUE_STATE | null, Context: unknown): NTSTATUS {
  return QueueAt(Queue, "WdfIoQueueReadyNotify")?.setReadyNotify(QueueReady, Context) ?? STATUS_INVALID_DEVICE_REQUEST;
}

/** `WdfIoQueueStopAndPurge`: new requests wait, waiting ones are cancelled, the driver's cancelable ones get EvtRequestCancel; the callback once the driver owns none. */
export function WdfIoQueueStopAndPurge(Queue: WDFQUEUE, StopAndPurgeComplete: EVT_WDF_IO_QUEUE_STATE | null, Context: unknown): void {
  QueueAt(Queue, "WdfIoQueueStopAndPurge")?.stopAndPurge(StopAndPurgeComplete, Context);
}

/** `WdfIoQueueStopAndPurgeSynchronously` (PASSIVE_LEVEL, `yield*`): WdfIoQueueStopAndPurge, then waits until the driver owns no request of the queue. */
export function* WdfIoQueueStopAndPurgeSynchronously(Queue: WDFQUEUE): KWAIT_GENERATOR<void> {
  const queue = QueueAt(Queue, "WdfIoQueueStopAndPurgeSynchronously");
  if (queue !== null) yield* FxIoQueueWaitFor(queue, "stopAndPurge");
}

/** `WdfIoQueueAssignForwardProgressPolicy` (PASSIVE_LEVEL): the core's `FxIoQueueAssignForwardProgressPolicy`. */
export function WdfIoQueueAssignForwardProgressPolicy(Queue: WDFQUEUE, ForwardProgressPolicy: PWDF_IO_QUEUE_FORWARD_PROGRESS_POLICY): NTSTATUS {
  const queue = QueueAt(Queue, "WdfIoQueueAssignForwardProgressPolicy");
  return queue === null ? STATUS_INVALID_DEVICE_REQUEST : FxIoQueueAssignForwardProgressPolicy(queue, ForwardProgressPolicy);
}
