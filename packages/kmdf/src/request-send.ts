import { DISPATCH_LEVEL, NT_SUCCESS, PASSIVE_LEVEL, STATUS_INVALID_DEVICE_REQUEST, STATUS_INVALID_PARAMETER, STATUS_SUCCESS, type Box, type IO_STACK_LOCATION, type IRP, type KWAIT, type NTSTATUS } from "@wdfjs/kernel";
import {
  FxDriverRequest, FxFormatUsingCurrentType, FxFormatUsingStackLocation, FxObjectCommit, FxObjectHandleGetPtr as FxObjectHandleGetPtrImported, FxObjectTableOf, FxRequestCopyCompletionParams,
  FxRequestSendAsync as FxRequestSendAsyncImported, FxRequestSendStateOf, FxRequestSendSync, FxRequestSetStatus, FxValidateObjectAttributes, FxVerifierCheckIrqlLevel, FxWaitDone,
  FX_TYPE_IO_TARGET, FX_TYPE_REQUEST, WDF_REQUEST_REUSE_PARAMS_SIZE, WDF_REQUEST_SEND_OPTION_SYNCHRONOUS, type FxIoTarget, type FxObject, type FxRequest,
  type PFN_WDF_REQUEST_COMPLETION_ROUTINE, type PWDF_OBJECT_ATTRIBUTES, type PWDF_REQUEST_REUSE_PARAMS, type PWDF_REQUEST_SEND_OPTIONS,
  type WDF_REQUEST_COMPLETION_PARAMS, type WDFIOTARGET, type WDFREQUEST,
} from "@wdfjs/framework";
import { cur } from "@wdfjs/kernel/internal";
import { Enter } from "./ddi.js";
import { WdfCheckIrql } from "./irql.js";

// The routines of other modules that this module's I/O path calls, as module constants: V8 reads an imported
// function through a cell, with a check, at every call (even inlined); a module's own constant
// is folded into the code.
const FxObjectHandleGetPtr = FxObjectHandleGetPtrImported;
const FxRequestSendAsync = FxRequestSendAsyncImported;

const RequestAt = (Request: WDFREQUEST, Routine: string) => Enter<FxRequest>(Request, FX_TYPE_REQUEST, Routine);

/** Module constants for WdfRequestSend, the I/O path's DDI (an imported name is read through a checked cell on every use). */
const TYPE_REQUEST = FX_TYPE_REQUEST;
const TYPE_IO_TARGET = FX_TYPE_IO_TARGET;
const SYNCHRONOUS = WDF_REQUEST_SEND_OPTION_SYNCHRONOUS;

/** The creating DDIs' end: the request under its parent (a failure deletes it without callbacks). */
function Commit(request: FxDriverRequest, Attributes: PWDF_OBJECT_ATTRIBUTES, parent: FxObject | null, Request: Box<WDFREQUEST | null>): NTSTATUS {
  const status = FxObjectCommit(request, Attributes, parent);
  if (!NT_SUCCESS(status)) {
    request.contexts.length = 0;
    request.deleteObject();
    return status;
  }
  Request.value = request.handle as WDFREQUEST;
  return STATUS_SUCCESS;
}

/**
 * `WdfRequestCreate`: a request of the driver's own (`FxDriverRequest.create`; with a target, one
 * stack location per device of its stack), parented to the driver unless the attributes say otherwise.
 */
export function WdfRequestCreate(RequestAttributes: PWDF_OBJECT_ATTRIBUTES, IoTarget: WDFIOTARGET | null, Request: Box<WDFREQUEST | null>): NTSTATUS {
  const target = IoTarget === null ? null : (FxObjectHandleGetPtr(IoTarget, FX_TYPE_IO_TARGET) as FxIoTarget);
  Request.value = null;
  let status = WdfCheckIrql("WdfRequestCreate");
  if (NT_SUCCESS(status)) status = FxValidateObjectAttributes(RequestAttributes);
  if (!NT_SUCCESS(status)) return status;
  const request = FxDriverRequest.create(target);
  if (typeof request === "number") return request;
  return Commit(request, RequestAttributes, FxObjectTableOf().driver ?? target?.device.driver ?? null, Request);
}

/** `WdfRequestCreateFromIrp`: a request around the driver's IRP; with RequestFreesIrp the framework frees the IRP with the request. */
export function WdfRequestCreateFromIrp(RequestAttributes: PWDF_OBJECT_ATTRIBUTES, Irp: IRP, RequestFreesIrp: boolean, Request: Box<WDFREQUEST | null>): NTSTATUS {
  Request.value = null;
  let status = WdfCheckIrql("WdfRequestCreateFromIrp");
  if (NT_SUCCESS(status)) status = FxValidateObjectAttributes(RequestAttributes);
  if (!NT_SUCCESS(status)) return status;
  return Commit(new FxDriverRequest(Irp, RequestFreesIrp), RequestAttributes, FxObjectTableOf().driver, Request);
}

/** `WdfRequestReuse`: a driver-created request back to its created state (`FxDriverRequest.reuse`); a wrong Size is STATUS_INVALID_PARAMETER. */
export function WdfRequestReuse(Request: WDFREQUEST, ReuseParams: PWDF_REQUEST_REUSE_PARAMS): NTSTATUS {
  const request = RequestAt(Request, "WdfRequestReuse");
  if (request === null) return STATUS_INVALID_DEVICE_REQUEST;
  if (ReuseParams.Size !== WDF_REQUEST_REUSE_PARAMS_SIZE) return STATUS_INVALID_PARAMETER;
  return request instanceof FxDriverRequest ? request.reuse(ReuseParams) : STATUS_SUCCESS;
}

/** `WdfRequestFormatRequestUsingCurrentType`: the request will go down as it came (the next stack location a copy of the current one). */
export function WdfRequestFormatRequestUsingCurrentType(Request: WDFREQUEST): void {
  const request = RequestAt(Request, "WdfRequestFormatRequestUsingCurrentType");
  if (request !== null && request.Irp !== null && request.allocatedFromIo) FxFormatUsingCurrentType(request);
}

/** `WdfRequestWdmFormatUsingStackLocation`: the next stack location becomes a copy of the driver's. */
export function WdfRequestWdmFormatUsingStackLocation(Request: WDFREQUEST, Stack: IO_STACK_LOCATION): void {
  const request = RequestAt(Request, "WdfRequestWdmFormatUsingStackLocation");
  if (request !== null && request.Irp !== null) FxFormatUsingStackLocation(request, Stack);
}

/** `WdfRequestSetCompletionRoutine`: called once when the sent request comes back (NULL removes it). */
export function WdfRequestSetCompletionRoutine(Request: WDFREQUEST, CompletionRoutine: PFN_WDF_REQUEST_COMPLETION_ROUTINE, CompletionContext: unknown): void {
  const request = RequestAt(Request, "WdfRequestSetCompletionRoutine");
  if (request === null) return;
  const s = FxRequestSendStateOf(request);
  s.completionRoutine = CompletionRoutine;
  s.completionContext = CompletionContext;
}

/** `WdfRequestGetCompletionParams`: what the last send came back with (status, information, the formatted buffers). */
export function WdfRequestGetCompletionParams(Request: WDFREQUEST, Params: WDF_REQUEST_COMPLETION_PARAMS): void {
  const request = RequestAt(Request, "WdfRequestGetCompletionParams");
  if (request !== null) FxRequestCopyCompletionParams(request, Params);
}

/**
 * `WdfRequestSend`: TRUE if the request went to the target (or waits in a stopped one); FALSE
 * with the reason in WdfRequestGetStatus. WDF_REQUEST_SEND_OPTION_SYNCHRONOUS: PASSIVE_LEVEL, a
 * wait to `yield*` (`FxRequestSendSync`), whose value is that boolean.
 */
export function WdfRequestSend(Request: WDFREQUEST, Target: WDFIOTARGET, Options: PWDF_REQUEST_SEND_OPTIONS): boolean | KWAIT<boolean> {
  const request = FxObjectHandleGetPtr(Request, TYPE_REQUEST) as FxRequest;
  const target = FxObjectHandleGetPtr(Target, TYPE_IO_TARGET) as FxIoTarget;
  if (Options !== null && (Options.Flags & SYNCHRONOUS) !== 0) return WdfRequestSendSynchronous(request, target, Options);
  // The free flavor checks no IRQL (FxVerifierCheckIrqlLevel): the I/O path goes straight on.
  return cur.checked ? WdfRequestSendChecked(request, target, Options) : FxRequestSendAsync(request, target, Options);
}

/** `WdfRequestSend` without SYNCHRONOUS in the checked flavor: DISPATCH_LEVEL at most. */
function WdfRequestSendChecked(request: FxRequest, target: FxIoTarget, Options: PWDF_REQUEST_SEND_OPTIONS): boolean {
  const status = FxVerifierCheckIrqlLevel("WdfRequestSend", DISPATCH_LEVEL);
  if (!NT_SUCCESS(status)) {
    FxRequestSetStatus(request, status);
    return false;
  }
  return FxRequestSendAsync(request, target, Options);
}

/** `WdfRequestSend` with WDF_REQUEST_SEND_OPTION_SYNCHRONOUS: callable at PASSIVE_LEVEL only. */
function WdfRequestSendSynchronous(request: FxRequest, target: FxIoTarget, Options: PWDF_REQUEST_SEND_OPTIONS): KWAIT<boolean> {
  const status = FxVerifierCheckIrqlLevel("WdfRequestSend", PASSIVE_LEVEL);
  if (!NT_SUCCESS(status)) {
    FxRequestSetStatus(request, status);
    return FxWaitDone(false);
  }
  return FxRequestSendSync(request, target, Options);
}

/** `WdfRequestCancelSentRequest`: TRUE if the IRP had a cancel routine to call, or it still waited in the target. */
export function WdfRequestCancelSentRequest(Request: WDFREQUEST): boolean {
  const request = RequestAt(Request, "WdfRequestCancelSentRequest");
  const target = request?.send?.target ?? null;
  return target !== null && target.cancelSentRequest(request!);
}

/** `WdfRequestGetIoTarget`: the target the request was last sent to. */
export function WdfRequestGetIoTarget(Request: WDFREQUEST): WDFIOTARGET | null {
  const request = FxObjectHandleGetPtr(Request, FX_TYPE_REQUEST) as FxRequest;
  if (!NT_SUCCESS(FxVerifierCheckIrqlLevel("WdfRequestGetIoTarget", DISPATCH_LEVEL))) return null;
  return (request.send?.target?.handle ?? null) as WDFIOTARGET | null;
}
