import { IoGetDeviceProperty, NT_SUCCESS, Out, STATUS_BUFFER_TOO_SMALL, STATUS_INVALID_DEVICE_REQUEST, REG_OPTION_VOLATILE, type Box, type DEVICE_OBJECT, type NTSTATUS, type POOL_TYPE } from "@wdfjs/kernel";
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
