import { NT_SUCCESS, STATUS_INVALID_DEVICE_REQUEST, STATUS_INVALID_PARAMETER, type Box, type NTSTATUS, type POOL_TYPE } from "@wdfjs/kernel";
import {
  FxDeviceAllocAndQueryProperty, FxDeviceOpenDevicemapKey, FxDeviceQueryProperty, FxRegKey, FxValidateObjectAttributes, FX_TYPE_DEVICE, type FxDevice, type PWDF_OBJECT_ATTRIBUTES,
  type PWDFDEVICE_INIT, type WDFDEVICE, type WDFKEY, type WDFMEMORY,
} from "@wdfjs/framework";
import { Created, Enter, EnterInit } from "./ddi.js";
import type { PCUNICODE_STRING } from "./string.js";

// The DEVICE_REGISTRY_PROPERTY queries of wdfdevice.h and wdffdo.h (fxdeviceapi.cpp,
// fxdeviceinitapi.cpp) and WdfFdoInitOpenRegistryKey: the stack's PDO through the kernel.

/** The PDO a DDI queries: the device's (a control device has none), or an FDO init's (another init: none). */
function DevicePdo(Device: WDFDEVICE, Routine: string): FxDevice["PhysicalDevice"] | undefined {
  const device = Enter<FxDevice>(Device, FX_TYPE_DEVICE, Routine);
  return device === null ? undefined : device.pnp === null ? null : device.PhysicalDevice;
}
function InitPdo(DeviceInit: PWDFDEVICE_INIT, Routine: string): FxDevice["PhysicalDevice"] | undefined {
  const init = EnterInit(DeviceInit, Routine);
  return init === null ? undefined : init.IsFdoInit ? init.PhysicalDevice : null;
}

/** `WdfDeviceQueryProperty`: IoGetDeviceProperty on the PDO (STATUS_BUFFER_TOO_SMALL with the length needed; a control device: STATUS_INVALID_DEVICE_REQUEST). */
export function WdfDeviceQueryProperty(Device: WDFDEVICE, DeviceProperty: number, BufferLength: number, PropertyBuffer: number, ResultLength: Box<number>): NTSTATUS {
  const pdo = DevicePdo(Device, "WdfDeviceQueryProperty");
  return pdo === undefined ? STATUS_INVALID_DEVICE_REQUEST : FxDeviceQueryProperty(pdo, DeviceProperty, BufferLength, PropertyBuffer, ResultLength);
}

/** `WdfDeviceAllocAndQueryProperty`: the property in a new WDFMEMORY of its size. */
export function WdfDeviceAllocAndQueryProperty(
  Device: WDFDEVICE, DeviceProperty: number, PoolType: POOL_TYPE, PropertyMemoryAttributes: PWDF_OBJECT_ATTRIBUTES, PropertyMemory: Box<WDFMEMORY | null>,
): NTSTATUS {
  PropertyMemory.value = null;
  const pdo = DevicePdo(Device, "WdfDeviceAllocAndQueryProperty");
  return pdo === undefined ? STATUS_INVALID_DEVICE_REQUEST : Created(FxDeviceAllocAndQueryProperty(pdo, DeviceProperty, PoolType, PropertyMemoryAttributes), PropertyMemory);
}

/** `WdfFdoInitQueryProperty`: as WdfDeviceQueryProperty, from EvtDriverDeviceAdd before the device exists (not an FDO init: STATUS_INVALID_DEVICE_REQUEST). */
export function WdfFdoInitQueryProperty(DeviceInit: PWDFDEVICE_INIT, DeviceProperty: number, BufferLength: number, PropertyBuffer: number, ResultLength: Box<number>): NTSTATUS {
  const pdo = InitPdo(DeviceInit, "WdfFdoInitQueryProperty");
  return pdo === undefined ? STATUS_INVALID_DEVICE_REQUEST : FxDeviceQueryProperty(pdo, DeviceProperty, BufferLength, PropertyBuffer, ResultLength);
}

/** `WdfFdoInitAllocAndQueryProperty`: as WdfDeviceAllocAndQueryProperty, from an FDO init. */
export function WdfFdoInitAllocAndQueryProperty(
  DeviceInit: PWDFDEVICE_INIT, DeviceProperty: number, PoolType: POOL_TYPE, PropertyMemoryAttributes: PWDF_OBJECT_ATTRIBUTES, PropertyMemory: Box<WDFMEMORY | null>,
): NTSTATUS {
  PropertyMemory.value = null;
  const pdo = InitPdo(DeviceInit, "WdfFdoInitAllocAndQueryProperty");
  return pdo === undefined ? STATUS_INVALID_DEVICE_REQUEST : Created(FxDeviceAllocAndQueryProperty(pdo, DeviceProperty, PoolType, PropertyMemoryAttributes), PropertyMemory);
}

/** `WdfFdoInitOpenRegistryKey`: the PDO's PLUGPLAY_REGKEY_DEVICE or _DRIVER key from EvtDriverDeviceAdd, as a WDFKEY. */
export function WdfFdoInitOpenRegistryKey(
  DeviceInit: PWDFDEVICE_INIT, DeviceInstanceKeyType: number, DesiredAccess: number, KeyAttributes: PWDF_OBJECT_ATTRIBUTES, Key: Box<WDFKEY | null>,
): NTSTATUS {
  Key.value = null;
  const pdo = InitPdo(DeviceInit, "WdfFdoInitOpenRegistryKey");
  if (pdo === undefined || pdo === null) return STATUS_INVALID_DEVICE_REQUEST;
  const status = FxValidateObjectAttributes(KeyAttributes);
  return NT_SUCCESS(status) ? Created(FxRegKey._create(KeyAttributes, (key) => key.openDevice(pdo, DeviceInstanceKeyType, DesiredAccess)), Key) : status;
}

/** `WdfDeviceOpenDevicemapKey`: the volatile `HARDWARE\DEVICEMAP\<KeyName>` key, created if needed (an empty name: STATUS_INVALID_PARAMETER). */
export function WdfDeviceOpenDevicemapKey(
  Device: WDFDEVICE, KeyName: PCUNICODE_STRING, DesiredAccess: number, KeyAttributes: PWDF_OBJECT_ATTRIBUTES, Key: Box<WDFKEY | null>,
): NTSTATUS {
  Key.value = null;
  const device = Enter<FxDevice>(Device, FX_TYPE_DEVICE, "WdfDeviceOpenDevicemapKey");
  if (device === null) return STATUS_INVALID_DEVICE_REQUEST;
  if (KeyName.Length === 0 || (KeyName.Length & 1) !== 0) return STATUS_INVALID_PARAMETER;
  const status = FxValidateObjectAttributes(KeyAttributes);
  const name = KeyName.Buffer.slice(0, KeyName.Length >>> 1);
  return NT_SUCCESS(status) ? Created(FxRegKey._create(KeyAttributes, (key) => FxDeviceOpenDevicemapKey(key, name, DesiredAccess)), Key) : status;
}
