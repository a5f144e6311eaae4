import {
  ExAllocatePool2, ExFreePool, InitializeObjectAttributes, IoOpenDeviceRegistryKey, KeyValuePartialInformation, KEY_VALUE_PARTIAL_INFORMATION_DATA_OFFSET, NT_SUCCESS,
  OBJ_CASE_INSENSITIVE, OBJ_KERNEL_HANDLE, OBJECT_ATTRIBUTES, Out, POOL_FLAG_PAGED, ReadBytes, REG_OPTION_NON_VOLATILE, STATUS_BUFFER_OVERFLOW,
  STATUS_BUFFER_TOO_SMALL, STATUS_INSUFFICIENT_RESOURCES, STATUS_OBJECT_TYPE_MISMATCH, STATUS_SUCCESS, ZwClose, ZwCreateKey, ZwDeleteKey, ZwDeleteValueKey,
  ZwOpenKey, ZwQueryValueKey, ZwSetValueKey, type DEVICE_OBJECT, type NTSTATUS,
} from "@wdfjs/kernel";
import { FxObject } from "../object/fx-object.js";
import { FX_TYPE_REG_KEY } from "../object/types.js";

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
