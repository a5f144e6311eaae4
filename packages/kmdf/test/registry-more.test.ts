import { describe, expect, it } from "vitest";
import {
  boot, KEY_READ, KEY_WRITE, NonPagedPool, Out, ReadBytes, REG_BINARY, REG_DWORD, REG_OPTION_NON_VOLATILE, REG_SZ, STATUS_OBJECT_NAME_NOT_FOUND,
  STATUS_OBJECT_TYPE_MISMATCH, STATUS_SUCCESS, WriteBytes,
} from "@wdfjs/kernel";
import { STATUS_INTEGER_OVERFLOW, STATUS_RESOURCE_DATA_NOT_FOUND } from "@wdfjs/framework";
import {
  RtlInitUnicodeString, UNICODE_STRING, WDFMEMORY_OFFSET, WdfMemoryCreate, WdfMemoryGetBuffer, WdfObjectDelete, WdfRegistryAssignMemory, WdfRegistryAssignString,
  WdfRegistryAssignULong, WdfRegistryAssignValue, WdfRegistryClose, WdfRegistryCreateKey, WdfRegistryQueryMemory, WdfRegistryQueryString, WdfRegistryQueryULong,
  WdfStringCreate, WdfStringGetUnicodeString, type WDFKEY, type WDFMEMORY, type WDFSTRING,
} from "../src/index.js";
import { loadControlDriver } from "./control-driver.js";

const us = (s: string): UNICODE_STRING => {
  const u = new UNICODE_STRING();
  RtlInitUnicodeString(u, s);
  return u;
};

/** A machine with a KMDF driver loaded and a fresh WDFKEY under \Registry\Machine\Software. */
function withKey(run: (key: WDFKEY) => void): void {
  const m = boot({ flavor: "checked" });
  expect(loadControlDriver(m, "REGMORE", () => STATUS_SUCCESS)).toBe(STATUS_SUCCESS);
  m.runInKernel(() => {
    const key = Out<WDFKEY | null>(null);
    expect(WdfRegistryCreateKey(null, us("\\Registry\\Machine\\Software\\WdfjsMore"), KEY_READ | KEY_WRITE, REG_OPTION_NON_VOLATILE, null, null, key)).toBe(STATUS_SUCCESS);
    run(key.value!);
    WdfRegistryClose(key.value!);
  });
  expect(m.bugCheckData).toBeNull();
}

function memoryOf(bytes: number[]): WDFMEMORY {
  const memory = Out<WDFMEMORY | null>(null);
  expect(WdfMemoryCreate(null, NonPagedPool, 0, bytes.length, memory, null)).toBe(STATUS_SUCCESS);
  WriteBytes(WdfMemoryGetBuffer(memory.value!, null), new Uint8Array(bytes));
  return memory.value!;
}

describe("WdfRegistryAssignMemory and WdfRegistryQueryMemory", () => {
  it("a WDFMEMORY's bytes (or a window of them) become a value, read back into a new WDFMEMORY with its type", () => {
    withKey((key) => {
      const source = memoryOf([1, 2, 3, 4, 5, 6]);
      expect(WdfRegistryAssignMemory(key, us("Blob"), REG_BINARY, source, null)).toBe(STATUS_SUCCESS);
      const window = new WDFMEMORY_OFFSET();
      window.BufferOffset = 2;
      window.BufferLength = 3;
      expect(WdfRegistryAssignMemory(key, us("Window"), REG_BINARY, source, window)).toBe(STATUS_SUCCESS);
      window.BufferLength = 5;
      expect(WdfRegistryAssignMemory(key, us("TooFar"), REG_BINARY, source, window)).toBe(STATUS_INTEGER_OVERFLOW);

      const memory = Out<WDFMEMORY | null>(null);
      const type = Out(0);
      const size = Out(0);
      expect(WdfRegistryQueryMemory(key, us("Blob"), NonPagedPool, null, memory, type)).toBe(STATUS_SUCCESS);
      expect([...ReadBytes(WdfMemoryGetBuffer(memory.value!, size), 6)]).toEqual([1, 2, 3, 4, 5, 6]);
      expect([size.value, type.value]).toEqual([6, REG_BINARY]);
      WdfObjectDelete(memory.value!);
      expect(WdfRegistryQueryMemory(key, us("Window"), NonPagedPool, null, memory, null)).toBe(STATUS_SUCCESS);
      expect([...ReadBytes(WdfMemoryGetBuffer(memory.value!, size), size.value)]).toEqual([3, 4, 5]);
    });
  });

  it("a missing value is the registry's status, an empty one STATUS_RESOURCE_DATA_NOT_FOUND; the memory out-parameter stays NULL", () => {
    withKey((key) => {
      const memory = Out<WDFMEMORY | null>(null);
      expect(WdfRegistryQueryMemory(key, us("Missing"), NonPagedPool, null, memory, null)).toBe(STATUS_OBJECT_NAME_NOT_FOUND);
      expect(WdfRegistryAssignValue(key, us("Empty"), REG_BINARY, 0, 0)).toBe(STATUS_SUCCESS);
      expect(WdfRegistryQueryMemory(key, us("Empty"), NonPagedPool, null, memory, null)).toBe(STATUS_RESOURCE_DATA_NOT_FOUND);
      expect(memory.value).toBeNull();
    });
  });
});

describe("WdfRegistryAssignString and WdfRegistryQueryString", () => {
  it("a WDFSTRING is stored as a REG_SZ and read back into another WDFSTRING without its NUL", () => {
    withKey((key) => {
      const source = Out<WDFSTRING | null>(null);
      expect(WdfStringCreate(us("Toaster"), null, source)).toBe(STATUS_SUCCESS);
      expect(WdfRegistryAssignString(key, us("Name"), source.value!)).toBe(STATUS_SUCCESS);
      const target = Out<WDFSTRING | null>(null);
      expect(WdfStringCreate(null, null, target)).toBe(STATUS_SUCCESS);
      expect(WdfRegistryQueryString(key, us("Name"), target.value!)).toBe(STATUS_SUCCESS);
      const text = new UNICODE_STRING();
      WdfStringGetUnicodeString(target.value!, text);
      expect([text.Buffer, text.Length]).toEqual(["Toaster", 14]);
      // The value as stored: UTF-16 with its terminating NUL.
      const memory = Out<WDFMEMORY | null>(null);
      const type = Out(0);
      expect(WdfRegistryQueryMemory(key, us("Name"), NonPagedPool, null, memory, type)).toBe(STATUS_SUCCESS);
      const size = Out(0);
      WdfMemoryGetBuffer(memory.value!, size);
      expect([type.value, size.value]).toEqual([REG_SZ, 16]);
    });
  });

  it("a value that is not a string is STATUS_OBJECT_TYPE_MISMATCH and leaves the WDFSTRING as it was", () => {
    withKey((key) => {
      expect(WdfRegistryAssignULong(key, us("Count"), 7)).toBe(STATUS_SUCCESS);
      const target = Out<WDFSTRING | null>(null);
      expect(WdfStringCreate(us("unchanged"), null, target)).toBe(STATUS_SUCCESS);
      expect(WdfRegistryQueryString(key, us("Count"), target.value!)).toBe(STATUS_OBJECT_TYPE_MISMATCH);
      const text = new UNICODE_STRING();
      WdfStringGetUnicodeString(target.value!, text);
      expect(text.Buffer).toBe("unchanged");
      const n = Out(0);
      expect(WdfRegistryQueryULong(key, us("Count"), n)).toBe(STATUS_SUCCESS);
      expect([n.value, REG_DWORD]).toEqual([7, 4]);
    });
  });
});
