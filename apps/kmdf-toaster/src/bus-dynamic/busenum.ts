/**
 * busenum.c of WDK general/toaster/toastDrv/kmdf/bus/dynamic: the toaster bus driver's FDO side.
 * Its children live in the FDO's default WDFCHILDLIST: plugging in adds an identification
 * description, unplugging marks it missing (serial 0: an empty scan, so all go), ejecting asks the
 * PnP manager to eject. The framework creates and removes the PDOs at the next bus relations.
 * WMI (Bus_WmiRegistration, wmi.c) is not ported.
 */
import {
  NT_SUCCESS, Out, PLUGPLAY_REGKEY_DEVICE, PNPBus, ReadUlong, ReadUshort, STATUS_INVALID_PARAMETER, STATUS_NO_MORE_ENTRIES, STATUS_NO_SUCH_DEVICE,
  STATUS_OBJECT_NAME_EXISTS, STATUS_SUCCESS, FILE_DEVICE_BUS_EXTENDER, type DRIVER_OBJECT, type NTSTATUS,
} from "@wdfjs/kernel";
import {
  PNP_BUS_INFORMATION, RtlInitUnicodeString, UNICODE_STRING, WDF_CHILD_IDENTIFICATION_DESCRIPTION_HEADER_INIT, WDF_CHILD_LIST_CONFIG, WDF_CHILD_LIST_CONFIG_INIT,
  WDF_CHILD_LIST_ITERATOR, WDF_CHILD_LIST_ITERATOR_INIT, WDF_CHILD_RETRIEVE_INFO, WDF_CHILD_RETRIEVE_INFO_INIT, WDF_DRIVER_CONFIG, WDF_DRIVER_CONFIG_INIT,
  WDF_IO_QUEUE_CONFIG, WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE, WDF_OBJECT_ATTRIBUTES, WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE, WDF_DECLARE_CONTEXT_TYPE_WITH_NAME,
  WdfChildListAddOrUpdateChildDescriptionAsPresent, WdfChildListBeginIteration, WdfChildListBeginScan, WdfChildListEndIteration, WdfChildListEndScan,
  WdfChildListRequestChildEject, WdfChildListRetrieveDeviceSuccess, WdfChildListRetrieveNextDevice, WdfChildListUpdateChildDescriptionAsMissing, WdfDeviceCreate,
  WdfDeviceCreateDeviceInterface, WdfDeviceInitSetDeviceType, WdfDeviceInitSetExclusive, WdfDeviceOpenRegistryKey, WdfDeviceSetBusInformationForChildren,
  WdfDriverCreate, WdfFdoGetDefaultChildList, WdfFdoInitSetDefaultChildListConfig, WdfIoQueueCreate, WdfIoQueueDispatchParallel, WdfIoQueueGetDevice,
  WdfRegistryClose, WdfRegistryQueryULong, WdfRequestCompleteWithInformation, WdfRequestRetrieveInputBuffer, WdfRetrievePresentChildren,
  type PWDFDEVICE_INIT, type WDFDEVICE, type WDFDRIVER, type WDFKEY, type WDFQUEUE, type WDFREQUEST,
} from "@wdfjs/kmdf";
import {
  BUS_HARDWARE_ID, BUSENUM_EJECT_HARDWARE_SIZE, BUSENUM_PLUGIN_HARDWARE_SIZE, BUSENUM_UNPLUG_HARDWARE_SIZE, GUID_DEVCLASS_TOASTER,
  GUID_DEVINTERFACE_BUSENUM_TOASTER, IOCTL_BUSENUM_EJECT_HARDWARE, IOCTL_BUSENUM_PLUGIN_HARDWARE, IOCTL_BUSENUM_UNPLUG_HARDWARE,
} from "@wdfjs/sample-wdm-toaster";
import { DEF_STATICALLY_ENUMERATED_TOASTERS, MAX_STATICALLY_ENUMERATED_TOASTERS, STANDARD_RIGHTS_ALL } from "../bus-interface.js";
import type { KmdfToasterLog } from "../log.js";
import {
  Bus_EvtChildListIdentificationDescriptionCleanup, Bus_EvtChildListIdentificationDescriptionCompare, Bus_EvtChildListIdentificationDescriptionDuplicate,
  Bus_EvtDeviceListCreatePdo, PDO_IDENTIFICATION_DESCRIPTION, PDO_IDENTIFICATION_DESCRIPTION_SIZE,
} from "./buspdo.js";

/** busenum.h FDO_DEVICE_DATA: the FDO's context (its WMI data is not ported). */
export class FDO_DEVICE_DATA {
  Log: KmdfToasterLog | null = null;
}
export const FdoGetData = WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(FDO_DEVICE_DATA, "FdoGetData");

/** BUS_HARDWARE_IDS as the MULTI_SZ enum.exe sends (one ID, double-NUL terminated). */
const BUS_HARDWARE_IDS = `${BUS_HARDWARE_ID}\0\0`;

/** The dynamic bus's DriverEntry, with a log of what it sees (the sample's KdPrint lines). */
export function BusDynamicDriverEntry(log: KmdfToasterLog) {
  /** Bus_EvtDeviceAdd: the bus FDO, exclusive, with the default child list and a parallel IOCTL queue. */
  function Bus_EvtDeviceAdd(_Driver: WDFDRIVER, DeviceInit: PWDFDEVICE_INIT): NTSTATUS {
    log.add("bus Bus_EvtDeviceAdd");
    WdfDeviceInitSetDeviceType(DeviceInit, FILE_DEVICE_BUS_EXTENDER);
    WdfDeviceInitSetExclusive(DeviceInit, true);
    const config = new WDF_CHILD_LIST_CONFIG();
    WDF_CHILD_LIST_CONFIG_INIT(config, PDO_IDENTIFICATION_DESCRIPTION_SIZE, Bus_EvtDeviceListCreatePdo);
    config.EvtChildListIdentificationDescriptionDuplicate = Bus_EvtChildListIdentificationDescriptionDuplicate;
    config.EvtChildListIdentificationDescriptionCompare = Bus_EvtChildListIdentificationDescriptionCompare;
    config.EvtChildListIdentificationDescriptionCleanup = Bus_EvtChildListIdentificationDescriptionCleanup;
    WdfFdoInitSetDefaultChildListConfig(DeviceInit, config, null);
    const fdoAttributes = new WDF_OBJECT_ATTRIBUTES();
    WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(fdoAttributes, FDO_DEVICE_DATA);
    const device = Out<WDFDEVICE | null>(null);
    let status = WdfDeviceCreate(Out(DeviceInit), fdoAttributes, device);
    if (!NT_SUCCESS(status)) return status;
    FdoGetData(device.value!)!.Log = log;
    const queueConfig = new WDF_IO_QUEUE_CONFIG();
    WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(queueConfig, WdfIoQueueDispatchParallel);
    queueConfig.EvtIoDeviceControl = Bus_EvtIoDeviceControl;
    status = WdfIoQueueCreate(device.value!, queueConfig, null, Out<WDFQUEUE | null>(null));
    if (!NT_SUCCESS(status)) return status;
    status = WdfDeviceCreateDeviceInterface(device.value!, GUID_DEVINTERFACE_BUSENUM_TOASTER, null);
    if (!NT_SUCCESS(status)) return status;
    const busInfo = new PNP_BUS_INFORMATION();
    busInfo.BusTypeGuid = GUID_DEVCLASS_TOASTER;
    busInfo.LegacyBusType = PNPBus;
    busInfo.BusNumber = 0;
    WdfDeviceSetBusInformationForChildren(device.value!, busInfo);
    return Bus_DoStaticEnumeration(device.value!);
  }

  /** Bus_EvtIoDeviceControl: plug in, unplug and eject from enum.exe; the information is the input length. */
  function Bus_EvtIoDeviceControl(Queue: WDFQUEUE, Request: WDFREQUEST, _OutputBufferLength: number, InputBufferLength: number, IoControlCode: number): void {
    let status: NTSTATUS = STATUS_INVALID_PARAMETER;
    const hDevice = WdfIoQueueGetDevice(Queue)!;
    const buffer = Out(0);
    const length = Out(0);
    switch (IoControlCode) {
      case IOCTL_BUSENUM_PLUGIN_HARDWARE: {
        // Room for the structure and the MULTI_SZ's double NUL.
        status = WdfRequestRetrieveInputBuffer(Request, BUSENUM_PLUGIN_HARDWARE_SIZE + 2 * 2, buffer, length);
        if (!NT_SUCCESS(status)) break;
        const plugIn = buffer.value;
        if (ReadUlong(plugIn) === BUSENUM_PLUGIN_HARDWARE_SIZE) {
          const cch = (InputBufferLength - BUSENUM_PLUGIN_HARDWARE_SIZE) / 2;
          const ids = plugIn + BUSENUM_PLUGIN_HARDWARE_SIZE;
          if (ReadUshort(ids + (cch - 1) * 2) !== 0 || ReadUshort(ids + (cch - 2) * 2) !== 0) {
            status = STATUS_INVALID_PARAMETER;
            break;
          }
          let HardwareIds = "";
          for (let i = 0; i < cch; i++) HardwareIds += String.fromCharCode(ReadUshort(ids + i * 2));
          log.add(`bus PlugIn ${ReadUlong(plugIn + 4)}`);
          status = Bus_PlugInDevice(hDevice, HardwareIds, cch, ReadUlong(plugIn + 4));
        }
        break;
      }
      case IOCTL_BUSENUM_UNPLUG_HARDWARE:
        status = WdfRequestRetrieveInputBuffer(Request, BUSENUM_UNPLUG_HARDWARE_SIZE, buffer, length);
        if (!NT_SUCCESS(status)) break;
        if (ReadUlong(buffer.value) === InputBufferLength) {
          log.add(`bus UnPlug ${ReadUlong(buffer.value + 4)}`);
          status = Bus_UnPlugDevice(hDevice, ReadUlong(buffer.value + 4));
        }
        break;
      case IOCTL_BUSENUM_EJECT_HARDWARE:
        status = WdfRequestRetrieveInputBuffer(Request, BUSENUM_EJECT_HARDWARE_SIZE, buffer, length);
        if (!NT_SUCCESS(status)) break;
        if (ReadUlong(buffer.value) === InputBufferLength) {
          log.add(`bus Eject ${ReadUlong(buffer.value + 4)}`);
          status = Bus_EjectDevice(hDevice, ReadUlong(buffer.value + 4));
        }
        break;
      default:
        break;
    }
    WdfRequestCompleteWithInformation(Request, status, length.value);
  }

  return function DriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS {
    log.add("bus DriverEntry (dynamic)");
    const config = new WDF_DRIVER_CONFIG();
    WDF_DRIVER_CONFIG_INIT(config, Bus_EvtDeviceAdd);
    return WdfDriverCreate(DriverObject, RegistryPath, null, config, null);
  };
}

/** Bus_PlugInDevice: a description on the stack, copied by the list; a serial already present is STATUS_INVALID_PARAMETER. */
export function Bus_PlugInDevice(Device: WDFDEVICE, HardwareIds: string, CchHardwareIds: number, SerialNo: number): NTSTATUS {
  const description = new PDO_IDENTIFICATION_DESCRIPTION();
  WDF_CHILD_IDENTIFICATION_DESCRIPTION_HEADER_INIT(description, PDO_IDENTIFICATION_DESCRIPTION_SIZE);
  description.SerialNo = SerialNo;
  description.CchHardwareIds = CchHardwareIds;
  description.HardwareIds = HardwareIds;
  let status = WdfChildListAddOrUpdateChildDescriptionAsPresent(WdfFdoGetDefaultChildList(Device)!, description, null);
  if (status === STATUS_OBJECT_NAME_EXISTS) status = STATUS_INVALID_PARAMETER;
  return status;
}

/** Bus_UnPlugDevice: serial 0 is an empty scan (every child missing); otherwise one child, STATUS_INVALID_PARAMETER if unknown. */
export function Bus_UnPlugDevice(Device: WDFDEVICE, SerialNo: number): NTSTATUS {
  const list = WdfFdoGetDefaultChildList(Device)!;
  if (SerialNo === 0) {
    WdfChildListBeginScan(list);
    WdfChildListEndScan(list);
    return STATUS_SUCCESS;
  }
  const description = new PDO_IDENTIFICATION_DESCRIPTION();
  WDF_CHILD_IDENTIFICATION_DESCRIPTION_HEADER_INIT(description, PDO_IDENTIFICATION_DESCRIPTION_SIZE);
  description.SerialNo = SerialNo;
  let status = WdfChildListUpdateChildDescriptionAsMissing(list, description);
  if (status === STATUS_NO_SUCH_DEVICE) status = STATUS_INVALID_PARAMETER;
  return status;
}

/** Bus_EjectDevice: serial 0 ejects every present child; otherwise one (STATUS_INVALID_PARAMETER if it has no PDO). */
export function Bus_EjectDevice(Device: WDFDEVICE, SerialNo: number): NTSTATUS {
  let status: NTSTATUS = STATUS_INVALID_PARAMETER;
  const list = WdfFdoGetDefaultChildList(Device)!;
  if (SerialNo === 0) {
    const iterator = new WDF_CHILD_LIST_ITERATOR();
    WDF_CHILD_LIST_ITERATOR_INIT(iterator, WdfRetrievePresentChildren);
    WdfChildListBeginIteration(list, iterator);
    for (;;) {
      const childInfo = new WDF_CHILD_RETRIEVE_INFO();
      const description = new PDO_IDENTIFICATION_DESCRIPTION();
      WDF_CHILD_IDENTIFICATION_DESCRIPTION_HEADER_INIT(description, PDO_IDENTIFICATION_DESCRIPTION_SIZE);
      WDF_CHILD_RETRIEVE_INFO_INIT(childInfo, description);
      const hChild = Out<WDFDEVICE | null>(null);
      status = WdfChildListRetrieveNextDevice(list, iterator, hChild, childInfo);
      if (!NT_SUCCESS(status) || status === STATUS_NO_MORE_ENTRIES) break;
      if (childInfo.Status !== WdfChildListRetrieveDeviceSuccess) continue;
      WdfChildListRequestChildEject(list, description);
    }
    WdfChildListEndIteration(list, iterator);
    if (status === STATUS_NO_MORE_ENTRIES) status = STATUS_SUCCESS;
  } else {
    const description = new PDO_IDENTIFICATION_DESCRIPTION();
    WDF_CHILD_IDENTIFICATION_DESCRIPTION_HEADER_INIT(description, PDO_IDENTIFICATION_DESCRIPTION_SIZE);
    description.SerialNo = SerialNo;
    if (WdfChildListRequestChildEject(list, description)) status = STATUS_SUCCESS;
  }
  return status;
}

/**
 * Bus_DoStaticEnumeration: `NumberOfToasters` from the bus's device key (Enum\<instance>\Device
 * Parameters; default 0, at most 10) toasters plugged in at AddDevice. The value is optional.
 */
export function Bus_DoStaticEnumeration(Device: WDFDEVICE): NTSTATUS {
  let value = DEF_STATICALLY_ENUMERATED_TOASTERS;
  const hKey = Out<WDFKEY | null>(null);
  let status = WdfDeviceOpenRegistryKey(Device, PLUGPLAY_REGKEY_DEVICE, STANDARD_RIGHTS_ALL, null, hKey);
  if (NT_SUCCESS(status)) {
    const valueName = new UNICODE_STRING();
    RtlInitUnicodeString(valueName, "NumberOfToasters");
    const v = Out(value);
    status = WdfRegistryQueryULong(hKey.value!, valueName, v);
    WdfRegistryClose(hKey.value!);
    if (!NT_SUCCESS(status)) return STATUS_SUCCESS;
    value = Math.min(v.value, MAX_STATICALLY_ENUMERATED_TOASTERS);
  }
  FdoGetData(Device)?.Log?.add(`bus Enumerating ${value} toaster devices`);
  for (let i = 1; i <= value; i++) status = Bus_PlugInDevice(Device, BUS_HARDWARE_IDS, BUS_HARDWARE_IDS.length, i);
  return status;
}
