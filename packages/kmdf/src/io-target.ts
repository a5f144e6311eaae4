import {
  DISPATCH_LEVEL, IRP_MJ_READ, IRP_MJ_WRITE, NT_SUCCESS, PASSIVE_LEVEL, STATUS_INFO_LENGTH_MISMATCH, STATUS_INVALID_PARAMETER, STATUS_SUCCESS, type Box, type DEVICE_OBJECT,
  type FILE_OBJECT, type KWAIT, type NTSTATUS,
} from "@wdfjs/kernel";
import { KWAIT_CALL } from "@wdfjs/kernel/internal";
import {
  FxFormatIoctl, FxFormatReadWrite, FxIoTargetFormatIoctl, FxIoTargetFormatReadWrite, FxIoTargetRemote, FxIoTargetSendSynchronously, FxObjectCommit, FxObjectHandleGetPtr,
  FxValidateObjectAttributes, FxVerifierCheckIrqlLevel, FxWaitDone, FX_TYPE_DEVICE, FX_TYPE_IO_TARGET, FX_TYPE_IO_TARGET_REMOTE, FX_TYPE_REQUEST, WdfIoTargetLeaveSentIoPending, WdfIoTargetOpenByName, WdfIoTargetOpenReopen,
  WdfIoTargetOpenUseExistingDevice, WdfIoTargetPurgeIoAndWait, WdfIoTargetStateUndefined, WDF_IO_TARGET_OPEN_PARAMS_SIZE, type FxDevice, type FxIoTarget,
  type FxRequest, type FxRequestBuffer, type PWDF_IO_TARGET_OPEN_PARAMS, type PWDF_MEMORY_DESCRIPTOR, type PWDF_OBJECT_ATTRIBUTES, type PWDF_REQUEST_SEND_OPTIONS,
  type PWDFMEMORY_OFFSET, type WDF_IO_TARGET_PURGE_IO_ACTION, type WDF_IO_TARGET_SENT_IO_ACTION, type WDF_IO_TARGET_STATE, type WDFHANDLE,
} from "@wdfjs/framework";
import type { WDFDEVICE } from "./device.js";
import type { WDFMEMORY } from "./memory.js";
import type { WDFREQUEST } from "./request.js";

export type WDFIOTARGET = WDFHANDLE<"WDFIOTARGET">;

function TargetOf(IoTarget: WDFIOTARGET): FxIoTarget {
  return FxObjectHandleGetPtr(IoTarget, FX_TYPE_IO_TARGET) as FxIoTarget;
}
function RemoteOf(IoTarget: WDFIOTARGET): FxIoTargetRemote {
  return FxObjectHandleGetPtr(IoTarget, FX_TYPE_IO_TARGET_REMOTE) as FxIoTargetRemote;
}

/** `WdfDeviceGetIoTarget`: a function or filter device's default target, the next-lower device (NULL for a control device). */
export function WdfDeviceGetIoTarget(Device: WDFDEVICE): WDFIOTARGET | null {
  const device = FxObjectHandleGetPtr(Device, FX_TYPE_DEVICE) as FxDevice;
  if (!NT_SUCCESS(FxVerifierCheckIrqlLevel("WdfDeviceGetIoTarget", DISPATCH_LEVEL))) return null;
  return (device.defaultTarget?.handle ?? null) as WDFIOTARGET | null;
}

/** `WdfIoTargetCreate`: a remote target, closed until WdfIoTargetOpen; its parent is the device unless the attributes name another. */
export function WdfIoTargetCreate(Device: WDFDEVICE, IoTargetAttributes: PWDF_OBJECT_ATTRIBUTES, IoTarget: Box<WDFIOTARGET | null>): NTSTATUS {
  const device = FxObjectHandleGetPtr(Device, FX_TYPE_DEVICE) as FxDevice;
  IoTarget.value = null;
  let status = FxVerifierCheckIrqlLevel("WdfIoTargetCreate", PASSIVE_LEVEL);
  if (!NT_SUCCESS(status)) return status;
  status = FxValidateObjectAttributes(IoTargetAttributes);
  if (!NT_SUCCESS(status)) return status;
  const target = new FxIoTargetRemote(device);
  status = FxObjectCommit(target, IoTargetAttributes, device);
  if (!NT_SUCCESS(status)) {
    target.contexts.length = 0;
    target.deleteObject();
    return status;
  }
  IoTarget.value = target.handle as WDFIOTARGET;
  return STATUS_SUCCESS;
}

/**
 * `WdfIoTargetOpen` (PASSIVE_LEVEL, waits: `yield*` it): on an existing device object, or by
 * name (a device name, a symbolic link, a device interface's link), or again after a cancelled
 * query-remove (REOPEN). A wrong Size is STATUS_INFO_LENGTH_MISMATCH, an unknown type
 * STATUS_INVALID_PARAMETER; a target already open, STATUS_INVALID_DEVICE_STATE.
 */
export function WdfIoTargetOpen(IoTarget: WDFIOTARGET, OpenParams: PWDF_IO_TARGET_OPEN_PARAMS): KWAIT<NTSTATUS> {
  const target = RemoteOf(IoTarget);
  const status = FxVerifierCheckIrqlLevel("WdfIoTargetOpen", PASSIVE_LEVEL);
  if (!NT_SUCCESS(status)) return FxWaitDone(status);
  if (OpenParams.Size !== WDF_IO_TARGET_OPEN_PARAMS_SIZE) return FxWaitDone(STATUS_INFO_LENGTH_MISMATCH);
  const t = OpenParams.Type;
  if (t !== WdfIoTargetOpenUseExistingDevice && t !== WdfIoTargetOpenByName && t !== WdfIoTargetOpenReopen) return FxWaitDone(STATUS_INVALID_PARAMETER);
  return new KWAIT_CALL("WdfIoTargetOpen", target.open(OpenParams));
}

/** `WdfIoTargetClose` (PASSIVE_LEVEL, waits for sent I/O: `yield*` it): the target fails new requests; its file object is closed. */
export function WdfIoTargetClose(IoTarget: WDFIOTARGET): KWAIT<void> {
  const target = RemoteOf(IoTarget);
  if (!NT_SUCCESS(FxVerifierCheckIrqlLevel("WdfIoTargetClose", PASSIVE_LEVEL))) return FxWaitDone(undefined);
  return new KWAIT_CALL("WdfIoTargetClose", target.close(false));
}

/** `WdfIoTargetCloseForQueryRemove` (from EvtIoTargetQueryRemove): closed, but reopenable if the removal is cancelled. */
export function WdfIoTargetCloseForQueryRemove(IoTarget: WDFIOTARGET): KWAIT<void> {
  const target = RemoteOf(IoTarget);
  if (!NT_SUCCESS(FxVerifierCheckIrqlLevel("WdfIoTargetCloseForQueryRemove", PASSIVE_LEVEL))) return FxWaitDone(undefined);
  return new KWAIT_CALL("WdfIoTargetCloseForQueryRemove", target.close(true));
}

/** `WdfIoTargetStart`: sends what waited while the target was stopped; a closed target stays closed (STATUS_INVALID_DEVICE_STATE). */
export function WdfIoTargetStart(IoTarget: WDFIOTARGET): NTSTATUS {
  const target = TargetOf(IoTarget);
  const status = FxVerifierCheckIrqlLevel("WdfIoTargetStart", DISPATCH_LEVEL);
  if (!NT_SUCCESS(status)) return status;
  return target.start();
}

/**
 * `WdfIoTargetStop`: new requests wait in the target until it starts again. `yield*` it: with
 * WdfIoTargetCancelSentIo (sent I/O cancelled) and WdfIoTargetWaitForSentIoToComplete it waits
 * for the sent requests (PASSIVE_LEVEL); with WdfIoTargetLeaveSentIoPending it does not wait and
 * may be called at DISPATCH_LEVEL.
 */
export function WdfIoTargetStop(IoTarget: WDFIOTARGET, Action: WDF_IO_TARGET_SENT_IO_ACTION): KWAIT<void> {
  const target = TargetOf(IoTarget);
  const waits = Action !== WdfIoTargetLeaveSentIoPending;
  if (!NT_SUCCESS(FxVerifierCheckIrqlLevel("WdfIoTargetStop", waits ? PASSIVE_LEVEL : DISPATCH_LEVEL))) return FxWaitDone(undefined);
  target.stop(Action);
  return waits ? new KWAIT_CALL("WdfIoTargetStop", target.waitForSentIo()) : FxWaitDone(undefined);
}

/** `WdfIoTargetPurge`: the target fails new requests, cancels the waiting and sent ones; WdfIoTargetPurgeIoAndWait waits for them (`yield*`). */
export function WdfIoTargetPurge(IoTarget: WDFIOTARGET, Action: WDF_IO_TARGET_PURGE_IO_ACTION): KWAIT<void> {
  const target = TargetOf(IoTarget);
  const waits = Action === WdfIoTargetPurgeIoAndWait;
  if (!NT_SUCCESS(FxVerifierCheckIrqlLevel("WdfIoTargetPurge", waits ? PASSIVE_LEVEL : DISPATCH_LEVEL))) return FxWaitDone(undefined);
  target.purge();
  return waits ? new KWAIT_CALL("WdfIoTargetPurge", target.waitForSentIo()) : FxWaitDone(undefined);
}

/** `WdfIoTargetGetState`. */
export function WdfIoTargetGetState(IoTarget: WDFIOTARGET): WDF_IO_TARGET_STATE {
  const target = TargetOf(IoTarget);
  if (!NT_SUCCESS(FxVerifierCheckIrqlLevel("WdfIoTargetGetState", DISPATCH_LEVEL))) return WdfIoTargetStateUndefined;
  return target.targetState;
}

/** `WdfIoTargetGetDevice`: the device the target belongs to. */
export function WdfIoTargetGetDevice(IoTarget: WDFIOTARGET): WDFDEVICE | null {
  const target = TargetOf(IoTarget);
  return NT_SUCCESS(FxVerifierCheckIrqlLevel("WdfIoTargetGetDevice", DISPATCH_LEVEL)) ? (target.device.handle as WDFDEVICE) : null;
}

/** `WdfIoTargetWdmGetTargetDeviceObject`: the device the target sends to (NULL while closed). */
export function WdfIoTargetWdmGetTargetDeviceObject(IoTarget: WDFIOTARGET): DEVICE_OBJECT | null {
  const target = TargetOf(IoTarget);
  return NT_SUCCESS(FxVerifierCheckIrqlLevel("WdfIoTargetWdmGetTargetDeviceObject", DISPATCH_LEVEL)) ? target.TargetDevice : null;
}

/** `WdfIoTargetWdmGetTargetPhysicalDevice`: the PDO of the target's stack. */
export function WdfIoTargetWdmGetTargetPhysicalDevice(IoTarget: WDFIOTARGET): DEVICE_OBJECT | null {
  const target = TargetOf(IoTarget);
  return NT_SUCCESS(FxVerifierCheckIrqlLevel("WdfIoTargetWdmGetTargetPhysicalDevice", DISPATCH_LEVEL)) ? target.TargetPdo : null;
}

/** `WdfIoTargetWdmGetTargetFileObject`: the file object a target opened by name sends with (NULL for a default target). */
export function WdfIoTargetWdmGetTargetFileObject(IoTarget: WDFIOTARGET): FILE_OBJECT | null {
  const target = TargetOf(IoTarget);
  return NT_SUCCESS(FxVerifierCheckIrqlLevel("WdfIoTargetWdmGetTargetFileObject", DISPATCH_LEVEL)) ? target.TargetFileObject : null;
}

/* ---- formatting ---- */

function RequestOf(Request: WDFREQUEST): FxRequest {
  return FxObjectHandleGetPtr(Request, FX_TYPE_REQUEST) as FxRequest;
}

/** `WdfIoTargetFormatRequestForRead`: the request becomes a read of the target into the memory (its offset window), at DeviceOffset. */
export function WdfIoTargetFormatRequestForRead(IoTarget: WDFIOTARGET, Request: WDFREQUEST, OutputBuffer: WDFMEMORY | null, OutputBufferOffset: PWDFMEMORY_OFFSET, DeviceOffset: number | null): NTSTATUS {
  const target = TargetOf(IoTarget);
  const request = RequestOf(Request);
  const status = FxVerifierCheckIrqlLevel("WdfIoTargetFormatRequestForRead", DISPATCH_LEVEL);
  return NT_SUCCESS(status) ? FxIoTargetFormatReadWrite(target, request, IRP_MJ_READ, OutputBuffer, OutputBufferOffset, DeviceOffset) : status;
}

/** `WdfIoTargetFormatRequestForWrite`: the request becomes a write of the memory to the target. */
export function WdfIoTargetFormatRequestForWrite(IoTarget: WDFIOTARGET, Request: WDFREQUEST, InputBuffer: WDFMEMORY | null, InputBufferOffset: PWDFMEMORY_OFFSET, DeviceOffset: number | null): NTSTATUS {
  const target = TargetOf(IoTarget);
  const request = RequestOf(Request);
  const status = FxVerifierCheckIrqlLevel("WdfIoTargetFormatRequestForWrite", DISPATCH_LEVEL);
  return NT_SUCCESS(status) ? FxIoTargetFormatReadWrite(target, request, IRP_MJ_WRITE, InputBuffer, InputBufferOffset, DeviceOffset) : status;
}

/** `WdfIoTargetFormatRequestForIoctl`: the request becomes an IRP_MJ_DEVICE_CONTROL with the buffers its method needs. */
export function WdfIoTargetFormatRequestForIoctl(
  IoTarget: WDFIOTARGET, Request: WDFREQUEST, IoctlCode: number, InputBuffer: WDFMEMORY | null, InputBufferOffset: PWDFMEMORY_OFFSET, OutputBuffer: WDFMEMORY | null, OutputBufferOffset: PWDFMEMORY_OFFSET,
): NTSTATUS {
  const target = TargetOf(IoTarget);
  const request = RequestOf(Request);
  const status = FxVerifierCheckIrqlLevel("WdfIoTargetFormatRequestForIoctl", DISPATCH_LEVEL);
  return NT_SUCCESS(status) ? FxIoTargetFormatIoctl(target, request, false, IoctlCode, InputBuffer, InputBufferOffset, OutputBuffer, OutputBufferOffset) : status;
}

/** `WdfIoTargetFormatRequestForInternalIoctl`: as for an IOCTL, as IRP_MJ_INTERNAL_DEVICE_CONTROL. */
export function WdfIoTargetFormatRequestForInternalIoctl(
  IoTarget: WDFIOTARGET, Request: WDFREQUEST, IoctlCode: number, InputBuffer: WDFMEMORY | null, InputBufferOffset: PWDFMEMORY_OFFSET, OutputBuffer: WDFMEMORY | null, OutputBufferOffset: PWDFMEMORY_OFFSET,
): NTSTATUS {
  const target = TargetOf(IoTarget);
  const request = RequestOf(Request);
  const status = FxVerifierCheckIrqlLevel("WdfIoTargetFormatRequestForInternalIoctl", DISPATCH_LEVEL);
  return NT_SUCCESS(status) ? FxIoTargetFormatIoctl(target, request, true, IoctlCode, InputBuffer, InputBufferOffset, OutputBuffer, OutputBufferOffset) : status;
}

/* ---- synchronous sends (PASSIVE_LEVEL; `yield*` them) ---- */

function SendSync(
  Routine: string, IoTarget: WDFIOTARGET, Request: WDFREQUEST | null, Options: PWDF_REQUEST_SEND_OPTIONS, Information: Box<number> | null,
  Descriptors: PWDF_MEMORY_DESCRIPTOR[], format: (target: FxIoTarget, request: FxRequest, b: FxRequestBuffer[]) => NTSTATUS,
): KWAIT<NTSTATUS> {
  const target = TargetOf(IoTarget);
  const request = Request === null ? null : RequestOf(Request);
  const status = FxVerifierCheckIrqlLevel(Routine, PASSIVE_LEVEL);
  if (!NT_SUCCESS(status)) return FxWaitDone(status);
  return FxIoTargetSendSynchronously(Routine, target, request, Options, Information, Descriptors, format);
}

/** `WdfIoTargetSendReadSynchronously`: a read into the descriptor's buffer, waited for; BytesRead = Information. */
export function WdfIoTargetSendReadSynchronously(
  IoTarget: WDFIOTARGET, Request: WDFREQUEST | null, OutputBuffer: PWDF_MEMORY_DESCRIPTOR, DeviceOffset: number | null, RequestOptions: PWDF_REQUEST_SEND_OPTIONS, BytesRead: Box<number> | null,
): KWAIT<NTSTATUS> {
  return SendSync("WdfIoTargetSendReadSynchronously", IoTarget, Request, RequestOptions, BytesRead, [OutputBuffer], (t, r, b) => FxFormatReadWrite(t, r, IRP_MJ_READ, b[0]!, DeviceOffset));
}

/** `WdfIoTargetSendWriteSynchronously`: a write of the descriptor's buffer, waited for; BytesWritten = Information. */
export function WdfIoTargetSendWriteSynchronously(
  IoTarget: WDFIOTARGET, Request: WDFREQUEST | null, InputBuffer: PWDF_MEMORY_DESCRIPTOR, DeviceOffset: number | null, RequestOptions: PWDF_REQUEST_SEND_OPTIONS, BytesWritten: Box<number> | null,
): KWAIT<NTSTATUS> {
  return SendSync("WdfIoTargetSendWriteSynchronously", IoTarget, Request, RequestOptions, BytesWritten, [InputBuffer], (t, r, b) => FxFormatReadWrite(t, r, IRP_MJ_WRITE, b[0]!, DeviceOffset));
}

/** `WdfIoTargetSendIoctlSynchronously`: an IOCTL with the descriptors' buffers, waited for; BytesReturned = Information. */
export function WdfIoTargetSendIoctlSynchronously(
  IoTarget: WDFIOTARGET, Request: WDFREQUEST | null, IoctlCode: number, InputBuffer: PWDF_MEMORY_DESCRIPTOR, OutputBuffer: PWDF_MEMORY_DESCRIPTOR,
  RequestOptions: PWDF_REQUEST_SEND_OPTIONS, BytesReturned: Box<number> | null,
): KWAIT<NTSTATUS> {
  return SendSync("WdfIoTargetSendIoctlSynchronously", IoTarget, Request, RequestOptions, BytesReturned, [InputBuffer, OutputBuffer],
    (t, r, b) => FxFormatIoctl(t, r, false, IoctlCode, b[0]!, b[1]!));
}

/** `WdfIoTargetSendInternalIoctlSynchronously`: as WdfIoTargetSendIoctlSynchronously, as IRP_MJ_INTERNAL_DEVICE_CONTROL. */
export function WdfIoTargetSendInternalIoctlSynchronously(
  IoTarget: WDFIOTARGET, Request: WDFREQUEST | null, IoctlCode: number, InputBuffer: PWDF_MEMORY_DESCRIPTOR, OutputBuffer: PWDF_MEMORY_DESCRIPTOR,
  RequestOptions: PWDF_REQUEST_SEND_OPTIONS, BytesReturned: Box<number> | null,
): KWAIT<NTSTATUS> {
  return SendSync("WdfIoTargetSendInternalIoctlSynchronously", IoTarget, Request, RequestOptions, BytesReturned, [InputBuffer, OutputBuffer],
    (t, r, b) => FxFormatIoctl(t, r, true, IoctlCode, b[0]!, b[1]!));
}
