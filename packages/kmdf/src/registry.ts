import {
  NT_SUCCESS, PASSIVE_LEVEL, ReadBytes, REG_DWORD, REG_EXPAND_SZ, REG_MULTI_SZ, REG_SZ, STATUS_BUFFER_OVERFLOW, STATUS_INVALID_DEVICE_STATE, STATUS_INVALID_PARAMETER,
  STATUS_OBJECT_TYPE_MISMATCH, STATUS_SUCCESS, WriteBytes, type Box, type NTSTATUS,
} from "@wdfjs/kernel";
import {
  FxCollection, FxObjectCommit, FxObjectHandleGetPtr, FxRegKey, FxRegMultiSz, FxRegParseMultiSz, FxRegString, FxRegSz, FxString, FxValidateObjectAttributes,
  FxVerifierCheckIrqlLevel, STATUS_RESOURCE_DATA_NOT_FOUND, FX_TYPE_COLLECTION, FX_TYPE_DEVICE, FX_TYPE_DRIVER, FX_TYPE_REG_KEY, FX_TYPE_STRING, type FxDevice, type FxDriver, type FxObject,
  type PWDF_OBJECT_ATTRIBUTES, type WDFHANDLE,
} from "@wdfjs/framework";
import type { WDFCOLLECTION } from "./collection.js";
import type { WDFDEVICE } from "./device.js";
import type { WDFDRIVER } from "./driver.js";
import type { PCUNICODE_STRING, PUNICODE_STRING } from "./string.js";

export type WDFKEY = WDFHANDLE<"WDFKEY">;

/** The common start of the WDFKEY functions: PASSIVE_LEVEL, valid attributes, `*Key = NULL`. */
function Begin(Routine: string, KeyAttributes: PWDF_OBJECT_ATTRIBUTES, Key: Box<WDFKEY | null> | null): NTSTATUS {
  if (Key !== null) Key.value = null;
  const status = FxVerifierCheckIrqlLevel(Routine, PASSIVE_LEVEL);
  return NT_SUCCESS(status) ? FxValidateObjectAttributes(KeyAttributes) : status;
}

/** `Commit`, then the open; a failure deletes the new WDFKEY without its callbacks (`DeleteFromFailedCreate`). */
function Finish(key: FxRegKey, KeyAttributes: PWDF_OBJECT_ATTRIBUTES, open: (key: FxRegKey) => NTSTATUS, Key: Box<WDFKEY | null>): NTSTATUS {
  let status = FxObjectCommit(key, KeyAttributes);
  if (NT_SUCCESS(status)) status = open(key);
  if (!NT_SUCCESS(status)) {
    key.contexts.length = 0;
    key.deleteObject();
    return status;
  }
  Key.value = key.handle as WDFKEY;
  return STATUS_SUCCESS;
}

function KeyOf(Key: WDFKEY, Routine: string): FxRegKey | NTSTATUS {
  const key = FxObjectHandleGetPtr(Key, FX_TYPE_REG_KEY) as FxRegKey;
  const status = FxVerifierCheckIrqlLevel(Routine, PASSIVE_LEVEL);
  return NT_SUCCESS(status) ? key : status;
}

/**
 * `WdfDriverOpenParametersRegistryKey` (fxdriverapikm.cpp): the `Parameters` subkey of the driver's
 * service key, created if the access asks for more than reading.
 */
export function WdfDriverOpenParametersRegistryKey(Driver: WDFDRIVER, DesiredAccess: number, KeyAttributes: PWDF_OBJECT_ATTRIBUTES, Key: Box<WDFKEY | null>): NTSTATUS {
  const status = Begin("WdfDriverOpenParametersRegistryKey", KeyAttributes, Key);
  if (!NT_SUCCESS(status)) return status;
  const driver = FxObjectHandleGetPtr(Driver, FX_TYPE_DRIVER) as FxDriver;
  return Finish(new FxRegKey(), KeyAttributes, (key) => {
    const service = new FxRegKey();
    let s = service.open(null, driver.RegistryPath, DesiredAccess);
    if (NT_SUCCESS(s)) s = (DesiredAccess & ~0x80020019) !== 0 ? key.create(service.key, "Parameters", DesiredAccess) : key.open(service.key, "Parameters", DesiredAccess);
    service.deleteObject();
    return s;
  }, Key);
}

/**
 * `WdfDeviceOpenRegistryKey` (fxdevicekm.cpp `_OpenKey`): the PDO's hardware key
 * (PLUGPLAY_REGKEY_DEVICE) or software key (PLUGPLAY_REGKEY_DRIVER), with
 * PLUGPLAY_REGKEY_CURRENT_HWPROFILE as IoOpenDeviceRegistryKey takes it. A device the PnP manager
 * does not know (a control device) is STATUS_INVALID_DEVICE_STATE.
 */
export function WdfDeviceOpenRegistryKey(Device: WDFDEVICE, DeviceInstanceKeyType: number, DesiredAccess: number, KeyAttributes: PWDF_OBJECT_ATTRIBUTES, Key: Box<WDFKEY | null>): NTSTATUS {
  const device = FxObjectHandleGetPtr(Device, FX_TYPE_DEVICE) as FxDevice;
  const status = Begin("WdfDeviceOpenRegistryKey", KeyAttributes, Key);
  if (!NT_SUCCESS(status)) return status;
  const pdo = device.PhysicalDevice;
  if (pdo === null) return STATUS_INVALID_DEVICE_STATE;
  return Finish(new FxRegKey(), KeyAttributes, (key) => key.openDevice(pdo, DeviceInstanceKeyType, DesiredAccess), Key);
}

function ParentHandle(ParentKey: WDFKEY | null): number | null {
  return ParentKey === null ? null : (FxObjectHandleGetPtr(ParentKey, FX_TYPE_REG_KEY) as FxRegKey).key;
}

/** `WdfRegistryOpenKey`: a subkey of ParentKey, or an absolute `\Registry\...` name without one. */
export function WdfRegistryOpenKey(ParentKey: WDFKEY | null, KeyName: PCUNICODE_STRING, DesiredAccess: number, KeyAttributes: PWDF_OBJECT_ATTRIBUTES, Key: Box<WDFKEY | null>): NTSTATUS {
  const parent = ParentHandle(ParentKey);
  const status = Begin("WdfRegistryOpenKey", KeyAttributes, Key);
  if (!NT_SUCCESS(status)) return status;
  return Finish(new FxRegKey(), KeyAttributes, (key) => key.open(parent, KeyName.Buffer, DesiredAccess), Key);
}

/** `WdfRegistryCreateKey`: opens or creates the key; CreateDisposition (may be null) says which. */
export function WdfRegistryCreateKey(
  ParentKey: WDFKEY | null, KeyName: PCUNICODE_STRING, DesiredAccess: number, CreateOptions: number, CreateDisposition: Box<number> | null,
  KeyAttributes: PWDF_OBJECT_ATTRIBUTES, Key: Box<WDFKEY | null>,
): NTSTATUS {
  const parent = ParentHandle(ParentKey);
  const status = Begin("WdfRegistryCreateKey", KeyAttributes, Key);
  if (!NT_SUCCESS(status)) return status;
  return Finish(new FxRegKey(), KeyAttributes, (key) => key.create(parent, KeyName.Buffer, DesiredAccess, CreateOptions, CreateDisposition), Key);
}

/** `WdfRegistryClose`: deletes the WDFKEY, which closes its handle. */
export function WdfRegistryClose(Key: WDFKEY): void {
  const key = KeyOf(Key, "WdfRegistryClose");
  if (typeof key !== "number") key.deleteObject();
}

/** `WdfRegistryWdmGetHandle`: the kernel key handle. */
export function WdfRegistryWdmGetHandle(Key: WDFKEY): number {
  return (FxObjectHandleGetPtr(Key, FX_TYPE_REG_KEY) as FxRegKey).key;
}

/** `WdfRegistryRemoveKey`: deletes the key and, on success, the WDFKEY. */
export function WdfRegistryRemoveKey(Key: WDFKEY): NTSTATUS {
  const key = KeyOf(Key, "WdfRegistryRemoveKey");
  if (typeof key === "number") return key;
  const status = key.deleteKey();
  if (NT_SUCCESS(status)) key.deleteObject();
  return status;
}

/** `WdfRegistryRemoveValue`: STATUS_OBJECT_NAME_NOT_FOUND for a value that is not there. */
export function WdfRegistryRemoveValue(Key: WDFKEY, ValueName: PCUNICODE_STRING): NTSTATUS {
  const key = KeyOf(Key, "WdfRegistryRemoveValue");
  return typeof key === "number" ? key : key.deleteValue(ValueName.Buffer);
}

/**
 * `WdfRegistryQueryValue`: copies the data to Value (an address) if ValueLength holds it, else
 * STATUS_BUFFER_OVERFLOW; the length and type are returned in both cases.
 */
export function WdfRegistryQueryValue(
  Key: WDFKEY, ValueName: PCUNICODE_STRING, ValueLength: number, Value: number, ValueLengthQueried: Box<number> | null, ValueType: Box<number> | null,
): NTSTATUS {
  const key = KeyOf(Key, "WdfRegistryQueryValue");
  if (typeof key === "number") return key;
  const v = key.queryValue(ValueName.Buffer);
  if (!NT_SUCCESS(v.status)) return v.status;
  if (ValueLengthQueried !== null) ValueLengthQueried.value = v.Data.length;
  if (ValueType !== null) ValueType.value = v.Type;
  if (Value === 0 || ValueLength < v.Data.length) return STATUS_BUFFER_OVERFLOW;
  WriteBytes(Value, v.Data);
  return STATUS_SUCCESS;
}

/** `WdfRegistryQueryULong`: a REG_DWORD, else STATUS_OBJECT_TYPE_MISMATCH. */
export function WdfRegistryQueryULong(Key: WDFKEY, ValueName: PCUNICODE_STRING, Value: Box<number>): NTSTATUS {
  const key = KeyOf(Key, "WdfRegistryQueryULong");
  if (typeof key === "number") return key;
  const v = key.queryValue(ValueName.Buffer);
  if (!NT_SUCCESS(v.status)) return v.status;
  if (v.Type !== REG_DWORD || v.Data.length !== 4) return STATUS_OBJECT_TYPE_MISMATCH;
  Value.value = new DataView(v.Data.buffer, v.Data.byteOffset, 4).getUint32(0, true);
  return STATUS_SUCCESS;
}

/**
 * `WdfRegistryQueryUnicodeString`: a REG_SZ or REG_EXPAND_SZ (else STATUS_OBJECT_TYPE_MISMATCH)
 * into Value, without its NUL; a Value with MaximumLength 0 is STATUS_INVALID_PARAMETER; data
 * longer than MaximumLength is STATUS_BUFFER_OVERFLOW with the length needed.
 */
export function WdfRegistryQueryUnicodeString(Key: WDFKEY, ValueName: PCUNICODE_STRING, ValueByteLength: Box<number> | null, Value: PUNICODE_STRING | null): NTSTATUS {
  const key = KeyOf(Key, "WdfRegistryQueryUnicodeString");
  if (typeof key === "number") return key;
  if (Value !== null && Value.MaximumLength === 0) return STATUS_INVALID_PARAMETER;
  const v = key.queryValue(ValueName.Buffer);
  if (!NT_SUCCESS(v.status)) return v.status;
  if (v.Type !== REG_SZ && v.Type !== REG_EXPAND_SZ) return STATUS_OBJECT_TYPE_MISMATCH;
  if (ValueByteLength !== null) ValueByteLength.value = v.Data.length;
  if (Value === null || v.Data.length > Value.MaximumLength) return STATUS_BUFFER_OVERFLOW;
  const text = FxRegString(v.Data);
  Value.Buffer = text.endsWith("\u0000") ? text.slice(0, -1) : text;
  Value.Length = Value.Buffer.length * 2;
  return STATUS_SUCCESS;
}

/**
 * `WdfRegistryQueryMultiString`: each string of a REG_MULTI_SZ (else STATUS_OBJECT_TYPE_MISMATCH;
 * no data: STATUS_RESOURCE_DATA_NOT_FOUND) added to the collection as a WDFSTRING, parented to the
 * collection unless the attributes name a parent.
 */
export function WdfRegistryQueryMultiString(Key: WDFKEY, ValueName: PCUNICODE_STRING, StringsAttributes: PWDF_OBJECT_ATTRIBUTES, Collection: WDFCOLLECTION): NTSTATUS {
  const key = KeyOf(Key, "WdfRegistryQueryMultiString");
  if (typeof key === "number") return key;
  const collection = FxObjectHandleGetPtr(Collection, FX_TYPE_COLLECTION) as FxCollection;
  let status = FxValidateObjectAttributes(StringsAttributes);
  if (!NT_SUCCESS(status)) return status;
  const v = key.queryValue(ValueName.Buffer);
  if (!NT_SUCCESS(v.status)) return v.status;
  if (v.Type !== REG_MULTI_SZ) return STATUS_OBJECT_TYPE_MISMATCH;
  if (v.Data.length === 0) return STATUS_RESOURCE_DATA_NOT_FOUND;
  const strings = FxRegParseMultiSz(v.Data);
  if (typeof strings === "number") return strings;
  for (const s of strings) {
    const string = new FxString(s);
    status = FxObjectCommit(string, StringsAttributes, collection);
    if (!NT_SUCCESS(status)) return status;
    collection.add(string);
  }
  return STATUS_SUCCESS;
}

/** `WdfRegistryAssignValue`: ValueLength bytes at Value (an address) as a value of ValueType. */
export function WdfRegistryAssignValue(Key: WDFKEY, ValueName: PCUNICODE_STRING, ValueType: number, ValueLength: number, Value: number): NTSTATUS {
  const key = KeyOf(Key, "WdfRegistryAssignValue");
  return typeof key === "number" ? key : key.setValue(ValueName.Buffer, ValueType, ReadBytes(Value, ValueLength));
}

/** `WdfRegistryAssignULong`: a REG_DWORD. */
export function WdfRegistryAssignULong(Key: WDFKEY, ValueName: PCUNICODE_STRING, Value: number): NTSTATUS {
  const key = KeyOf(Key, "WdfRegistryAssignULong");
  if (typeof key === "number") return key;
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, Value >>> 0, true);
  return key.setValue(ValueName.Buffer, REG_DWORD, b);
}

/** `WdfRegistryAssignUnicodeString`: a REG_SZ with its NUL. */
export function WdfRegistryAssignUnicodeString(Key: WDFKEY, ValueName: PCUNICODE_STRING, Value: PCUNICODE_STRING): NTSTATUS {
  const key = KeyOf(Key, "WdfRegistryAssignUnicodeString");
  return typeof key === "number" ? key : key.setValue(ValueName.Buffer, REG_SZ, FxRegSz(Value.Buffer.slice(0, Value.Length >>> 1)));
}

/** `WdfRegistryAssignMultiString`: the collection's WDFSTRINGs as a REG_MULTI_SZ; an item that is not a string is STATUS_INVALID_PARAMETER. */
export function WdfRegistryAssignMultiString(Key: WDFKEY, ValueName: PCUNICODE_STRING, StringsCollection: WDFCOLLECTION): NTSTATUS {
  const key = KeyOf(Key, "WdfRegistryAssignMultiString");
  if (typeof key === "number") return key;
  const collection = FxObjectHandleGetPtr(StringsCollection, FX_TYPE_COLLECTION) as FxCollection;
  const values: string[] = [];
  for (let i = 0; i < collection.count; i++) {
    const item: FxObject = collection.getItem(i)!;
    if (item.type !== FX_TYPE_STRING) return STATUS_INVALID_PARAMETER;
    values.push((item as FxString).Buffer);
  }
  return key.setValue(ValueName.Buffer, REG_MULTI_SZ, FxRegMultiSz(values));
}
