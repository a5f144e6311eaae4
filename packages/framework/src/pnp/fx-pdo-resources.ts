import { Internal, IoBuildCmResourceList, STATUS_INSUFFICIENT_RESOURCES, NT_SUCCESS, type IRP, type NTSTATUS } from "@wdfjs/kernel";
import { FxObjectCommit } from "../object/object-api.js";
import { FxCmResList, FxResourceAllAccessAllowed } from "../support/fx-cm-res-list.js";
import type { WDFDEVICE } from "../object/handles.js";
import type { FxPkgPnp } from "./fx-pkg-pnp.js";
import type { EVT_WDF_DEVICE_RESOURCES_QUERY } from "./wdf-pdo-event-callbacks.js";
import type { WDFCMRESLIST } from "./wdf-pnp-power-callbacks.js";

/**
 * `FxPkgPdo::PnpQueryResources` with EvtDeviceResourcesQuery: an empty WDFCMRESLIST the driver may
 * fill (all access), turned into the CM_RESOURCE_LIST IRP_MN_QUERY_RESOURCES returns (Information;
 * none if the driver added nothing). The list object is deleted afterwards.
 */
export function FxPdoQueryResources(pkg: FxPkgPnp, Irp: IRP, Callback: EVT_WDF_DEVICE_RESOURCES_QUERY): NTSTATUS {
  const list = new FxCmResList();
  FxObjectCommit(list, null, pkg.device);
  list.accessFlags = FxResourceAllAccessAllowed;
  try {
    const status = pkg.device.callDriver(() => Callback(pkg.device.handle as WDFDEVICE, list.handle as WDFCMRESLIST));
    if (!NT_SUCCESS(status) || list.descriptors.length === 0) return NT_SUCCESS(status) ? Irp.IoStatus.Status : status;
    const address = IoBuildCmResourceList({
      Count: 1,
      List: [{ InterfaceType: Internal, BusNumber: 0, PartialResourceList: { Version: 1, Revision: 1, Count: list.descriptors.length, PartialDescriptors: list.descriptors } }],
    });
    if (address === 0) return STATUS_INSUFFICIENT_RESOURCES;
    Irp.IoStatus.Information = address;
    return status;
  } finally {
    list.deleteObject();
  }
}
