import { NT_SUCCESS, PASSIVE_LEVEL, STATUS_INFO_LENGTH_MISMATCH, STATUS_INVALID_DEVICE_REQUEST, STATUS_INVALID_PARAMETER, STATUS_SUCCESS,
  type INTERFACE, type KWAIT_GENERATOR, type NTSTATUS } from "@wdfjs/kernel";
import {
  FxObjectHandleGetPtr, FxPkgFdo, FxSendQueryInterface, FxVerifierCheckIrqlLevel, FX_TYPE_DEVICE, type EVT_WDF_DEVICE_PROCESS_QUERY_INTERFACE_REQUEST,
  type FxDevice,
} from "@wdfjs/framework";
import type { WDFDEVICE } from "./device.js";

/** `WDF_QUERY_INTERFACE_CONFIG` (wdfqueryinterface.h). */
export class WDF_QUERY_INTERFACE_CONFIG {
  Size = 0;
  Interface: INTERFACE | null = null;
  InterfaceType: string | null = null;
  SendQueryToParentStack = false;
  EvtDeviceProcessQueryInterfaceRequest: EVT_WDF_DEVICE_PROCESS_QUERY_INTERFACE_REQUEST | null = null;
  ImportInterface = false;
}
export type PWDF_QUERY_INTERFACE_CONFIG = WDF_QUERY_INTERFACE_CONFIG;
/** sizeof(WDF_QUERY_INTERFACE_CONFIG) on x64. */
const WDF_QUERY_INTERFACE_CONFIG_SIZE = 48;

/** `WDF_QUERY_INTERFACE_CONFIG_INIT`. */
export function WDF_QUERY_INTERFACE_CONFIG_INIT(
  InterfaceConfig: WDF_QUERY_INTERFACE_CONFIG, Interface: INTERFACE | null, InterfaceType: string, EvtDeviceProcessQueryInterfaceRequest: EVT_WDF_DEVICE_PROCESS_QUERY_INTERFACE_REQUEST | null,
): void {
  Object.assign(InterfaceConfig, new WDF_QUERY_INTERFACE_CONFIG());
  InterfaceConfig.Size = WDF_QUERY_INTERFACE_CONFIG_SIZE;
  InterfaceConfig.Interface = Interface;
  InterfaceConfig.InterfaceType = InterfaceType;
  InterfaceConfig.EvtDeviceProcessQueryInterfaceRequest = EvtDeviceProcessQueryInterfaceRequest;
}

const deviceOf = (Device: WDFDEVICE): FxDevice => FxObjectHandleGetPtr(Device, FX_TYPE_DEVICE) as FxDevice;

/**
 * `WdfDeviceAddQueryInterface` (fxqueryinterfaceapi.cpp): the device answers IRP_MN_QUERY_INTERFACE
 * for the GUID with a copy of the driver's interface, taken now. Checked: Size
 * (STATUS_INFO_LENGTH_MISMATCH), an interface type, an interface unless imported or filled by the
 * callback, SendQueryToParentStack only on a PDO, and a PnP device (STATUS_INVALID_DEVICE_REQUEST).
 */
export function WdfDeviceAddQueryInterface(Device: WDFDEVICE, InterfaceConfig: PWDF_QUERY_INTERFACE_CONFIG): NTSTATUS {
  const device = deviceOf(Device);
  const status = FxVerifierCheckIrqlLevel("WdfDeviceAddQueryInterface", PASSIVE_LEVEL);
  if (!NT_SUCCESS(status)) return status;
  const c = InterfaceConfig;
  if (c === null || typeof c !== "object") return STATUS_INVALID_PARAMETER;
  if (c.Size !== WDF_QUERY_INTERFACE_CONFIG_SIZE) return STATUS_INFO_LENGTH_MISMATCH;
  if (typeof c.InterfaceType !== "string") return STATUS_INVALID_PARAMETER;
  if (c.Interface === null && !c.ImportInterface && c.EvtDeviceProcessQueryInterfaceRequest === null) return STATUS_INVALID_PARAMETER;
  if (c.ImportInterface && c.EvtDeviceProcessQueryInterfaceRequest === null) return STATUS_INVALID_PARAMETER;
  const pnp = device.pnp;
  if (pnp === null || (c.SendQueryToParentStack && !pnp.isPdo)) return STATUS_INVALID_DEVICE_REQUEST;
  // The framework keeps its own copy (FxQueryInterface::SetEmbedded): later changes to the driver's do not count.
  const copy = c.Interface === null ? null : Object.assign(Object.create(Object.getPrototypeOf(c.Interface) as object) as INTERFACE, c.Interface);
  pnp.queryInterfaces.push({
    InterfaceType: c.InterfaceType, Interface: copy, SendQueryToParentStack: c.SendQueryToParentStack, ImportInterface: c.ImportInterface,
    ProcessRequest: c.EvtDeviceProcessQueryInterfaceRequest,
  });
  return STATUS_SUCCESS;
}

/**
 * `WdfFdoQueryForInterface`: sends IRP_MN_QUERY_INTERFACE to the top of the FDO's stack (through
 * this device, then down) and waits for the answer, which fills Interface. PASSIVE_LEVEL, a
 * waiting DDI: `status = yield* WdfFdoQueryForInterface(...)`. STATUS_NOT_SUPPORTED if no one answers.
 */
export function* WdfFdoQueryForInterface(
  Fdo: WDFDEVICE, InterfaceType: string, Interface: INTERFACE, Size: number, Version: number, InterfaceSpecificData: unknown,
): KWAIT_GENERATOR<NTSTATUS> {
  const device = deviceOf(Fdo);
  const status = FxVerifierCheckIrqlLevel("WdfFdoQueryForInterface", PASSIVE_LEVEL);
  if (!NT_SUCCESS(status)) return status;
  if (!(device.pnp instanceof FxPkgFdo) || device.DeviceObject === null) return STATUS_INVALID_DEVICE_REQUEST;
  if (typeof InterfaceType !== "string" || Interface === null || typeof Interface !== "object") return STATUS_INVALID_PARAMETER;
  return yield* FxSendQueryInterface(device.DeviceObject, InterfaceType, Interface, Size, Version, InterfaceSpecificData);
}

/** `WdfDeviceInterfaceReferenceNoOp`: for an interface whose provider needs no reference counting. */
export function WdfDeviceInterfaceReferenceNoOp(Context: unknown): void {
  void Context;
}

/** `WdfDeviceInterfaceDereferenceNoOp`. */
export function WdfDeviceInterfaceDereferenceNoOp(Context: unknown): void {
  void Context;
}

export type { EVT_WDF_DEVICE_PROCESS_QUERY_INTERFACE_REQUEST } from "@wdfjs/framework";
