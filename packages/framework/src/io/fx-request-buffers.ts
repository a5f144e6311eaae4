import {
  __try, DO_BUFFERED_IO, DO_DIRECT_IO, IoAllocateMdl, IoFreeMdl, IoGetCurrentIrpStackLocation, IoReadAccess, IoWriteAccess, IRP_MJ_DEVICE_CONTROL,
  IRP_MJ_INTERNAL_DEVICE_CONTROL, IRP_MJ_READ, IRP_MJ_WRITE, METHOD_BUFFERED, METHOD_FROM_CTL_CODE, METHOD_NEITHER, MmBuildMdlForNonPagedPool,
  MmGetSystemAddressForMdlSafe, MmProbeAndLockPages, MmUnlockPages, PsGetCurrentThread, STATUS_ACCESS_VIOLATION, STATUS_BUFFER_TOO_SMALL,
  STATUS_INSUFFICIENT_RESOURCES, STATUS_INVALID_DEVICE_REQUEST, STATUS_INVALID_PARAMETER, STATUS_INVALID_USER_BUFFER, STATUS_SUCCESS, UserMode,
  currentMachine, type Box, type MDL, type NTSTATUS,
} from "@wdfjs/kernel";
import { FxRequestMemory, IFxMemoryFlagReadOnly } from "../support/fx-memory.js";
import type { FxRequest } from "./fx-request.js";

/*
 * The buffer functions of a request beyond WdfRequestRetrieveInput/OutputBuffer (fxrequestkm.cpp,
 * fxrequestapi.cpp): the WDM MDLs, the unsafe user buffers of EvtIoInCallerContext and the
 * probe-and-lock of user memory. MDLs the framework makes live until the request completes.
 */

/** The device's I/O type as its device object says (a filter's is the one below it, `SetFilterIoType`). */
function IoTypeOf(request: FxRequest): "buffered" | "direct" | "neither" {
  const flags = IoGetCurrentIrpStackLocation(request.Irp!).DeviceObject?.Flags ?? 0;
  if ((flags & DO_BUFFERED_IO) !== 0) return "buffered";
  if ((flags & DO_DIRECT_IO) !== 0) return "direct";
  return "neither";
}

/** `m_AllocatedMdl`: one MDL over a system buffer, built once (`FxMdlAllocate` + MmBuildMdlForNonPagedPool). */
function SystemBufferMdl(request: FxRequest, buffer: number, length: number, Mdl: Box<MDL | null>): NTSTATUS {
  if (buffer === 0 || length === 0) return STATUS_BUFFER_TOO_SMALL;
  if (request.allocatedMdl === null) {
    const mdl = IoAllocateMdl(buffer, length, false, false, null);
    if (mdl === null) return STATUS_INSUFFICIENT_RESOURCES;
    MmBuildMdlForNonPagedPool(mdl);
    request.allocatedMdl = mdl;
  }
  Mdl.value = request.allocatedMdl;
  return STATUS_SUCCESS;
}

/** An MDL the I/O manager built (direct I/O): missing means no buffer, STATUS_BUFFER_TOO_SMALL. */
function IrpMdl(request: FxRequest, Mdl: Box<MDL | null>): NTSTATUS {
  Mdl.value = request.Irp!.MdlAddress;
  return Mdl.value === null ? STATUS_BUFFER_TOO_SMALL : STATUS_SUCCESS;
}

/**
 * `FxRequest::GetMdl` (WdfRequestRetrieveInputWdmMdl, and the output of reads): an IOCTL's input
 * (not METHOD_NEITHER: STATUS_INVALID_DEVICE_REQUEST) is its system buffer, for which the framework
 * builds an MDL; a read or write of a buffered device likewise; of a direct device, the IRP's MDL;
 * of a neither device, STATUS_INVALID_DEVICE_REQUEST. No buffer → STATUS_BUFFER_TOO_SMALL.
 */
export function FxRequestGetMdl(request: FxRequest, Mdl: Box<MDL | null>): NTSTATUS {
  Mdl.value = null;
  const irp = request.Irp!;
  const stack = IoGetCurrentIrpStackLocation(irp);
  const major = stack.MajorFunction;
  if (major === IRP_MJ_DEVICE_CONTROL || major === IRP_MJ_INTERNAL_DEVICE_CONTROL) {
    if (METHOD_FROM_CTL_CODE(stack.Parameters.DeviceIoControl.IoControlCode) === METHOD_NEITHER) return STATUS_INVALID_DEVICE_REQUEST;
    return SystemBufferMdl(request, irp.AssociatedIrp.SystemBuffer, stack.Parameters.DeviceIoControl.InputBufferLength, Mdl);
  }
  const ioType = IoTypeOf(request);
  if (ioType === "direct") return IrpMdl(request, Mdl);
  if (ioType === "neither") return STATUS_INVALID_DEVICE_REQUEST;
  if (major !== IRP_MJ_READ && major !== IRP_MJ_WRITE) return STATUS_INVALID_PARAMETER;
  return SystemBufferMdl(request, irp.AssociatedIrp.SystemBuffer, stack.Parameters.Read.Length, Mdl);
}

/**
 * `FxRequest::GetDeviceControlOutputMdl`: METHOD_BUFFERED → an MDL the framework builds for the
 * system buffer (output length); METHOD_IN/OUT_DIRECT → the IRP's MDL; METHOD_NEITHER →
 * STATUS_INVALID_DEVICE_REQUEST.
 */
export function FxRequestGetDeviceControlOutputMdl(request: FxRequest, Mdl: Box<MDL | null>): NTSTATUS {
  Mdl.value = null;
  const irp = request.Irp!;
  const d = IoGetCurrentIrpStackLocation(irp).Parameters.DeviceIoControl;
  const method = METHOD_FROM_CTL_CODE(d.IoControlCode);
  if (method === METHOD_NEITHER) return STATUS_INVALID_DEVICE_REQUEST;
  if (method !== METHOD_BUFFERED) return IrpMdl(request, Mdl);
  return SystemBufferMdl(request, irp.AssociatedIrp.SystemBuffer, d.OutputBufferLength, Mdl);
}

/**
 * `WdfRequestRetrieveUnsafeUserInputBuffer` / `...OutputBuffer` (fxrequestapi.cpp): the user
 * address of a METHOD_NEITHER IOCTL (input: Type3InputBuffer, output: UserBuffer), or of a write
 * (input) / read (output) on a neither-I/O device. The other direction, internal IOCTLs and the
 * rest are STATUS_INVALID_DEVICE_REQUEST; a buffer shorter than the minimum STATUS_BUFFER_TOO_SMALL.
 * With the verifier on, only inside EvtIoInCallerContext (STATUS_INVALID_DEVICE_REQUEST).
 */
export function FxRequestRetrieveUnsafeUserBuffer(request: FxRequest, output: boolean, RequiredLength: number, Buffer: Box<number>, Length: Box<number> | null): NTSTATUS {
  Buffer.value = 0;
  if (Length !== null) Length.value = 0;
  const machine = currentMachine();
  if (machine.checked && !request.inCallerContext) {
    machine.trace?.event("wdf.not-in-caller-context", null,
      `WDFREQUEST 0x${request.handle.toString(16)}: this call is valid only in EvtIoInCallerContext (STATUS_INVALID_DEVICE_REQUEST)`);
    return STATUS_INVALID_DEVICE_REQUEST;
  }
  const irp = request.Irp!;
  const stack = IoGetCurrentIrpStackLocation(irp);
  const major = stack.MajorFunction;
  if (major === (output ? IRP_MJ_WRITE : IRP_MJ_READ) || major === IRP_MJ_INTERNAL_DEVICE_CONTROL) return STATUS_INVALID_DEVICE_REQUEST;
  let address: number;
  let length: number;
  if (major === IRP_MJ_DEVICE_CONTROL && METHOD_FROM_CTL_CODE(stack.Parameters.DeviceIoControl.IoControlCode) === METHOD_NEITHER) {
    const d = stack.Parameters.DeviceIoControl;
    length = output ? d.OutputBufferLength : d.InputBufferLength;
    address = output ? irp.UserBuffer : d.Type3InputBuffer;
  } else if (major === (output ? IRP_MJ_READ : IRP_MJ_WRITE) && IoTypeOf(request) === "neither") {
    length = stack.Parameters.Read.Length;
    address = irp.UserBuffer;
  } else {
    return STATUS_INVALID_DEVICE_REQUEST;
  }
  if (length < RequiredLength) return STATUS_BUFFER_TOO_SMALL;
  Buffer.value = address;
  if (Length !== null) Length.value = length;
  return STATUS_SUCCESS;
}

/**
 * `FxRequest::ProbeAndLockForRead` / `...ForWrite` (fxrequestkm.cpp): a zero length is
 * STATUS_INVALID_USER_BUFFER; a user request probed from another thread than the requesting one
 * STATUS_ACCESS_VIOLATION (`VerifyProbeAndLock`); a bad address the probe's exception code. The
 * locked pages' system address becomes a WDFMEMORY (read-only when locked for read), a child of
 * the request; the pages stay locked until the request completes.
 */
export function FxRequestProbeAndLock(request: FxRequest, write: boolean, Buffer: number, Length: number, Memory: Box<FxRequestMemory | null>): NTSTATUS {
  Memory.value = null;
  if (Length === 0) return STATUS_INVALID_USER_BUFFER;
  const irp = request.Irp;
  if (irp === null) return STATUS_INVALID_DEVICE_REQUEST;
  const thread = irp.Tail.Overlay.Thread;
  if (thread !== null && irp.RequestorMode === UserMode && thread !== PsGetCurrentThread()) return STATUS_ACCESS_VIOLATION;
  const mdl = IoAllocateMdl(Buffer, Length, false, false, null);
  if (mdl === null) return STATUS_INSUFFICIENT_RESOURCES;
  const status = __try(() => {
    MmProbeAndLockPages(mdl, UserMode, write ? IoWriteAccess : IoReadAccess);
    return STATUS_SUCCESS;
  }, (code) => code);
  if (status !== STATUS_SUCCESS) {
    IoFreeMdl(mdl);
    return status;
  }
  const address = MmGetSystemAddressForMdlSafe(mdl, 0);
  if (address === 0) {
    MmUnlockPages(mdl);
    IoFreeMdl(mdl);
    return STATUS_INSUFFICIENT_RESOURCES;
  }
  (request.lockedMdls ??= []).push(mdl);
  const memory = new FxRequestMemory(address, Length, write ? 0 : IFxMemoryFlagReadOnly);
  memory.assignParent(request);
  Memory.value = memory;
  return STATUS_SUCCESS;
}

/** At completion: the framework's MDLs are freed and locked user pages unlocked. */
export function FxRequestReleaseMdls(request: FxRequest): void {
  if (request.allocatedMdl !== null) {
    IoFreeMdl(request.allocatedMdl);
    request.allocatedMdl = null;
  }
  const locked = request.lockedMdls;
  if (locked !== null) {
    request.lockedMdls = null;
    for (const mdl of locked) {
      MmUnlockPages(mdl);
      IoFreeMdl(mdl);
    }
  }
}
