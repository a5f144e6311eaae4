/**
 * A stand-in for `WdfFdoQueryForInterface` while that function is not yet in `@wdfjs/kmdf`.
 * TODO: replace the one call in func-featured.ts with WdfFdoQueryForInterface once it lands
 * (another branch adds it with WdfDeviceAddQueryInterface), and delete this file.
 *
 * It does what FxQueryInterface::_QueryForInterface does: an IRP_MN_QUERY_INTERFACE sent to the
 * top of the device's own stack (so every driver in it sees the query), created with
 * STATUS_NOT_SUPPORTED as every new PnP IRP must be, and waited for at PASSIVE_LEVEL.
 */
import {
  Executive, IO_STATUS_BLOCK, IoBuildSynchronousFsdRequest, IoCallDriver, IoGetAttachedDeviceReference, IoGetNextIrpStackLocation, IRP_MJ_PNP,
  IRP_MN_QUERY_INTERFACE, KeInitializeEvent, KernelMode, KEVENT, KeWaitForSingleObject, NotificationEvent, ObDereferenceObject, STATUS_INSUFFICIENT_RESOURCES,
  STATUS_NOT_SUPPORTED, STATUS_PENDING, type KWAIT_GENERATOR, type NTSTATUS,
} from "@wdfjs/kernel";
import { WdfDeviceWdmGetDeviceObject, type WDFDEVICE } from "@wdfjs/kmdf";

/** `INTERFACE` (wdm.h): the header every query-interface structure starts with; an interface class extends it. */
export class INTERFACE {
  Size = 0;
  Version = 0;
  Context: unknown = null;
  InterfaceReference: ((Context: unknown) => void) | null = null;
  InterfaceDereference: ((Context: unknown) => void) | null = null;
}

/** `WdfFdoQueryForInterface`'s parameters and result (PASSIVE_LEVEL, `yield*` it); the bus driver fills `Interface` in. */
export function* ToasterFdoQueryForInterface(Fdo: WDFDEVICE, InterfaceType: string, Interface: INTERFACE, Size: number, Version: number, InterfaceSpecificData: unknown): KWAIT_GENERATOR<NTSTATUS> {
  const top = IoGetAttachedDeviceReference(WdfDeviceWdmGetDeviceObject(Fdo)!);
  const event = new KEVENT();
  KeInitializeEvent(event, NotificationEvent, false);
  const iosb = new IO_STATUS_BLOCK();
  const irp = IoBuildSynchronousFsdRequest(IRP_MJ_PNP, top, 0, 0, null, event, iosb);
  if (irp === null) {
    ObDereferenceObject(top);
    return STATUS_INSUFFICIENT_RESOURCES;
  }
  // A PnP IRP nobody handles must come back as STATUS_NOT_SUPPORTED.
  irp.IoStatus.Status = STATUS_NOT_SUPPORTED;
  const stack = IoGetNextIrpStackLocation(irp);
  stack.MinorFunction = IRP_MN_QUERY_INTERFACE;
  stack.Parameters.QueryInterface.InterfaceType = InterfaceType;
  stack.Parameters.QueryInterface.Size = Size;
  stack.Parameters.QueryInterface.Version = Version;
  stack.Parameters.QueryInterface.Interface = Interface;
  stack.Parameters.QueryInterface.InterfaceSpecificData = InterfaceSpecificData;
  let status = IoCallDriver(top, irp);
  if (status === STATUS_PENDING) {
    yield* KeWaitForSingleObject(event, Executive, KernelMode, false, null);
    status = iosb.Status;
  }
  ObDereferenceObject(top);
  return status;
}
