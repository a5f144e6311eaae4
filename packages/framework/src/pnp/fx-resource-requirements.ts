import {
  ExFreePool, IoCompleteRequest, IoForwardIrpSynchronously, IO_NO_INCREMENT, NT_SUCCESS, STATUS_INSUFFICIENT_RESOURCES, STATUS_NOT_SUPPORTED,
  ReadUlong, type IRP, type KWAIT_GENERATOR, type NTSTATUS,
} from "@wdfjs/kernel";
import type { WDFDEVICE } from "../object/handles.js";
import { FxResourceAllAccessAllowed } from "../support/fx-cm-res-list.js";
import { FxIoResReqList } from "../support/fx-io-res-list.js";
import type { EVT_WDF_DEVICE_FILTER_RESOURCE_REQUIREMENTS } from "./fx-fdo-event-callbacks.js";
import type { FxPkgPnp } from "./fx-pkg-pnp.js";
import type { EVT_WDF_DEVICE_RESOURCE_REQUIREMENTS_QUERY, WDFIORESREQLIST } from "./wdf-pdo-event-callbacks.js";

/**
 * One filter callback over the IRP's list (fxpkgfdokm.cpp): the list at Information as a
 * WDFIORESREQLIST with all access; if the driver succeeded and changed it, a new WDM list (the
 * old one's BusNumber kept) replaces the old, which is freed. WDF fails with
 * STATUS_INSUFFICIENT_RESOURCES when no new list comes out, so emptying the list fails the IRP.
 */
function FxFilterOnce(pkg: FxPkgPnp, Irp: IRP, Callback: EVT_WDF_DEVICE_FILTER_RESOURCE_REQUIREMENTS): NTSTATUS {
  const old = Irp.IoStatus.Information;
  const req = FxIoResReqList.fromWdm(pkg.device, old, FxResourceAllAccessAllowed);
  try {
    const status = pkg.device.callDriver(() => Callback(pkg.device.handle as WDFDEVICE, req.handle as WDFIORESREQLIST));
    if (!NT_SUCCESS(status) || !req.changed) return status;
    // IO_RESOURCE_REQUIREMENTS_LIST.BusNumber is at offset 8.
    const fresh = req.toWdm(old !== 0 ? ReadUlong(old + 8) : 0);
    if (fresh === 0) return STATUS_INSUFFICIENT_RESOURCES;
    if (old !== 0) ExFreePool(old);
    Irp.IoStatus.Information = fresh;
    return status;
  } finally {
    req.deleteObject();
  }
}

/**
 * `FxPkgFdo::PnpFilterResourceRequirements`: EvtDeviceFilterRemoveResourceRequirements on the way
 * down, the lower drivers, then (when they succeeded or did not handle it)
 * EvtDeviceFilterAddResourceRequirements on the way up; the IRP completes with the last status.
 */
export function* FxFdoFilterResourceRequirements(pkg: FxPkgPnp, Irp: IRP, Lower: Parameters<typeof IoForwardIrpSynchronously>[0]): KWAIT_GENERATOR<NTSTATUS> {
  const callbacks = pkg.device.Init.FdoEventCallbacks;
  const remove = callbacks?.EvtDeviceFilterRemoveResourceRequirements ?? null;
  const add = callbacks?.EvtDeviceFilterAddResourceRequirements ?? null;
  let status = remove === null ? 0 : FxFilterOnce(pkg, Irp, remove);
  if (NT_SUCCESS(status)) {
    yield* IoForwardIrpSynchronously(Lower, Irp);
    status = Irp.IoStatus.Status;
  }
  if ((NT_SUCCESS(status) || status === STATUS_NOT_SUPPORTED) && add !== null) status = FxFilterOnce(pkg, Irp, add);
  Irp.IoStatus.Status = status;
  IoCompleteRequest(Irp, IO_NO_INCREMENT);
  return status;
}

/**
 * `FxPkgPdo::PnpQueryResourceRequirements` with EvtDeviceResourceRequirementsQuery: an empty
 * WDFIORESREQLIST (all access) the driver fills, returned as the IRP's list; an empty one leaves
 * the IRP's status as it came. Returns the status to complete with.
 */
export function FxPdoQueryResourceRequirements(pkg: FxPkgPnp, Irp: IRP, Callback: EVT_WDF_DEVICE_RESOURCE_REQUIREMENTS_QUERY): NTSTATUS {
  const req = FxIoResReqList.fromWdm(pkg.device, 0, FxResourceAllAccessAllowed);
  try {
    const status = pkg.device.callDriver(() => Callback(pkg.device.handle as WDFDEVICE, req.handle as WDFIORESREQLIST));
    if (!NT_SUCCESS(status)) return status;
    if (req.lists.length === 0) return Irp.IoStatus.Status;
    const wdm = req.toWdm(0);
    if (wdm === 0) return STATUS_INSUFFICIENT_RESOURCES;
    Irp.IoStatus.Information = wdm;
    return status;
  } finally {
    req.deleteObject();
  }
}
