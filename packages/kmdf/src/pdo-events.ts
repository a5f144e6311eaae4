import { currentMachine, STATUS_INVALID_DEVICE_REQUEST, STATUS_INVALID_PARAMETER, STATUS_SUCCESS, type DEVICE_OBJECT, type NTSTATUS } from "@wdfjs/kernel";
import {
  FxChildListEntryOfPdo, FxFdoInitSetEventCallbacks, FxPdoInitSetEventCallbacks, FxPkgPdo, FxVerifierBugCheck, FX_TYPE_DEVICE, WDF_REQUIRED_PARAMETER_IS_NULL, type FxDevice, type FxPdoInit,
  type FxRelatedDevices, type PWDF_FDO_EVENT_CALLBACKS, type PWDF_PDO_EVENT_CALLBACKS, type PWDFDEVICE_INIT, type WDF_CHILD_ADDRESS_DESCRIPTION_HEADER, type WDFDEVICE,
} from "@wdfjs/framework";
import { Enter, EnterInit } from "./ddi.js";
import type { PCUNICODE_STRING } from "./string.js";

// wdfpdo.h's PDO init options and ejection relations, wdffdo.h's FDO event callbacks, and wdfdevice.h's removal relations
// (fxdeviceinitapi.cpp, fxdevicepdoapi.cpp, km/fxdeviceapikm.cpp).

function Break(why: string): void {
  currentMachine().trace?.event("wdf.api-error", null, `${why} (FxVerifierDbgBreakPoint)`);
}

function PdoInit(DeviceInit: PWDFDEVICE_INIT, Routine: string): FxPdoInit | null {
  const init = EnterInit(DeviceInit, Routine);
  if (init !== null && init.Pdo === null) Break(`${Routine}: not a PWDFDEVICE_INIT for a PDO`);
  return init?.Pdo ?? null;
}

function NotNull<T>(Value: T | null, Routine: string, Name: string): T {
  return Value ?? FxVerifierBugCheck(WDF_REQUIRED_PARAMETER_IS_NULL, 0, 0, `${Routine}: ${Name} is NULL.`);
}

/** `WdfPdoInitSetEventCallbacks`: EvtDeviceEject for IRP_MN_EJECT, EvtDeviceSetLock for IRP_MN_SET_LOCK, EvtDeviceResourcesQuery for IRP_MN_QUERY_RESOURCES (the core's `FxPdoInitSetEventCallbacks`). */
export function WdfPdoInitSetEventCallbacks(DeviceInit: PWDFDEVICE_INIT, DispatchTable: PWDF_PDO_EVENT_CALLBACKS): void {
  const init = EnterInit(DeviceInit, "WdfPdoInitSetEventCallbacks");
  const t = NotNull(DispatchTable, "WdfPdoInitSetEventCallbacks", "DispatchTable");
  if (init !== null) FxPdoInitSetEventCallbacks(init, t);
}

/** `WdfPdoInitAssignContainerID`: the IRP_MN_QUERY_ID(BusQueryContainerID) answer (not a PDO init: STATUS_INVALID_DEVICE_REQUEST). */
export function WdfPdoInitAssignContainerID(DeviceInit: PWDFDEVICE_INIT, ContainerID: PCUNICODE_STRING): NTSTATUS {
  const init = EnterInit(DeviceInit, "WdfPdoInitAssignContainerID");
  const id = NotNull(ContainerID, "WdfPdoInitAssignContainerID", "ContainerID");
  if (init === null || init.Pdo === null) return STATUS_INVALID_DEVICE_REQUEST;
  if ((id.Length & 1) !== 0) return STATUS_INVALID_PARAMETER;
  init.Pdo.ContainerID = id.Buffer.slice(0, id.Length >>> 1);
  return STATUS_SUCCESS;
}

/** `WdfPdoInitRemovePowerDependencyOnParent`: the child need not wait for its parent's D0 to power up. */
export function WdfPdoInitRemovePowerDependencyOnParent(DeviceInit: PWDFDEVICE_INIT): void {
  const pdo = PdoInit(DeviceInit, "WdfPdoInitRemovePowerDependencyOnParent");
  if (pdo !== null) pdo.PowerDependencyOnParent = false;
}

/** A PDO's ejection list (`GetPdoPackageFromDeviceHandle`: not a PDO is STATUS_INVALID_PARAMETER). */
function Ejection(Device: WDFDEVICE, Routine: string): FxRelatedDevices | NTSTATUS {
  const pnp = Enter<FxDevice>(Device, FX_TYPE_DEVICE, Routine)?.pnp;
  if (pnp === undefined) return STATUS_INVALID_DEVICE_REQUEST;
  return pnp instanceof FxPkgPdo ? pnp.ejectionRelations : STATUS_INVALID_PARAMETER;
}

/** `WdfPdoAddEjectionRelationsPhysicalDevice`: a PDO of another stack ejected with this one (IRP_MN_QUERY_DEVICE_RELATIONS EjectionRelations). */
export function WdfPdoAddEjectionRelationsPhysicalDevice(Device: WDFDEVICE, PhysicalDevice: DEVICE_OBJECT): NTSTATUS {
  const list = Ejection(Device, "WdfPdoAddEjectionRelationsPhysicalDevice");
  return typeof list === "number" ? list : list.add(NotNull(PhysicalDevice, "WdfPdoAddEjectionRelationsPhysicalDevice", "PhysicalDevice"));
}

/** `WdfPdoRemoveEjectionRelationsPhysicalDevice`. */
export function WdfPdoRemoveEjectionRelationsPhysicalDevice(Device: WDFDEVICE, PhysicalDevice: DEVICE_OBJECT): void {
  const list = Ejection(Device, "WdfPdoRemoveEjectionRelationsPhysicalDevice");
  if (typeof list !== "number") list.remove(PhysicalDevice);
}

/** `WdfPdoClearEjectionRelationsDevices`. */
export function WdfPdoClearEjectionRelationsDevices(Device: WDFDEVICE): void {
  const list = Ejection(Device, "WdfPdoClearEjectionRelationsDevices");
  if (typeof list !== "number") list.clear();
}

/** `WdfDeviceAddRemovalRelationsPhysicalDevice`: a PDO of another stack removed with this device (RemovalRelations). */
export function WdfDeviceAddRemovalRelationsPhysicalDevice(Device: WDFDEVICE, PhysicalDevice: DEVICE_OBJECT): NTSTATUS {
  const pnp = Enter<FxDevice>(Device, FX_TYPE_DEVICE, "WdfDeviceAddRemovalRelationsPhysicalDevice")?.pnp ?? null;
  return pnp === null ? STATUS_INVALID_DEVICE_REQUEST : pnp.removalRelations.add(NotNull(PhysicalDevice, "WdfDeviceAddRemovalRelationsPhysicalDevice", "PhysicalDevice"));
}

/** `WdfDeviceRemoveRemovalRelationsPhysicalDevice`. */
export function WdfDeviceRemoveRemovalRelationsPhysicalDevice(Device: WDFDEVICE, PhysicalDevice: DEVICE_OBJECT): void {
  Enter<FxDevice>(Device, FX_TYPE_DEVICE, "WdfDeviceRemoveRemovalRelationsPhysicalDevice")?.pnp?.removalRelations.remove(PhysicalDevice);
}

/** `WdfDeviceClearRemovalRelationsDevices`. */
export function WdfDeviceClearRemovalRelationsDevices(Device: WDFDEVICE): void {
  Enter<FxDevice>(Device, FX_TYPE_DEVICE, "WdfDeviceClearRemovalRelationsDevices")?.pnp?.removalRelations.clear();
}

/** `WdfFdoInitSetEventCallbacks`: EvtDeviceRemoveAddedResources runs at START, before the lower drivers (the core's `FxFdoInitSetEventCallbacks`). */
export function WdfFdoInitSetEventCallbacks(DeviceInit: PWDFDEVICE_INIT, FdoEventCallbacks: PWDF_FDO_EVENT_CALLBACKS): void {
  const init = EnterInit(DeviceInit, "WdfFdoInitSetEventCallbacks");
  const t = NotNull(FdoEventCallbacks, "WdfFdoInitSetEventCallbacks", "FdoEventCallbacks");
  if (init !== null) FxFdoInitSetEventCallbacks(init, t);
}

/**
 * `WdfPdoUpdateAddressDescription` (fxdevicepdoapi.cpp): a dynamic child's new address description
 * (a static child, or a size other than the list's: STATUS_INVALID_DEVICE_REQUEST; not a PDO:
 * STATUS_INVALID_PARAMETER).
 */
export function WdfPdoUpdateAddressDescription(Device: WDFDEVICE, AddressDescription: WDF_CHILD_ADDRESS_DESCRIPTION_HEADER): NTSTATUS {
  const device = Enter<FxDevice>(Device, FX_TYPE_DEVICE, "WdfPdoUpdateAddressDescription");
  if (device === null) return STATUS_INVALID_DEVICE_REQUEST;
  if (!(device.pnp instanceof FxPkgPdo)) return STATUS_INVALID_PARAMETER;
  const a = NotNull(AddressDescription, "WdfPdoUpdateAddressDescription", "AddressDescription");
  const e = FxChildListEntryOfPdo(device);
  if (e === null || !e.list.hasAddressDescriptions || !e.list.addressOk(a)) return STATUS_INVALID_DEVICE_REQUEST;
  e.list.updateAddress(e, a);
  return STATUS_SUCCESS;
}
