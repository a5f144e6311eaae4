import { describe, expect, it } from "vitest";
import {
  boot, DISPATCH_LEVEL, DRIVER_VERIFIER_DETECTED_VIOLATION, KEY_READ, KeLowerIrql, KeRaiseIrql, KeyValuePartialInformation, NtQueryValueKey,
  NtOpenKey, InitializeObjectAttributes, OBJ_CASE_INSENSITIVE, OBJECT_ATTRIBUTES, Out, REG_DWORD, REG_MULTI_SZ, RtlCheckRegistryKey,
  RTL_REGISTRY_SERVICES, STATUS_ACCESS_VIOLATION, STATUS_OBJECT_NAME_NOT_FOUND, STATUS_SUCCESS, VF_KERNEL_API_WRONG_IRQL, ZwClose,
  ZwQueryValueKey, KERNEL_BASE, ExAllocatePool2, ExFreePool, POOL_FLAG_PAGED, POOL_TAG,
} from "../src/index.js";
import { CmCreateKeyPath, CmDeleteKeyTree, CmEnumerateSubkeys, CmKeyExists, CmOpenKeyPath, CmQueryValue, CmQueryValueData, CmSetValue } from "../src/internal.js";
import { client, expectBugCheck } from "./helpers.js";

const ENUM = "\\Registry\\Machine\\SYSTEM\\CurrentControlSet\\Enum";

describe("Cm: the kernel's own registry API (for the PnP manager)", () => {
  it("creates device keys by path, sets and reads values, and hands a driver a kernel handle to a key", () => {
    const m = boot();
    const r = m.runInKernel(() => {
      const out: unknown[] = [];
      out.push(CmCreateKeyPath(`${ENUM}\\Root\\TOASTER\\0000\\Device Parameters`));
      out.push(CmSetValue(`${ENUM}\\Root\\TOASTER\\0000`, "HardwareID", REG_MULTI_SZ, ["Root\\Toaster"]));
      out.push(CmQueryValueData(`${ENUM}\\Root\\TOASTER\\0000`, "hardwareid"), CmQueryValue(`${ENUM}\\Root\\TOASTER\\0000`, "Nope"));
      out.push(CmEnumerateSubkeys(`${ENUM}\\Root\\TOASTER\\0000`));
      // IoOpenDeviceRegistryKey(PLUGPLAY_REGKEY_DEVICE) is this: a kernel handle to "Device Parameters", made if missing.
      const h = Out(0);
      out.push(CmOpenKeyPath(h, `${ENUM}\\Root\\TOASTER\\0001\\Device Parameters`, KEY_READ, true));
      const buf = ExAllocatePool2(POOL_FLAG_PAGED, 32, POOL_TAG("Test"));
      const len = Out(0);
      out.push(ZwQueryValueKey(h.value, "x", KeyValuePartialInformation, buf, 32, len));
      ExFreePool(buf);
      out.push(ZwClose(h.value));
      out.push(CmOpenKeyPath(h, `${ENUM}\\Root\\NOPE`, KEY_READ, false));
      out.push(CmDeleteKeyTree(`${ENUM}\\Root\\TOASTER`), CmKeyExists(`${ENUM}\\Root\\TOASTER`), CmKeyExists(`${ENUM}\\Root`));
      return out;
    });
    expect(r).toEqual([
      STATUS_SUCCESS, STATUS_SUCCESS, ["Root\\Toaster"], null, ["Device Parameters"], STATUS_SUCCESS, STATUS_OBJECT_NAME_NOT_FOUND, STATUS_SUCCESS,
      STATUS_OBJECT_NAME_NOT_FOUND, STATUS_SUCCESS, false, true,
    ]);
  });

  it("a client's NtQueryValueKey into a kernel address fails with STATUS_ACCESS_VIOLATION, not a crash", () => {
    const m = boot();
    m.registry.setValue(`${ENUM}\\X`, "V", REG_DWORD, 1);
    const c = client(m);
    const st = m.syscall(c.thread, () => {
      const h = Out(0);
      const oa = new OBJECT_ATTRIBUTES();
      InitializeObjectAttributes(oa, `${ENUM}\\X`, OBJ_CASE_INSENSITIVE, null, null);
      expect(NtOpenKey(h, KEY_READ, oa)).toBe(STATUS_SUCCESS);
      return NtQueryValueKey(h.value, "V", KeyValuePartialInformation, KERNEL_BASE, 64, Out(0));
    });
    expect(st).toBe(STATUS_ACCESS_VIOLATION);
    expect(m.stopped).toBe(false);
  });

  it("the Rtl registry routines are PASSIVE_LEVEL only too (checked: 0xC4/0xE5); the free flavor does not check", () => {
    const free = boot({ flavor: "free" });
    expect(free.runInKernel(() => {
      const old = Out(0);
      KeRaiseIrql(DISPATCH_LEVEL, old);
      const st = RtlCheckRegistryKey(RTL_REGISTRY_SERVICES, null);
      KeLowerIrql(old.value);
      return st;
    })).toBe(STATUS_SUCCESS);
    const m = boot();
    const data = expectBugCheck(m, DRIVER_VERIFIER_DETECTED_VIOLATION, () =>
      m.runInKernel(() => {
        const old = Out(0);
        KeRaiseIrql(DISPATCH_LEVEL, old);
        RtlCheckRegistryKey(RTL_REGISTRY_SERVICES, null);
      }),
    );
    expect([data.BugCheckParameter1, data.BugCheckParameter2]).toEqual([VF_KERNEL_API_WRONG_IRQL, DISPATCH_LEVEL]);
  });
});
