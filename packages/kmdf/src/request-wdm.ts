import { APC_LEVEL, DISPATCH_LEVEL, KernelMode, NT_SUCCESS, Out, PASSIVE_LEVEL, STATUS_INVALID_DEVICE_REQUEST, IRP_MJ_READ, IRP_MJ_WRITE, IRP_MJ_DEVICE_CONTROL, IRP_MJ_INTERNAL_DEVICE_CONTROL, type Box, type IRP, type KPROCESSOR_MODE, type MDL, type NTSTATUS } from "@wdfjs/kernel";
import {
  FxObjectHandleGetPtr, FxRequestGetDeviceControlOutputMdl, FxRequestGetMdl, FxRequestProbeAndLock, FxRequestRetrieveUnsafeUserBuffer, FxVerifierCheckIrqlLevel,
  FX_TYPE_REQUEST, type FxRequest, type FxRequestMemory,
} from "@wdfjs/framework";
import type { WDFREQUEST } from "./request.js";
import type { WDFMEMORY } from "./memory.js";

function RequestOf(Request: WDFREQUEST): FxRequest {
  return FxObjectHandleGetPtr(Request, FX_TYPE_REQUEST) as FxRequest;
}

/** `WdfRequestWdmGetIrp`: the IRP of a request not yet completed (a completed one has none: NULL). */
export function WdfRequestWdmGetIrp(Request: WDFREQUEST): IRP | null {
  const request = RequestOf(Request);
  if (!NT_SUCCESS(FxVerifierCheckIrqlLevel("WdfRequestWdmGetIrp", DISPATCH_LEVEL))) return null;
  return request.Irp;
}

/** `WdfRequestGetRequestorMode`: the IRP's RequestorMode (UserMode for an application's request). */
export function WdfRequestGetRequestorMode(Request: WDFREQUEST): KPROCESSOR_MODE {
  const request = RequestOf(Request);
  if (!NT_SUCCESS(FxVerifierCheckIrqlLevel("WdfRequestGetRequestorMode", DISPATCH_LEVEL))) return KernelMode;
  return (request.Irp?.RequestorMode ?? KernelMode) as KPROCESSOR_MODE;
}

/** `WdfRequestIsFrom32BitProcess` (IoIs32bitProcess): the emulated machine runs only native 64-bit processes: FALSE. */
export function WdfRequestIsFrom32BitProcess(Request: WDFREQUEST): boolean {
  RequestOf(Request);
  FxVerifierCheckIrqlLevel("WdfRequestIsFrom32BitProcess", APC_LEVEL);
  return false;
}

/** `WdfRequestCompleteWithPriorityBoost`: WdfRequestComplete, with the boost IoCompleteRequest gives the waiting thread. */
export function WdfRequestCompleteWithPriorityBoost(Request: WDFREQUEST, Status: NTSTATUS, PriorityBoost: number): void {
  const request = RequestOf(Request);
  if (!NT_SUCCESS(FxVerifierCheckIrqlLevel("WdfRequestCompleteWithPriorityBoost", DISPATCH_LEVEL))) return;
  if (request.completed) return;
  request.priorityBoost = PriorityBoost;
  request.complete(Status);
}

/**
 * `WdfRequestRetrieveInputWdmMdl`: an MDL for the input buffer (valid until completion). A read
 * has none (STATUS_INVALID_DEVICE_REQUEST); a buffered one is the system buffer, for which the
 * framework builds the MDL; a direct read or write is the I/O manager's MDL; METHOD_NEITHER and
 * neither-I/O devices are STATUS_INVALID_DEVICE_REQUEST.
 */
export function WdfRequestRetrieveInputWdmMdl(Request: WDFREQUEST, Mdl: Box<MDL | null>): NTSTATUS {
  const request = RequestOf(Request);
  Mdl.value = null;
  const status = FxVerifierCheckIrqlLevel("WdfRequestRetrieveInputWdmMdl", DISPATCH_LEVEL);
  if (!NT_SUCCESS(status)) return status;
  if (request.Irp === null || request.MajorFunction === IRP_MJ_READ) return STATUS_INVALID_DEVICE_REQUEST;
  return FxRequestGetMdl(request, Mdl);
}

/**
 * `WdfRequestRetrieveOutputWdmMdl`: an MDL for the output buffer. A write has none; an IOCTL's is
 * the IRP's MDL for the direct methods and a framework MDL over the system buffer for
 * METHOD_BUFFERED; a read's as the input's rules.
 */
export function WdfRequestRetrieveOutputWdmMdl(Request: WDFREQUEST, Mdl: Box<MDL | null>): NTSTATUS {
  const request = RequestOf(Request);
  Mdl.value = null;
  const status = FxVerifierCheckIrqlLevel("WdfRequestRetrieveOutputWdmMdl", DISPATCH_LEVEL);
  if (!NT_SUCCESS(status)) return status;
  const major = request.MajorFunction;
  if (request.Irp === null || major === IRP_MJ_WRITE) return STATUS_INVALID_DEVICE_REQUEST;
  if (major === IRP_MJ_DEVICE_CONTROL || major === IRP_MJ_INTERNAL_DEVICE_CONTROL) return FxRequestGetDeviceControlOutputMdl(request, Mdl);
  return FxRequestGetMdl(request, Mdl);
}

function Unsafe(Routine: string, Request: WDFREQUEST, output: boolean, RequiredLength: number, Buffer: Box<number>, Length: Box<number> | null): NTSTATUS {
  const request = RequestOf(Request);
  Buffer.value = 0;
  if (Length !== null) Length.value = 0;
  const status = FxVerifierCheckIrqlLevel(Routine, PASSIVE_LEVEL);
  if (!NT_SUCCESS(status)) return status;
  if (request.Irp === null) return STATUS_INVALID_DEVICE_REQUEST;
  return FxRequestRetrieveUnsafeUserBuffer(request, output, RequiredLength, Buffer, Length);
}

/**
 * `WdfRequestRetrieveUnsafeUserInputBuffer` (PASSIVE_LEVEL, in EvtIoInCallerContext): the user
 * address of a METHOD_NEITHER IOCTL's input or of a neither-I/O write; STATUS_BUFFER_TOO_SMALL
 * below the minimum; STATUS_INVALID_DEVICE_REQUEST for other requests (and, verifier on, outside
 * the callback).
 */
export function WdfRequestRetrieveUnsafeUserInputBuffer(Request: WDFREQUEST, MinimumRequiredLength: number, InputBuffer: Box<number>, Length: Box<number> | null): NTSTATUS {
  return Unsafe("WdfRequestRetrieveUnsafeUserInputBuffer", Request, false, MinimumRequiredLength, InputBuffer, Length);
}

/** `WdfRequestRetrieveUnsafeUserOutputBuffer`: as the input one, for a METHOD_NEITHER IOCTL's output or a neither-I/O read. */
export function WdfRequestRetrieveUnsafeUserOutputBuffer(Request: WDFREQUEST, MinimumRequiredLength: number, OutputBuffer: Box<number>, Length: Box<number> | null): NTSTATUS {
  return Unsafe("WdfRequestRetrieveUnsafeUserOutputBuffer", Request, true, MinimumRequiredLength, OutputBuffer, Length);
}

function ProbeAndLock(Routine: string, Request: WDFREQUEST, write: boolean, Buffer: number, Length: number, MemoryObject: Box<WDFMEMORY | null>): NTSTATUS {
  const request = RequestOf(Request);
  MemoryObject.value = null;
  let status = FxVerifierCheckIrqlLevel(Routine, PASSIVE_LEVEL);
  if (!NT_SUCCESS(status)) return status;
  const memory = Out<FxRequestMemory | null>(null);
  status = FxRequestProbeAndLock(request, write, Buffer, Length, memory);
  if (NT_SUCCESS(status)) MemoryObject.value = memory.value!.handle as WDFMEMORY;
  return status;
}

/**
 * `WdfRequestProbeAndLockUserBufferForRead` (PASSIVE_LEVEL, the requesting thread): the user
 * buffer is probed and locked; the WDFMEMORY's buffer is its system address, read-only, until the
 * request completes. Zero length: STATUS_INVALID_USER_BUFFER; a bad address: the probe's
 * STATUS_ACCESS_VIOLATION; another thread than the requester: STATUS_ACCESS_VIOLATION.
 */
export function WdfRequestProbeAndLockUserBufferForRead(Request: WDFREQUEST, Buffer: number, Length: number, MemoryObject: Box<WDFMEMORY | null>): NTSTATUS {
  return ProbeAndLock("WdfRequestProbeAndLockUserBufferForRead", Request, false, Buffer, Length, MemoryObject);
}

/** `WdfRequestProbeAndLockUserBufferForWrite`: as ForRead, probed for write access; the WDFMEMORY is writable. */
export function WdfRequestProbeAndLockUserBufferForWrite(Request: WDFREQUEST, Buffer: number, Length: number, MemoryObject: Box<WDFMEMORY | null>): NTSTATUS {
  return ProbeAndLock("WdfRequestProbeAndLockUserBufferForWrite", Request, true, Buffer, Length, MemoryObject);
}
