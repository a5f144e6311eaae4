import {
  ExAllocatePool2, ExFreePool, NT_SUCCESS, ObReferenceObject, POOL_FLAG_PAGED, POOL_TAG, ReadDeviceRelationsCount, ReadDeviceRelationsObject, STATUS_INSUFFICIENT_RESOURCES,
  STATUS_SUCCESS, WriteDeviceRelationsCount, WriteDeviceRelationsObject, DEVICE_RELATIONS_SIZE, type DEVICE_OBJECT, type IRP, type NTSTATUS,
} from "@wdfjs/kernel";

/**
 * `FxRelatedDeviceList` (fxrelateddevicelist.cpp): the PDOs of other stacks a device reports in
 * IRP_MN_QUERY_DEVICE_RELATIONS (RemovalRelations: WdfDeviceAddRemovalRelationsPhysicalDevice;
 * EjectionRelations: WdfPdoAddEjectionRelationsPhysicalDevice). Adding twice lists twice, as WDF's
 * transactioned list does; removing takes every entry for the device.
 */
export class FxRelatedDevices {
  readonly devices: DEVICE_OBJECT[] = [];

  add(Device: DEVICE_OBJECT): NTSTATUS {
    this.devices.push(Device);
    return STATUS_SUCCESS;
  }

  remove(Device: DEVICE_OBJECT): void {
    let w = 0;
    for (let r = 0; r < this.devices.length; r++) if (this.devices[r] !== Device) this.devices[w++] = this.devices[r]!;
    this.devices.length = w;
  }

  clear(): void {
    this.devices.length = 0;
  }
}

/**
 * `FxPkgPnp::HandleQueryDeviceRelations`: the relations already in the IRP (from a driver above)
 * plus the list's devices, each referenced, in a new DEVICE_RELATIONS; the old one is freed. An
 * empty list leaves the IRP as it is.
 */
export function FxAppendRelations(Irp: IRP, Related: FxRelatedDevices): NTSTATUS {
  const mine = Related.devices;
  if (mine.length === 0) return Irp.IoStatus.Status;
  const previous = NT_SUCCESS(Irp.IoStatus.Status) ? Irp.IoStatus.Information : 0;
  const before = previous === 0 ? 0 : ReadDeviceRelationsCount(previous);
  const r = ExAllocatePool2(POOL_FLAG_PAGED, DEVICE_RELATIONS_SIZE(before + mine.length), POOL_TAG("FxRD"));
  if (r === 0) return STATUS_INSUFFICIENT_RESOURCES;
  WriteDeviceRelationsCount(r, before + mine.length);
  for (let i = 0; i < before; i++) WriteDeviceRelationsObject(r, i, ReadDeviceRelationsObject(previous, i)!);
  for (let i = 0; i < mine.length; i++) {
    ObReferenceObject(mine[i]!);
    WriteDeviceRelationsObject(r, before + i, mine[i]!);
  }
  if (previous !== 0) ExFreePool(previous);
  Irp.IoStatus.Information = r;
  Irp.IoStatus.Status = STATUS_SUCCESS;
  return STATUS_SUCCESS;
}
