/**
 * busenum.sys, busenum.c: DriverEntry, the dispatch routines, and the bus
 * IOCTLs enum.exe sends to plug in, unplug and eject toasters.
 */
import {
  ExAcquireFastMutex, ExReleaseFastMutex, IO_NO_INCREMENT, IoCallDriver, IoCompleteRequest, IoGetCurrentIrpStackLocation, IoInvalidateDeviceRelations,
  IoRequestDeviceEject, IoSkipCurrentIrpStackLocation, IRP_MJ_CLEANUP, IRP_MJ_CLOSE, IRP_MJ_CREATE, IRP_MJ_DEVICE_CONTROL, IRP_MJ_PNP, IRP_MJ_POWER,
  IRP_MJ_SYSTEM_CONTROL, ReadUlong, ReadUshort,
  STATUS_INVALID_DEVICE_REQUEST, STATUS_INVALID_PARAMETER, STATUS_NO_SUCH_DEVICE, STATUS_SUCCESS, BusRelations,
  type DEVICE_OBJECT, type DRIVER_INITIALIZE, type DRIVER_OBJECT, type IRP, type KWAIT_GENERATOR, type NTSTATUS,
} from "@wdfjs/kernel";
import { Bus_DecIoCount, Bus_IncIoCount, type COMMON_DEVICE_DATA, type FDO_DEVICE_DATA, type PDO_DEVICE_DATA } from "./bus-data.js";
import { Bus_CreatePdo, Bus_PDO_PnP } from "./bus-pdo.js";
import { Bus_AddDevice, Bus_FDO_PnP } from "./bus-pnp.js";
import { Bus_Power } from "./bus-power.js";
import type { ToasterLog } from "./log.js";
import { Deleted, SurpriseRemovePending } from "./pnp-state.js";
import {
  BUSENUM_EJECT_HARDWARE_SIZE, BUSENUM_PLUGIN_HARDWARE_SIZE, BUSENUM_UNPLUG_HARDWARE_SIZE, IOCTL_BUSENUM_EJECT_HARDWARE, IOCTL_BUSENUM_PLUGIN_HARDWARE,
  IOCTL_BUSENUM_UNPLUG_HARDWARE,
} from "./public.js";

function complete(Irp: IRP, status: NTSTATUS): NTSTATUS {
  Irp.IoStatus.Status = status;
  IoCompleteRequest(Irp, IO_NO_INCREMENT);
  return status;
}

/** Bus_PnP: the FDO's IRPs count as outstanding I/O; a deleted FDO takes none. */
function* Bus_PnP(DeviceObject: DEVICE_OBJECT, Irp: IRP): KWAIT_GENERATOR<NTSTATUS> {
  const commonData = DeviceObject.DeviceExtension as COMMON_DEVICE_DATA;
  if (commonData.DevicePnPState === Deleted) return complete(Irp, STATUS_NO_SUCH_DEVICE);
  if (commonData.IsFDO) {
    Bus_IncIoCount(commonData as FDO_DEVICE_DATA);
    return yield* Bus_FDO_PnP(DeviceObject, Irp, commonData as FDO_DEVICE_DATA);
  }
  return yield* Bus_PDO_PnP(DeviceObject, Irp, commonData as PDO_DEVICE_DATA);
}

/** Bus_CreateClose: only the FDO opens (enum.exe's handle); a PDO has no function driver of ours. */
function Bus_CreateClose(DeviceObject: DEVICE_OBJECT, Irp: IRP): NTSTATUS {
  const commonData = DeviceObject.DeviceExtension as COMMON_DEVICE_DATA;
  if (!commonData.IsFDO) return complete(Irp, STATUS_INVALID_DEVICE_REQUEST);
  const fdoData = commonData as FDO_DEVICE_DATA;
  if (fdoData.DevicePnPState === Deleted) return complete(Irp, STATUS_NO_SUCH_DEVICE);
  Bus_IncIoCount(fdoData);
  Irp.IoStatus.Information = 0;
  complete(Irp, STATUS_SUCCESS);
  Bus_DecIoCount(fdoData);
  return STATUS_SUCCESS;
}

/** Read a NUL-separated, double-NUL-terminated list of `chars` UTF-16 units at `Address`. */
function readMultiSz(Address: number, chars: number): string[] {
  const out: string[] = [];
  let s = "";
  for (let i = 0; i < chars; i++) {
    const c = ReadUshort(Address + i * 2);
    if (c === 0) {
      if (s === "") break;
      out.push(s);
      s = "";
    } else {
      s += String.fromCharCode(c);
    }
  }
  return out;
}

/** Bus_IoCtl: the bus IOCTLs, on the FDO only. */
function* Bus_IoCtl(DeviceObject: DEVICE_OBJECT, Irp: IRP): KWAIT_GENERATOR<NTSTATUS> {
  const commonData = DeviceObject.DeviceExtension as COMMON_DEVICE_DATA;
  // The PDOs have no I/O of their own.
  if (!commonData.IsFDO) return complete(Irp, STATUS_INVALID_DEVICE_REQUEST);
  const fdoData = commonData as FDO_DEVICE_DATA;
  if (fdoData.DevicePnPState === Deleted) return complete(Irp, STATUS_NO_SUCH_DEVICE);
  Bus_IncIoCount(fdoData);
  const irpStack = IoGetCurrentIrpStackLocation(Irp);
  const buffer = Irp.AssociatedIrp.SystemBuffer;
  const inlen = irpStack.Parameters.DeviceIoControl.InputBufferLength;
  const outlen = irpStack.Parameters.DeviceIoControl.OutputBufferLength;
  let status: NTSTATUS = STATUS_INVALID_PARAMETER;
  switch (irpStack.Parameters.DeviceIoControl.IoControlCode) {
    case IOCTL_BUSENUM_PLUGIN_HARDWARE:
      // enum.exe sends the structure as both input and output, with at least the two
      // NULs an empty MULTI_SZ needs.
      if (inlen === outlen && BUSENUM_PLUGIN_HARDWARE_SIZE + 2 * 2 <= inlen && ReadUlong(buffer) === BUSENUM_PLUGIN_HARDWARE_SIZE) {
        const length = (inlen - BUSENUM_PLUGIN_HARDWARE_SIZE) >>> 1;
        const ids = buffer + BUSENUM_PLUGIN_HARDWARE_SIZE;
        // The hardware IDs must end in a double NUL.
        if (ReadUshort(ids + (length - 1) * 2) !== 0 || ReadUshort(ids + (length - 2) * 2) !== 0) {
          status = STATUS_INVALID_PARAMETER;
          break;
        }
        fdoData.Log.add(`busenum PlugIn ${ReadUlong(buffer + 4)}`);
        status = yield* Bus_PlugInDevice(readMultiSz(ids, length), ReadUlong(buffer + 4), fdoData);
      }
      break;
    case IOCTL_BUSENUM_UNPLUG_HARDWARE:
      if (inlen === BUSENUM_UNPLUG_HARDWARE_SIZE && ReadUlong(buffer) === BUSENUM_UNPLUG_HARDWARE_SIZE) {
        fdoData.Log.add(`busenum UnPlug ${ReadUlong(buffer + 4)}`);
        status = yield* Bus_UnPlugDevice(ReadUlong(buffer + 4), fdoData);
      }
      break;
    case IOCTL_BUSENUM_EJECT_HARDWARE:
      if (inlen === BUSENUM_EJECT_HARDWARE_SIZE && ReadUlong(buffer) === BUSENUM_EJECT_HARDWARE_SIZE) {
        fdoData.Log.add(`busenum Eject ${ReadUlong(buffer + 4)}`);
        status = yield* Bus_EjectDevice(ReadUlong(buffer + 4), fdoData);
      }
      break;
    default:
      break;
  }
  Irp.IoStatus.Information = 0;
  complete(Irp, status);
  Bus_DecIoCount(fdoData);
  return status;
}

/** Bus_PlugInDevice: a new PDO for the serial number, unless one is plugged in already. */
function* Bus_PlugInDevice(HardwareIDs: string[], SerialNo: number, FdoData: FDO_DEVICE_DATA): KWAIT_GENERATOR<NTSTATUS> {
  yield* ExAcquireFastMutex(FdoData.Mutex);
  for (const pdoData of FdoData.ListOfPDOs) {
    // A surprise-removed toaster's serial number may be reused.
    if (pdoData.SerialNo === SerialNo && pdoData.DevicePnPState !== SurpriseRemovePending) {
      ExReleaseFastMutex(FdoData.Mutex);
      return STATUS_INVALID_PARAMETER;
    }
  }
  ExReleaseFastMutex(FdoData.Mutex);
  if (HardwareIDs.length === 0) return STATUS_INVALID_PARAMETER;
  const pdoData = Bus_CreatePdo(FdoData, HardwareIDs, SerialNo);
  if (typeof pdoData === "number") return pdoData;
  yield* ExAcquireFastMutex(FdoData.Mutex);
  FdoData.ListOfPDOs.push(pdoData);
  FdoData.NumPDOs++;
  ExReleaseFastMutex(FdoData.Mutex);
  // Tell the PnP manager the bus has a new child: it will ask for BusRelations.
  IoInvalidateDeviceRelations(FdoData.UnderlyingPDO!, BusRelations);
  return STATUS_SUCCESS;
}

/** Bus_UnPlugDevice: mark the toaster (0: every toaster) missing and have the bus re-enumerated. */
function* Bus_UnPlugDevice(SerialNo: number, FdoData: FDO_DEVICE_DATA): KWAIT_GENERATOR<NTSTATUS> {
  const plugOutAll = SerialNo === 0;
  let found = false;
  yield* ExAcquireFastMutex(FdoData.Mutex);
  for (const pdoData of FdoData.ListOfPDOs) {
    if (plugOutAll || SerialNo === pdoData.SerialNo) {
      pdoData.Present = false;
      found = true;
      if (!plugOutAll) break;
    }
  }
  ExReleaseFastMutex(FdoData.Mutex);
  if (!found) return STATUS_INVALID_PARAMETER;
  IoInvalidateDeviceRelations(FdoData.UnderlyingPDO!, BusRelations);
  return STATUS_SUCCESS;
}

/** Bus_EjectDevice: ask the PnP manager to eject the toaster (0: every toaster). */
function* Bus_EjectDevice(SerialNo: number, FdoData: FDO_DEVICE_DATA): KWAIT_GENERATOR<NTSTATUS> {
  const ejectAll = SerialNo === 0;
  let found = false;
  yield* ExAcquireFastMutex(FdoData.Mutex);
  for (const pdoData of FdoData.ListOfPDOs) {
    if (ejectAll || SerialNo === pdoData.SerialNo) {
      found = true;
      IoRequestDeviceEject(pdoData.Self!);
      if (!ejectAll) break;
    }
  }
  ExReleaseFastMutex(FdoData.Mutex);
  return found ? STATUS_SUCCESS : STATUS_INVALID_PARAMETER;
}

/** WMI is not supported: the FDO passes it down, a PDO completes it untouched. */
function Bus_SystemControl(DeviceObject: DEVICE_OBJECT, Irp: IRP): NTSTATUS {
  const commonData = DeviceObject.DeviceExtension as COMMON_DEVICE_DATA;
  if (!commonData.IsFDO) return complete(Irp, Irp.IoStatus.Status);
  IoSkipCurrentIrpStackLocation(Irp);
  return IoCallDriver((commonData as FDO_DEVICE_DATA).NextLowerDriver!, Irp);
}

function Bus_DriverUnload(DriverObject: DRIVER_OBJECT): void {
  // Every device is gone by now: the PnP manager removed them before unloading.
  void DriverObject;
}

/** busenum.sys's DriverEntry, logging to `log`. */
export function BusEnumDriverEntry(log: ToasterLog): DRIVER_INITIALIZE {
  return (DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS => {
    void RegistryPath;
    DriverObject.DriverContext = log;
    log.add("busenum DriverEntry");
    DriverObject.MajorFunction[IRP_MJ_CREATE] = Bus_CreateClose;
    DriverObject.MajorFunction[IRP_MJ_CLOSE] = Bus_CreateClose;
    DriverObject.MajorFunction[IRP_MJ_CLEANUP] = Bus_CreateClose;
    DriverObject.MajorFunction[IRP_MJ_PNP] = Bus_PnP;
    DriverObject.MajorFunction[IRP_MJ_POWER] = Bus_Power;
    DriverObject.MajorFunction[IRP_MJ_DEVICE_CONTROL] = Bus_IoCtl;
    DriverObject.MajorFunction[IRP_MJ_SYSTEM_CONTROL] = Bus_SystemControl;
    DriverObject.DriverUnload = Bus_DriverUnload;
    DriverObject.DriverExtension.AddDevice = Bus_AddDevice;
    return STATUS_SUCCESS;
  };
}
