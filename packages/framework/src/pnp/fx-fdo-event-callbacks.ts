import { currentMachine, ExFreePool, IoBuildCmResourceList, IoGetCurrentIrpStackLocation, Internal, NT_SUCCESS, type IRP, type NTSTATUS } from "@wdfjs/kernel";
import { FxObjectCommit } from "../object/object-api.js";
import type { WDFDEVICE } from "../object/handles.js";
import { FxCmResList, FxResourceAllAccessAllowed } from "../support/fx-cm-res-list.js";
import type { FxPkgPnp } from "./fx-pkg-pnp.js";
import type { FxDeviceInit } from "../device/fx-device-init.js";
import type { WDFIORESREQLIST } from "./wdf-pdo-event-callbacks.js";
import type { WDFCMRESLIST } from "./wdf-pnp-power-callbacks.js";

export type EVT_WDF_DEVICE_FILTER_RESOURCE_REQUIREMENTS = (Device: WDFDEVICE, IoResourceRequirementsList: WDFIORESREQLIST) => NTSTATUS;
export type EVT_WDF_DEVICE_REMOVE_ADDED_RESOURCES = (Device: WDFDEVICE, ResourcesRaw: WDFCMRESLIST, ResourcesTranslated: WDFCMRESLIST) => NTSTATUS;

/** `sizeof(WDF_FDO_EVENT_CALLBACKS)` on x64: Size (padded) and three callbacks. */
export const WDF_FDO_EVENT_CALLBACKS_SIZE = 32;

/**
 * `WDF_FDO_EVENT_CALLBACKS` (wdffdo.h). The two requirement filters answer IRP_MN_FILTER_RESOURCE_REQUIREMENTS
 * (fx-resource-requirements.ts); EvtDeviceRemoveAddedResources runs at START.
 */
export class WDF_FDO_EVENT_CALLBACKS {
  Size = 0;
  EvtDeviceFilterAddResourceRequirements: EVT_WDF_DEVICE_FILTER_RESOURCE_REQUIREMENTS | null = null;
  EvtDeviceFilterRemoveResourceRequirements: EVT_WDF_DEVICE_FILTER_RESOURCE_REQUIREMENTS | null = null;
  EvtDeviceRemoveAddedResources: EVT_WDF_DEVICE_REMOVE_ADDED_RESOURCES | null = null;
}
export type PWDF_FDO_EVENT_CALLBACKS = WDF_FDO_EVENT_CALLBACKS;

/** `WDF_FDO_EVENT_CALLBACKS_INIT`: zeroes and sets Size. */
export function WDF_FDO_EVENT_CALLBACKS_INIT(Callbacks: WDF_FDO_EVENT_CALLBACKS): void {
  Object.assign(Callbacks, new WDF_FDO_EVENT_CALLBACKS());
  Callbacks.Size = WDF_FDO_EVENT_CALLBACKS_SIZE;
}

/** What the START IRP carried before the driver removed resources (restored once the lower drivers are done). */
export interface FxFilteredStart { raw: number; translated: number; newRaw: number; newTranslated: number }

function toWdm(list: FxCmResList): number {
  if (list.descriptors.length === 0) return 0;
  return IoBuildCmResourceList({
    Count: 1,
    List: [{ InterfaceType: Internal, BusNumber: 0, PartialResourceList: { Version: 1, Revision: 1, Count: list.descriptors.length, PartialDescriptors: list.descriptors } }],
  });
}

/**
 * `FxPkgFdo::PnpSendStartDeviceDownTheStack` with EvtDeviceRemoveAddedResources: the START IRP's
 * lists as WDFCMRESLISTs the driver may change (all access); if it removed or added any, the
 * lower drivers get new CM_RESOURCE_LISTs (WDF builds them for the next stack location; here the
 * current one carries them while the IRP is forwarded, then `FxRestoreFilteredStart` puts the
 * originals back and frees the copies). Null when nothing changed; a failure fails the START.
 */
export function FxRemoveAddedResources(pkg: FxPkgPnp, Irp: IRP, Callback: EVT_WDF_DEVICE_REMOVE_ADDED_RESOURCES): FxFilteredStart | NTSTATUS | null {
  const p = IoGetCurrentIrpStackLocation(Irp).Parameters.StartDevice;
  if (p.AllocatedResources === 0 || p.AllocatedResourcesTranslated === 0) return null;
  const raw = new FxCmResList();
  const translated = new FxCmResList();
  FxObjectCommit(raw, null, pkg.device);
  FxObjectCommit(translated, null, pkg.device);
  try {
    raw.buildFromWdmList(p.AllocatedResources, FxResourceAllAccessAllowed);
    translated.buildFromWdmList(p.AllocatedResourcesTranslated, FxResourceAllAccessAllowed);
    const status = pkg.device.callDriver(() => Callback(pkg.device.handle as WDFDEVICE, raw.handle as WDFCMRESLIST, translated.handle as WDFCMRESLIST));
    if (!NT_SUCCESS(status)) return status;
    if (!raw.changed && !translated.changed) return null;
    const filtered = { raw: p.AllocatedResources, translated: p.AllocatedResourcesTranslated, newRaw: toWdm(raw), newTranslated: toWdm(translated) };
    p.AllocatedResources = filtered.newRaw;
    p.AllocatedResourcesTranslated = filtered.newTranslated;
    return filtered;
  } finally {
    raw.deleteObject();
    translated.deleteObject();
  }
}

/** The START IRP's own lists back, the filtered copies freed (WDF: its completion routine). */
export function FxRestoreFilteredStart(Irp: IRP, Filtered: FxFilteredStart): void {
  const p = IoGetCurrentIrpStackLocation(Irp).Parameters.StartDevice;
  p.AllocatedResources = Filtered.raw;
  p.AllocatedResourcesTranslated = Filtered.translated;
  if (Filtered.newRaw !== 0) ExFreePool(Filtered.newRaw);
  if (Filtered.newTranslated !== 0) ExFreePool(Filtered.newTranslated);
}

/**
 * `WdfFdoInitSetEventCallbacks` after its IRQL check (fxdeviceinitapi.cpp): a copy of the table; not
 * an FDO init, a wrong Size, or FilterAdd without RemoveAdded is a verifier break and nothing is set.
 */
export function FxFdoInitSetEventCallbacks(Init: FxDeviceInit, Callbacks: WDF_FDO_EVENT_CALLBACKS): void {
  const why = !Init.IsFdoInit ? "not a PWDFDEVICE_INIT for an FDO"
    : Callbacks.Size !== WDF_FDO_EVENT_CALLBACKS_SIZE ? `FdoEventCallbacks size ${Callbacks.Size} is invalid`
    : Callbacks.EvtDeviceFilterAddResourceRequirements !== null && Callbacks.EvtDeviceRemoveAddedResources === null
      ? "Must set EvtDeviceRemoveAddedResources if EvtDeviceFilterAddResourceRequirements is set" : null;
  if (why !== null) return void currentMachine().trace?.event("wdf.api-error", null, `WdfFdoInitSetEventCallbacks: ${why} (FxVerifierDbgBreakPoint)`);
  Init.FdoEventCallbacks = Object.assign(new WDF_FDO_EVENT_CALLBACKS(), Callbacks);
}
