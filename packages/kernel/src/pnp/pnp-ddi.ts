import { cur } from "../context.js";
import type { Box } from "../box.js";
import type { DEVICE_OBJECT } from "../io/device.js";
import { DISPATCH_LEVEL, PASSIVE_LEVEL } from "../ke/irql.js";
import { VfIrqlTooHigh } from "../verifier/irql-rules.js";
import { WriteUlong } from "../mm/access.js";
import { STATUS_BUFFER_TOO_SMALL, STATUS_INVALID_PARAMETER, STATUS_INVALID_DEVICE_REQUEST, STATUS_SUCCESS, type NTSTATUS } from "../ntstatus.js";
import { BusRelations, type DEVICE_RELATION_TYPE } from "./device-relations.js";
import { PipRequirePdo } from "./device-interface.js";
import {
  DevicePropertyAddress, DevicePropertyBusNumber, DevicePropertyClassGuid, DevicePropertyClassName, DevicePropertyCompatibleIDs,
  DevicePropertyDeviceDescription, DevicePropertyDriverKeyName, DevicePropertyEnumeratorName, DevicePropertyHardwareID,
  DevicePropertyLocationInformation, DevicePropertyPhysicalDeviceObjectName, DevicePropertyUINumber, DevicePropertyLegacyBusType,
  DevicePropertyBusTypeGuid,
} from "./pnp-constants.js";
import { WriteWideString } from "./wide-string.js";
import { WriteGuid } from "./bus-information.js";

/**
 * `IoInvalidateDeviceRelations(DeviceObject, Type)`: a bus driver says its children
 * changed; the PnP manager queues a QUERY_DEVICE_RELATIONS and acts on the differences
 * later, on its own thread. Only BusRelations changes the tree (the other types are
 * asked for when the PnP manager needs them).
 */
export function IoInvalidateDeviceRelations(DeviceObject: DEVICE_OBJECT, Type: DEVICE_RELATION_TYPE): void {
  const m = cur;
  if (m.checked && m.cpu.Irql > DISPATCH_LEVEL) VfIrqlTooHigh("IoInvalidateDeviceRelations", DISPATCH_LEVEL);
  PipRequirePdo(DeviceObject, "IoInvalidateDeviceRelations");
  if (Type === BusRelations) m.pnp.requestEnumeration(DeviceObject.DeviceNode!);
}

/** `IoInvalidateDeviceState(PhysicalDeviceObject)`: the PnP manager sends IRP_MN_QUERY_PNP_DEVICE_STATE and acts on the answer. */
export function IoInvalidateDeviceState(PhysicalDeviceObject: DEVICE_OBJECT): void {
  const m = cur;
  if (m.checked && m.cpu.Irql > DISPATCH_LEVEL) VfIrqlTooHigh("IoInvalidateDeviceState", DISPATCH_LEVEL);
  PipRequirePdo(PhysicalDeviceObject, "IoInvalidateDeviceState");
  m.pnp.requestStateQuery(PhysicalDeviceObject.DeviceNode!);
}

/** `IoRequestDeviceEject(PhysicalDeviceObject)`: QUERY_REMOVE to the device and its children, REMOVE, then EJECT to the PDO. */
export function IoRequestDeviceEject(PhysicalDeviceObject: DEVICE_OBJECT): void {
  const m = cur;
  if (m.checked && m.cpu.Irql > DISPATCH_LEVEL) VfIrqlTooHigh("IoRequestDeviceEject", DISPATCH_LEVEL);
  PipRequirePdo(PhysicalDeviceObject, "IoRequestDeviceEject");
  m.pnp.requestEject(PhysicalDeviceObject.DeviceNode!);
}

/**
 * `IoGetDeviceProperty`: a property of the device node, written at PropertyBuffer
 * (strings as WCHAR, ID lists as a MULTI_SZ, numbers as a ULONG).
 * STATUS_BUFFER_TOO_SMALL with the size needed in ResultLength if it does not fit.
 */
export function IoGetDeviceProperty(DeviceObject: DEVICE_OBJECT, DeviceProperty: number, BufferLength: number, PropertyBuffer: number, ResultLength: Box<number>): NTSTATUS {
  const m = cur;
  if (m.checked && m.cpu.Irql !== PASSIVE_LEVEL) VfIrqlTooHigh("IoGetDeviceProperty", PASSIVE_LEVEL);
  PipRequirePdo(DeviceObject, "IoGetDeviceProperty");
  const n = DeviceObject.DeviceNode!;
  ResultLength.value = 0;
  let strings: string[] | null = null;
  let multi = false;
  let ulong = -1;
  switch (DeviceProperty) {
    case DevicePropertyHardwareID: strings = n.HardwareIds; multi = true; break;
    case DevicePropertyCompatibleIDs: strings = n.CompatibleIds; multi = true; break;
    case DevicePropertyDeviceDescription: strings = [n.DeviceDescription]; break;
    case DevicePropertyLocationInformation: strings = [n.LocationInformation]; break;
    case DevicePropertyClassName: strings = [n.ClassName]; break;
    case DevicePropertyClassGuid: strings = [n.ClassGuid]; break;
    case DevicePropertyDriverKeyName: strings = [n.DriverKeyName]; break;
    case DevicePropertyEnumeratorName: strings = [n.DeviceId.split("\\")[0] ?? ""]; break;
    case DevicePropertyPhysicalDeviceObjectName: strings = [DeviceObject.DeviceName ?? ""]; break;
    case DevicePropertyBusNumber: ulong = n.BusNumber === -1 ? 0xffffffff : n.BusNumber; break;
    case DevicePropertyLegacyBusType: ulong = n.LegacyBusType === -1 ? 0xffffffff : n.LegacyBusType; break;
    case DevicePropertyBusTypeGuid:
      // A GUID structure, not a string.
      if (n.BusTypeGuid === "") return STATUS_INVALID_DEVICE_REQUEST;
      ResultLength.value = 16;
      if (BufferLength < 16) return STATUS_BUFFER_TOO_SMALL;
      WriteGuid(PropertyBuffer, n.BusTypeGuid);
      return STATUS_SUCCESS;
    case DevicePropertyAddress: ulong = n.Capabilities?.Address ?? 0xffffffff; break;
    case DevicePropertyUINumber: ulong = n.Capabilities?.UINumber ?? 0xffffffff; break;
    default: return STATUS_INVALID_PARAMETER;
  }
  if (strings !== null) {
    if (!multi && strings[0] === "") return STATUS_INVALID_DEVICE_REQUEST; // the property is not set
    let chars = multi ? 1 : 0;
    for (const s of strings) chars += s.length + 1;
    ResultLength.value = chars * 2;
    if (BufferLength < chars * 2) return STATUS_BUFFER_TOO_SMALL;
    let at = PropertyBuffer;
    for (const s of strings) {
      WriteWideString(at, s);
      at += 2 * (s.length + 1);
    }
    if (multi) WriteWideString(at, "");
    return STATUS_SUCCESS;
  }
  if (ulong === 0xffffffff) return STATUS_INVALID_DEVICE_REQUEST;
  ResultLength.value = 4;
  if (BufferLength < 4) return STATUS_BUFFER_TOO_SMALL;
  WriteUlong(PropertyBuffer, ulong);
  return STATUS_SUCCESS;
}
