import {
  Executive, KEVENT, NT_SUCCESS, KeInitializeEvent, KernelMode, KeWaitForSingleObject, MmGetSystemAddressForMdlSafe, NotificationEvent, STATUS_CANCELLED, STATUS_INVALID_PARAMETER,
  STATUS_TIMEOUT, type KWAIT_GENERATOR, type MDL, type NTSTATUS,
} from "@wdfjs/kernel";
import { FxObjectHandleGetPtr } from "../object/fx-object.js";
import { IFX_TYPE_MEMORY } from "../object/types.js";
import type { FxRequest } from "../io/fx-request.js";
import {
  WdfMemoryDescriptorTypeBuffer, WdfMemoryDescriptorTypeHandle, WdfMemoryDescriptorTypeMdl, type FxMemoryObject, type PWDF_MEMORY_DESCRIPTOR,
} from "../support/fx-memory.js";
import { STATUS_IO_TIMEOUT } from "../wdfstatus.js";
import { FxRequestBuffer, FxRequestBufferFromMemory, FxRequestBufferNone, FxRequestSendStateOf } from "./fx-request-send.js";
import { FxSubmitFailed, type FxIoTarget } from "./fx-io-target.js";
import { FxDriverRequest, FxRequestValidateTarget } from "./fx-driver-request.js";
import { WDF_REQUEST_SEND_OPTION_TIMEOUT, type PWDF_REQUEST_SEND_OPTIONS } from "./io-target-types.js";

/**
 * `FxRequestBuffer::ValidateMemoryDescriptor`: a descriptor's buffer. NULL is no buffer; a buffer
 * or MDL descriptor with no buffer, or an unknown type, is STATUS_INVALID_PARAMETER; a WDFMEMORY
 * window past the memory's end is STATUS_INTEGER_OVERFLOW.
 */
export function FxRequestBufferFromDescriptor(Descriptor: PWDF_MEMORY_DESCRIPTOR): FxRequestBuffer | NTSTATUS {
  if (Descriptor === null) return FxRequestBufferNone;
  switch (Descriptor.Type) {
    case WdfMemoryDescriptorTypeBuffer: {
      const b = Descriptor.u.BufferType;
      if (b.Buffer === 0) return STATUS_INVALID_PARAMETER;
      return new FxRequestBuffer(b.Buffer, b.Length, 0, 0);
    }
    case WdfMemoryDescriptorTypeMdl: {
      const m = Descriptor.u.MdlType;
      if (m.Mdl === null || m.Mdl === undefined) return STATUS_INVALID_PARAMETER;
      return new FxRequestBuffer(MmGetSystemAddressForMdlSafe(m.Mdl as MDL, 0), m.BufferLength, 0, 0);
    }
    case WdfMemoryDescriptorTypeHandle: {
      const h = Descriptor.u.HandleType;
      if (h.Memory === 0) return STATUS_INVALID_PARAMETER;
      const memory = FxObjectHandleGetPtr(h.Memory, IFX_TYPE_MEMORY) as FxMemoryObject;
      return FxRequestBufferFromMemory(memory, h.Offsets?.BufferOffset ?? 0, h.Offsets?.BufferLength ?? 0);
    }
    default:
      return STATUS_INVALID_PARAMETER;
  }
}

/**
 * `FxIoTarget::SubmitSync` (fxiotarget.cpp): the request is submitted with an event to wait on
 * instead of a completion routine, and the caller waits (PASSIVE_LEVEL) until it comes back. With
 * a timeout the wait is bounded: when it passes, the request is cancelled, waited for again, and
 * a cancelled request reports STATUS_IO_TIMEOUT. Returns the request's final status.
 */
export function* FxIoTargetSubmitSync(target: FxIoTarget, request: FxRequest, Options: PWDF_REQUEST_SEND_OPTIONS): KWAIT_GENERATOR<NTSTATUS> {
  const s = FxRequestSendStateOf(request);
  const event = new KEVENT();
  KeInitializeEvent(event, NotificationEvent, false);
  s.syncEvent = event;
  s.completionRoutine = null;
  const action = target.submit(request, Options);
  if (action === FxSubmitFailed) {
    s.syncEvent = null;
    return request.Irp !== null ? request.Irp.IoStatus.Status : STATUS_INVALID_PARAMETER;
  }
  if (!s.queued) target.send(request);
  const timeout = Options !== null && (Options.Flags & WDF_REQUEST_SEND_OPTION_TIMEOUT) !== 0 && Options.Timeout !== 0 ? Options.Timeout : null;
  const waited = yield* KeWaitForSingleObject(event, Executive, KernelMode, false, timeout);
  if (waited === STATUS_TIMEOUT) {
    // The timeout passed: cancel it and wait for it to come back (it always does).
    target.timedOut(request);
    yield* KeWaitForSingleObject(event, Executive, KernelMode, false, null);
  }
  s.syncEvent = null;
  const irp = request.Irp!;
  if (s.timedOut && irp.IoStatus.Status === STATUS_CANCELLED) irp.IoStatus.Status = STATUS_IO_TIMEOUT;
  return irp.IoStatus.Status;
}

/**
 * The synchronous sends (`FxIoTargetSendIo`, `FxIoTargetSendIoctl`, fxiotargetapi.cpp): the
 * driver's request, or one the framework makes for the call (`FxSyncRequest`) and deletes after,
 * is validated for the target, formatted by `format`, sent and waited for. `Information` gets the
 * bytes transferred. A request the driver already sent is the 0x6/0x3 bug check of `submit`.
 */
export function* FxIoTargetSendSync(
  target: FxIoTarget, request: FxRequest | null, format: (request: FxRequest) => NTSTATUS, Options: PWDF_REQUEST_SEND_OPTIONS, Information: { value: number } | null,
): KWAIT_GENERATOR<NTSTATUS> {
  if (Information !== null) Information.value = 0;
  let made: FxDriverRequest | null = null;
  if (request === null) {
    const r = FxDriverRequest.create(target);
    if (typeof r === "number") return r;
    made = r;
    request = r;
  }
  try {
    let status = FxRequestValidateTarget(request, target);
    if (NT_SUCCESS(status)) status = format(request);
    if (!NT_SUCCESS(status)) return status;
    status = yield* FxIoTargetSubmitSync(target, request, Options);
    if (Information !== null) Information.value = request.Irp!.IoStatus.Information;
    return status;
  } finally {
    made?.deleteObject();
  }
}
