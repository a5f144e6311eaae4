import {
  IoGetDeviceProperty, NT_SUCCESS, Out, STATUS_BUFFER_TOO_SMALL, STATUS_INVALID_DEVICE_REQUEST, STATUS_INVALID_DEVICE_STATE, type Box, type INTERFACE, type KWAIT_GENERATOR,
  type NTSTATUS, type POOL_TYPE,
} from "@wdfjs/kernel";
import type { PWDF_OBJECT_ATTRIBUTES } from "../object/attributes.js";
import { FxSendQueryInterface } from "../pnp/fx-query-interface.js";
import { FxMemoryCreate } from "../support/fx-memory-create.js";
import type { FxMemoryObject } from "../support/fx-memory.js";
import type { FxIoTarget } from "./fx-io-target.js";

/**
 * `WdfIoTargetQueryTargetProperty` (fxiotargetapi.cpp): IoGetDeviceProperty on the target's PDO;
 * a target without one (not open, or not over a PnP stack) is STATUS_INVALID_DEVICE_REQUEST.
 */
export function FxIoTargetQueryTargetProperty(target: FxIoTarget, DeviceProperty: number, BufferLength: number, PropertyBuffer: number, ResultLength: Box<number>): NTSTATUS {
  const pdo = target.TargetPdo;
  if (pdo === null) return STATUS_INVALID_DEVICE_REQUEST;
  return IoGetDeviceProperty(pdo, DeviceProperty, BufferLength, PropertyBuffer, ResultLength);
}

/**
 * `WdfIoTargetAllocAndQueryTargetProperty` (`FxDevice::_AllocAndQueryProperty`): the property's
 * size asked first (any answer but STATUS_BUFFER_TOO_SMALL is returned as is), then a WDFMEMORY
 * of that size from the pool type holds it.
 */
export function FxIoTargetAllocAndQueryTargetProperty(target: FxIoTarget, DeviceProperty: number, PoolType: POOL_TYPE, Attributes: PWDF_OBJECT_ATTRIBUTES): FxMemoryObject | NTSTATUS {
  const pdo = target.TargetPdo;
  if (pdo === null) return STATUS_INVALID_DEVICE_REQUEST;
  const length = Out(0);
  let status = IoGetDeviceProperty(pdo, DeviceProperty, 0, 0, length);
  if (status !== STATUS_BUFFER_TOO_SMALL) return status;
  const memory = FxMemoryCreate(Attributes, PoolType, 0, length.value);
  if (typeof memory === "number") return memory;
  status = IoGetDeviceProperty(pdo, DeviceProperty, length.value, memory.Buffer, length);
  if (!NT_SUCCESS(status)) {
    memory.deleteObject();
    return status;
  }
  return memory;
}

/**
 * `WdfIoTargetQueryForInterface`: IRP_MN_QUERY_INTERFACE sent to the top of the target device's
 * stack and waited for (PASSIVE_LEVEL); STATUS_NOT_SUPPORTED if no driver answers. A closed
 * target has no device: STATUS_INVALID_DEVICE_STATE.
 */
export function* FxIoTargetQueryForInterface(
  target: FxIoTarget, InterfaceType: string, Interface: INTERFACE, Size: number, Version: number, InterfaceSpecificData: unknown,
): KWAIT_GENERATOR<NTSTATUS> {
  const device = target.TargetDevice;
  if (device === null) return STATUS_INVALID_DEVICE_STATE;
  return yield* FxSendQueryInterface(device, InterfaceType, Interface, Size, Version, InterfaceSpecificData);
}
