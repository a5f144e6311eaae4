/**
 * busenum.c of WDK general/toaster/toastDrv/kmdf/bus/static: the toaster bus with static children.
 * The driver creates each PDO (WdfPdoInitAllocate, WdfFdoAddStaticChild), walks them between
 * WdfFdoLockStaticChildListForIteration and the unlock, unplugs with WdfPdoMarkMissing and
 * ejects with WdfPdoRequestEject. Plug-ins are serialized by a WDFWAITLOCK (ChildLock), so the
 * serial-number check and the creation are one step. WMI is not ported.
 */
import {
  NT_SUCCESS, Out, PLUGPLAY_REGKEY_DEVICE, PNPBus, ReadUlong, ReadUshort, STATUS_INVALID_PARAMETER, STATUS_SUCCESS, FILE_DEVICE_BUS_EXTENDER,
  type DRIVER_OBJECT, type KWAIT_GENERATOR, type NTSTATUS,
} from "@wdfjs/kernel";
import {
  PNP_BUS_INFORMATION, RtlInitUnicodeString, UNICODE_STRING, WDF_DECLARE_CONTEXT_TYPE_WITH_NAME, WDF_DRIVER_CONFIG, WDF_DRIVER_CONFIG_INIT, WDF_IO_QUEUE_CONFIG,
  WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE, WDF_OBJECT_ATTRIBUTES, WDF_OBJECT_ATTRIBUTES_INIT, WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE, WdfDeviceCreate,
  WdfDeviceCreateDeviceInterface, WdfDeviceInitSetDeviceType, WdfDeviceInitSetExclusive, WdfDeviceOpenRegistryKey, WdfDeviceSetBusInformationForChildren,
  WdfDriverCreate, WdfFdoLockStaticChildListForIteration, WdfFdoRetrieveNextStaticChild, WdfFdoUnlockStaticChildListFromIteration, WdfIoQueueCreate,
  WdfIoQueueDispatchParallel, WdfIoQueueGetDevice, WdfPdoMarkMissing, WdfPdoRequestEject, WdfRegistryClose, WdfRegistryQueryULong,
  WdfRequestCompleteWithInformation, WdfRequestRetrieveInputBuffer, WdfRetrieveAddedChildren, WdfWaitLockAcquire, WdfWaitLockCreate, WdfWaitLockRelease,
  type PWDFDEVICE_INIT, type WDFDEVICE, type WDFDRIVER, type WDFKEY, type WDFQUEUE, type WDFREQUEST, type WDFWAITLOCK,
} from "@wdfjs/kmdf";
import {
  BUS_HARDWARE_ID, BUSENUM_EJECT_HARDWARE_SIZE, BUSENUM_PLUGIN_HARDWARE_SIZE, BUSENUM_UNPLUG_HARDWARE_SIZE, GUID_DEVCLASS_TOASTER,
  GUID_DEVINTERFACE_BUSENUM_TOASTER, IOCTL_BUSENUM_EJECT_HARDWARE, IOCTL_BUSENUM_PLUGIN_HARDWARE, IOCTL_BUSENUM_UNPLUG_HARDWARE,
} from "@wdfjs/sample-wdm-toaster";
import { DEF_STATICALLY_ENUMERATED_TOASTERS, MAX_STATICALLY_ENUMERATED_TOASTERS, STANDARD_RIGHTS_ALL } from "../bus-interface.js";
import { PdoGetData } from "../bus-dynamic/buspdo.js";
import type { KmdfToasterLog } from "../log.js";
import { Bus_CreatePdo } from "./buspdo.js";

/** busenum.h (static) FDO_DEVICE_DATA: the lock that serializes plug-ins. */
export class FDO_DEVICE_DATA {
  ChildLock: WDFWAITLOCK | null = null;
  Log: KmdfToasterLog | null = null;
}
export const FdoGetData = WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(FDO_DEVICE_DATA, "StaticFdoGetData");

const BUS_HARDWARE_IDS = `${BUS_HARDWARE_ID}\0\0`;

/** The static bus's DriverEntry, with a log of what it sees. */
export function BusStaticDriverEntry(log: KmdfToasterLog) {
  /** Bus_EvtDeviceAdd: the exclusive bus FDO, its ChildLock, a parallel IOCTL queue, the bus interface. */
  function Bus_EvtDeviceAdd(_Driver: WDFDRIVER, DeviceInit: PWDFDEVICE_INIT): NTSTATUS {
    log.add("bus Bus_EvtDeviceAdd");
    WdfDeviceInitSetDeviceType(DeviceInit, FILE_DEVICE_BUS_EXTENDER);
    WdfDeviceInitSetExclusive(DeviceInit, true);
    let attributes = new WDF_OBJECT_ATTRIBUTES();
    WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(attributes, FDO_DEVICE_DATA);
    const device = Out<WDFDEVICE | null>(null);
    let status = WdfDeviceCreate(Out(DeviceInit), attributes, device);
    if (!NT_SUCCESS(status)) return status;
    const deviceData = FdoGetData(device.value!)!;
    deviceData.Log = log;
    attributes = new WDF_OBJECT_ATTRIBUTES();
    WDF_OBJECT_ATTRIBUTES_INIT(attributes);
    attributes.ParentObject = device.value;
    const lock = Out<WDFWAITLOCK | null>(null);
    status = WdfWaitLockCreate(attributes, lock);
    if (!NT_SUCCESS(status)) return status;
    deviceData.ChildLock = lock.value;
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

  /** Bus_EvtIoDeviceControl: as the dynamic bus's; a plug-in may wait for ChildLock (PASSIVE_LEVEL, a generator). */
  function* Bus_EvtIoDeviceControl(Queue: WDFQUEUE, Request: WDFREQUEST, _OutputBufferLength: number, InputBufferLength: number, IoControlCode: number): KWAIT_GENERATOR<void> {
    let status: NTSTATUS = STATUS_INVALID_PARAMETER;
    const hDevice = WdfIoQueueGetDevice(Queue)!;
    const buffer = Out(0);
    const length = Out(0);
    switch (IoControlCode) {
      case IOCTL_BUSENUM_PLUGIN_HARDWARE: {
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
          status = yield* Bus_PlugInDevice(hDevice, HardwareIds, ReadUlong(plugIn + 4));
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
    log.add("bus DriverEntry (static)");
    const config = new WDF_DRIVER_CONFIG();
    WDF_DRIVER_CONFIG_INIT(config, Bus_EvtDeviceAdd);
    return WdfDriverCreate(DriverObject, RegistryPath, null, config, null);
  };
}

/** Bus_PlugInDevice: under ChildLock, a serial already among the added children is STATUS_INVALID_PARAMETER; else a new PDO. */
export function* Bus_PlugInDevice(Device: WDFDEVICE, HardwareIds: string, SerialNo: number): KWAIT_GENERATOR<NTSTATUS> {
  const deviceData = FdoGetData(Device)!;
  yield* WdfWaitLockAcquire(deviceData.ChildLock!, null);
  const status = Bus_PlugInDeviceLocked(Device, HardwareIds, SerialNo);
  WdfWaitLockRelease(deviceData.ChildLock!);
  return status;
}

/** The part of Bus_PlugInDevice that runs with ChildLock held. */
function Bus_PlugInDeviceLocked(Device: WDFDEVICE, HardwareIds: string, SerialNo: number): NTSTATUS {
  let status: NTSTATUS = STATUS_SUCCESS;
  let unique = true;
  WdfFdoLockStaticChildListForIteration(Device);
  for (let hChild = WdfFdoRetrieveNextStaticChild(Device, null, WdfRetrieveAddedChildren); hChild !== null; hChild = WdfFdoRetrieveNextStaticChild(Device, hChild, WdfRetrieveAddedChildren)) {
    if (SerialNo === PdoGetData(hChild)!.SerialNo) {
      unique = false;
      status = STATUS_INVALID_PARAMETER;
      break;
    }
  }
  if (unique) status = Bus_CreatePdo(Device, HardwareIds, SerialNo);
  WdfFdoUnlockStaticChildListFromIteration(Device);
  return status;
}

/** Bus_UnPlugDevice: WdfPdoMarkMissing on the child (serial 0: every child); STATUS_INVALID_PARAMETER if none matched. */
export function Bus_UnPlugDevice(Device: WDFDEVICE, SerialNo: number): NTSTATUS {
  let status: NTSTATUS = STATUS_INVALID_PARAMETER;
  let found = false;
  const plugOutAll = SerialNo === 0;
  WdfFdoLockStaticChildListForIteration(Device);
  for (let hChild = WdfFdoRetrieveNextStaticChild(Device, null, WdfRetrieveAddedChildren); hChild !== null; hChild = WdfFdoRetrieveNextStaticChild(Device, hChild, WdfRetrieveAddedChildren)) {
    if (plugOutAll || SerialNo === PdoGetData(hChild)!.SerialNo) {
      status = WdfPdoMarkMissing(hChild);
      if (!NT_SUCCESS(status)) break;
      found = true;
      if (!plugOutAll) break;
    }
  }
  WdfFdoUnlockStaticChildListFromIteration(Device);
  if (found) status = STATUS_SUCCESS;
  return status;
}

/** Bus_EjectDevice: WdfPdoRequestEject on the child (serial 0: every child); STATUS_INVALID_PARAMETER if none matched. */
export function Bus_EjectDevice(Device: WDFDEVICE, SerialNo: number): NTSTATUS {
  let status: NTSTATUS = STATUS_INVALID_PARAMETER;
  const ejectAll = SerialNo === 0;
  WdfFdoLockStaticChildListForIteration(Device);
  for (let hChild = WdfFdoRetrieveNextStaticChild(Device, null, WdfRetrieveAddedChildren); hChild !== null; hChild = WdfFdoRetrieveNextStaticChild(Device, hChild, WdfRetrieveAddedChildren)) {
    if (ejectAll || SerialNo === PdoGetData(hChild)!.SerialNo) {
      status = STATUS_SUCCESS;
      WdfPdoRequestEject(hChild);
      if (!ejectAll) break;
    }
  }
  WdfFdoUnlockStaticChildListFromIteration(Device);
  return status;
}

/**
 * Bus_DoStaticEnumeration: `NumberOfToasters` toasters from the device key at AddDevice. The
 * sample takes ChildLock through Bus_PlugInDevice; EvtDriverDeviceAdd cannot wait here, and no
 * request can reach a device still being added, so the locked part runs directly.
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
  for (let i = 1; i <= value; i++) status = Bus_PlugInDeviceLocked(Device, BUS_HARDWARE_IDS, i);
  return status;
}
