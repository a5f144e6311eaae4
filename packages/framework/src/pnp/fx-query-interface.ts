import {
  IoAllocateIrp, IoCompleteRequest, IoForwardIrpSynchronously, IoFreeIrp, IoGetAttachedDeviceReference, IoGetCurrentIrpStackLocation,
  IoSetNextIrpStackLocation, IO_NO_INCREMENT, IRP_MJ_PNP, IRP_MN_QUERY_INTERFACE, NT_SUCCESS, ObDereferenceObject, STATUS_INSUFFICIENT_RESOURCES,
  STATUS_INVALID_BUFFER_SIZE, STATUS_NOT_SUPPORTED, STATUS_SUCCESS, type DEVICE_OBJECT, type INTERFACE, type IRP, type KWAIT_GENERATOR, type NTSTATUS,
} from "@wdfjs/kernel";
import type { FxDevice } from "../device/fx-device.js";

/** `EVT_WDF_DEVICE_PROCESS_QUERY_INTERFACE_REQUEST(Device, InterfaceType, ExposedInterface, ExposedInterfaceSpecificData)`. */
export type EVT_WDF_DEVICE_PROCESS_QUERY_INTERFACE_REQUEST = (Device: any, InterfaceType: string, ExposedInterface: INTERFACE, ExposedInterfaceSpecificData: unknown) => NTSTATUS;

/** One `WdfDeviceAddQueryInterface` registration (`FxQueryInterface`). */
export interface FxQueryInterface {
  readonly InterfaceType: string;
  /** The framework's copy of the driver's interface (null: the callback fills the IRP's). */
  readonly Interface: INTERFACE | null;
  readonly SendQueryToParentStack: boolean;
  readonly ImportInterface: boolean;
  readonly ProcessRequest: EVT_WDF_DEVICE_PROCESS_QUERY_INTERFACE_REQUEST | null;
}

/** GUIDs compare without regard to case or braces (FxIsEqualGuid). */
export function FxIsEqualGuid(a: string, b: string): boolean {
  const n = (s: string): string => s.replace(/[{}]/g, "").toLowerCase();
  return n(a) === n(b);
}

/**
 * `FxPkgPnp::HandleQueryInterface`: null if the device registered no interface of the asked type
 * (the IRP goes its usual way with its status). Found: the driver's interface is copied into the
 * IRP's (STATUS_INVALID_BUFFER_SIZE if the caller asked for a smaller size or older version), the
 * driver's callback may adjust it, InterfaceReference is called, and a PDO completes the IRP; an
 * FDO sends it on down first. SendQueryToParentStack passes the query to the parent's stack.
 */
export function FxHandleQueryInterface(device: FxDevice, entries: readonly FxQueryInterface[], Irp: IRP): KWAIT_GENERATOR<NTSTATUS> | null {
  const qi = IoGetCurrentIrpStackLocation(Irp).Parameters.QueryInterface;
  let found: FxQueryInterface | null = null;
  for (const e of entries) if (FxIsEqualGuid(e.InterfaceType, qi.InterfaceType)) { found = e; break; }
  if (found === null) return null;
  return FxAnswerQueryInterface(device, found, Irp);
}

function* FxAnswerQueryInterface(device: FxDevice, e: FxQueryInterface, Irp: IRP): KWAIT_GENERATOR<NTSTATUS> {
  const qi = IoGetCurrentIrpStackLocation(Irp).Parameters.QueryInterface;
  const exposed = qi.Interface as INTERFACE;
  let status: NTSTATUS = STATUS_SUCCESS;
  if (e.Interface !== null) {
    if (e.Interface.Size <= qi.Size && e.Interface.Version <= qi.Version) {
      if (!e.ImportInterface) Object.assign(exposed, e.Interface);
    } else status = STATUS_INVALID_BUFFER_SIZE;
  }
  const isPdo = device.pnp?.isPdo === true;
  if (NT_SUCCESS(status) && e.ProcessRequest !== null) {
    const cb = e.ProcessRequest;
    const r = device.callDriver(() => cb(device.handle, qi.InterfaceType, exposed, qi.InterfaceSpecificData));
    if (!NT_SUCCESS(r) && r !== STATUS_NOT_SUPPORTED) status = r;
  }
  if (NT_SUCCESS(status)) {
    if (e.SendQueryToParentStack && isPdo) {
      status = yield* FxPassThroughQueryInterface(device, Irp);
    } else {
      if (exposed.InterfaceReference !== null) {
        const ref = exposed.InterfaceReference;
        device.callDriver(() => ref(exposed.Context));
      }
      if (!isPdo) {
        Irp.IoStatus.Status = status;
        yield* IoForwardIrpSynchronously(device.AttachedDevice!, Irp);
        status = Irp.IoStatus.Status;
      }
    }
  }
  Irp.IoStatus.Status = status;
  IoCompleteRequest(Irp, IO_NO_INCREMENT);
  return status;
}

/** `PnpPassThroughQI`: a PDO asks its parent's stack the same question. */
function* FxPassThroughQueryInterface(device: FxDevice, Irp: IRP): KWAIT_GENERATOR<NTSTATUS> {
  const parent = device.pnp !== null && "pdo" in device.pnp ? (device.pnp as unknown as { pdo: { Parent: FxDevice } }).pdo.Parent : null;
  const top = parent?.DeviceObject ?? null;
  if (top === null) return STATUS_NOT_SUPPORTED;
  const qi = IoGetCurrentIrpStackLocation(Irp).Parameters.QueryInterface;
  return yield* FxSendQueryInterface(top, qi.InterfaceType, qi.Interface as INTERFACE, qi.Size, qi.Version, qi.InterfaceSpecificData);
}

/**
 * `FxQueryInterface::_QueryForInterface`: a new IRP_MN_QUERY_INTERFACE (STATUS_NOT_SUPPORTED until
 * someone answers) sent to the top of `Device`'s stack and waited for; the answer's status.
 */
export function* FxSendQueryInterface(
  Device: DEVICE_OBJECT, InterfaceType: string, Interface: INTERFACE, Size: number, Version: number, InterfaceSpecificData: unknown,
): KWAIT_GENERATOR<NTSTATUS> {
  const top = IoGetAttachedDeviceReference(Device);
  const Irp = IoAllocateIrp(top.StackSize + 1, false);
  if (Irp === null) {
    ObDereferenceObject(top);
    return STATUS_INSUFFICIENT_RESOURCES;
  }
  IoSetNextIrpStackLocation(Irp);
  const sl = IoGetCurrentIrpStackLocation(Irp);
  sl.MajorFunction = IRP_MJ_PNP;
  sl.MinorFunction = IRP_MN_QUERY_INTERFACE;
  sl.Parameters.QueryInterface.InterfaceType = InterfaceType;
  sl.Parameters.QueryInterface.Size = Size;
  sl.Parameters.QueryInterface.Version = Version;
  sl.Parameters.QueryInterface.Interface = Interface;
  sl.Parameters.QueryInterface.InterfaceSpecificData = InterfaceSpecificData;
  // PnP rule: an IRP_MJ_PNP starts as STATUS_NOT_SUPPORTED.
  Irp.IoStatus.Status = STATUS_NOT_SUPPORTED;
  yield* IoForwardIrpSynchronously(top, Irp);
  const status = Irp.IoStatus.Status;
  IoFreeIrp(Irp);
  ObDereferenceObject(top);
  return status;
}
