/**
 * busenum.sys, pnp.c: AddDevice and IRP_MJ_PNP for the bus FDO. START is sent down and
 * waited for (Bus_SendIrpSynchronously); STOP and REMOVE wait on the stop and remove
 * events until the bus's outstanding I/O has drained; BusRelations is built from the PDO
 * list under the bus's fast mutex, after any relations a filter above already reported.
 */
import {
  DEVICE_RELATIONS_SIZE, DO_DEVICE_INITIALIZING, DO_POWER_PAGABLE, ExAcquireFastMutex, ExAllocatePool2, ExFreePool, ExInitializeFastMutex, ExReleaseFastMutex,
  Executive, FILE_DEVICE_BUS_EXTENDER, FILE_DEVICE_SECURE_OPEN, IO_NO_INCREMENT, IoAttachDeviceToDeviceStack, IoCallDriver, IoCompleteRequest,
  IoCopyCurrentIrpStackLocationToNext, IoCreateDevice, IoDeleteDevice, IoDetachDevice, IoGetCurrentIrpStackLocation, IoRegisterDeviceInterface,
  IoSetCompletionRoutine, IoSetDeviceInterfaceState, IoSkipCurrentIrpStackLocation, IRP_MN_CANCEL_REMOVE_DEVICE, IRP_MN_CANCEL_STOP_DEVICE,
  IRP_MN_QUERY_DEVICE_RELATIONS, IRP_MN_QUERY_REMOVE_DEVICE, IRP_MN_QUERY_STOP_DEVICE, IRP_MN_REMOVE_DEVICE, IRP_MN_START_DEVICE, IRP_MN_STOP_DEVICE,
  IRP_MN_SURPRISE_REMOVAL, KeInitializeEvent, KernelMode, KEVENT, KeSetEvent, KeWaitForSingleObject, NT_SUCCESS, NotificationEvent, ObReferenceObject, Out,
  POOL_FLAG_PAGED, POOL_TAG, ReadDeviceRelationsCount, ReadDeviceRelationsObject, STATUS_INSUFFICIENT_RESOURCES, STATUS_MORE_PROCESSING_REQUIRED,
  STATUS_NO_SUCH_DEVICE, STATUS_PENDING, STATUS_SUCCESS, SynchronizationEvent, BusRelations, WriteDeviceRelationsCount, WriteDeviceRelationsObject,
  type DEVICE_OBJECT, type DRIVER_OBJECT, type IRP, type KWAIT_GENERATOR, type NTSTATUS,
} from "@wdfjs/kernel";
import { Bus_DecIoCount, Bus_IncIoCount, FDO_DEVICE_DATA, type PDO_DEVICE_DATA } from "./bus-data.js";
import type { ToasterLog } from "./log.js";
import { Deleted, PnPMinorName, RemovePending, RESTORE_PREVIOUS_PNP_STATE, SET_NEW_PNP_STATE, Started, StopPending, Stopped, SurpriseRemovePending } from "./pnp-state.js";
import { GUID_DEVINTERFACE_BUSENUM_TOASTER } from "./public.js";

export const BUSENUM_POOL_TAG = POOL_TAG("Tsub");

/** The log each bus device writes to: the driver object's context, set by BusEnumDriverEntry. */
export function busLog(DriverObject: DRIVER_OBJECT): ToasterLog {
  return DriverObject.DriverContext as ToasterLog;
}

export function Bus_AddDevice(DriverObject: DRIVER_OBJECT, PhysicalDeviceObject: DEVICE_OBJECT): NTSTATUS {
  const deviceObject = Out<DEVICE_OBJECT | null>(null);
  const log = busLog(DriverObject);
  let status = IoCreateDevice(DriverObject, () => new FDO_DEVICE_DATA(log), null, FILE_DEVICE_BUS_EXTENDER, FILE_DEVICE_SECURE_OPEN, true, deviceObject);
  if (!NT_SUCCESS(status)) return status;
  const fdo = deviceObject.value!;
  const deviceData = fdo.DeviceExtension as FDO_DEVICE_DATA;
  ExInitializeFastMutex(deviceData.Mutex);
  deviceData.Self = fdo;
  // The I/O count starts at 1; REMOVE takes it to 0.
  deviceData.OutstandingIO = 1;
  KeInitializeEvent(deviceData.RemoveEvent, SynchronizationEvent, false);
  KeInitializeEvent(deviceData.StopEvent, SynchronizationEvent, true);
  fdo.Flags |= DO_POWER_PAGABLE;
  const link = Out("");
  status = IoRegisterDeviceInterface(PhysicalDeviceObject, GUID_DEVINTERFACE_BUSENUM_TOASTER, null, link);
  if (!NT_SUCCESS(status)) {
    IoDeleteDevice(fdo);
    return status;
  }
  deviceData.InterfaceName = link.value;
  deviceData.UnderlyingPDO = PhysicalDeviceObject;
  deviceData.NextLowerDriver = IoAttachDeviceToDeviceStack(fdo, PhysicalDeviceObject);
  if (deviceData.NextLowerDriver === null) {
    IoDeleteDevice(fdo);
    return STATUS_NO_SUCH_DEVICE;
  }
  log.add("busenum AddDevice");
  fdo.Flags &= ~DO_DEVICE_INITIALIZING;
  return STATUS_SUCCESS;
}

/** Bus_CompletionRoutine: the IRP is ours again once the lower drivers finish it. */
function Bus_CompletionRoutine(DeviceObject: DEVICE_OBJECT | null, Irp: IRP, Context: any): NTSTATUS {
  void DeviceObject;
  // If the lower driver did not return STATUS_PENDING, we do not need to set the event:
  // nobody waits on it.
  if (Irp.PendingReturned) KeSetEvent(Context as KEVENT, IO_NO_INCREMENT, false);
  return STATUS_MORE_PROCESSING_REQUIRED;
}

/** Bus_SendIrpSynchronously: send the IRP down and wait until the lower drivers complete it. */
export function* Bus_SendIrpSynchronously(DeviceObject: DEVICE_OBJECT, Irp: IRP): KWAIT_GENERATOR<NTSTATUS> {
  const event = new KEVENT();
  KeInitializeEvent(event, NotificationEvent, false);
  IoCopyCurrentIrpStackLocationToNext(Irp);
  IoSetCompletionRoutine(Irp, Bus_CompletionRoutine, event, true, true, true);
  let status = IoCallDriver(DeviceObject, Irp);
  // Wait for the lower drivers to be done with the IRP.
  if (status === STATUS_PENDING) {
    yield* KeWaitForSingleObject(event, Executive, KernelMode, false, null);
    status = Irp.IoStatus.Status;
  }
  return status;
}

/** Bus_RemoveFdo: what the FDO gives up on SURPRISE_REMOVAL or REMOVE_DEVICE. */
function Bus_RemoveFdo(FdoData: FDO_DEVICE_DATA): void {
  if (FdoData.InterfaceName !== "") IoSetDeviceInterfaceState(FdoData.InterfaceName, false);
}

function complete(Irp: IRP, status: NTSTATUS): NTSTATUS {
  Irp.IoStatus.Status = status;
  IoCompleteRequest(Irp, IO_NO_INCREMENT);
  return status;
}

/** Bus_FDO_PnP. The dispatch routine (Bus_PnP) has already taken an I/O count for this IRP. */
export function* Bus_FDO_PnP(DeviceObject: DEVICE_OBJECT, Irp: IRP, DeviceData: FDO_DEVICE_DATA): KWAIT_GENERATOR<NTSTATUS> {
  const irpStack = IoGetCurrentIrpStackLocation(Irp);
  DeviceData.Log.add(`busenum ${PnPMinorName(Irp)}`);
  let status: NTSTATUS;
  switch (irpStack.MinorFunction) {
    case IRP_MN_START_DEVICE:
      // The lower drivers start first: send the IRP down and wait for it to come back.
      status = yield* Bus_SendIrpSynchronously(DeviceData.NextLowerDriver!, Irp);
      if (NT_SUCCESS(status)) {
        // Enable the bus interface: enum.exe finds the bus through it.
        status = IoSetDeviceInterfaceState(DeviceData.InterfaceName, true);
        if (NT_SUCCESS(status)) SET_NEW_PNP_STATE(DeviceData, Started);
      }
      complete(Irp, status);
      Bus_DecIoCount(DeviceData);
      return status;

    case IRP_MN_QUERY_STOP_DEVICE:
      // The PnP manager is trying to stop the device for resource rebalancing.
      SET_NEW_PNP_STATE(DeviceData, StopPending);
      Irp.IoStatus.Status = STATUS_SUCCESS;
      break;

    case IRP_MN_CANCEL_STOP_DEVICE:
      if (DeviceData.DevicePnPState === StopPending) RESTORE_PREVIOUS_PNP_STATE(DeviceData);
      Irp.IoStatus.Status = STATUS_SUCCESS;
      break;

    case IRP_MN_STOP_DEVICE:
      // Wait for the I/O in progress to finish: drop this IRP's count, wait for the
      // count to reach 1, and take it again.
      Bus_DecIoCount(DeviceData);
      yield* KeWaitForSingleObject(DeviceData.StopEvent, Executive, KernelMode, false, null);
      Bus_IncIoCount(DeviceData);
      SET_NEW_PNP_STATE(DeviceData, Stopped);
      Irp.IoStatus.Status = STATUS_SUCCESS;
      break;

    case IRP_MN_QUERY_REMOVE_DEVICE:
      SET_NEW_PNP_STATE(DeviceData, RemovePending);
      Irp.IoStatus.Status = STATUS_SUCCESS;
      break;

    case IRP_MN_CANCEL_REMOVE_DEVICE:
      if (DeviceData.DevicePnPState === RemovePending) RESTORE_PREVIOUS_PNP_STATE(DeviceData);
      Irp.IoStatus.Status = STATUS_SUCCESS;
      break;

    case IRP_MN_SURPRISE_REMOVAL: {
      // The bus is gone: its children are orphans the PnP manager will remove; they must
      // not reach back to this FDO.
      SET_NEW_PNP_STATE(DeviceData, SurpriseRemovePending);
      Bus_RemoveFdo(DeviceData);
      yield* ExAcquireFastMutex(DeviceData.Mutex);
      for (const pdoData of DeviceData.ListOfPDOs.splice(0)) {
        pdoData.ParentFdo = null;
        pdoData.ReportedMissing = true;
      }
      DeviceData.NumPDOs = 0;
      ExReleaseFastMutex(DeviceData.Mutex);
      Irp.IoStatus.Status = STATUS_SUCCESS;
      break;
    }

    case IRP_MN_REMOVE_DEVICE: {
      // After a surprise removal the FDO gave its resources up then.
      if (DeviceData.DevicePnPState !== SurpriseRemovePending) Bus_RemoveFdo(DeviceData);
      SET_NEW_PNP_STATE(DeviceData, Deleted);
      // Wait for all outstanding requests to finish: one count for this IRP, one the
      // device held since AddDevice.
      Bus_DecIoCount(DeviceData);
      Bus_DecIoCount(DeviceData);
      yield* KeWaitForSingleObject(DeviceData.RemoveEvent, Executive, KernelMode, false, null);
      // Delete the children the PnP manager did not remove: a PDO that is surprise-removed
      // is the PnP manager's to remove later, so it is only orphaned.
      yield* ExAcquireFastMutex(DeviceData.Mutex);
      for (const pdoData of DeviceData.ListOfPDOs.splice(0)) {
        if (pdoData.DevicePnPState === SurpriseRemovePending) {
          pdoData.ParentFdo = null;
          pdoData.ReportedMissing = true;
          continue;
        }
        DeviceData.NumPDOs--;
        Bus_DestroyPdo(pdoData.Self!, pdoData);
      }
      ExReleaseFastMutex(DeviceData.Mutex);
      Irp.IoStatus.Status = STATUS_SUCCESS;
      IoSkipCurrentIrpStackLocation(Irp);
      status = IoCallDriver(DeviceData.NextLowerDriver!, Irp);
      IoDetachDevice(DeviceData.NextLowerDriver!);
      IoDeleteDevice(DeviceObject);
      return status;
    }

    case IRP_MN_QUERY_DEVICE_RELATIONS: {
      if (irpStack.Parameters.QueryDeviceRelations.Type !== BusRelations) break;
      status = yield* Bus_QueryBusRelations(Irp, DeviceData);
      if (!NT_SUCCESS(status)) {
        complete(Irp, status);
        Bus_DecIoCount(DeviceData);
        return status;
      }
      Irp.IoStatus.Status = STATUS_SUCCESS;
      break;
    }

    default:
      break;
  }
  IoSkipCurrentIrpStackLocation(Irp);
  status = IoCallDriver(DeviceData.NextLowerDriver!, Irp);
  Bus_DecIoCount(DeviceData);
  return status;
}

/**
 * BusRelations: every present PDO, after the relations already in the IRP (a filter
 * above may have added some), each referenced for the PnP manager. A PDO no longer
 * present is left out and marked ReportedMissing, so its REMOVE_DEVICE deletes it.
 */
function* Bus_QueryBusRelations(Irp: IRP, DeviceData: FDO_DEVICE_DATA): KWAIT_GENERATOR<NTSTATUS> {
  yield* ExAcquireFastMutex(DeviceData.Mutex);
  const oldRelations = Irp.IoStatus.Information;
  const prevcount = oldRelations !== 0 ? ReadDeviceRelationsCount(oldRelations) : 0;
  let numPdosPresent = 0;
  for (const pdoData of DeviceData.ListOfPDOs) if (pdoData.Present) numPdosPresent++;
  const relations = ExAllocatePool2(POOL_FLAG_PAGED, DEVICE_RELATIONS_SIZE(prevcount + numPdosPresent), BUSENUM_POOL_TAG);
  if (relations === 0) {
    ExReleaseFastMutex(DeviceData.Mutex);
    return STATUS_INSUFFICIENT_RESOURCES;
  }
  // Copy in the device objects reported so far.
  for (let i = 0; i < prevcount; i++) WriteDeviceRelationsObject(relations, i, ReadDeviceRelationsObject(oldRelations, i));
  WriteDeviceRelationsCount(relations, prevcount + numPdosPresent);
  let n = prevcount;
  for (const pdoData of DeviceData.ListOfPDOs) {
    if (pdoData.Present) {
      WriteDeviceRelationsObject(relations, n++, pdoData.Self);
      ObReferenceObject(pdoData.Self!);
    } else {
      pdoData.ReportedMissing = true;
    }
  }
  if (oldRelations !== 0) ExFreePool(oldRelations);
  Irp.IoStatus.Information = relations;
  ExReleaseFastMutex(DeviceData.Mutex);
  return STATUS_SUCCESS;
}

/** Bus_DestroyPdo: the PDO's resources go with it. */
export function Bus_DestroyPdo(Device: DEVICE_OBJECT, PdoData: PDO_DEVICE_DATA): NTSTATUS {
  PdoData.HardwareIDs = [];
  PdoData.Log.add(`busenum-pdo${String(PdoData.SerialNo).padStart(2, "0")} deleted`);
  IoDeleteDevice(Device);
  return STATUS_SUCCESS;
}
