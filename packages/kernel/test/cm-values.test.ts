import { describe, expect, it } from "vitest";
import {
  boot, ExAllocatePool2, ExFreePool, InitializeObjectAttributes, KEY_ALL_ACCESS, KEY_QUERY_VALUE, KEY_READ, KEY_SET_VALUE, KEY_WRITE,
  KeyValueBasicInformation, KeyValueFullInformation, KeyValuePartialInformation, NtClose, NtCreateKey, NtEnumerateKey, NtOpenKey,
  NtQueryValueKey, NtSetValueKey, OBJ_CASE_INSENSITIVE, OBJ_KERNEL_HANDLE, OBJECT_ATTRIBUTES, Out, POOL_FLAG_PAGED, POOL_TAG, ReadBytes,
  ReadUlong, REG_BINARY, REG_DWORD, REG_DWORD_BIG_ENDIAN, REG_EXPAND_SZ, REG_LINK, REG_MULTI_SZ, REG_NONE, REG_OPTION_NON_VOLATILE, REG_QWORD,
  REG_SZ, STATUS_ACCESS_DENIED, STATUS_BUFFER_OVERFLOW, STATUS_BUFFER_TOO_SMALL, STATUS_INVALID_HANDLE, STATUS_NO_MORE_ENTRIES,
  STATUS_OBJECT_NAME_NOT_FOUND, STATUS_SUCCESS, WriteBytes, ZwClose, ZwDeleteValueKey, ZwEnumerateValueKey, ZwOpenKey, ZwQueryValueKey,
  ZwSetValueKey, KeyBasicInformation, type Machine,
} from "../src/index.js";
import { client, userAlloc } from "./helpers.js";

const KEY = "\\Registry\\Machine\\SYSTEM\\CurrentControlSet\\Services\\values\\Parameters";

function attributes(name: string, attrs = OBJ_CASE_INSENSITIVE | OBJ_KERNEL_HANDLE): OBJECT_ATTRIBUTES {
  const oa = new OBJECT_ATTRIBUTES();
  InitializeObjectAttributes(oa, name, attrs, null, null);
  return oa;
}

function bytes(...b: number[]): number[] {
  return b;
}

/** Opens KEY (made by the host first) with `access` in kernel code and runs `fn(handle, buffer)`; the buffer is 256 bytes of paged pool. */
function withKey<T>(m: Machine, access: number, fn: (h: number, buf: number) => T): T {
  m.registry.createKey(KEY);
  return m.runInKernel(() => {
    const h = Out(0);
    expect(ZwOpenKey(h, access, attributes(KEY))).toBe(STATUS_SUCCESS);
    const buf = ExAllocatePool2(POOL_FLAG_PAGED, 256, POOL_TAG("Test"));
    try {
      return fn(h.value, buf);
    } finally {
      ExFreePool(buf);
      ZwClose(h.value);
    }
  });
}

describe("Cm: values", () => {
  // The bytes each type has in memory: UTF-16LE strings with their NUL, a double NUL after a
  // REG_MULTI_SZ, little-endian DWORD and QWORD, big-endian REG_DWORD_BIG_ENDIAN.
  const cases: [string, number, unknown, number[]][] = [
    ["REG_NONE", REG_NONE, new Uint8Array([9]), bytes(9)],
    ["REG_SZ", REG_SZ, "Hi", bytes(0x48, 0, 0x69, 0, 0, 0)],
    ["REG_EXPAND_SZ", REG_EXPAND_SZ, "%A%", bytes(0x25, 0, 0x41, 0, 0x25, 0, 0, 0)],
    ["REG_BINARY", REG_BINARY, new Uint8Array([1, 2, 3]), bytes(1, 2, 3)],
    ["REG_DWORD", REG_DWORD, 0x12345678, bytes(0x78, 0x56, 0x34, 0x12)],
    ["REG_DWORD_BIG_ENDIAN", REG_DWORD_BIG_ENDIAN, 0x12345678, bytes(0x12, 0x34, 0x56, 0x78)],
    ["REG_LINK", REG_LINK, "\\X", bytes(0x5c, 0, 0x58, 0)],
    ["REG_MULTI_SZ", REG_MULTI_SZ, ["a", "b"], bytes(0x61, 0, 0, 0, 0x62, 0, 0, 0, 0, 0)],
    ["REG_QWORD", REG_QWORD, 0x1122334455667788n, bytes(0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11)],
  ];

  it.each(cases)("%s: what the host writes, a driver reads as the WDK's bytes, and back", (_name, type, data, expected) => {
    const m = boot();
    m.registry.setValue(KEY, "V", type, data as never);
    const seen = withKey(m, KEY_READ, (h, buf) => {
      const len = Out(0);
      expect(ZwQueryValueKey(h, "V", KeyValuePartialInformation, buf, 256, len)).toBe(STATUS_SUCCESS);
      expect(len.value).toBe(12 + expected.length); // FIELD_OFFSET(KEY_VALUE_PARTIAL_INFORMATION, Data) + DataLength
      expect([ReadUlong(buf + 4), ReadUlong(buf + 8)]).toEqual([type, expected.length]);
      return [...ReadBytes(buf + 12, expected.length)];
    });
    expect(seen).toEqual(expected);
    // A driver writes the same bytes through ZwSetValueKey from memory; the host reads the value back.
    withKey(m, KEY_ALL_ACCESS, (h, buf) => {
      WriteBytes(buf, expected);
      expect(ZwSetValueKey(h, "Copy", 0, type, buf, expected.length)).toBe(STATUS_SUCCESS);
    });
    expect(m.registry.queryValue(KEY, "copy")).toEqual({ name: "Copy", type, data });
  });

  it("KeyValueBasicInformation and KeyValueFullInformation: name, type, and the data at a ULONG-aligned DataOffset", () => {
    const m = boot();
    m.registry.setValue(KEY, "Abc", REG_DWORD, 5);
    withKey(m, KEY_READ, (h, buf) => {
      const len = Out(0);
      expect(ZwQueryValueKey(h, "abc", KeyValueBasicInformation, buf, 256, len)).toBe(STATUS_SUCCESS);
      expect(len.value).toBe(12 + 6);
      expect([ReadUlong(buf + 4), ReadUlong(buf + 8)]).toEqual([REG_DWORD, 6]);
      expect(String.fromCharCode(...ReadBytes(buf + 12, 6).filter((_, i) => i % 2 === 0))).toBe("Abc");
      expect(ZwQueryValueKey(h, "abc", KeyValueFullInformation, buf, 256, len)).toBe(STATUS_SUCCESS);
      // Name at 20, 6 bytes, ends at 26; the data at 28; 4 bytes.
      expect([ReadUlong(buf + 4), ReadUlong(buf + 8), ReadUlong(buf + 12), ReadUlong(buf + 16)]).toEqual([REG_DWORD, 28, 4, 6]);
      expect(ReadUlong(buf + 28)).toBe(5);
      expect(len.value).toBe(32);
    });
  });

  it("a too-small buffer: STATUS_BUFFER_TOO_SMALL if the fixed part does not fit, STATUS_BUFFER_OVERFLOW if only the data does not; ResultLength is the size needed", () => {
    // https://learn.microsoft.com/windows-hardware/drivers/ddi/wdm/nf-wdm-zwqueryvaluekey (Return value)
    const m = boot();
    m.registry.setValue(KEY, "S", REG_SZ, "hello");
    withKey(m, KEY_READ, (h, buf) => {
      const len = Out(0);
      expect(ZwQueryValueKey(h, "S", KeyValuePartialInformation, buf, 0, len)).toBe(STATUS_BUFFER_TOO_SMALL);
      expect(len.value).toBe(12 + 12);
      expect(ZwQueryValueKey(h, "S", KeyValuePartialInformation, buf, 11, len)).toBe(STATUS_BUFFER_TOO_SMALL);
      expect(ZwQueryValueKey(h, "S", KeyValuePartialInformation, buf, 16, len)).toBe(STATUS_BUFFER_OVERFLOW);
      expect(len.value).toBe(24);
      expect([ReadUlong(buf + 4), ReadUlong(buf + 8)]).toEqual([REG_SZ, 12]); // the fixed part was written
      expect(ZwQueryValueKey(h, "S", KeyValuePartialInformation, buf, 24, len)).toBe(STATUS_SUCCESS);
      expect(ZwQueryValueKey(h, "S", KeyValueFullInformation, buf, 19, len)).toBe(STATUS_BUFFER_TOO_SMALL);
      expect(ZwQueryValueKey(h, "S", KeyValueBasicInformation, buf, 13, len)).toBe(STATUS_BUFFER_OVERFLOW);
      expect(len.value).toBe(14);
    });
  });

  it("a missing value is STATUS_OBJECT_NAME_NOT_FOUND; a null name is the default value", () => {
    const m = boot();
    withKey(m, KEY_ALL_ACCESS, (h, buf) => {
      const len = Out(0);
      expect(ZwQueryValueKey(h, "Nope", KeyValuePartialInformation, buf, 256, len)).toBe(STATUS_OBJECT_NAME_NOT_FOUND);
      expect(ZwQueryValueKey(h, null, KeyValuePartialInformation, buf, 256, len)).toBe(STATUS_OBJECT_NAME_NOT_FOUND);
      expect(ZwSetValueKey(h, null, 0, REG_SZ, "default", 16)).toBe(STATUS_SUCCESS);
      expect(ZwQueryValueKey(h, "", KeyValuePartialInformation, buf, 256, len)).toBe(STATUS_SUCCESS);
      expect(ZwDeleteValueKey(h, "Nope")).toBe(STATUS_OBJECT_NAME_NOT_FOUND);
      expect(ZwDeleteValueKey(h, null)).toBe(STATUS_SUCCESS);
    });
    expect(m.registry.values(KEY)).toEqual([]);
  });

  it("ZwEnumerateValueKey returns values in the order they were first set, then STATUS_NO_MORE_ENTRIES; setting again keeps the place", () => {
    const m = boot();
    m.registry.setValue(KEY, "b", REG_DWORD, 1);
    m.registry.setValue(KEY, "a", REG_DWORD, 2);
    m.registry.setValue(KEY, "B", REG_DWORD, 3);
    const names = withKey(m, KEY_READ, (h, buf) => {
      const out: string[] = [];
      const len = Out(0);
      for (let i = 0; ZwEnumerateValueKey(h, i, KeyValueBasicInformation, buf, 256, len) === STATUS_SUCCESS; i++) {
        out.push(String.fromCharCode(...ReadBytes(buf + 12, ReadUlong(buf + 8)).filter((_, j) => j % 2 === 0)));
      }
      expect(ZwEnumerateValueKey(h, out.length, KeyValueBasicInformation, buf, 256, len)).toBe(STATUS_NO_MORE_ENTRIES);
      return out;
    });
    expect(names).toEqual(["b", "a"]);
    expect(m.registry.queryValue(KEY, "b")?.data).toBe(3);
  });

  it("a client writing through a key opened with KEY_READ gets STATUS_ACCESS_DENIED; with KEY_WRITE it may write but not read", () => {
    const m = boot();
    m.registry.setValue(KEY, "Mode", REG_DWORD, 1);
    const c = client(m);
    const buf = userAlloc(m, c);
    const st = m.syscall(c.thread, () => {
      const h = Out(0);
      const seen: number[] = [];
      const oa = attributes(KEY, OBJ_CASE_INSENSITIVE);
      seen.push(NtOpenKey(h, KEY_READ, oa));
      seen.push(NtSetValueKey(h.value, "Mode", 0, REG_DWORD, [2, 0, 0, 0], 4));
      const len = Out(0);
      seen.push(NtQueryValueKey(h.value, "Mode", KeyValuePartialInformation, buf, 64, len));
      seen.push(NtClose(h.value));
      seen.push(NtCreateKey(h, KEY_WRITE, oa, 0, null, REG_OPTION_NON_VOLATILE, null));
      seen.push(NtSetValueKey(h.value, "Mode", 0, REG_DWORD, [2, 0, 0, 0], 4));
      seen.push(NtQueryValueKey(h.value, "Mode", KeyValuePartialInformation, buf, 64, len));
      seen.push(NtEnumerateKey(h.value, 0, KeyBasicInformation, buf, 64, len));
      seen.push(NtClose(h.value));
      return seen;
    });
    expect(st).toEqual([
      STATUS_SUCCESS, STATUS_ACCESS_DENIED, STATUS_SUCCESS, STATUS_SUCCESS,
      STATUS_SUCCESS, STATUS_SUCCESS, STATUS_ACCESS_DENIED, STATUS_ACCESS_DENIED, STATUS_SUCCESS,
    ]);
    expect(m.registry.queryValue(KEY, "Mode")?.data).toBe(2);
  });

  it("a driver's Zw* call is not checked against its handle's access, as ObReferenceObjectByHandle allows any access in KernelMode", () => {
    // https://learn.microsoft.com/windows-hardware/drivers/ddi/wdm/nf-wdm-obreferenceobjectbyhandle (Remarks)
    const m = boot();
    m.registry.setValue(KEY, "Mode", REG_DWORD, 1);
    const st = withKey(m, KEY_READ, (h) => ZwSetValueKey(h, "Mode", 0, REG_DWORD, [2, 0, 0, 0], 4));
    expect(st).toBe(STATUS_SUCCESS);
    expect(m.registry.queryValue(KEY, "Mode")?.data).toBe(2);
  });

  it("a client cannot use a driver's kernel key handle (STATUS_INVALID_HANDLE)", () => {
    const m = boot();
    m.registry.createKey(KEY);
    const kh = m.runInKernel(() => {
      const h = Out(0);
      expect(ZwOpenKey(h, KEY_QUERY_VALUE | KEY_SET_VALUE, attributes(KEY))).toBe(STATUS_SUCCESS);
      return h.value;
    });
    const c = client(m);
    expect(m.syscall(c.thread, () => NtSetValueKey(kh, "x", 0, REG_DWORD, [1, 0, 0, 0], 4))).toBe(STATUS_INVALID_HANDLE);
    expect(m.runInKernel(() => ZwClose(kh))).toBe(STATUS_SUCCESS);
  });
});
