import { describe, expect, it } from "vitest";
import {
  boot, ExAllocatePool2, ExFreePool, NtStatusName, Out, POOL_FLAG_PAGED, POOL_TAG, ReadBytes, ReadPointer, ReadUlong, ReadUshort, REG_BINARY,
  REG_DWORD, REG_EXPAND_SZ, REG_MULTI_SZ, REG_NONE, REG_SZ, RTL_QUERY_REGISTRY_DIRECT, RTL_QUERY_REGISTRY_NOEXPAND, RTL_QUERY_REGISTRY_REQUIRED,
  RTL_QUERY_REGISTRY_SUBKEY, RTL_QUERY_REGISTRY_TABLE, RTL_QUERY_REGISTRY_TYPECHECK, RTL_QUERY_REGISTRY_TYPECHECK_SHIFT, RTL_REGISTRY_ABSOLUTE,
  RTL_REGISTRY_CONTROL, RTL_REGISTRY_OPTIONAL, RTL_REGISTRY_SERVICES, RtlCheckRegistryKey, RtlCreateRegistryKey, RtlQueryRegistryValues,
  RtlWriteRegistryValue, STATUS_OBJECT_NAME_NOT_FOUND, STATUS_OBJECT_TYPE_MISMATCH, STATUS_SUCCESS, STATUS_UNSUCCESSFUL, WriteUlong,
  type NTSTATUS,
} from "../src/index.js";

const SERVICE = "\\Registry\\Machine\\SYSTEM\\CurrentControlSet\\Services\\rtl";

function end(): RTL_QUERY_REGISTRY_TABLE {
  return new RTL_QUERY_REGISTRY_TABLE();
}

function text(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i + 1 < b.length; i += 2) s += String.fromCharCode(b[i]! | (b[i + 1]! << 8));
  return s;
}

describe("Cm: RtlQueryRegistryValues", () => {
  it("RTL_QUERY_REGISTRY_DIRECT stores each value where EntryContext says: a Box, or a ULONG at an address", () => {
    const m = boot();
    m.registry.setValue(`${SERVICE}\\Parameters`, "Depth", REG_DWORD, 16);
    m.registry.setValue(`${SERVICE}\\Parameters`, "Name", REG_SZ, "toaster");
    m.registry.setValue(`${SERVICE}\\Parameters`, "Ids", REG_MULTI_SZ, ["a", "b"]);
    const { status, depth, name, ids, ulong } = m.runInKernel(() => {
      const depth = Out(0);
      const name = Out("");
      const ids = Out<string[]>([]);
      const p = ExAllocatePool2(POOL_FLAG_PAGED, 8, POOL_TAG("Test"));
      const status = RtlQueryRegistryValues(RTL_REGISTRY_SERVICES, "rtl\\Parameters", [
        new RTL_QUERY_REGISTRY_TABLE({ Flags: RTL_QUERY_REGISTRY_DIRECT, Name: "Depth", EntryContext: depth }),
        new RTL_QUERY_REGISTRY_TABLE({ Flags: RTL_QUERY_REGISTRY_DIRECT, Name: "name", EntryContext: name }),
        new RTL_QUERY_REGISTRY_TABLE({ Flags: RTL_QUERY_REGISTRY_DIRECT | RTL_QUERY_REGISTRY_NOEXPAND, Name: "Ids", EntryContext: ids }),
        new RTL_QUERY_REGISTRY_TABLE({ Flags: RTL_QUERY_REGISTRY_DIRECT, Name: "Depth", EntryContext: p }),
        end(),
      ], null, null);
      const ulong = ReadUlong(p);
      ExFreePool(p);
      return { status, depth: depth.value, name: name.value, ids: ids.value, ulong };
    });
    expect(status).toBe(STATUS_SUCCESS);
    expect([depth, name, ids, ulong]).toEqual([16, "toaster", ["a", "b"], 16]);
  });

  it("a string stored directly into a UNICODE_STRING whose Buffer is NULL gets a pool buffer the caller frees", () => {
    const m = boot();
    m.registry.setValue(SERVICE, "ImagePath", REG_SZ, "x.sys");
    const r = m.runInKernel(() => {
      const us = ExAllocatePool2(POOL_FLAG_PAGED, 16, POOL_TAG("Test")); // UNICODE_STRING: Length, MaximumLength, Buffer at 8
      const st = RtlQueryRegistryValues(RTL_REGISTRY_ABSOLUTE, SERVICE, [new RTL_QUERY_REGISTRY_TABLE({ Flags: RTL_QUERY_REGISTRY_DIRECT, Name: "ImagePath", EntryContext: us }), end()], null, null);
      const length = ReadUshort(us);
      const buffer = ReadPointer(us + 8);
      const s = text(ReadBytes(buffer, length));
      ExFreePool(buffer);
      ExFreePool(us);
      return { st, length, s };
    });
    expect(r).toEqual({ st: STATUS_SUCCESS, length: 10, s: "x.sys" });
  });

  it("a QueryRoutine gets each value's data in memory; REG_MULTI_SZ comes one string at a time as REG_SZ, REG_EXPAND_SZ expanded", () => {
    const m = boot();
    m.registry.setValue(`${SERVICE}\\Parameters`, "Ids", REG_MULTI_SZ, ["one", "two"]);
    m.registry.setValue(`${SERVICE}\\Parameters`, "Path", REG_EXPAND_SZ, "%Root%\\x");
    const calls: [string | null, number, string, number][] = [];
    const routine = (ValueName: string | null, ValueType: number, ValueData: number, ValueLength: number, Context: unknown): NTSTATUS => {
      expect(Context).toBe("ctx");
      calls.push([ValueName, ValueType, text(ReadBytes(ValueData, ValueLength)), ValueLength]);
      return STATUS_SUCCESS;
    };
    const st = m.runInKernel(() =>
      RtlQueryRegistryValues(RTL_REGISTRY_SERVICES, "rtl\\Parameters", [
        new RTL_QUERY_REGISTRY_TABLE({ QueryRoutine: routine, Name: "Ids" }),
        new RTL_QUERY_REGISTRY_TABLE({ QueryRoutine: routine, Name: "Path" }),
        new RTL_QUERY_REGISTRY_TABLE({ QueryRoutine: routine, Name: "Path", Flags: RTL_QUERY_REGISTRY_NOEXPAND }),
        end(),
      ], "ctx", { Root: "C:" }),
    );
    expect(st).toBe(STATUS_SUCCESS);
    expect(calls).toEqual([
      ["Ids", REG_SZ, "one\0", 8],
      ["Ids", REG_SZ, "two\0", 8],
      ["Path", REG_SZ, "C:\\x\0", 10],
      ["Path", REG_EXPAND_SZ, "%Root%\\x\0", 18],
    ]);
  });

  it("a routine for a null Name sees every value of the key; a routine's failure ends the query with its status", () => {
    const m = boot();
    m.registry.setValue(SERVICE, "A", REG_DWORD, 1);
    m.registry.setValue(SERVICE, "B", REG_DWORD, 2);
    const seen: (string | null)[] = [];
    const st = m.runInKernel(() =>
      RtlQueryRegistryValues(RTL_REGISTRY_ABSOLUTE, SERVICE, [
        new RTL_QUERY_REGISTRY_TABLE({ QueryRoutine: (n) => (seen.push(n), n === "B" ? STATUS_UNSUCCESSFUL : STATUS_SUCCESS) }),
        end(),
      ], null, null),
    );
    expect([NtStatusName(st), seen]).toEqual(["STATUS_UNSUCCESSFUL", ["A", "B"]]);
  });

  it("a missing value: REQUIRED is STATUS_OBJECT_NAME_NOT_FOUND, a DefaultType other than REG_NONE gives the default, else nothing", () => {
    const m = boot();
    m.registry.createKey(`${SERVICE}\\Parameters`);
    const r = m.runInKernel(() => {
      const a = Out(7);
      const b = Out("unchanged");
      const c = Out(99);
      const st = RtlQueryRegistryValues(RTL_REGISTRY_SERVICES, "rtl\\Parameters", [
        new RTL_QUERY_REGISTRY_TABLE({ Flags: RTL_QUERY_REGISTRY_DIRECT, Name: "Timeout", EntryContext: a, DefaultType: REG_DWORD, DefaultData: 30, DefaultLength: 4 }),
        new RTL_QUERY_REGISTRY_TABLE({ Flags: RTL_QUERY_REGISTRY_DIRECT, Name: "Label", EntryContext: b, DefaultType: REG_SZ, DefaultData: "none" }),
        new RTL_QUERY_REGISTRY_TABLE({ Flags: RTL_QUERY_REGISTRY_DIRECT, Name: "Absent", EntryContext: c, DefaultType: REG_NONE }),
        end(),
      ], null, null);
      const d = Out(0);
      const required = RtlQueryRegistryValues(RTL_REGISTRY_SERVICES, "rtl\\Parameters", [
        new RTL_QUERY_REGISTRY_TABLE({ Flags: RTL_QUERY_REGISTRY_DIRECT | RTL_QUERY_REGISTRY_REQUIRED, Name: "MustHave", EntryContext: d }),
        end(),
      ], null, null);
      return [st, a.value, b.value, c.value, required];
    });
    expect(r).toEqual([STATUS_SUCCESS, 30, "none", 99, STATUS_OBJECT_NAME_NOT_FOUND]);
  });

  it("TYPECHECK refuses a value of another type; larger binary data goes after a LONG size header", () => {
    const m = boot();
    m.registry.setValue(SERVICE, "Blob", REG_BINARY, new Uint8Array([1, 2, 3, 4, 5, 6]));
    const r = m.runInKernel(() => {
      const n = Out(0);
      const mismatch = RtlQueryRegistryValues(RTL_REGISTRY_ABSOLUTE, SERVICE, [
        new RTL_QUERY_REGISTRY_TABLE({ Flags: RTL_QUERY_REGISTRY_DIRECT | RTL_QUERY_REGISTRY_TYPECHECK, Name: "Blob", EntryContext: n, DefaultType: REG_DWORD << RTL_QUERY_REGISTRY_TYPECHECK_SHIFT }),
        end(),
      ], null, null);
      const p = ExAllocatePool2(POOL_FLAG_PAGED, 32, POOL_TAG("Test"));
      WriteUlong(p, 32); // positive: length and type first
      const st = RtlQueryRegistryValues(RTL_REGISTRY_ABSOLUTE, SERVICE, [new RTL_QUERY_REGISTRY_TABLE({ Flags: RTL_QUERY_REGISTRY_DIRECT, Name: "Blob", EntryContext: p }), end()], null, null);
      const out = [ReadUlong(p), ReadUlong(p + 4), ...ReadBytes(p + 8, 6)];
      ExFreePool(p);
      return [mismatch, st, out];
    });
    expect(r).toEqual([STATUS_OBJECT_TYPE_MISMATCH, STATUS_SUCCESS, [6, REG_BINARY, 1, 2, 3, 4, 5, 6]]);
  });

  it("SUBKEY moves the following entries to a subkey; a missing key is STATUS_OBJECT_NAME_NOT_FOUND unless RTL_REGISTRY_OPTIONAL", () => {
    const m = boot();
    m.registry.setValue(`${SERVICE}\\Parameters\\Inner`, "X", REG_DWORD, 4);
    const r = m.runInKernel(() => {
      const x = Out(0);
      const st = RtlQueryRegistryValues(RTL_REGISTRY_SERVICES, "rtl", [
        new RTL_QUERY_REGISTRY_TABLE({ Flags: RTL_QUERY_REGISTRY_SUBKEY, Name: "Parameters\\Inner" }),
        new RTL_QUERY_REGISTRY_TABLE({ Flags: RTL_QUERY_REGISTRY_DIRECT, Name: "X", EntryContext: x }),
        end(),
      ], null, null);
      const y = Out(0);
      const table = [new RTL_QUERY_REGISTRY_TABLE({ Flags: RTL_QUERY_REGISTRY_DIRECT, Name: "Y", EntryContext: y, DefaultType: REG_DWORD, DefaultData: 2 }), end()];
      const missing = RtlQueryRegistryValues(RTL_REGISTRY_SERVICES, "nosuch", table, null, null);
      const optional = RtlQueryRegistryValues(RTL_REGISTRY_SERVICES | RTL_REGISTRY_OPTIONAL, "nosuch", table, null, null);
      return [st, x.value, missing, optional, y.value];
    });
    expect(r).toEqual([STATUS_SUCCESS, 4, STATUS_OBJECT_NAME_NOT_FOUND, STATUS_SUCCESS, 2]);
  });
});

describe("Cm: RtlWriteRegistryValue, RtlCheckRegistryKey, RtlCreateRegistryKey", () => {
  it("write by path relative to Services or Control, creating the last key; check and create keys", () => {
    const m = boot();
    const r = m.runInKernel(() => [
      RtlCheckRegistryKey(RTL_REGISTRY_SERVICES, "writer"),
      RtlCreateRegistryKey(RTL_REGISTRY_SERVICES, "writer"),
      RtlCheckRegistryKey(RTL_REGISTRY_SERVICES, "writer"),
      RtlWriteRegistryValue(RTL_REGISTRY_SERVICES, "writer\\Parameters", "Count", REG_DWORD, [3, 0, 0, 0], 4),
      RtlWriteRegistryValue(RTL_REGISTRY_CONTROL, "Class", "Note", REG_SZ, "hi", 6),
      RtlCreateRegistryKey(RTL_REGISTRY_SERVICES, "a\\b"),
    ]);
    expect(r).toEqual([STATUS_OBJECT_NAME_NOT_FOUND, STATUS_SUCCESS, STATUS_SUCCESS, STATUS_SUCCESS, STATUS_SUCCESS, STATUS_OBJECT_NAME_NOT_FOUND]);
    expect(m.registry.queryValue("HKLM\\SYSTEM\\CurrentControlSet\\Services\\writer\\Parameters", "Count")?.data).toBe(3);
    expect(m.registry.queryValue("HKLM\\SYSTEM\\CurrentControlSet\\Control\\Class", "Note")?.data).toBe("hi");
  });
});
