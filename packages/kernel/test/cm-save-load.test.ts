import { describe, expect, it } from "vitest";
import {
  boot, InitializeObjectAttributes, KEY_ALL_ACCESS, MachineUsageError, OBJ_CASE_INSENSITIVE, OBJ_KERNEL_HANDLE, OBJECT_ATTRIBUTES, Out, REG_BINARY,
  REG_DWORD, REG_MULTI_SZ, REG_OPTION_VOLATILE, REG_QWORD, REG_SZ, STATUS_SUCCESS, ZwClose, ZwCreateKey, type RegistrySnapshot,
} from "../src/index.js";

const SERVICES = "\\Registry\\Machine\\SYSTEM\\CurrentControlSet\\Services";

describe("Cm: saving and loading a registry", () => {
  it("save() is plain JSON of the non-volatile keys; a second machine booted with it reads the same values", () => {
    const a = boot();
    a.registry.setValue(`${SERVICES}\\toaster`, "Start", REG_DWORD, 3);
    a.registry.setValue(`${SERVICES}\\toaster`, "DisplayName", REG_SZ, "Toaster");
    a.registry.setValue(`${SERVICES}\\toaster\\Parameters`, "Ids", REG_MULTI_SZ, ["{b85b7c50-6a01-11d2-b841-00c04fad5171}\\MsToaster"]);
    a.registry.setValue(`${SERVICES}\\toaster\\Parameters`, "Big", REG_QWORD, 2n ** 60n);
    a.registry.setValue(`${SERVICES}\\toaster\\Parameters`, "Blob", REG_BINARY, new Uint8Array([0xde, 0xad]));
    // A REG_SZ without its NUL is kept byte for byte.
    a.registry.setValue(`${SERVICES}\\toaster\\Parameters`, "Odd", REG_SZ, new Uint8Array([0x41, 0]));
    a.runInKernel(() => {
      const h = Out(0);
      const oa = new OBJECT_ATTRIBUTES();
      InitializeObjectAttributes(oa, `${SERVICES}\\toaster\\Runtime`, OBJ_CASE_INSENSITIVE | OBJ_KERNEL_HANDLE, null, null);
      expect(ZwCreateKey(h, KEY_ALL_ACCESS, oa, 0, null, REG_OPTION_VOLATILE, null)).toBe(STATUS_SUCCESS);
      ZwClose(h.value);
    });
    a.registry.setValue(`${SERVICES}\\toaster\\Runtime`, "Pid", REG_DWORD, 1);
    const snapshot = JSON.parse(JSON.stringify(a.registry.save())) as RegistrySnapshot;
    expect(snapshot.keys[`${SERVICES}\\toaster`]).toEqual({ Start: { type: REG_DWORD, data: 3 }, DisplayName: { type: REG_SZ, data: "Toaster" } });
    expect(snapshot.keys[`${SERVICES}\\toaster\\Parameters`]).toEqual({
      Ids: { type: REG_MULTI_SZ, data: ["{b85b7c50-6a01-11d2-b841-00c04fad5171}\\MsToaster"] },
      Big: { type: REG_QWORD, data: "1152921504606846976" },
      Blob: { type: REG_BINARY, hex: "dead" },
      Odd: { type: REG_SZ, hex: "4100" },
    });
    expect(Object.keys(snapshot.keys).filter((k) => k.includes("Runtime"))).toEqual([]);

    const b = boot({ registry: snapshot });
    for (const name of ["Start", "DisplayName"]) expect(b.registry.queryValue(`${SERVICES}\\toaster`, name)).toEqual(a.registry.queryValue(`${SERVICES}\\toaster`, name));
    expect(b.registry.queryValueBytes(`${SERVICES}\\toaster\\Parameters`, "Odd")).toEqual(new Uint8Array([0x41, 0]));
    expect(b.registry.queryValue(`${SERVICES}\\toaster\\Parameters`, "Big")?.data).toBe(2n ** 60n);
    expect(b.registry.keyExists(`${SERVICES}\\toaster\\Runtime`)).toBe(false);
    // Saving the loaded machine gives the same snapshot.
    expect(b.registry.save()).toEqual(snapshot);
  });

  it("load() adds a hand-written snapshot's keys to a running machine (HARDWARE stays volatile and unsaved)", () => {
    const m = boot();
    m.registry.load({ format: "wdfjs-registry", version: 1, keys: { [`${SERVICES}\\echo\\Parameters`]: { Depth: { type: REG_DWORD, data: 4 } } } });
    expect(m.registry.queryValue(`${SERVICES}\\echo\\Parameters`, "depth")).toEqual({ name: "Depth", type: REG_DWORD, data: 4 });
    expect(Object.keys(m.registry.save().keys).some((k) => /HARDWARE/i.test(k))).toBe(false);
  });

  it("boot() checks the registry option and says what is wrong", () => {
    expect(() => boot({ registry: { keys: {} } as never })).toThrow(MachineUsageError);
    expect(() => boot({ registry: { format: "wdfjs-registry", version: 1, keys: { "HKLM\\X": {} } } })).toThrow(/registry: "HKLM\\\\X" is not an absolute key path/);
    expect(() => boot({ registry: { format: "wdfjs-registry", version: 1, keys: { [SERVICES]: { S: { type: REG_DWORD, data: "x" } } } } })).toThrow(
      /value "S" \(REG_DWORD\): a REG_DWORD value takes an integer/,
    );
  });

  it("a new machine has HARDWARE, SOFTWARE and SYSTEM under \\Registry\\Machine and nothing else", () => {
    const m = boot();
    expect(m.registry.subkeys("\\Registry\\Machine")).toEqual(["HARDWARE", "SOFTWARE", "SYSTEM"]);
  });
});
