import { cur } from "../context.js";
import type { Box } from "../box.js";
import type { DEVICE_OBJECT } from "../io/device.js";
import { APC_LEVEL } from "../ke/irql.js";
import { ReadBytes, WriteBytes } from "../mm/access.js";
import { STATUS_BUFFER_TOO_SMALL, STATUS_INVALID_PARAMETER, STATUS_OBJECT_NAME_NOT_FOUND, STATUS_SUCCESS, type NTSTATUS } from "../ntstatus.js";
import { VfIrqlTooHigh } from "../verifier/irql-rules.js";
import { PipRequirePdo } from "./device-interface.js";
import type { DEVICE_NODE } from "./device-node.js";

// The unified device property model of devpropdef.h and wdm.h: properties named by a
// DEVPROPKEY, kept per device node with their DEVPROPTYPE.

/** `DEVPROPKEY`: a property set's GUID (`{xxxxxxxx-...}`) and the property's identifier in it. */
export interface DEVPROPKEY {
  fmtid: string;
  pid: number;
}
export type PDEVPROPKEY = DEVPROPKEY;
/** `DEVPROPTYPE` (devpropdef.h): a base type, optionally or-ed with DEVPROP_TYPEMOD_ARRAY or _LIST. */
export type DEVPROPTYPE = number;

export const DEVPROP_TYPEMOD_ARRAY = 0x1000;
export const DEVPROP_TYPEMOD_LIST = 0x2000;
export const DEVPROP_TYPE_EMPTY = 0x0;
export const DEVPROP_TYPE_NULL = 0x1;
export const DEVPROP_TYPE_SBYTE = 0x2;
export const DEVPROP_TYPE_BYTE = 0x3;
export const DEVPROP_TYPE_INT16 = 0x4;
export const DEVPROP_TYPE_UINT16 = 0x5;
export const DEVPROP_TYPE_INT32 = 0x6;
export const DEVPROP_TYPE_UINT32 = 0x7;
export const DEVPROP_TYPE_INT64 = 0x8;
export const DEVPROP_TYPE_UINT64 = 0x9;
export const DEVPROP_TYPE_FLOAT = 0xa;
export const DEVPROP_TYPE_DOUBLE = 0xb;
export const DEVPROP_TYPE_DECIMAL = 0xc;
export const DEVPROP_TYPE_GUID = 0xd;
export const DEVPROP_TYPE_CURRENCY = 0xe;
export const DEVPROP_TYPE_DATE = 0xf;
export const DEVPROP_TYPE_FILETIME = 0x10;
export const DEVPROP_TYPE_BOOLEAN = 0x11;
export const DEVPROP_TYPE_STRING = 0x12;
export const DEVPROP_TYPE_STRING_LIST = DEVPROP_TYPE_STRING | DEVPROP_TYPEMOD_LIST;
export const DEVPROP_TYPE_SECURITY_DESCRIPTOR = 0x13;
export const DEVPROP_TYPE_SECURITY_DESCRIPTOR_STRING = 0x14;
export const DEVPROP_TYPE_DEVPROPKEY = 0x15;
export const DEVPROP_TYPE_DEVPROPTYPE = 0x16;
export const DEVPROP_TYPE_BINARY = DEVPROP_TYPE_BYTE | DEVPROP_TYPEMOD_ARRAY;
export const DEVPROP_TYPE_ERROR = 0x17;
export const DEVPROP_TYPE_NTSTATUS = 0x18;
export const DEVPROP_TYPE_STRING_INDIRECT = 0x19;
export const MAX_DEVPROP_TYPE = 0x19;
export const MAX_DEVPROP_TYPEMOD = 0x2000;
export const DEVPROP_MASK_TYPE = 0x0fff;
export const DEVPROP_MASK_TYPEMOD = 0xf000;
/** `DEVPROP_BOOLEAN` values (a single byte). */
export const DEVPROP_TRUE = 0xff;
export const DEVPROP_FALSE = 0x00;
/** `LOCALE_NEUTRAL`: the only LCID these routines take. */
export const LOCALE_NEUTRAL = 0;
/** IoSetDevicePropertyData's Flags: the value survives a reinstall of the device's driver. */
export const PLUGPLAY_PROPERTY_PERSISTENT = 0x1;

/** A stored property: its type and its bytes (a copy, never the caller's buffer). */
interface DevicePropertyValue {
  Type: DEVPROPTYPE;
  Data: Uint8Array;
}

/** The node's store, made the first time a property is set (most nodes never have one). */
const stores = new WeakMap<DEVICE_NODE, Map<string, DevicePropertyValue>>();

function PipPropertyName(PropertyKey: DEVPROPKEY): string {
  return `${PropertyKey.fmtid.toLowerCase()}#${PropertyKey.pid >>> 0}`;
}

/** A type the property model knows: a base type, with ARRAY only on fixed-size types and LIST only on strings. */
function PipValidPropertyType(Type: DEVPROPTYPE): boolean {
  const base = Type & DEVPROP_MASK_TYPE;
  const mod = Type & DEVPROP_MASK_TYPEMOD;
  if (base > MAX_DEVPROP_TYPE || (Type & ~(DEVPROP_MASK_TYPE | DEVPROP_MASK_TYPEMOD)) !== 0) return false;
  if (mod === 0) return true;
  if (mod === DEVPROP_TYPEMOD_LIST) return base === DEVPROP_TYPE_STRING || base === DEVPROP_TYPE_SECURITY_DESCRIPTOR_STRING || base === DEVPROP_TYPE_STRING_INDIRECT;
  if (mod === DEVPROP_TYPEMOD_ARRAY) return base > DEVPROP_TYPE_NULL && base !== DEVPROP_TYPE_STRING && base !== DEVPROP_TYPE_SECURITY_DESCRIPTOR && base !== DEVPROP_TYPE_SECURITY_DESCRIPTOR_STRING && base !== DEVPROP_TYPE_STRING_INDIRECT;
  return false;
}

/**
 * `IoGetDevicePropertyData` (wdm.h): the property's bytes at Data and its type. RequiredSize
 * always gets the property's size; STATUS_BUFFER_TOO_SMALL if it does not fit in Size bytes;
 * STATUS_OBJECT_NAME_NOT_FOUND if it is not set. Lcid must be LOCALE_NEUTRAL and Flags 0.
 */
export function IoGetDevicePropertyData(
  Pdo: DEVICE_OBJECT, PropertyKey: DEVPROPKEY, Lcid: number, Flags: number, Size: number, Data: number, RequiredSize: Box<number>, Type: Box<DEVPROPTYPE>,
): NTSTATUS {
  const m = cur;
  if (m.checked && m.cpu.Irql > APC_LEVEL) VfIrqlTooHigh("IoGetDevicePropertyData", APC_LEVEL);
  PipRequirePdo(Pdo, "IoGetDevicePropertyData");
  RequiredSize.value = 0;
  Type.value = DEVPROP_TYPE_EMPTY;
  if (Lcid !== LOCALE_NEUTRAL || Flags !== 0 || (Size !== 0 && Data === 0)) return STATUS_INVALID_PARAMETER;
  const value = stores.get(Pdo.DeviceNode!)?.get(PipPropertyName(PropertyKey));
  if (value === undefined) return STATUS_OBJECT_NAME_NOT_FOUND;
  RequiredSize.value = value.Data.length;
  Type.value = value.Type;
  if (Size < value.Data.length) return STATUS_BUFFER_TOO_SMALL;
  if (value.Data.length !== 0) WriteBytes(Data, value.Data);
  return STATUS_SUCCESS;
}

/**
 * `IoSetDevicePropertyData` (wdm.h): stores Size bytes at Data as a property of Type, replacing
 * any value. Size 0 with no Data, or Type DEVPROP_TYPE_EMPTY, deletes it (deleting one not set
 * succeeds). Lcid must be LOCALE_NEUTRAL; Flags 0 or PLUGPLAY_PROPERTY_PERSISTENT.
 */
export function IoSetDevicePropertyData(
  Pdo: DEVICE_OBJECT, PropertyKey: DEVPROPKEY, Lcid: number, Flags: number, Type: DEVPROPTYPE, Size: number, Data: number,
): NTSTATUS {
  const m = cur;
  if (m.checked && m.cpu.Irql > APC_LEVEL) VfIrqlTooHigh("IoSetDevicePropertyData", APC_LEVEL);
  PipRequirePdo(Pdo, "IoSetDevicePropertyData");
  if (Lcid !== LOCALE_NEUTRAL || (Flags & ~PLUGPLAY_PROPERTY_PERSISTENT) !== 0 || !PipValidPropertyType(Type)) return STATUS_INVALID_PARAMETER;
  if (Size !== 0 && Data === 0) return STATUS_INVALID_PARAMETER;
  const node = Pdo.DeviceNode!;
  const name = PipPropertyName(PropertyKey);
  if (Type === DEVPROP_TYPE_EMPTY || (Size === 0 && Data === 0)) {
    stores.get(node)?.delete(name);
    return STATUS_SUCCESS;
  }
  let store = stores.get(node);
  if (store === undefined) {
    store = new Map();
    stores.set(node, store);
  }
  store.set(name, { Type, Data: Size === 0 ? new Uint8Array(0) : ReadBytes(Data, Size) });
  return STATUS_SUCCESS;
}
