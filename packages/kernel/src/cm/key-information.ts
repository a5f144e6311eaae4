import {
  KEY_BASIC_INFORMATION_NAME_OFFSET, KEY_FULL_INFORMATION_CLASS_OFFSET, KEY_NAME_INFORMATION_NAME_OFFSET, KEY_NODE_INFORMATION_NAME_OFFSET,
  KEY_VALUE_BASIC_INFORMATION_NAME_OFFSET, KEY_VALUE_FULL_INFORMATION_NAME_OFFSET, KEY_VALUE_PARTIAL_INFORMATION_DATA_OFFSET, KeyBasicInformation,
  KeyFullInformation, KeyNameInformation, KeyNodeInformation, KeyValueBasicInformation, KeyValueFullInformation, KeyValueFullInformationAlign64,
  KeyValuePartialInformation, KeyValuePartialInformationAlign64,
} from "./constants.js";
import type { CmKeyNode, CmValue } from "./key.js";
import { utf16 } from "./value-data.js";

/*
 * The information structures of ZwQueryKey, ZwEnumerateKey, ZwQueryValueKey and
 * ZwEnumerateValueKey, built as the bytes wdm.h's x64 layout puts in the caller's buffer.
 * Names are UTF-16 without a terminating NUL, their lengths in bytes.
 */

/** FIELD_OFFSET(KEY_VALUE_PARTIAL_INFORMATION_ALIGN64, Data): Type, DataLength. */
const PARTIAL_ALIGN64_DATA_OFFSET = 8;
/** ClassOffset of a key that has no class. */
const NO_CLASS = 0xffffffff;

/** The fixed part of a value information class (what must fit for anything to be written), or -1 if there is no such class. */
export function CmpValueInformationMinimum(KeyValueInformationClass: number): number {
  switch (KeyValueInformationClass) {
    case KeyValueBasicInformation:
      return KEY_VALUE_BASIC_INFORMATION_NAME_OFFSET;
    case KeyValueFullInformation:
    case KeyValueFullInformationAlign64:
      return KEY_VALUE_FULL_INFORMATION_NAME_OFFSET;
    case KeyValuePartialInformation:
      return KEY_VALUE_PARTIAL_INFORMATION_DATA_OFFSET;
    case KeyValuePartialInformationAlign64:
      return PARTIAL_ALIGN64_DATA_OFFSET;
    default:
      return -1;
  }
}

export function CmpKeyInformationMinimum(KeyInformationClass: number): number {
  switch (KeyInformationClass) {
    case KeyBasicInformation:
      return KEY_BASIC_INFORMATION_NAME_OFFSET;
    case KeyNodeInformation:
      return KEY_NODE_INFORMATION_NAME_OFFSET;
    case KeyFullInformation:
      return KEY_FULL_INFORMATION_CLASS_OFFSET;
    case KeyNameInformation:
      return KEY_NAME_INFORMATION_NAME_OFFSET;
    default:
      return -1;
  }
}

/** The structure for a value, whole (the caller copies as much of it as the buffer holds). */
export function CmpKeyValueInformation(v: CmValue, KeyValueInformationClass: number): Uint8Array {
  const name = utf16(v.name, false);
  const data = v.data;
  switch (KeyValueInformationClass) {
    case KeyValueBasicInformation: {
      const b = new Uint8Array(KEY_VALUE_BASIC_INFORMATION_NAME_OFFSET + name.length);
      const d = new DataView(b.buffer);
      d.setUint32(0, 0, true); // TitleIndex
      d.setUint32(4, v.type, true);
      d.setUint32(8, name.length, true);
      b.set(name, KEY_VALUE_BASIC_INFORMATION_NAME_OFFSET);
      return b;
    }
    case KeyValueFullInformation:
    case KeyValueFullInformationAlign64: {
      // The data follows the name at a ULONG-aligned offset (ULONGLONG for the Align64 class), as CmpQueryKeyValueData places it.
      const align = KeyValueInformationClass === KeyValueFullInformation ? 4 : 8;
      const end = KEY_VALUE_FULL_INFORMATION_NAME_OFFSET + name.length;
      const dataOffset = data.length === 0 ? end : Math.ceil(end / align) * align;
      const b = new Uint8Array(dataOffset + data.length);
      const d = new DataView(b.buffer);
      d.setUint32(0, 0, true);
      d.setUint32(4, v.type, true);
      d.setUint32(8, dataOffset, true);
      d.setUint32(12, data.length, true);
      d.setUint32(16, name.length, true);
      b.set(name, KEY_VALUE_FULL_INFORMATION_NAME_OFFSET);
      b.set(data, dataOffset);
      return b;
    }
    case KeyValuePartialInformation: {
      const b = new Uint8Array(KEY_VALUE_PARTIAL_INFORMATION_DATA_OFFSET + data.length);
      const d = new DataView(b.buffer);
      d.setUint32(0, 0, true);
      d.setUint32(4, v.type, true);
      d.setUint32(8, data.length, true);
      b.set(data, KEY_VALUE_PARTIAL_INFORMATION_DATA_OFFSET);
      return b;
    }
    default: {
      const b = new Uint8Array(PARTIAL_ALIGN64_DATA_OFFSET + data.length);
      const d = new DataView(b.buffer);
      d.setUint32(0, v.type, true);
      d.setUint32(4, data.length, true);
      b.set(data, PARTIAL_ALIGN64_DATA_OFFSET);
      return b;
    }
  }
}

/** The structure for a key. */
export function CmpKeyInformation(k: CmKeyNode, KeyInformationClass: number): Uint8Array {
  if (KeyInformationClass === KeyNameInformation) {
    const name = utf16(k.path, false);
    const b = new Uint8Array(KEY_NAME_INFORMATION_NAME_OFFSET + name.length);
    new DataView(b.buffer).setUint32(0, name.length, true);
    b.set(name, KEY_NAME_INFORMATION_NAME_OFFSET);
    return b;
  }
  const name = utf16(k.name, false);
  const cls = utf16(k.className, false);
  const time = k.lastWriteTime;
  if (KeyInformationClass === KeyBasicInformation) {
    const b = new Uint8Array(KEY_BASIC_INFORMATION_NAME_OFFSET + name.length);
    const d = new DataView(b.buffer);
    d.setBigInt64(0, BigInt(time), true);
    d.setUint32(8, 0, true);
    d.setUint32(12, name.length, true);
    b.set(name, KEY_BASIC_INFORMATION_NAME_OFFSET);
    return b;
  }
  if (KeyInformationClass === KeyNodeInformation) {
    // The class follows the name at a ULONG-aligned offset.
    const end = KEY_NODE_INFORMATION_NAME_OFFSET + name.length;
    const classOffset = cls.length === 0 ? NO_CLASS : Math.ceil(end / 4) * 4;
    const b = new Uint8Array(cls.length === 0 ? end : classOffset + cls.length);
    const d = new DataView(b.buffer);
    d.setBigInt64(0, BigInt(time), true);
    d.setUint32(8, 0, true);
    d.setUint32(12, classOffset, true);
    d.setUint32(16, cls.length, true);
    d.setUint32(20, name.length, true);
    b.set(name, KEY_NODE_INFORMATION_NAME_OFFSET);
    if (cls.length > 0) b.set(cls, classOffset);
    return b;
  }
  // KeyFullInformation: counts and the longest names and data below the key.
  let maxName = 0;
  let maxClass = 0;
  for (const c of k.subkeys.values()) {
    maxName = Math.max(maxName, c.name.length * 2);
    maxClass = Math.max(maxClass, c.className.length * 2);
  }
  let maxValueName = 0;
  let maxValueData = 0;
  for (const v of k.values.values()) {
    maxValueName = Math.max(maxValueName, v.name.length * 2);
    maxValueData = Math.max(maxValueData, v.data.length);
  }
  const b = new Uint8Array(KEY_FULL_INFORMATION_CLASS_OFFSET + cls.length);
  const d = new DataView(b.buffer);
  d.setBigInt64(0, BigInt(time), true);
  d.setUint32(8, 0, true);
  d.setUint32(12, cls.length === 0 ? NO_CLASS : KEY_FULL_INFORMATION_CLASS_OFFSET, true);
  d.setUint32(16, cls.length, true);
  d.setUint32(20, k.subkeys.size, true);
  d.setUint32(24, maxName, true);
  d.setUint32(28, maxClass, true);
  d.setUint32(32, k.values.size, true);
  d.setUint32(36, maxValueName, true);
  d.setUint32(40, maxValueData, true);
  b.set(cls, KEY_FULL_INFORMATION_CLASS_OFFSET);
  return b;
}
