import {
  ExAllocatePool2, ExFreePool, InitializeObjectAttributes, IoOpenDeviceRegistryKey, KeyValuePartialInformation, KEY_VALUE_PARTIAL_INFORMATION_DATA_OFFSET, NT_SUCCESS,
  OBJ_CASE_INSENSITIVE, OBJ_KERNEL_HANDLE, OBJECT_ATTRIBUTES, Out, POOL_FLAG_PAGED, ReadBytes, REG_OPTION_NON_VOLATILE, STATUS_BUFFER_OVERFLOW,
  STATUS_BUFFER_TOO_SMALL, STATUS_INSUFFICIENT_RESOURCES, STATUS_INVALID_PARAMETER, STATUS_OBJECT_TYPE_MISMATCH, STATUS_SUCCESS, REG_DWORD, REG_EXPAND_SZ, REG_MULTI_SZ,
  REG_SZ, KEY_READ, KEY_CREATE_SUB_KEY, GENERIC_READ, WriteBytes, type Box, ZwClose, ZwCreateKey, ZwDeleteKey, ZwDeleteValueKey,
  ZwOpenKey, ZwQueryValueKey, ZwSetValueKey, type DEVICE_OBJECT, type NTSTATUS,
} from "@wdfjs/kernel";
import { FxObject } from "../object/fx-object.js";
import { FX_TYPE_REG_KEY, FX_TYPE_STRING } from "../object/types.js";
import { FxObjectCommit } from "../object/object-api.js";
import type { PWDF_OBJECT_ATTRIBUTES } from "../object/attributes.js";
import { STATUS_RESOURCE_DATA_NOT_FOUND } from "../wdfstatus.js";
import type { FxCollection } from "./fx-collection.js";
import { FxString } from "./fx-string.js";

/** A UNICODE_STRING as the styles hand it in: Length and MaximumLength in bytes. */
export interface FxUnicodeString {
  Buffer: string;
  Length: number;
  MaximumLength: number;
}

/** A value as `FxRegKey::_QueryValue` reads it: its type and its data (all of it, whatever the caller's buffer). */
export interface FxRegValue {
  readonly status: NTSTATUS;
  readonly Type: number;
  readonly Data: Uint8Array;
}

const QUERY_TAG = 0x52784657; // 'WFxR'

/**
 * `FxRegKey` (fxregkey.cpp, km/fxregkeykm.cpp): a WDFKEY, a kernel registry handle the object
 * closes when it is destroyed. Opening and creating take a parent key handle (or none, for an
 * absolute `\Registry\...` name); values are read with KEY_VALUE_PARTIAL_INFORMATION.
 */
export class FxRegKey extends FxObject {
  /** The kernel key handle (`m_Key`), 0 until opened. */
  key = 0;

  constructor() {
    super(FX_TYPE_REG_KEY);
  }

  private attributes(Parent: number | null, Name: string): OBJECT_ATTRIBUTES {
    const oa = new OBJECT_ATTRIBUTES();
    InitializeObjectAttributes(oa, Name, OBJ_KERNEL_HANDLE | OBJ_CASE_INSENSITIVE, Parent, null);
    return oa;
  }

  /** `FxRegKey::Open`: ZwOpenKey under the parent. */
  open(Parent: number | null, Name: string, DesiredAccess: number): NTSTATUS {
    const h = Out(0);
    const status = ZwOpenKey(h, DesiredAccess, this.attributes(Parent, Name));
    if (NT_SUCCESS(status)) this.key = h.value;
    return status;
  }

  /** `FxRegKey::Create`: ZwCreateKey (opens an existing key); Disposition says which. */
  create(Parent: number | null, Name: string, DesiredAccess: number, CreateOptions = REG_OPTION_NON_VOLATILE, Disposition: { value: number } | null = null): NTSTATUS {
    const h = Out(0);
    const status = ZwCreateKey(h, DesiredAccess, this.attributes(Parent, Name), 0, null, CreateOptions, Disposition);
    if (NT_SUCCESS(status)) this.key = h.value;
    return status;
  }

  /** `_OpenDeviceRegistryKey`: the PDO's hardware or software key (IoOpenDeviceRegistryKey). */
  openDevice(Pdo: DEVICE_OBJECT, DeviceInstanceKeyType: number, DesiredAccess: number): NTSTATUS {
    const h = Out(0);
    const status = IoOpenDeviceRegistryKey(Pdo, DeviceInstanceKeyType, DesiredAccess, h);
    if (NT_SUCCESS(status)) this.key = h.value;
    return status;
  }

  /**
   * `FxRegKey::_QueryValue`: the value's type and data. ZwQueryValueKey's STATUS_BUFFER_TOO_SMALL
   * and STATUS_BUFFER_OVERFLOW are asked again with the size it gave; a missing value is its status.
   */
  queryValue(ValueName: string | null): FxRegValue {
    let length = KEY_VALUE_PARTIAL_INFORMATION_DATA_OFFSET + 64;
    for (;;) {
      const buffer = ExAllocatePool2(POOL_FLAG_PAGED, length, QUERY_TAG);
      if (buffer === 0) return { status: STATUS_INSUFFICIENT_RESOURCES, Type: 0, Data: new Uint8Array(0) };
      const result = Out(0);
      const status = ZwQueryValueKey(this.key, ValueName, KeyValuePartialInformation, buffer, length, result);
      if (status === STATUS_BUFFER_OVERFLOW || status === STATUS_BUFFER_TOO_SMALL) {
        ExFreePool(buffer);
        length = Math.max(result.value, length + 1);
        continue;
      }
      if (!NT_SUCCESS(status)) {
        ExFreePool(buffer);
        return { status, Type: 0, Data: new Uint8Array(0) };
      }
      const header = new DataView(ReadBytes(buffer, KEY_VALUE_PARTIAL_INFORMATION_DATA_OFFSET).buffer.slice(0));
      const Type = header.getUint32(4, true);
      const Data = ReadBytes(buffer + KEY_VALUE_PARTIAL_INFORMATION_DATA_OFFSET, header.getUint32(8, true));
      ExFreePool(buffer);
      return { status: STATUS_SUCCESS, Type, Data };
    }
  }

  /** `FxRegKey::SetValue`: ZwSetValueKey with the bytes. */
  setValue(ValueName: string | null, Type: number, Data: Uint8Array): NTSTATUS {
    return ZwSetValueKey(this.key, ValueName, 0, Type, Data, Data.length);
  }

  deleteValue(ValueName: string | null): NTSTATUS {
    return ZwDeleteValueKey(this.key, ValueName);
  }

  /** `FxRegKey::DeleteKey`: the key goes; its handle is useless after (the caller deletes the object). */
  deleteKey(): NTSTATUS {
    return ZwDeleteKey(this.key);
  }

  /** `FxRegKey::_QueryULong`: a REG_DWORD of 4 bytes, else STATUS_OBJECT_TYPE_MISMATCH. */
  queryULong(ValueName: string, Value: Box<number>): NTSTATUS {
    const v = this.queryValue(ValueName);
    if (!NT_SUCCESS(v.status)) return v.status;
    if (v.Type !== REG_DWORD || v.Data.length !== 4) return STATUS_OBJECT_TYPE_MISMATCH;
    Value.value = new DataView(v.Data.buffer, v.Data.byteOffset, 4).getUint32(0, true);
    return STATUS_SUCCESS;
  }

  /**
   * `WdfRegistryQueryValue`: the data copied to Value (an address) if ValueLength holds it, else
   * STATUS_BUFFER_OVERFLOW; the length and type are returned either way.
   */
  queryValueTo(ValueName: string, ValueLength: number, Value: number, ValueLengthQueried: Box<number> | null, ValueType: Box<number> | null): NTSTATUS {
    const v = this.queryValue(ValueName);
    if (!NT_SUCCESS(v.status)) return v.status;
    if (ValueLengthQueried !== null) ValueLengthQueried.value = v.Data.length;
    if (ValueType !== null) ValueType.value = v.Type;
    if (Value === 0 || ValueLength < v.Data.length) return STATUS_BUFFER_OVERFLOW;
    WriteBytes(Value, v.Data);
    return STATUS_SUCCESS;
  }

  /**
   * `WdfRegistryQueryUnicodeString`: a REG_SZ or REG_EXPAND_SZ (else STATUS_OBJECT_TYPE_MISMATCH),
   * without its NUL; MaximumLength 0 → STATUS_INVALID_PARAMETER; too long → STATUS_BUFFER_OVERFLOW.
   */
  queryUnicodeString(ValueName: string, ValueByteLength: Box<number> | null, Value: FxUnicodeString | null): NTSTATUS {
    if (Value !== null && Value.MaximumLength === 0) return STATUS_INVALID_PARAMETER;
    const v = this.queryValue(ValueName);
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
   * no data: STATUS_RESOURCE_DATA_NOT_FOUND) added to the collection as a string object, parented
   * to the collection unless the attributes name a parent.
   */
  queryMultiString(ValueName: string, StringsAttributes: PWDF_OBJECT_ATTRIBUTES, collection: FxCollection): NTSTATUS {
    const v = this.queryValue(ValueName);
    if (!NT_SUCCESS(v.status)) return v.status;
    if (v.Type !== REG_MULTI_SZ) return STATUS_OBJECT_TYPE_MISMATCH;
    if (v.Data.length === 0) return STATUS_RESOURCE_DATA_NOT_FOUND;
    const strings = FxRegParseMultiSz(v.Data);
    if (typeof strings === "number") return strings;
    for (const text of strings) {
      const string = new FxString(text);
      const status = FxObjectCommit(string, StringsAttributes, collection);
      if (!NT_SUCCESS(status)) return status;
      collection.add(string);
    }
    return STATUS_SUCCESS;
  }

  assignULong(ValueName: string, Value: number): NTSTATUS {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, Value >>> 0, true);
    return this.setValue(ValueName, REG_DWORD, b);
  }

  /** `WdfRegistryAssignMultiString`: the collection's strings; an item that is not a string is STATUS_INVALID_PARAMETER. */
  assignMultiString(ValueName: string, collection: FxCollection): NTSTATUS {
    const values: string[] = [];
    for (let i = 0; i < collection.count; i++) {
      const item = collection.getItem(i)!;
      if (item.type !== FX_TYPE_STRING) return STATUS_INVALID_PARAMETER;
      values.push((item as FxString).Buffer);
    }
    return this.setValue(ValueName, REG_MULTI_SZ, FxRegMultiSz(values));
  }

  /**
   * The end of every WDFKEY-creating DDI: `Commit`, then the open; a failure deletes the new
   * object without its callbacks (`DeleteFromFailedCreate`). Returns the key or a status.
   */
  static _create(KeyAttributes: PWDF_OBJECT_ATTRIBUTES, open: (key: FxRegKey) => NTSTATUS): FxRegKey | NTSTATUS {
    const key = new FxRegKey();
    let status = FxObjectCommit(key, KeyAttributes);
    if (NT_SUCCESS(status)) status = open(key);
    if (!NT_SUCCESS(status)) {
      key.contexts.length = 0;
      key.deleteObject();
      return status;
    }
    return key;
  }

  /** `WdfDriverOpenParametersRegistryKey`: `Parameters` under the service key, created when the access asks for more than reading. */
  openParameters(RegistryPath: string, DesiredAccess: number): NTSTATUS {
    const service = new FxRegKey();
    let status = service.open(null, RegistryPath, DesiredAccess);
    if (NT_SUCCESS(status)) {
      status = (DesiredAccess & ~(KEY_READ | GENERIC_READ)) !== 0 ? this.create(service.key, "Parameters", DesiredAccess) : this.open(service.key, "Parameters", DesiredAccess);
    }
    service.deleteObject();
    return status;
  }

  /**
   * `IoOpenDriverRegistryKey(DriverRegKeyPersistentState)` as WdfDriverOpenPersistentStateRegistryKey
   * uses it: the service key's `State` subkey, opened or created whatever the access asked, where
   * a driver keeps state across reboots and driver updates.
   */
  openPersistentState(RegistryPath: string, DesiredAccess: number): NTSTATUS {
    const service = new FxRegKey();
    // The service key only has to let the State key be made under it.
    let status = service.open(null, RegistryPath, KEY_READ | KEY_CREATE_SUB_KEY);
    if (NT_SUCCESS(status)) status = this.create(service.key, "State", DesiredAccess);
    service.deleteObject();
    return status;
  }

  protected override destroyResources(): void {
    if (this.key !== 0) ZwClose(this.key);
    this.key = 0;
  }
}

/** The bytes of a REG_SZ (with its NUL), as WdfRegistryAssignUnicodeString stores it. */
export function FxRegSz(Value: string): Uint8Array {
  const b = new Uint8Array((Value.length + 1) * 2);
  for (let i = 0; i < Value.length; i++) {
    b[2 * i] = Value.charCodeAt(i) & 0xff;
    b[2 * i + 1] = Value.charCodeAt(i) >>> 8;
  }
  return b;
}

/** The bytes of a REG_MULTI_SZ: each string with its NUL, then a final NUL. */
export function FxRegMultiSz(Values: readonly string[]): Uint8Array {
  const parts = Values.map(FxRegSz);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0) + 2);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** UTF-16LE bytes as a string (an odd trailing byte dropped). */
export function FxRegString(Data: Uint8Array): string {
  let s = "";
  for (let i = 0; i + 1 < Data.length; i += 2) s += String.fromCharCode(Data[i]! | (Data[i + 1]! << 8));
  return s;
}

/**
 * `FxRegKey::_VerifyMultiSzString`: an even length ending in two NULs, else
 * STATUS_OBJECT_TYPE_MISMATCH; the strings, without the empty one that ends the list.
 */
export function FxRegParseMultiSz(Data: Uint8Array): string[] | NTSTATUS {
  if ((Data.length & 1) !== 0 || Data.length < 4 || Data[Data.length - 1] !== 0 || Data[Data.length - 2] !== 0 || Data[Data.length - 3] !== 0 || Data[Data.length - 4] !== 0) {
    // A list of no strings is the one NUL pair.
    if (Data.length === 2 && Data[0] === 0 && Data[1] === 0) return [];
    return STATUS_OBJECT_TYPE_MISMATCH;
  }
  const text = FxRegString(Data.subarray(0, Data.length - 2));
  return text.split("\u0000").slice(0, -1);
}
