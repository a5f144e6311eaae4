import {
  IoGetDeviceProperty, IoGetDevicePropertyData, IoSetDevicePropertyData, NT_SUCCESS, Out, STATUS_BUFFER_TOO_SMALL, STATUS_INVALID_DEVICE_REQUEST, STATUS_INVALID_DEVICE_STATE,
  REG_OPTION_VOLATILE, type Box, type DEVICE_OBJECT, type DEVPROPKEY, type DEVPROPTYPE, type NTSTATUS, type POOL_TYPE,
} from "@wdfjs/kernel";
import type { PWDF_OBJECT_ATTRIBUTES } from "../object/attributes.js";
import type { FxMemoryBufferFromPool } from "../support/fx-memory.js";
import { FxMemoryCreate } from "../support/fx-memory-create.js";
import type { FxRegKey } from "../support/fx-reg-key.js";

/**
 * `FxDevice::_QueryProperty` (fxdevicekm.cpp): IoGetDeviceProperty on the stack's PDO (a device
 * the PnP manager does not know, a control device: STATUS_INVALID_DEVICE_REQUEST).
 */
export function FxDeviceQueryProperty(Pdo: DEVICE_OBJECT | null, DeviceProperty: number, BufferLength: number, PropertyBuffer: number, ResultLength: Box<number>): NTSTATUS {
  if (Pdo === null) return STATUS_INVALID_DEVICE_REQUEST;
  return IoGetDeviceProperty(Pdo, DeviceProperty, BufferLength, PropertyBuffer, ResultLength);
}

/**
 * `FxDevice::_AllocAndQueryProperty`: the property's length (the query's STATUS_BUFFER_TOO_SMALL),
 * a WDFMEMORY of that size, the property into it; any other first answer is the status.
 */
export function FxDeviceAllocAndQueryProperty(
  Pdo: DEVICE_OBJECT | null, DeviceProperty: number, PoolType: POOL_TYPE, Attributes: PWDF_OBJECT_ATTRIBUTES,
): FxMemoryBufferFromPool | NTSTATUS {
  const length = Out(0);
  let status = FxDeviceQueryProperty(Pdo, DeviceProperty, 0, 0, length);
  if (status !== STATUS_BUFFER_TOO_SMALL) return NT_SUCCESS(status) ? STATUS_INVALID_DEVICE_REQUEST : status;
  const memory = FxMemoryCreate(Attributes, PoolType, 0, length.value);
  if (typeof memory === "number") return memory;
  status = FxDeviceQueryProperty(Pdo, DeviceProperty, length.value, memory.Buffer, length);
  if (!NT_SUCCESS(status)) {
    memory.deleteObject();
    return status;
  }
  return memory;
}

/** `FX_DEVICEMAP_PATH` (mxkm.h): where WdfDeviceOpenDevicemapKey's keys live. */
export const FX_DEVICEMAP_PATH = "\\REGISTRY\\MACHINE\\HARDWARE\\DEVICEMAP\\";

/** `FxDevice::OpenDevicemapKeyWorker` (km/fxdevicekm.cpp): opens or creates the volatile key `DEVICEMAP\<KeyName>`. */
export function FxDeviceOpenDevicemapKey(Key: FxRegKey, KeyName: string, DesiredAccess: number): NTSTATUS {
  return Key.create(null, FX_DEVICEMAP_PATH + KeyName, DesiredAccess, REG_OPTION_VOLATILE);
}

/** `sizeof(WDF_DEVICE_PROPERTY_DATA)` on x64: Size, the DEVPROPKEY pointer, Lcid and Flags. */
export const WDF_DEVICE_PROPERTY_DATA_SIZE = 24;

/** `WDF_DEVICE_PROPERTY_DATA` (wdfdevice.h, KMDF 1.13): which unified-model property a DDI reads or writes. */
export class WDF_DEVICE_PROPERTY_DATA {
  Size = 0;
  PropertyKey: DEVPROPKEY = { fmtid: "", pid: 0 };
  Lcid = 0;
  Flags = 0;
}
export type PWDF_DEVICE_PROPERTY_DATA = WDF_DEVICE_PROPERTY_DATA;

/** `WDF_DEVICE_PROPERTY_DATA_INIT`: zeroed, Size set, the key (LOCALE_NEUTRAL, no flags). */
export function WDF_DEVICE_PROPERTY_DATA_INIT(PropertyData: WDF_DEVICE_PROPERTY_DATA, PropertyKey: DEVPROPKEY = { fmtid: "", pid: 0 }): void {
  PropertyData.Size = WDF_DEVICE_PROPERTY_DATA_SIZE;
  PropertyData.PropertyKey = PropertyKey;
  PropertyData.Lcid = 0;
  PropertyData.Flags = 0;
}

/**
 * `FxDevice::_QueryPropertyEx` (fxdevicekm.cpp): IoGetDevicePropertyData on the PDO with the
 * structure's key and LCID (its Flags are not passed: the query takes none). The size needed
 * and the type come back on success and on STATUS_BUFFER_TOO_SMALL; a device the PnP manager
 * does not know (a control device): STATUS_INVALID_DEVICE_STATE.
 */
export function FxDeviceQueryPropertyEx(
  Pdo: DEVICE_OBJECT | null, PropertyData: WDF_DEVICE_PROPERTY_DATA, BufferLength: number, PropertyBuffer: number, RequiredSize: Box<number>, Type: Box<DEVPROPTYPE>,
): NTSTATUS {
  RequiredSize.value = 0;
  Type.value = 0;
  if (Pdo === null) return STATUS_INVALID_DEVICE_STATE;
  const required = Out(0);
  const type = Out<DEVPROPTYPE>(0);
  const status = IoGetDevicePropertyData(Pdo, PropertyData.PropertyKey, PropertyData.Lcid, 0, BufferLength, PropertyBuffer, required, type);
  if (status === STATUS_BUFFER_TOO_SMALL || NT_SUCCESS(status)) {
    RequiredSize.value = required.value;
    Type.value = type.value;
  }
  return status;
}

/**
 * `FxDevice::_AllocAndQueryPropertyEx`: the size (the first query's STATUS_BUFFER_TOO_SMALL; any
 * other answer is the status), a WDFMEMORY of that size, the property into it, and its type.
 */
export function FxDeviceAllocAndQueryPropertyEx(
  Pdo: DEVICE_OBJECT | null, PropertyData: WDF_DEVICE_PROPERTY_DATA, PoolType: POOL_TYPE, Attributes: PWDF_OBJECT_ATTRIBUTES, Type: Box<DEVPROPTYPE>,
): FxMemoryBufferFromPool | NTSTATUS {
  const length = Out(0);
  const type = Out<DEVPROPTYPE>(0);
  let status = FxDeviceQueryPropertyEx(Pdo, PropertyData, 0, 0, length, type);
  // A property of no bytes answers STATUS_SUCCESS to the sizing query: WDF fails it as any other answer.
  if (status !== STATUS_BUFFER_TOO_SMALL) return NT_SUCCESS(status) ? STATUS_INVALID_DEVICE_REQUEST : status;
  const memory = FxMemoryCreate(Attributes, PoolType, 0, length.value);
  if (typeof memory === "number") return memory;
  status = FxDeviceQueryPropertyEx(Pdo, PropertyData, length.value, memory.Buffer, length, type);
  if (!NT_SUCCESS(status)) {
    memory.deleteObject();
    return status;
  }
  Type.value = type.value;
  return memory;
}

/** `FxDevice::AssignProperty` (fxdevicekm.cpp): IoSetDevicePropertyData on the PDO (none: STATUS_INVALID_DEVICE_STATE). */
export function FxDeviceAssignProperty(Pdo: DEVICE_OBJECT | null, PropertyData: WDF_DEVICE_PROPERTY_DATA, Type: DEVPROPTYPE, BufferLength: number, PropertyBuffer: number): NTSTATUS {
  if (Pdo === null) return STATUS_INVALID_DEVICE_STATE;
  return IoSetDevicePropertyData(Pdo, PropertyData.PropertyKey, PropertyData.Lcid, PropertyData.Flags, Type, BufferLength, PropertyBuffer);
}
