import { IoCallDriver, IoSkipCurrentIrpStackLocation, STATUS_INVALID_DEVICE_REQUEST, STATUS_INVALID_DEVICE_STATE, STATUS_INVALID_PARAMETER, type KWAIT, type KWAIT_BLOCK, type NTSTATUS } from "@wdfjs/kernel";
import type { FxRequest } from "../io/fx-request.js";
import { FxRequestSendStateOf } from "./fx-request-send.js";
import { SubmitFailed, SubmitSend, type FxIoTarget } from "./fx-io-target.js";
import { WDF_REQUEST_SEND_OPTION_SEND_AND_FORGET, WDF_REQUEST_SEND_OPTIONS_SIZE, type PWDF_REQUEST_SEND_OPTIONS } from "./io-target-types.js";

/** A wait that is already over: what a waiting DDI returns when it fails before it would wait. */
export function FxWaitDone<T>(value: T): KWAIT<T> {
  return {
    [Symbol.iterator](): Iterator<KWAIT_BLOCK, T, NTSTATUS> {
      return { next: () => ({ done: true, value }) };
    },
  };
}

/** Sets the status WdfRequestGetStatus reports for a send that failed before it went anywhere. */
export function FxRequestSetStatus(request: FxRequest, Status: NTSTATUS): void {
  if (request.Irp !== null) {
    request.Irp.IoStatus.Status = Status;
    request.Irp.IoStatus.Information = 0;
  } else {
    request.status = Status;
  }
}

/** `FxValidateRequestOptions`: a send-options structure of another size makes the send fail with STATUS_INVALID_PARAMETER. */
export function FxValidateRequestOptions(Options: PWDF_REQUEST_SEND_OPTIONS): boolean {
  return Options === null || Options.Size === WDF_REQUEST_SEND_OPTIONS_SIZE;
}

/**
 * `WdfRequestSend` without SYNCHRONOUS (fxrequestapi.cpp): SEND_AND_FORGET only for a request a
 * queue presented (else STATUS_INVALID_DEVICE_STATE) that was not formatted by a target
 * (STATUS_INVALID_DEVICE_REQUEST); a queue-presented request sent without a completion routine
 * is STATUS_INVALID_DEVICE_REQUEST; otherwise the target sends or queues it. FALSE means the
 * request did not go: its status says why (WdfRequestGetStatus) and the driver still owns it.
 */
export function FxRequestSendAsync(request: FxRequest, target: FxIoTarget, Options: PWDF_REQUEST_SEND_OPTIONS): boolean {
  if (!FxValidateRequestOptions(Options)) {
    FxRequestSetStatus(request, STATUS_INVALID_PARAMETER);
    return false;
  }
  const s = FxRequestSendStateOf(request);
  const trace = request.table.machine.trace;
  if (Options !== null && (Options.Flags & WDF_REQUEST_SEND_OPTION_SEND_AND_FORGET) !== 0) {
    if (!request.allocatedFromIo) {
      trace?.event("wdf.send-and-forget-refused", null, `WDFREQUEST 0x${request.handle.toString(16)} must be a WDFQUEUE presented request`);
      FxRequestSetStatus(request, STATUS_INVALID_DEVICE_STATE);
      return false;
    }
    if (s.hasContext) {
      trace?.event("wdf.send-and-forget-refused", null, `Cannot send-and-forget WDFREQUEST 0x${request.handle.toString(16)} with formatted IO context`);
      FxRequestSetStatus(request, STATUS_INVALID_DEVICE_REQUEST);
      return false;
    }
    FxRequestSendAndForget(request, target);
    return true;
  }
  if (request.allocatedFromIo && s.completionRoutine === null) {
    trace?.event("wdf.send-no-completion-routine", null, `WDFREQUEST 0x${request.handle.toString(16)} is a WDFQUEUE presented request with no completion routine`);
    FxRequestSetStatus(request, STATUS_INVALID_DEVICE_REQUEST);
    return false;
  }
  const action = target.submit(request, Options);
  if (action === SubmitFailed) return false;
  if (action === SubmitSend) target.send(request);
  return true;
}

/**
 * `PreProcessSendAndForget` / `PostProcessSendAndForget`: the IRP goes down with the current
 * stack location skipped, and the framework forgets the request (its handle goes stale, its
 * queue may present the next one). The IRP is not the framework's any more: what the target
 * device returned is what the I/O package's dispatch returns for it.
 */
export function FxRequestSendAndForget(request: FxRequest, target: FxIoTarget): void {
  const irp = request.Irp!;
  const queue = request.queue;
  request.Irp = null;
  request.completed = true;
  IoSkipCurrentIrpStackLocation(irp);
  request.status = IoCallDriver(target.TargetDevice!, irp);
  queue?.driverCancelable.delete(request);
  request.deleteObject();
  queue?.requestCompleted(request);
}
