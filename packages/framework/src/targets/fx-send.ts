import {
  IoCallDriver as IoCallDriverImported, IoSkipCurrentIrpStackLocation as IoSkipCurrentIrpStackLocationImported, NT_SUCCESS, STATUS_INFO_LENGTH_MISMATCH, STATUS_INVALID_DEVICE_REQUEST, STATUS_INVALID_DEVICE_STATE, STATUS_INVALID_PARAMETER,
  STATUS_SUCCESS, type Box, type KWAIT,
  type KWAIT_BLOCK, type KWAIT_GENERATOR, type NTSTATUS,
} from "@wdfjs/kernel";
import { KWAIT_CALL } from "@wdfjs/kernel/internal";
import type { FxRequest } from "../io/fx-request.js";
import { FxObjectHandleGetPtr } from "../object/fx-object.js";
import { IFX_TYPE_MEMORY } from "../object/types.js";
import type { FxMemoryObject, PWDF_MEMORY_DESCRIPTOR, PWDFMEMORY_OFFSET } from "../support/fx-memory.js";
import { FxFormatIoctl, FxFormatReadWrite, FxRequestBufferFromMemory, FxRequestSendStateOf, type FxRequestBuffer } from "./fx-request-send.js";
import { FxSubmitFailed, FxSubmitSend, type FxIoTarget } from "./fx-io-target.js";
import { FxRequestValidateTarget } from "./fx-driver-request.js";
import { FxIoTargetSendSync, FxIoTargetSubmitSync, FxRequestBufferFromDescriptor } from "./fx-sync-send.js";
import {
  WDF_REQUEST_SEND_OPTION_IGNORE_TARGET_STATE, WDF_REQUEST_SEND_OPTION_SEND_AND_FORGET, WDF_REQUEST_SEND_OPTION_SYNCHRONOUS, WDF_REQUEST_SEND_OPTION_TIMEOUT,
  WDF_REQUEST_SEND_OPTIONS_SIZE, type PWDF_REQUEST_SEND_OPTIONS, type WDF_REQUEST_COMPLETION_PARAMS,
} from "./io-target-types.js";

// The routines of other modules that this module's I/O path calls, as module constants: V8 reads an imported
// function through a cell, with a check, at every call (even inlined); a module's own constant
// is folded into the code.
const IoSkipCurrentIrpStackLocation = IoSkipCurrentIrpStackLocationImported;
const IoCallDriver = IoCallDriverImported;

/**
 * A wait that is already over: what a waiting DDI returns when it fails before it would wait. Like
 * a kernel wait call it is its own iterator; `yield*` (or one step) gives the value.
 */
export function FxWaitDone<T>(value: T): KWAIT<T> & Iterator<KWAIT_BLOCK, T, NTSTATUS> {
  return {
    next: (): IteratorResult<KWAIT_BLOCK, T> => ({ done: true, value }),
    [Symbol.iterator]() {
      return this;
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

/** The flags a kernel-mode driver may set (fxrequestvalidatefunctions.hpp, `WDF_REQUEST_SEND_OPTIONS_VALID_FLAGS`). */
const WDF_REQUEST_SEND_OPTIONS_VALID_FLAGS =
  WDF_REQUEST_SEND_OPTION_TIMEOUT | WDF_REQUEST_SEND_OPTION_SYNCHRONOUS | WDF_REQUEST_SEND_OPTION_IGNORE_TARGET_STATE | WDF_REQUEST_SEND_OPTION_SEND_AND_FORGET;

/**
 * `FxValidateRequestOptions` (fxrequestvalidatefunctions.hpp, kernel mode): another structure
 * size is STATUS_INFO_LENGTH_MISMATCH; a flag outside the valid ones, or SEND_AND_FORGET with any
 * other flag, STATUS_INVALID_PARAMETER. No options are valid. (WdfRequestSend turns any failure
 * into the request's STATUS_INVALID_PARAMETER; the synchronous sends return it.)
 */
export function FxValidateRequestOptions(Options: PWDF_REQUEST_SEND_OPTIONS): NTSTATUS {
  if (Options === null) return STATUS_SUCCESS;
  if (Options.Size !== WDF_REQUEST_SEND_OPTIONS_SIZE) return STATUS_INFO_LENGTH_MISMATCH;
  const flags = Options.Flags;
  if ((flags & ~WDF_REQUEST_SEND_OPTIONS_VALID_FLAGS) !== 0) return STATUS_INVALID_PARAMETER;
  if ((flags & WDF_REQUEST_SEND_OPTION_SEND_AND_FORGET) !== 0 && (flags & ~WDF_REQUEST_SEND_OPTION_SEND_AND_FORGET) !== 0) return STATUS_INVALID_PARAMETER;
  return STATUS_SUCCESS;
}

/** Module constants for the send-and-forget path (an imported name is read through a cell on every use; see fx-io-queue.ts). */
const SEND_AND_FORGET = WDF_REQUEST_SEND_OPTION_SEND_AND_FORGET;
const OPTIONS_SIZE = WDF_REQUEST_SEND_OPTIONS_SIZE;

/**
 * `WdfRequestSend` without SYNCHRONOUS (fxrequestapi.cpp): SEND_AND_FORGET only for a request a
 * queue presented (else STATUS_INVALID_DEVICE_STATE) that was not formatted by a target
 * (STATUS_INVALID_DEVICE_REQUEST); a queue-presented request sent without a completion routine
 * is STATUS_INVALID_DEVICE_REQUEST; otherwise the target sends or queues it. FALSE means the
 * request did not go: its status says why (WdfRequestGetStatus) and the driver still owns it.
 */
export function FxRequestSendAsync(request: FxRequest, target: FxIoTarget, Options: PWDF_REQUEST_SEND_OPTIONS): boolean {
  // A filter's common case first (valid options, SEND_AND_FORGET alone, a presented request with no formatted context).
  if (Options !== null && Options.Flags === SEND_AND_FORGET && Options.Size === OPTIONS_SIZE && request.allocatedFromIo &&
    request.send === null) {
    FxRequestSendAndForget(request, target);
    return true;
  }
  return FxRequestSendAsyncChecked(request, target, Options);
}

/** `FxRequestSendAsync` past its common case: the options validated, each refusal with its status. */
function FxRequestSendAsyncChecked(request: FxRequest, target: FxIoTarget, Options: PWDF_REQUEST_SEND_OPTIONS): boolean {
  if (FxValidateRequestOptions(Options) !== STATUS_SUCCESS) return FxRequestSendRefused(request, STATUS_INVALID_PARAMETER, null, null);
  // Read without making the send state: a send-and-forget needs none (the I/O hot path).
  const s = request.send;
  if (Options !== null && (Options.Flags & WDF_REQUEST_SEND_OPTION_SEND_AND_FORGET) !== 0) {
    if (!request.allocatedFromIo) return FxRequestSendRefused(request, STATUS_INVALID_DEVICE_STATE, "wdf.send-and-forget-refused", (h) => `${h} must be a WDFQUEUE presented request`);
    if (s !== null && s.hasContext) return FxRequestSendRefused(request, STATUS_INVALID_DEVICE_REQUEST, "wdf.send-and-forget-refused", (h) => `Cannot send-and-forget ${h} with formatted IO context`);
    FxRequestSendAndForget(request, target);
    return true;
  }
  if (request.allocatedFromIo && (s === null || s.completionRoutine === null)) {
    return FxRequestSendRefused(request, STATUS_INVALID_DEVICE_REQUEST, "wdf.send-no-completion-routine", (h) => `${h} is a WDFQUEUE presented request with no completion routine`);
  }
  const action = target.submit(request, Options);
  if (action === FxSubmitFailed) return false;
  if (action === FxSubmitSend) target.send(request);
  return true;
}

/** A send refused before it went anywhere: traced as fxrequestapi.cpp traces it, the status for WdfRequestGetStatus, FALSE. */
function FxRequestSendRefused(request: FxRequest, Status: NTSTATUS, event: string | null, message: ((h: string) => string) | null): false {
  if (event !== null) request.table.machine.trace?.event(event, null, message!(`WDFREQUEST 0x${request.handle.toString(16)}`));
  FxRequestSetStatus(request, Status);
  return false;
}

/**
 * `PreProcessSendAndForget` / `PostProcessSendAndForget`: the IRP goes down with the current
 * stack location skipped, and the framework forgets the request (its handle goes stale, its
 * queue may present the next one). The IRP is not the framework's any more: what the target
 * device returned is what the I/O package's dispatch returns for it.
 */
export function FxRequestSendAndForget(request: FxRequest, target: FxIoTarget): void {
  const irp = request.Irp!;
  request.Irp = null;
  request.completed = true;
  IoSkipCurrentIrpStackLocation(irp);
  request.status = IoCallDriver(target.TargetDevice!, irp);
  // As a completion (PostProcessSendAndForget → PostProcessCompletion).
  request.retire();
}

/** `WdfRequestGetCompletionParams`: a copy of what the request's last send came back with. */
export function FxRequestCopyCompletionParams(request: FxRequest, Params: WDF_REQUEST_COMPLETION_PARAMS): void {
  const from = FxRequestSendStateOf(request).completionParams;
  Params.Type = from.Type;
  Object.assign(Params.IoStatus, from.IoStatus);
  const p = Params.Parameters;
  const q = from.Parameters;
  Object.assign(p.Read, q.Read);
  Object.assign(p.Write, q.Write);
  p.Ioctl.IoControlCode = q.Ioctl.IoControlCode;
  Object.assign(p.Ioctl.Input, q.Ioctl.Input);
  Object.assign(p.Ioctl.Output, q.Ioctl.Output);
  Object.assign(p.Others, q.Others);
}

/**
 * `WdfRequestSend` with WDF_REQUEST_SEND_OPTION_SYNCHRONOUS: a wait to `yield*` whose value is
 * TRUE if the target took the request; its status is then the request's.
 */
export function FxRequestSendSync(request: FxRequest, target: FxIoTarget, Options: PWDF_REQUEST_SEND_OPTIONS): KWAIT<boolean> {
  if (FxValidateRequestOptions(Options) !== STATUS_SUCCESS) {
    FxRequestSetStatus(request, STATUS_INVALID_PARAMETER);
    return FxWaitDone(false);
  }
  return new KWAIT_CALL("WdfRequestSend", sendSync(request, target, Options));
}

function* sendSync(request: FxRequest, target: FxIoTarget, Options: PWDF_REQUEST_SEND_OPTIONS): KWAIT_GENERATOR<boolean> {
  // The target records itself on the request only when it takes the request.
  FxRequestSendStateOf(request).target = null;
  yield* FxIoTargetSubmitSync(target, request, Options);
  return request.send!.target === target;
}

/** The WDFMEMORY (or none) and WDFMEMORY_OFFSET of a format DDI as the buffer to format with. */
export function FxRequestBufferFromHandle(Memory: number | null, Offsets: PWDFMEMORY_OFFSET): FxRequestBuffer | NTSTATUS {
  const memory = Memory === null || Memory === 0 ? null : (FxObjectHandleGetPtr(Memory, IFX_TYPE_MEMORY) as FxMemoryObject);
  return FxRequestBufferFromMemory(memory, Offsets?.BufferOffset ?? 0, Offsets?.BufferLength ?? 0);
}

/** `FxIoTarget::FormatIoRequest` behind WdfIoTargetFormatRequestForRead/Write: the memory window checked, the request validated for the target, then formatted. */
export function FxIoTargetFormatReadWrite(target: FxIoTarget, request: FxRequest, MajorFunction: number, Memory: number | null, Offsets: PWDFMEMORY_OFFSET, DeviceOffset: number | null): NTSTATUS {
  const buffer = FxRequestBufferFromHandle(Memory, Offsets);
  if (typeof buffer === "number") return buffer;
  const status = FxRequestValidateTarget(request, target);
  if (!NT_SUCCESS(status)) return status;
  return FxFormatReadWrite(target, request, MajorFunction, buffer, DeviceOffset);
}

/** `FxIoTarget::FormatIoctlRequest` behind WdfIoTargetFormatRequestForIoctl/InternalIoctl. */
export function FxIoTargetFormatIoctl(
  target: FxIoTarget, request: FxRequest, Internal: boolean, IoctlCode: number, Input: number | null, InputOffsets: PWDFMEMORY_OFFSET, Output: number | null, OutputOffsets: PWDFMEMORY_OFFSET,
): NTSTATUS {
  const input = FxRequestBufferFromHandle(Input, InputOffsets);
  if (typeof input === "number") return input;
  const output = FxRequestBufferFromHandle(Output, OutputOffsets);
  if (typeof output === "number") return output;
  const status = FxRequestValidateTarget(request, target);
  if (!NT_SUCCESS(status)) return status;
  return FxFormatIoctl(target, request, Internal, IoctlCode, input, output);
}

/**
 * The synchronous sends behind the WdfIoTargetSend*Synchronously DDIs, after their IRQL check:
 * the options and descriptors are validated now (a bad one fails without waiting), the send is
 * a wait to `yield*`. `format` formats the request with the descriptors' buffers.
 */
export function FxIoTargetSendSynchronously(
  Routine: string, target: FxIoTarget, request: FxRequest | null, Options: PWDF_REQUEST_SEND_OPTIONS, Information: Box<number> | null,
  Descriptors: PWDF_MEMORY_DESCRIPTOR[], format: (target: FxIoTarget, request: FxRequest, buffers: FxRequestBuffer[]) => NTSTATUS,
): KWAIT<NTSTATUS> {
  if (Information !== null) Information.value = 0;
  const optionsStatus = FxValidateRequestOptions(Options);
  if (optionsStatus !== STATUS_SUCCESS) return FxWaitDone(optionsStatus);
  const buffers: FxRequestBuffer[] = [];
  for (const d of Descriptors) {
    const b = FxRequestBufferFromDescriptor(d);
    if (typeof b === "number") return FxWaitDone(b);
    buffers.push(b);
  }
  return new KWAIT_CALL(Routine, FxIoTargetSendSync(target, request, (r) => format(target, r, buffers), Options, Information));
}
