import { NT_SUCCESS, ReadBytes, REG_SZ, STATUS_INVALID_DEVICE_REQUEST, STATUS_INVALID_DEVICE_STATE, type Box, type NTSTATUS } from "@wdfjs/kernel";
import {
  FxObjectHandleGetPtr, FxRegKey, FxRegSz, FxValidateObjectAttributes, FX_TYPE_COLLECTION, FX_TYPE_DEVICE, FX_TYPE_DRIVER, FX_TYPE_REG_KEY,
  type FxCollection, type FxDevice, type FxDriver, type PWDF_OBJECT_ATTRIBUTES, type WDFCOLLECTION, type WDFDEVICE, type WDFDRIVER, type WDFKEY,
} from "@wdfjs/framework";
import { Created, Enter } from "./ddi.js";
import { WdfCheckIrql } from "./irql.js";
import type { PCUNICODE_STRING, PUNICODE_STRING } from "./string.js";

// Also exported here, where it was defined before the core took it (wdftypes.h).
export type { WDFKEY } from "@wdfjs/framework";

/** The creating DDIs: PASSIVE_LEVEL, valid attributes, then `FxRegKey._create` with the open. */
function Create(Routine: string, KeyAttributes: PWDF_OBJECT_ATTRIBUTES, Key: Box<WDFKEY | null>, open: (key: FxRegKey) => NTSTATUS): NTSTATUS {
  Key.value = null;
  let status = WdfCheckIrql(Routine);
  if (NT_SUCCESS(status)) status = FxValidateObjectAttributes(KeyAttributes);
  return NT_SUCCESS(status) ? Created(FxRegKey._create(KeyAttributes, open), Key) : status;
}

function KeyOf(Key: WDFKEY, Routine: string): FxRegKey | NTSTATUS {
  return Enter<FxRegKey>(Key, FX_TYPE_REG_KEY, Routine) ?? STATUS_INVALID_DEVICE_REQUEST;
}

function ParentHandle(ParentKey: WDFKEY | null): number | null {
  return ParentKey === null ? null : (FxObjectHandleGetPtr(ParentKey, FX_TYPE_REG_KEY) as FxRegKey).key;
}

/** `WdfDriverOpenParametersRegistryKey` (fxdriverapikm.cpp): the service key's `Parameters` subkey, created for write access. */
export function WdfDriverOpenParametersRegistryKey(Driver: WDFDRIVER, DesiredAccess: number, KeyAttributes: PWDF_OBJECT_ATTRIBUTES, Key: Box<WDFKEY | null>): NTSTATUS {
  const driver = FxObjectHandleGetPtr(Driver, FX_TYPE_DRIVER) as FxDriver;
  return Create("WdfDriverOpenParametersRegistryKey", KeyAttributes, Key, (key) => key.openParameters(driver.RegistryPath, DesiredAccess));
}

/** `WdfDriverOpenPersistentStateRegistryKey` (KMDF 1.25, fxdriverapikm.cpp): the driver's persistent state key, created if needed. */
export function WdfDriverOpenPersistentStateRegistryKey(Driver: WDFDRIVER, DesiredAccess: number, KeyAttributes: PWDF_OBJECT_ATTRIBUTES, Key: Box<WDFKEY | null>): NTSTATUS {
  const driver = FxObjectHandleGetPtr(Driver, FX_TYPE_DRIVER) as FxDriver;
  return Create("WdfDriverOpenPersistentStateRegistryKey", KeyAttributes, Key, (key) => key.openPersistentState(driver.RegistryPath, DesiredAccess));
}

/**
 * `WdfDeviceOpenRegistryKey` (fxdevicekm.cpp `_OpenKey`): the PDO's PLUGPLAY_REGKEY_DEVICE or
 * PLUGPLAY_REGKEY_DRIVER key; a device the PnP manager does not know (a control device) →
 * STATUS_INVALID_DEVICE_STATE.
 */
export function WdfDeviceOpenRegistryKey(Device: WDFDEVICE, DeviceInstanceKeyType: number, DesiredAccess: number, KeyAttributes: PWDF_OBJECT_ATTRIBUTES, Key: Box<WDFKEY | null>): NTSTATUS {
  const pdo = (FxObjectHandleGetPtr(Device, FX_TYPE_DEVICE) as FxDevice).PhysicalDevice;
  return Create("WdfDeviceOpenRegistryKey", KeyAttributes, Key, (key) => (pdo === null ? STATUS_INVALID_DEVICE_STATE : key.openDevice(pdo, DeviceInstanceKeyType, DesiredAccess)));
}

/** `WdfRegistryOpenKey`: a subkey of ParentKey, or an absolute `\Registry\...` name without one. */
export function WdfRegistryOpenKey(ParentKey: WDFKEY | null, KeyName: PCUNICODE_STRING, DesiredAccess: number, KeyAttributes: PWDF_OBJECT_ATTRIBUTES, Key: Box<WDFKEY | null>): NTSTATUS {
  const parent = ParentHandle(ParentKey);
  return Create("WdfRegistryOpenKey", KeyAttributes, Key, (key) => key.open(parent, KeyName.Buffer, DesiredAccess));
}

/** `WdfRegistryCreateKey`: opens or creates the key; CreateDisposition (may be null) says which. */
export function WdfRegistryCreateKey(
  ParentKey: WDFKEY | null, KeyName: PCUNICODE_STRING, DesiredAccess: number, CreateOptions: number, CreateDisposition: Box<number> | null,
  KeyAttributes: PWDF_OBJECT_ATTRIBUTES, Key: Box<WDFKEY | null>,
): NTSTATUS {
  const parent = ParentHandle(ParentKey);
  return Create("WdfRegistryCreateKey", KeyAttributes, Key, (key) => key.create(parent, KeyName.Buffer, DesiredAccess, CreateOptions, CreateDisposition));
}

/** `WdfRegistryClose`: deletes the WDFKEY, which closes its handle. */
export function WdfRegistryClose(Key: WDFKEY): void {
  const key = KeyOf(Key, "WdfRegistryClose");
  if (typeof key !== "number") key.deleteObject();
}

/** `WdfRegistryWdmGetHandle`: the kernel key handle. */
export function WdfRegistryWdmGetHandle(Key: WDFKEY): number {
  const key = FxObjectHandleGetPtr(Key, FX_TYPE_REG_KEY) as FxRegKey;
  // The checked flavor traces a call above PASSIVE_LEVEL; the handle is still returned.
  WdfCheckIrql("WdfRegistryWdmGetHandle");
  return key.key;
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

/** `WdfRegistryQueryValue`: the data at Value (an address) if it fits, else STATUS_BUFFER_OVERFLOW; length and type either way. */
export function WdfRegistryQueryValue(
  Key: WDFKEY, ValueName: PCUNICODE_STRING, ValueLength: number, Value: number, ValueLengthQueried: Box<number> | null, ValueType: Box<number> | null,
): NTSTATUS {
  const key = KeyOf(Key, "WdfRegistryQueryValue");
  return typeof key === "number" ? key : key.queryValueTo(ValueName.Buffer, ValueLength, Value, ValueLengthQueried, ValueType);
}

/** `WdfRegistryQueryULong`: a REG_DWORD, else STATUS_OBJECT_TYPE_MISMATCH. */
export function WdfRegistryQueryULong(Key: WDFKEY, ValueName: PCUNICODE_STRING, Value: Box<number>): NTSTATUS {
  const key = KeyOf(Key, "WdfRegistryQueryULong");
  return typeof key === "number" ? key : key.queryULong(ValueName.Buffer, Value);
}

/** `WdfRegistryQueryUnicodeString`: a REG_SZ / REG_EXPAND_SZ into Value, or its byte length with STATUS_BUFFER_OVERFLOW. */
export function WdfRegistryQueryUnicodeString(Key: WDFKEY, ValueName: PCUNICODE_STRING, ValueByteLength: Box<number> | null, Value: PUNICODE_STRING | null): NTSTATUS {
  const key = KeyOf(Key, "WdfRegistryQueryUnicodeString");
  return typeof key === "number" ? key : key.queryUnicodeString(ValueName.Buffer, ValueByteLength, Value);
}

/** `WdfRegistryQueryMultiString`: a REG_MULTI_SZ's strings added to the collection as WDFSTRINGs. */
export function WdfRegistryQueryMultiString(Key: WDFKEY, ValueName: PCUNICODE_STRING, StringsAttributes: PWDF_OBJECT_ATTRIBUTES, Collection: WDFCOLLECTION): NTSTATUS {
  const key = KeyOf(Key, "WdfRegistryQueryMultiString");
  const collection = FxObjectHandleGetPtr(Collection, FX_TYPE_COLLECTION) as FxCollection;
  if (typeof key === "number") return key;
  const status = FxValidateObjectAttributes(StringsAttributes);
  return NT_SUCCESS(status) ? key.queryMultiString(ValueName.Buffer, StringsAttributes, collection) : status;
}

/** `WdfRegistryAssignValue`: ValueLength bytes at Value (an address) as a value of ValueType. */
export function WdfRegistryAssignValue(Key: WDFKEY, ValueName: PCUNICODE_STRING, ValueType: number, ValueLength: number, Value: number): NTSTATUS {
  const key = KeyOf(Key, "WdfRegistryAssignValue");
  return typeof key === "number" ? key : key.setValue(ValueName.Buffer, ValueType, ReadBytes(Value, ValueLength));
}

/** `WdfRegistryAssignULong`: a REG_DWORD. */
export function WdfRegistryAssignULong(Key: WDFKEY, ValueName: PCUNICODE_STRING, Value: number): NTSTATUS {
  const key = KeyOf(Key, "WdfRegistryAssignULong");
  return typeof key === "number" ? key : key.assignULong(ValueName.Buffer, Value);
}

/** `WdfRegistryAssignUnicodeString`: a REG_SZ with its NUL. */
export function WdfRegistryAssignUnicodeString(Key: WDFKEY, ValueName: PCUNICODE_STRING, Value: PCUNICODE_STRING): NTSTATUS {
  const key = KeyOf(Key, "WdfRegistryAssignUnicodeString");
  return typeof key === "number" ? key : key.setValue(ValueName.Buffer, REG_SZ, FxRegSz(Value.Buffer.slice(0, Value.Length >>> 1)));
}

/** `WdfRegistryAssignMultiString`: the collection's WDFSTRINGs as a REG_MULTI_SZ (another item: STATUS_INVALID_PARAMETER). */
export function WdfRegistryAssignMultiString(Key: WDFKEY, ValueName: PCUNICODE_STRING, StringsCollection: WDFCOLLECTION): NTSTATUS {
  const key = KeyOf(Key, "WdfRegistryAssignMultiString");
  const collection = FxObjectHandleGetPtr(StringsCollection, FX_TYPE_COLLECTION) as FxCollection;
  return typeof key === "number" ? key : key.assignMultiString(ValueName.Buffer, collection);
}
