import { REG_DWORD, REG_DWORD_BIG_ENDIAN, REG_EXPAND_SZ, REG_LINK, REG_MULTI_SZ, REG_QWORD, REG_SZ } from "./constants.js";

/*
 * Value data as the WDK lays it out in memory: a REG_SZ is UTF-16LE with its terminating
 * NUL, a REG_MULTI_SZ each string's NUL and one more, a REG_DWORD four little-endian bytes,
 * a REG_DWORD_BIG_ENDIAN four big-endian ones, a REG_QWORD eight. The registry keeps the
 * bytes; these turn them into JavaScript values and back for hosts and tests.
 */

/** A value's data the way a host writes it: a string, strings, a number, a bigint or bytes. */
export type RegistryData = string | readonly string[] | number | bigint | Uint8Array;

const STRING_TYPES = (1 << REG_SZ) | (1 << REG_EXPAND_SZ) | (1 << REG_LINK);

export function isStringType(Type: number): boolean {
  return Type >= 0 && Type < 32 && (STRING_TYPES & (1 << Type)) !== 0;
}

/** UTF-16LE code units of `s`, with a terminating NUL if `nul`. */
export function utf16(s: string, nul: boolean): Uint8Array {
  const n = s.length + (nul ? 1 : 0);
  const b = new Uint8Array(n * 2);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    b[2 * i] = c & 0xff;
    b[2 * i + 1] = c >>> 8;
  }
  return b;
}

/** The UTF-16LE text in `b`, up to the first NUL (or the end; an odd last byte is dropped). */
export function fromUtf16(b: Uint8Array, stopAtNul = true): string {
  let s = "";
  for (let i = 0; i + 1 < b.length; i += 2) {
    const c = b[i]! | (b[i + 1]! << 8);
    if (c === 0 && stopAtNul) break;
    s += String.fromCharCode(c);
  }
  return s;
}

/** The strings of REG_MULTI_SZ data (the empty string ends the list). */
export function fromMultiSz(b: Uint8Array): string[] {
  const all = fromUtf16(b, false);
  const out: string[] = [];
  for (const s of all.split("\0")) {
    if (s === "") break;
    out.push(s);
  }
  return out;
}

/**
 * Encodes `data` as the bytes of a value of type `Type`, or returns a message saying why it
 * cannot (a host mistake: the caller throws it).
 */
export function encodeRegistryData(Type: number, data: RegistryData): Uint8Array | string {
  if (data instanceof Uint8Array) return data.slice();
  switch (Type) {
    case REG_SZ:
    case REG_EXPAND_SZ:
    case REG_LINK:
      // REG_LINK data has no terminating NUL (a link's target is counted, not terminated).
      if (typeof data === "string") return utf16(data, Type !== REG_LINK);
      return `a ${typeName(Type)} value takes a string`;
    case REG_MULTI_SZ: {
      if (!Array.isArray(data) || data.some((s) => typeof s !== "string" || s === "" || s.includes("\0"))) {
        return "a REG_MULTI_SZ value takes an array of non-empty strings without NULs";
      }
      const strings = data as readonly string[];
      return utf16(strings.length === 0 ? "" : strings.join("\0") + "\0", true);
    }
    case REG_DWORD:
    case REG_DWORD_BIG_ENDIAN: {
      if (typeof data !== "number" || !Number.isInteger(data) || data < -0x80000000 || data > 0xffffffff) {
        return `a ${typeName(Type)} value takes an integer that fits 32 bits`;
      }
      const v = data >>> 0;
      const b = new Uint8Array(4);
      new DataView(b.buffer).setUint32(0, v, Type === REG_DWORD);
      return b;
    }
    case REG_QWORD: {
      let v: bigint;
      if (typeof data === "bigint") v = data;
      else if (typeof data === "number" && Number.isSafeInteger(data)) v = BigInt(data);
      else if (typeof data === "string" && /^-?\d+$/.test(data)) v = BigInt(data);
      else return "a REG_QWORD value takes a bigint, a safe integer or a decimal string";
      if (v < -(1n << 63n) || v >= 1n << 64n) return "a REG_QWORD value must fit 64 bits";
      const b = new Uint8Array(8);
      new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, v), true);
      return b;
    }
    default:
      return `a ${typeName(Type)} value takes a Uint8Array of its bytes`;
  }
}

/**
 * The bytes of a value as a JavaScript value: a string (REG_SZ, REG_EXPAND_SZ, REG_LINK),
 * strings (REG_MULTI_SZ), a number (REG_DWORD, REG_DWORD_BIG_ENDIAN, when four bytes), a
 * bigint (REG_QWORD, when eight), else the bytes.
 */
export function decodeRegistryData(Type: number, b: Uint8Array): RegistryData {
  switch (Type) {
    case REG_SZ:
    case REG_EXPAND_SZ:
      return fromUtf16(b);
    case REG_LINK:
      return fromUtf16(b, false);
    case REG_MULTI_SZ:
      return fromMultiSz(b);
    case REG_DWORD:
    case REG_DWORD_BIG_ENDIAN:
      if (b.length !== 4) return b.slice();
      return new DataView(b.buffer, b.byteOffset, 4).getUint32(0, Type === REG_DWORD);
    case REG_QWORD:
      if (b.length !== 8) return b.slice();
      return new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true);
    default:
      return b.slice();
  }
}

export function typeName(Type: number): string {
  const names = ["REG_NONE", "REG_SZ", "REG_EXPAND_SZ", "REG_BINARY", "REG_DWORD", "REG_DWORD_BIG_ENDIAN", "REG_LINK", "REG_MULTI_SZ",
    "REG_RESOURCE_LIST", "REG_FULL_RESOURCE_DESCRIPTOR", "REG_RESOURCE_REQUIREMENTS_LIST", "REG_QWORD"];
  return names[Type] ?? `type ${Type}`;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function toHex(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i++) s += b[i]!.toString(16).padStart(2, "0");
  return s;
}

export function fromHex(s: string): Uint8Array | null {
  if (s.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(s)) return null;
  const b = new Uint8Array(s.length / 2);
  for (let i = 0; i < b.length; i++) b[i] = parseInt(s.slice(2 * i, 2 * i + 2), 16);
  return b;
}
