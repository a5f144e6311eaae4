import { currentMachine, type NTSTATUS } from "@wdfjs/kernel";
import type { FxDeviceInit } from "../device/fx-device-init.js";
import type { WDFDEVICE } from "../object/handles.js";
import type { WDFCMRESLIST } from "./wdf-pnp-power-callbacks.js";

/** `WDFIORESREQLIST`: the IO_RESOURCE_REQUIREMENTS_LIST object of wdfresource.h (`FxIoResReqList`, read and changed with `WdfIoResourceRequirementsList*`). */
export type WDFIORESREQLIST = number & { readonly __WDFIORESREQLIST: never };

export type EVT_WDF_DEVICE_RESOURCES_QUERY = (Device: WDFDEVICE, Resources: WDFCMRESLIST) => NTSTATUS;
export type EVT_WDF_DEVICE_RESOURCE_REQUIREMENTS_QUERY = (Device: WDFDEVICE, IoResourceRequirementsList: WDFIORESREQLIST) => NTSTATUS;
export type EVT_WDF_DEVICE_EJECT = (Device: WDFDEVICE) => NTSTATUS;
export type EVT_WDF_DEVICE_SET_LOCK = (Device: WDFDEVICE, IsLocked: boolean) => NTSTATUS;
export type EVT_WDF_DEVICE_ENABLE_WAKE_AT_BUS = (Device: WDFDEVICE, PowerState: number) => NTSTATUS;
export type EVT_WDF_DEVICE_DISABLE_WAKE_AT_BUS = (Device: WDFDEVICE) => void;
export type EVT_WDF_DEVICE_REPORTED_MISSING = (Device: WDFDEVICE) => void;

/** `sizeof(WDF_PDO_EVENT_CALLBACKS)` on x64: Size (padded) and seven callbacks. */
export const WDF_PDO_EVENT_CALLBACKS_SIZE = 64;

/** `WDF_PDO_EVENT_CALLBACKS` (wdfpdo.h): a bus driver's callbacks for its child PDOs' bus-level IRPs. */
export class WDF_PDO_EVENT_CALLBACKS {
  Size = 0;
  EvtDeviceResourcesQuery: EVT_WDF_DEVICE_RESOURCES_QUERY | null = null;
  EvtDeviceResourceRequirementsQuery: EVT_WDF_DEVICE_RESOURCE_REQUIREMENTS_QUERY | null = null;
  EvtDeviceEject: EVT_WDF_DEVICE_EJECT | null = null;
  EvtDeviceSetLock: EVT_WDF_DEVICE_SET_LOCK | null = null;
  EvtDeviceEnableWakeAtBus: EVT_WDF_DEVICE_ENABLE_WAKE_AT_BUS | null = null;
  EvtDeviceDisableWakeAtBus: EVT_WDF_DEVICE_DISABLE_WAKE_AT_BUS | null = null;
  EvtDeviceReportedMissing: EVT_WDF_DEVICE_REPORTED_MISSING | null = null;
}
export type PWDF_PDO_EVENT_CALLBACKS = WDF_PDO_EVENT_CALLBACKS;

/** `WDF_PDO_EVENT_CALLBACKS_INIT`: zeroes and sets Size. */
export function WDF_PDO_EVENT_CALLBACKS_INIT(Callbacks: WDF_PDO_EVENT_CALLBACKS): void {
  Object.assign(Callbacks, new WDF_PDO_EVENT_CALLBACKS());
  Callbacks.Size = WDF_PDO_EVENT_CALLBACKS_SIZE;
}

/** `sizeof(WDF_PDO_EVENT_CALLBACKS_V1_9)`: the table without EvtDeviceReportedMissing. */
const WDF_PDO_EVENT_CALLBACKS_V1_9_SIZE = 56;

/**
 * `WdfPdoInitSetEventCallbacks` after its IRQL check (fxdeviceinitapi.cpp): a copy of the table (a
 * 1.9 one without EvtDeviceReportedMissing); not a PDO init or a wrong Size is a verifier break.
 */
export function FxPdoInitSetEventCallbacks(Init: FxDeviceInit, Callbacks: WDF_PDO_EVENT_CALLBACKS): void {
  const why = Init.Pdo === null ? "not a PWDFDEVICE_INIT for a PDO"
    : Callbacks.Size !== WDF_PDO_EVENT_CALLBACKS_SIZE && Callbacks.Size !== WDF_PDO_EVENT_CALLBACKS_V1_9_SIZE ? `DispatchTable size ${Callbacks.Size} is invalid` : null;
  if (why !== null) return void currentMachine().trace?.event("wdf.api-error", null, `WdfPdoInitSetEventCallbacks: ${why} (FxVerifierDbgBreakPoint)`);
  const copy = Object.assign(new WDF_PDO_EVENT_CALLBACKS(), Callbacks);
  if (Callbacks.Size === WDF_PDO_EVENT_CALLBACKS_V1_9_SIZE) copy.EvtDeviceReportedMissing = null;
  Init.Pdo!.EventCallbacks = copy;
}
