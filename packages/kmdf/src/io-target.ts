import {
  DISPATCH_LEVEL, IRP_MJ_READ, IRP_MJ_WRITE, NT_SUCCESS, PASSIVE_LEVEL, STATUS_INFO_LENGTH_MISMATCH, STATUS_INVALID_DEVICE_REQUEST, STATUS_INVALID_PARAMETER,
  type Box, type DEVICE_OBJECT, type FILE_OBJECT, type KWAIT, type NTSTATUS,
} from "@wdfjs/kernel";
import { KWAIT_CALL } from "@wdfjs/kernel/internal";
import {
  FxFormatIoctl, FxFormatReadWrite, FxIoTargetFormatIoctl, FxIoTargetFormatReadWrite, FxIoTargetRemote, FxIoTargetSendSynchronously, FxObjectCommit,
  FxObjectHandleGetPtr, FxValidateObjectAttributes, FxVerifierCheckIrqlLevel, FxWaitDone, FX_TYPE_DEVICE, FX_TYPE_DEVICE_BASE, FX_TYPE_IO_TARGET, FX_TYPE_IO_TARGET_REMOTE,
  FX_TYPE_REQUEST, WdfIoTargetLeaveSentIoPending, WdfIoTargetOpenByName, WdfIoTargetOpenReopen, WdfIoTargetOpenUseExistingDevice, WdfIoTargetPurgeIoAndWait,
  WdfIoTargetStateUndefined, WDF_IO_TARGET_OPEN_PARAMS_SIZE, type FxDevice, type FxIoTarget, type FxRequest, type FxRequestBuffer,
  type PWDF_IO_TARGET_OPEN_PARAMS, type PWDF_MEMORY_DESCRIPTOR, type PWDF_OBJECT_ATTRIBUTES, type PWDF_REQUEST_SEND_OPTIONS, type PWDFMEMORY_OFFSET,
  type WDF_IO_TARGET_PURGE_IO_ACTION, type WDF_IO_TARGET_SENT_IO_ACTION, type WDF_IO_TARGET_STATE, type WDFDEVICE, type WDFIOTARGET, type WDFMEMORY,
  type WDFREQUEST,
} from "@wdfjs/framework";
import { Enter, EnterDeviceBase as EnterDeviceBaseImported } from "./ddi.js";
import { WdfCheckIrql } from "./irql.js";

// The routines of other modules that this module's I/O path calls, as module constants: V8 reads an imported
// function through a cell, with a check, at every call (even inlined); a module's own constant
// is folded into the code.
const EnterDeviceBase = EnterDeviceBaseImported;

// Also exported here, where it was defined before the core took it (wdftypes.h).
export type { WDFIOTARGET } from "@wdfjs/framework";

const TargetOf = (IoTarget: WDFIOTARGET) => FxObjectHandleGetPtr(IoTarget, FX_TYPE_IO_TARGET) as FxIoTarget;
const RequestAt = (Request: WDFREQUEST, Routine: string) => Enter<FxRequest>(Request, FX_TYPE_REQUEST, Routine);
const TargetAt = (IoTarget: WDFIOTARGET, Routine: string) => Enter<FxIoTarget>(IoTarget, FX_TYPE_IO_TARGET, Routine);
const RemoteAt = (IoTarget: WDFIOTARGET, Routine: string) => Enter<FxIoTargetRemote>(IoTarget, FX_TYPE_IO_TARGET_REMOTE, Routine);

/** `WdfDeviceGetIoTarget`: a function or filter device's default target, the next-lower device (NULL for a control device). */
export function WdfDeviceGetIoTarget(Device: WDFDEVICE): WDFIOTARGET | null {
  return (EnterDeviceBase(Device, "WdfDeviceGetIoTarget")?.defaultTarget?.handle ?? null) as WDFIOTARGET | null;
}

/** `WdfIoTargetCreate`: a remote target, closed until WdfIoTargetOpen; its parent is the device unless the attributes name another. */
export function WdfIoTargetCreate(Device: WDFDEVICE, IoTargetAttributes: PWDF_OBJECT_ATTRIBUTES, IoTarget: Box<WDFIOTARGET | null>): NTSTATUS {
  const device = FxObjectHandleGetPtr(Device, FX_TYPE_DEVICE_BASE) as FxDevice;
  IoTarget.value = null;
  let status = WdfCheckIrql("WdfIoTargetCreate");
  if (NT_SUCCESS(status)) status = FxValidateObjectAttributes(IoTargetAttributes);
  if (!NT_SUCCESS(status)) return status;
  const target = new FxIoTargetRemote(device);
  status = FxObjectCommit(target, IoTargetAttributes, device);
  if (!NT_SUCCESS(status)) {
    target.contexts.length = 0;
    target.deleteObject();
    return status;
  }
  IoTarget.value = target.handle as WDFIOTARGET;
  return status;
}

/**
 * `WdfIoTargetOpen` (PASSIVE_LEVEL, `yield*` it): the core's `FxIoTargetRemote.open`; a wrong
 * Size is STATUS_INFO_LENGTH_MISMATCH, an unknown type STATUS_INVALID_PARAMETER.
 */
export function WdfIoTargetOpen(IoTarget: WDFIOTARGET, OpenParams: PWDF_IO_TARGET_OPEN_PARAMS): KWAIT<NTSTATUS> {
  const target = RemoteAt(IoTarget, "WdfIoTargetOpen");
  if (target === null) return FxWaitDone(STATUS_INVALID_DEVICE_REQUEST);
  if (OpenParams.Size !== WDF_IO_TARGET_OPEN_PARAMS_SIZE) return FxWaitDone(STATUS_INFO_LENGTH_MISMATCH);
  const t = OpenParams.Type;
  if (t !== WdfIoTargetOpenUseExistingDevice && t !== WdfIoTargetOpenByName && t !== WdfIoTargetOpenReopen) return FxWaitDone(STATUS_INVALID_PARAMETER);
  return new KWAIT_CALL("WdfIoTargetOpen", target.open(OpenParams));
}

/** `WdfIoTargetClose` (PASSIVE_LEVEL, waits for sent I/O: `yield*` it): the target fails new requests; its file object is closed. */
export function WdfIoTargetClose(IoTarget: WDFIOTARGET): KWAIT<void> {
  const target = RemoteAt(IoTarget, "WdfIoTargetClose");
  return target === null ? FxWaitDone(undefined) : new KWAIT_CALL("WdfIoTargetClose", target.close(false));
}

/** `WdfIoTargetCloseForQueryRemove` (from EvtIoTargetQueryRemove): closed, but reopenable if the removal is cancelled. */
export function WdfIoTargetCloseForQueryRemove(IoTarget: WDFIOTARGET): KWAIT<void> {
  const target = RemoteAt(IoTarget, "WdfIoTargetCloseForQueryRemove");
  return target === null ? FxWaitDone(undefined) : new KWAIT_CALL("WdfIoTargetCloseForQueryRemove", target.close(true));
}

/** `WdfIoTargetStart`: sends what waited while the target was stopped; a closed target stays closed (STATUS_INVALID_DEVICE_STATE). */
export function WdfIoTargetStart(IoTarget: WDFIOTARGET): NTSTATUS {
  return TargetAt(IoTarget, "WdfIoTargetStart")?.start() ?? STATUS_INVALID_DEVICE_REQUEST;
}

/**
 * `WdfIoTargetStop` (`yield*` it): new requests wait in the target until it starts again; sent
 * I/O cancelled or waited for at PASSIVE_LEVEL, or left pending (then DISPATCH_LEVEL is allowed).
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
  return TargetAt(IoTarget, "WdfIoTargetGetState")?.targetState ?? WdfIoTargetStateUndefined;
}

/** `WdfIoTargetGetDevice`: the device the target belongs to. */
export function WdfIoTargetGetDevice(IoTarget: WDFIOTARGET): WDFDEVICE | null {
  return (TargetAt(IoTarget, "WdfIoTargetGetDevice")?.device.handle ?? null) as WDFDEVICE | null;
}

/** `WdfIoTargetWdmGetTargetDeviceObject`: the device the target sends to (NULL while closed). */
export function WdfIoTargetWdmGetTargetDeviceObject(IoTarget: WDFIOTARGET): DEVICE_OBJECT | null {
  return TargetAt(IoTarget, "WdfIoTargetWdmGetTargetDeviceObject")?.TargetDevice ?? null;
}

/** `WdfIoTargetWdmGetTargetPhysicalDevice`: the PDO of the target's stack. */
export function WdfIoTargetWdmGetTargetPhysicalDevice(IoTarget: WDFIOTARGET): DEVICE_OBJECT | null {
  return TargetAt(IoTarget, "WdfIoTargetWdmGetTargetPhysicalDevice")?.TargetPdo ?? null;
}

/** `WdfIoTargetWdmGetTargetFileObject`: the file object a target opened by name sends with (NULL for a default target). */
export function WdfIoTargetWdmGetTargetFileObject(IoTarget: WDFIOTARGET): FILE_OBJECT | null {
  return TargetAt(IoTarget, "WdfIoTargetWdmGetTargetFileObject")?.TargetFileObject ?? null;
}

/** `WdfIoTargetFormatRequestForRead`: a read of the target into the memory (its offset window), at DeviceOffset (`FxIoTargetFormatReadWrite`). */
export function WdfIoTargetFormatRequestForRead(IoTarget: WDFIOTARGET, Request: WDFREQUEST, OutputBuffer: WDFMEMORY | null, OutputBufferOffset: PWDFMEMORY_OFFSET, DeviceOffset: number | null): NTSTATUS {
  const target = TargetOf(IoTarget);
  const request = RequestAt(Request, "WdfIoTargetFormatRequestForRead");
  return request === null ? STATUS_INVALID_DEVICE_REQUEST : FxIoTargetFormatReadWrite(target, request, IRP_MJ_READ, OutputBuffer, OutputBufferOffset, DeviceOffset);
}

/** `WdfIoTargetFormatRequestForWrite`: a write of the memory to the target. */
export function WdfIoTargetFormatRequestForWrite(IoTarget: WDFIOTARGET, Request: WDFREQUEST, InputBuffer: WDFMEMORY | null, InputBufferOffset: PWDFMEMORY_OFFSET, DeviceOffset: number | null): NTSTATUS {
  const target = TargetOf(IoTarget);
  const request = RequestAt(Request, "WdfIoTargetFormatRequestForWrite");
  return request === null ? STATUS_INVALID_DEVICE_REQUEST : FxIoTargetFormatReadWrite(target, request, IRP_MJ_WRITE, InputBuffer, InputBufferOffset, DeviceOffset);
}

/** `WdfIoTargetFormatRequestForIoctl`: an IRP_MJ_DEVICE_CONTROL with the buffers its method needs (`FxIoTargetFormatIoctl`). */
export function WdfIoTargetFormatRequestForIoctl(
  IoTarget: WDFIOTARGET, Request: WDFREQUEST, IoctlCode: number, InputBuffer: WDFMEMORY | null, InputBufferOffset: PWDFMEMORY_OFFSET, OutputBuffer: WDFMEMORY | null, OutputBufferOffset: PWDFMEMORY_OFFSET,
): NTSTATUS {
  const target = TargetOf(IoTarget);
  const request = RequestAt(Request, "WdfIoTargetFormatRequestForIoctl");
  return request === null ? STATUS_INVALID_DEVICE_REQUEST : FxIoTargetFormatIoctl(target, request, false, IoctlCode, InputBuffer, InputBufferOffset, OutputBuffer, OutputBufferOffset);
}

/** `WdfIoTargetFormatRequestForInternalIoctl`: as for an IOCTL, as IRP_MJ_INTERNAL_DEVICE_CONTROL. */
export function WdfIoTargetFormatRequestForInternalIoctl(
  IoTarget: WDFIOTARGET, Request: WDFREQUEST, IoctlCode: number, InputBuffer: WDFMEMORY | null, InputBufferOffset: PWDFMEMORY_OFFSET, OutputBuffer: WDFMEMORY | null, OutputBufferOffset: PWDFMEMORY_OFFSET,
): NTSTATUS {
  const target = TargetOf(IoTarget);
  const request = RequestAt(Request, "WdfIoTargetFormatRequestForInternalIoctl");
  return request === null ? STATUS_INVALID_DEVICE_REQUEST : FxIoTargetFormatIoctl(target, request, true, IoctlCode, InputBuffer, InputBufferOffset, OutputBuffer, OutputBufferOffset);
}

/** The synchronous sends (PASSIVE_LEVEL; `yield*` them): the core's `FxIoTargetSendSynchronously`. */
function SendSync(
  Routine: string, IoTarget: WDFIOTARGET, Request: WDFREQUEST | null, Options: PWDF_REQUEST_SEND_OPTIONS, Information: Box<number> | null,
  Descriptors: PWDF_MEMORY_DESCRIPTOR[], format: (target: FxIoTarget, request: FxRequest, b: FxRequestBuffer[]) => NTSTATUS,
): KWAIT<NTSTATUS> {
  const target = TargetOf(IoTarget);
  const request = Request === null ? null : (FxObjectHandleGetPtr(Request, FX_TYPE_REQUEST) as FxRequest);
  const status = WdfCheckIrql(Routine);
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
