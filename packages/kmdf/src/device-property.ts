import {
  NT_SUCCESS, STATUS_INFO_LENGTH_MISMATCH, STATUS_INVALID_DEVICE_REQUEST, STATUS_INVALID_PARAMETER, type Box, type DEVPROPTYPE, type NTSTATUS, type POOL_TYPE,
} from "@wdfjs/kernel";
import {
  FxDeviceAllocAndQueryProperty, FxDeviceAllocAndQueryPropertyEx, FxDeviceAssignProperty, FxDeviceOpenDevicemapKey, FxDeviceQueryProperty,
  FxDeviceQueryPropertyEx, FxObjectHandleGetPtr, FxRegKey, FxValidateObjectAttributes, FX_TYPE_DEVICE, WDF_DEVICE_PROPERTY_DATA_SIZE, type FxDevice,
  type PWDF_DEVICE_PROPERTY_DATA, type PWDF_OBJECT_ATTRIBUTES, type PWDFDEVICE_INIT, type WDFDEVICE, type WDFKEY, type WDFMEMORY,
} from "@wdfjs/framework";
import { FxDeviceInitOf } from "./device-init.js";
import { WdfCheckIrql } from "./irql.js";
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

// The unified-model DDIs of KMDF 1.13 (fxdeviceapi.cpp, fxdeviceinitapi.cpp): a DEVPROPKEY
// property of the PDO through IoGetDevicePropertyData / IoSetDevicePropertyData. Each checks the
// structure's Size before the IRQL, as WDF does.

/** The device's PDO (a control device: null) once its handle, the structure's Size and the IRQL pass; else the status. */
function DevicePdoEx(Device: WDFDEVICE, DeviceProperty: PWDF_DEVICE_PROPERTY_DATA, Routine: string): FxDevice["PhysicalDevice"] | NTSTATUS {
  const device = FxObjectHandleGetPtr(Device, FX_TYPE_DEVICE) as FxDevice;
  if (DeviceProperty.Size !== WDF_DEVICE_PROPERTY_DATA_SIZE) return STATUS_INFO_LENGTH_MISMATCH;
  const status = WdfCheckIrql(Routine);
  return NT_SUCCESS(status) ? (device.pnp === null ? null : device.PhysicalDevice) : status;
}

/** An FDO init's PDO once the Size and the IRQL pass (another init: STATUS_INVALID_DEVICE_REQUEST). */
function InitPdoEx(DeviceInit: PWDFDEVICE_INIT, DeviceProperty: PWDF_DEVICE_PROPERTY_DATA, Routine: string): FxDevice["PhysicalDevice"] | NTSTATUS {
  const init = FxDeviceInitOf(DeviceInit);
  if (DeviceProperty.Size !== WDF_DEVICE_PROPERTY_DATA_SIZE) return STATUS_INFO_LENGTH_MISMATCH;
  const status = WdfCheckIrql(Routine);
  if (!NT_SUCCESS(status)) return status;
  return init.IsFdoInit ? init.PhysicalDevice : STATUS_INVALID_DEVICE_REQUEST;
}

/** A query's buffer: an address with a length, or none with none. */
function ValidBuffer(BufferLength: number, PropertyBuffer: number): boolean {
  return (BufferLength === 0) === (PropertyBuffer === 0);
}

/**
 * `WdfDeviceQueryPropertyEx`: the property's bytes at PropertyBuffer, its size in RequiredSize
 * (also with STATUS_BUFFER_TOO_SMALL) and its DEVPROPTYPE; not set: STATUS_OBJECT_NAME_NOT_FOUND;
 * a control device: STATUS_INVALID_DEVICE_STATE.
 */
export function WdfDeviceQueryPropertyEx(
  Device: WDFDEVICE, DeviceProperty: PWDF_DEVICE_PROPERTY_DATA, BufferLength: number, PropertyBuffer: number, RequiredSize: Box<number>, Type: Box<DEVPROPTYPE>,
): NTSTATUS {
  const pdo = DevicePdoEx(Device, DeviceProperty, "WdfDeviceQueryPropertyEx");
  if (typeof pdo === "number") return pdo;
  if (!ValidBuffer(BufferLength, PropertyBuffer)) return STATUS_INVALID_PARAMETER;
  return FxDeviceQueryPropertyEx(pdo, DeviceProperty, BufferLength, PropertyBuffer, RequiredSize, Type);
}

/** `WdfDeviceAllocAndQueryPropertyEx`: the property in a new WDFMEMORY of its size, and its DEVPROPTYPE. */
export function WdfDeviceAllocAndQueryPropertyEx(
  Device: WDFDEVICE, DeviceProperty: PWDF_DEVICE_PROPERTY_DATA, PoolType: POOL_TYPE, PropertyMemoryAttributes: PWDF_OBJECT_ATTRIBUTES,
  PropertyMemory: Box<WDFMEMORY | null>, Type: Box<DEVPROPTYPE>,
): NTSTATUS {
  const pdo = DevicePdoEx(Device, DeviceProperty, "WdfDeviceAllocAndQueryPropertyEx");
  if (typeof pdo === "number") return pdo;
  PropertyMemory.value = null;
  Type.value = 0;
  const status = FxValidateObjectAttributes(PropertyMemoryAttributes);
  if (!NT_SUCCESS(status)) return status;
  return Created(FxDeviceAllocAndQueryPropertyEx(pdo, DeviceProperty, PoolType, PropertyMemoryAttributes, Type), PropertyMemory);
}

/**
 * `WdfDeviceAssignProperty`: BufferLength bytes at PropertyBuffer as the property, of Type; no
 * buffer (or DEVPROP_TYPE_EMPTY) deletes it. A length without a buffer: STATUS_INVALID_PARAMETER
 * (from the kernel); a buffer without a length: STATUS_INVALID_PARAMETER.
 */
export function WdfDeviceAssignProperty(Device: WDFDEVICE, DeviceProperty: PWDF_DEVICE_PROPERTY_DATA, Type: DEVPROPTYPE, BufferLength: number, PropertyBuffer: number): NTSTATUS {
  const pdo = DevicePdoEx(Device, DeviceProperty, "WdfDeviceAssignProperty");
  if (typeof pdo === "number") return pdo;
  if (BufferLength === 0 && PropertyBuffer !== 0) return STATUS_INVALID_PARAMETER;
  return FxDeviceAssignProperty(pdo, DeviceProperty, Type, BufferLength, PropertyBuffer);
}

/** `WdfFdoInitQueryPropertyEx`: as WdfDeviceQueryPropertyEx, from EvtDriverDeviceAdd before the device exists. */
export function WdfFdoInitQueryPropertyEx(
  DeviceInit: PWDFDEVICE_INIT, DeviceProperty: PWDF_DEVICE_PROPERTY_DATA, BufferLength: number, PropertyBuffer: number, ResultLength: Box<number>, Type: Box<DEVPROPTYPE>,
): NTSTATUS {
  const pdo = InitPdoEx(DeviceInit, DeviceProperty, "WdfFdoInitQueryPropertyEx");
  if (typeof pdo === "number") return pdo;
  if (!ValidBuffer(BufferLength, PropertyBuffer)) return STATUS_INVALID_PARAMETER;
  return FxDeviceQueryPropertyEx(pdo, DeviceProperty, BufferLength, PropertyBuffer, ResultLength, Type);
}

/** `WdfFdoInitAllocAndQueryPropertyEx`: as WdfDeviceAllocAndQueryPropertyEx, from an FDO init. */
export function WdfFdoInitAllocAndQueryPropertyEx(
  DeviceInit: PWDFDEVICE_INIT, DeviceProperty: PWDF_DEVICE_PROPERTY_DATA, PoolType: POOL_TYPE, PropertyMemoryAttributes: PWDF_OBJECT_ATTRIBUTES,
  PropertyMemory: Box<WDFMEMORY | null>, Type: Box<DEVPROPTYPE>,
): NTSTATUS {
  const pdo = InitPdoEx(DeviceInit, DeviceProperty, "WdfFdoInitAllocAndQueryPropertyEx");
  if (typeof pdo === "number") return pdo;
  PropertyMemory.value = null;
  Type.value = 0;
  const status = FxValidateObjectAttributes(PropertyMemoryAttributes);
  if (!NT_SUCCESS(status)) return status;
  return Created(FxDeviceAllocAndQueryPropertyEx(pdo, DeviceProperty, PoolType, PropertyMemoryAttributes, Type), PropertyMemory);
}
