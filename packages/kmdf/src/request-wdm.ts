import {
  IRP_MJ_DEVICE_CONTROL, IRP_MJ_INTERNAL_DEVICE_CONTROL, IRP_MJ_READ, IRP_MJ_WRITE, KernelMode, NT_SUCCESS, Out, STATUS_INVALID_DEVICE_REQUEST, type Box, type IRP,
  type KPROCESSOR_MODE, type MDL, type NTSTATUS,
} from "@wdfjs/kernel";
import {
  FxObjectHandleGetPtr, FxRequestGetDeviceControlOutputMdl, FxRequestGetMdl, FxRequestProbeAndLock, FxRequestRetrieveUnsafeUserBuffer, FX_TYPE_REQUEST,
  type FxRequest, type FxRequestMemory, type WDFMEMORY, type WDFREQUEST,
} from "@wdfjs/framework";
import { Created, Enter } from "./ddi.js";
import { WdfCheckIrql } from "./irql.js";

const RequestAt = (Request: WDFREQUEST, Routine: string) => Enter<FxRequest>(Request, FX_TYPE_REQUEST, Routine);

/** `WdfRequestWdmGetIrp`: the IRP of a request not yet completed (a completed one has none: NULL). */
export function WdfRequestWdmGetIrp(Request: WDFREQUEST): IRP | null {
  return RequestAt(Request, "WdfRequestWdmGetIrp")?.Irp ?? null;
}

/** `WdfRequestGetRequestorMode`: the IRP's RequestorMode (UserMode for an application's request). */
export function WdfRequestGetRequestorMode(Request: WDFREQUEST): KPROCESSOR_MODE {
  return (RequestAt(Request, "WdfRequestGetRequestorMode")?.Irp?.RequestorMode ?? KernelMode) as KPROCESSOR_MODE;
}

/** `WdfRequestIsFrom32BitProcess` (IoIs32bitProcess): the emulated machine runs only native 64-bit processes: FALSE. */
export function WdfRequestIsFrom32BitProcess(Request: WDFREQUEST): boolean {
  RequestAt(Request, "WdfRequestIsFrom32BitProcess");
  return false;
}

/** `WdfRequestCompleteWithPriorityBoost`: WdfRequestComplete, with the boost IoCompleteRequest gives the waiting thread. */
export function WdfRequestCompleteWithPriorityBoost(Request: WDFREQUEST, Status: NTSTATUS, PriorityBoost: number): void {
  const request = RequestAt(Request, "WdfRequestCompleteWithPriorityBoost");
  if (request === null || request.completed) return;
  request.priorityBoost = PriorityBoost;
  request.complete(Status);
}

/** The MDL DDIs' entry: Mdl NULL, the IRQL, a request with an IRP of another major than `NotFor`. */
function MdlRequest(Request: WDFREQUEST, Routine: string, NotFor: number, Mdl: Box<MDL | null>): FxRequest | null {
  const request = FxObjectHandleGetPtr(Request, FX_TYPE_REQUEST) as FxRequest;
  Mdl.value = null;
  return NT_SUCCESS(WdfCheckIrql(Routine)) && request.Irp !== null && request.MajorFunction !== NotFor ? request : null;
}

/** `WdfRequestRetrieveInputWdmMdl`: an MDL for the input buffer (a read has none; the core's `FxRequestGetMdl`). */
export function WdfRequestRetrieveInputWdmMdl(Request: WDFREQUEST, Mdl: Box<MDL | null>): NTSTATUS {
  const request = MdlRequest(Request, "WdfRequestRetrieveInputWdmMdl", IRP_MJ_READ, Mdl);
  return request === null ? STATUS_INVALID_DEVICE_REQUEST : FxRequestGetMdl(request, Mdl);
}

/** `WdfRequestRetrieveOutputWdmMdl`: an MDL for the output buffer (a write has none; an IOCTL's by its method). */
export function WdfRequestRetrieveOutputWdmMdl(Request: WDFREQUEST, Mdl: Box<MDL | null>): NTSTATUS {
  const request = MdlRequest(Request, "WdfRequestRetrieveOutputWdmMdl", IRP_MJ_WRITE, Mdl);
  if (request === null) return STATUS_INVALID_DEVICE_REQUEST;
  const major = request.MajorFunction;
  return major === IRP_MJ_DEVICE_CONTROL || major === IRP_MJ_INTERNAL_DEVICE_CONTROL ? FxRequestGetDeviceControlOutputMdl(request, Mdl) : FxRequestGetMdl(request, Mdl);
}

function Unsafe(Routine: string, Request: WDFREQUEST, output: boolean, RequiredLength: number, Buffer: Box<number>, Length: Box<number> | null): NTSTATUS {
  const request = FxObjectHandleGetPtr(Request, FX_TYPE_REQUEST) as FxRequest;
  Buffer.value = 0;
  if (Length !== null) Length.value = 0;
  if (!NT_SUCCESS(WdfCheckIrql(Routine)) || request.Irp === null) return STATUS_INVALID_DEVICE_REQUEST;
  return FxRequestRetrieveUnsafeUserBuffer(request, output, RequiredLength, Buffer, Length);
}

/** `WdfRequestRetrieveUnsafeUserInputBuffer` (in EvtIoInCallerContext): the core's `FxRequestRetrieveUnsafeUserBuffer`. */
export function WdfRequestRetrieveUnsafeUserInputBuffer(Request: WDFREQUEST, MinimumRequiredLength: number, InputBuffer: Box<number>, Length: Box<number> | null): NTSTATUS {
  return Unsafe("WdfRequestRetrieveUnsafeUserInputBuffer", Request, false, MinimumRequiredLength, InputBuffer, Length);
}

/** `WdfRequestRetrieveUnsafeUserOutputBuffer`: as the input one, for the output. */
export function WdfRequestRetrieveUnsafeUserOutputBuffer(Request: WDFREQUEST, MinimumRequiredLength: number, OutputBuffer: Box<number>, Length: Box<number> | null): NTSTATUS {
  return Unsafe("WdfRequestRetrieveUnsafeUserOutputBuffer", Request, true, MinimumRequiredLength, OutputBuffer, Length);
}

function ProbeAndLock(Routine: string, Request: WDFREQUEST, write: boolean, Buffer: number, Length: number, MemoryObject: Box<WDFMEMORY | null>): NTSTATUS {
  const request = FxObjectHandleGetPtr(Request, FX_TYPE_REQUEST) as FxRequest;
  MemoryObject.value = null;
  let status = WdfCheckIrql(Routine);
  if (!NT_SUCCESS(status)) return status;
  const memory = Out<FxRequestMemory | null>(null);
  status = FxRequestProbeAndLock(request, write, Buffer, Length, memory);
  return NT_SUCCESS(status) ? Created(memory.value!, MemoryObject) : status;
}

/** `WdfRequestProbeAndLockUserBufferForRead` (the requesting thread): the core's `FxRequestProbeAndLock`; a read-only WDFMEMORY. */
export function WdfRequestProbeAndLockUserBufferForRead(Request: WDFREQUEST, Buffer: number, Length: number, MemoryObject: Box<WDFMEMORY | null>): NTSTATUS {
  return ProbeAndLock("WdfRequestProbeAndLockUserBufferForRead", Request, false, Buffer, Length, MemoryObject);
}

/** `WdfRequestProbeAndLockUserBufferForWrite`: as ForRead, probed for write access; the WDFMEMORY is writable. */
export function WdfRequestProbeAndLockUserBufferForWrite(Request: WDFREQUEST, Buffer: number, Length: number, MemoryObject: Box<WDFMEMORY | null>): NTSTATUS {
  return ProbeAndLock("WdfRequestProbeAndLockUserBufferForWrite", Request, true, Buffer, Length, MemoryObject);
}
