import { NT_SUCCESS, STATUS_INVALID_DEVICE_REQUEST, type Box, type INTERFACE, type KWAIT, type KWAIT_GENERATOR, type NTSTATUS, type POOL_TYPE } from "@wdfjs/kernel";
import {
  FxFormatInternalIoctlOthers, FxIoTargetAllocAndQueryTargetProperty, FxIoTargetFormatInternalIoctlOthers, FxIoTargetQueryForInterface, FxIoTargetQueryTargetProperty,
  FxIoTargetSendSynchronously, FxObjectHandleGetPtr, FxValidateObjectAttributes, FxWaitDone, FX_TYPE_IO_TARGET, FX_TYPE_IO_TARGET_REMOTE, FX_TYPE_REQUEST,
  type FxIoTarget, type FxRequest, type PWDF_MEMORY_DESCRIPTOR, type PWDF_OBJECT_ATTRIBUTES, type PWDF_REQUEST_SEND_OPTIONS, type PWDFMEMORY_OFFSET,
  type WDFIOTARGET, type WDFMEMORY, type WDFREQUEST,
} from "@wdfjs/framework";
import { Created, Enter } from "./ddi.js";
import { WdfCheckIrql } from "./irql.js";

const TargetAt = (IoTarget: WDFIOTARGET, Routine: string) => Enter<FxIoTarget>(IoTarget, FX_TYPE_IO_TARGET, Routine);

/** `WdfIoTargetQueryTargetProperty` (PASSIVE_LEVEL): IoGetDeviceProperty on the target's PDO (none: STATUS_INVALID_DEVICE_REQUEST). */
export function WdfIoTargetQueryTargetProperty(IoTarget: WDFIOTARGET, DeviceProperty: number, BufferLength: number, PropertyBuffer: number, ResultLength: Box<number>): NTSTATUS {
  const target = TargetAt(IoTarget, "WdfIoTargetQueryTargetProperty");
  return target === null ? STATUS_INVALID_DEVICE_REQUEST : FxIoTargetQueryTargetProperty(target, DeviceProperty, BufferLength, PropertyBuffer, ResultLength);
}

/** `WdfIoTargetAllocAndQueryTargetProperty` (PASSIVE_LEVEL): the property in a new WDFMEMORY of its size. */
export function WdfIoTargetAllocAndQueryTargetProperty(
  IoTarget: WDFIOTARGET, DeviceProperty: number, PoolType: POOL_TYPE, PropertyMemoryAttributes: PWDF_OBJECT_ATTRIBUTES, PropertyMemory: Box<WDFMEMORY | null>,
): NTSTATUS {
  PropertyMemory.value = null;
  const target = TargetAt(IoTarget, "WdfIoTargetAllocAndQueryTargetProperty");
  if (target === null) return STATUS_INVALID_DEVICE_REQUEST;
  const status = FxValidateObjectAttributes(PropertyMemoryAttributes);
  return NT_SUCCESS(status) ? Created(FxIoTargetAllocAndQueryTargetProperty(target, DeviceProperty, PoolType, PropertyMemoryAttributes), PropertyMemory) : status;
}

/** `WdfIoTargetQueryForInterface` (PASSIVE_LEVEL, `yield*`): IRP_MN_QUERY_INTERFACE to the top of the target's stack, waited for. */
export function* WdfIoTargetQueryForInterface(
  IoTarget: WDFIOTARGET, InterfaceType: string, Interface: INTERFACE, Size: number, Version: number, InterfaceSpecificData: unknown,
): KWAIT_GENERATOR<NTSTATUS> {
  const target = TargetAt(IoTarget, "WdfIoTargetQueryForInterface");
  if (target === null) return STATUS_INVALID_DEVICE_REQUEST;
  return yield* FxIoTargetQueryForInterface(target, InterfaceType, Interface, Size, Version, InterfaceSpecificData);
}

/**
 * `WdfIoTargetWdmGetTargetFileHandle` (a remote target only; another is WDF_INVALID_HANDLE):
 * `FxIoTargetRemote::GetTargetHandle`. wdfjs opens a target by name with IoGetDeviceObjectPointer,
 * which leaves no kernel handle behind, so there is none to return: NULL.
 */
export function WdfIoTargetWdmGetTargetFileHandle(IoTarget: WDFIOTARGET): number | null {
  FxObjectHandleGetPtr(IoTarget, FX_TYPE_IO_TARGET_REMOTE);
  WdfCheckIrql("WdfIoTargetWdmGetTargetFileHandle");
  return null;
}

/** `WdfIoTargetFormatRequestForInternalIoctlOthers`: the core's `FxIoTargetFormatInternalIoctlOthers` (Others.Argument1, 2 and 4 from the memories). */
export function WdfIoTargetFormatRequestForInternalIoctlOthers(
  IoTarget: WDFIOTARGET, Request: WDFREQUEST, IoctlCode: number, OtherArg1: WDFMEMORY | null, OtherArg1Offset: PWDFMEMORY_OFFSET, OtherArg2: WDFMEMORY | null,
  OtherArg2Offset: PWDFMEMORY_OFFSET, OtherArg4: WDFMEMORY | null, OtherArg4Offset: PWDFMEMORY_OFFSET,
): NTSTATUS {
  const target = FxObjectHandleGetPtr(IoTarget, FX_TYPE_IO_TARGET) as FxIoTarget;
  const request = Enter<FxRequest>(Request, FX_TYPE_REQUEST, "WdfIoTargetFormatRequestForInternalIoctlOthers");
  if (request === null) return STATUS_INVALID_DEVICE_REQUEST;
  return FxIoTargetFormatInternalIoctlOthers(target, request, IoctlCode, [OtherArg1, OtherArg2, OtherArg4], [OtherArg1Offset, OtherArg2Offset, OtherArg4Offset]);
}

/** `WdfIoTargetSendInternalIoctlOthersSynchronously` (PASSIVE_LEVEL, `yield*`): the three descriptors as Others arguments, sent and waited for. */
export function WdfIoTargetSendInternalIoctlOthersSynchronously(
  IoTarget: WDFIOTARGET, Request: WDFREQUEST | null, IoctlCode: number, OtherArg1: PWDF_MEMORY_DESCRIPTOR, OtherArg2: PWDF_MEMORY_DESCRIPTOR,
  OtherArg4: PWDF_MEMORY_DESCRIPTOR, RequestOptions: PWDF_REQUEST_SEND_OPTIONS, BytesReturned: Box<number> | null,
): KWAIT<NTSTATUS> {
  const Routine = "WdfIoTargetSendInternalIoctlOthersSynchronously";
  const target = FxObjectHandleGetPtr(IoTarget, FX_TYPE_IO_TARGET) as FxIoTarget;
  const request = Request === null ? null : (FxObjectHandleGetPtr(Request, FX_TYPE_REQUEST) as FxRequest);
  const status = WdfCheckIrql(Routine);
  if (!NT_SUCCESS(status)) return FxWaitDone(status);
  return FxIoTargetSendSynchronously(Routine, target, request, RequestOptions, BytesReturned, [OtherArg1, OtherArg2, OtherArg4],
    (t, r, b) => FxFormatInternalIoctlOthers(t, r, IoctlCode, b));
}
