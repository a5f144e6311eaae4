import { describe, expect, it } from "vitest";
import {
  boot, InitializeObjectAttributes, KEY_READ, KeyValuePartialInformation, OBJ_CASE_INSENSITIVE, OBJ_KERNEL_HANDLE, OBJECT_ATTRIBUTES, Out,
  ExAllocatePool2, ExFreePool, POOL_FLAG_PAGED, POOL_TAG, ReadUlong, REG_DWORD, RTL_QUERY_REGISTRY_DIRECT, RTL_QUERY_REGISTRY_TABLE, RTL_REGISTRY_ABSOLUTE,
  RtlQueryRegistryValues, STATUS_OBJECT_NAME_NOT_FOUND, STATUS_SUCCESS, ZwClose, ZwOpenKey, ZwQueryValueKey, type DRIVER_OBJECT, type NTSTATUS,
} from "../src/index.js";

const SERVICES = "\\Registry\\Machine\\SYSTEM\\CurrentControlSet\\Services";

describe("Cm: a driver's service key", () => {
  it("DriverEntry gets \\Registry\\Machine\\SYSTEM\\CurrentControlSet\\Services\\<name>, made on load if missing", () => {
    const m = boot();
    let path = "";
    expect(m.loadDriver("fresh", (_d: DRIVER_OBJECT, RegistryPath: string) => ((path = RegistryPath), STATUS_SUCCESS))).toBe(STATUS_SUCCESS);
    expect(path).toBe(`${SERVICES}\\fresh`);
    expect(m.registry.keyExists(path)).toBe(true);
  });

  it("a driver reads its Parameters key from DriverEntry, seeded by the test before boot", () => {
    const m = boot({
      registry: { format: "wdfjs-registry", version: 1, keys: { [`${SERVICES}\\echo\\Parameters`]: { QueueDepth: { type: REG_DWORD, data: 12 } } } },
    });
    const seen: unknown[] = [];
    function DriverEntry(_DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS {
      // The C way: open RegistryPath\Parameters and query a value into a buffer.
      const oa = new OBJECT_ATTRIBUTES();
      InitializeObjectAttributes(oa, `${RegistryPath}\\Parameters`, OBJ_CASE_INSENSITIVE | OBJ_KERNEL_HANDLE, null, null);
      const h = Out(0);
      let st = ZwOpenKey(h, KEY_READ, oa);
      if (st !== STATUS_SUCCESS) return st;
      const buf = ExAllocatePool2(POOL_FLAG_PAGED, 16, POOL_TAG("Echo"));
      const len = Out(0);
      st = ZwQueryValueKey(h.value, "QueueDepth", KeyValuePartialInformation, buf, 16, len);
      seen.push(st, ReadUlong(buf + 12));
      seen.push(ZwQueryValueKey(h.value, "Missing", KeyValuePartialInformation, buf, 16, len));
      ExFreePool(buf);
      ZwClose(h.value);
      // And the short way, with a default for what is not there.
      const depth = Out(0);
      const mode = Out(0);
      seen.push(RtlQueryRegistryValues(RTL_REGISTRY_ABSOLUTE, `${RegistryPath}\\Parameters`, [
        new RTL_QUERY_REGISTRY_TABLE({ Flags: RTL_QUERY_REGISTRY_DIRECT, Name: "QueueDepth", EntryContext: depth }),
        new RTL_QUERY_REGISTRY_TABLE({ Flags: RTL_QUERY_REGISTRY_DIRECT, Name: "Mode", EntryContext: mode, DefaultType: REG_DWORD, DefaultData: 1 }),
        new RTL_QUERY_REGISTRY_TABLE(),
      ], null, null), depth.value, mode.value);
      return STATUS_SUCCESS;
    }
    expect(m.loadDriver("echo", DriverEntry)).toBe(STATUS_SUCCESS);
    expect(seen).toEqual([STATUS_SUCCESS, 12, STATUS_OBJECT_NAME_NOT_FOUND, STATUS_SUCCESS, 12, 1]);
    // The driver's handles are closed and its pool freed: unloading finds nothing left over.
    m.unloadDriver("echo");
    expect(m.stopped).toBe(false);
  });
});
