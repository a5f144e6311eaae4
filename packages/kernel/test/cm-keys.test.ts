import { describe, expect, it } from "vitest";
import {
  boot, DISPATCH_LEVEL, DRIVER_VERIFIER_DETECTED_VIOLATION, ExAllocatePool2, ExFreePool, InitializeObjectAttributes, KEY_ALL_ACCESS, KEY_READ,
  KeLowerIrql, KeRaiseIrql, KeyBasicInformation, KeyFullInformation, KeyNameInformation, KeyNodeInformation, OBJ_CASE_INSENSITIVE,
  OBJ_KERNEL_HANDLE, OBJECT_ATTRIBUTES, Out, POOL_FLAG_PAGED, POOL_TAG, ReadBytes, ReadUlong, REG_CREATED_NEW_KEY, REG_OPENED_EXISTING_KEY,
  REG_OPTION_CREATE_LINK, REG_OPTION_NON_VOLATILE, REG_OPTION_VOLATILE, STATUS_BUFFER_OVERFLOW, STATUS_NOT_SUPPORTED, STATUS_BUFFER_TOO_SMALL, STATUS_CANNOT_DELETE,
  STATUS_CHILD_MUST_BE_VOLATILE, STATUS_INVALID_HANDLE, STATUS_KEY_DELETED, STATUS_NO_MORE_ENTRIES, STATUS_OBJECT_NAME_NOT_FOUND,
  STATUS_SUCCESS, VF_RULE_IRQL_ZW_PASSIVE, ZwClose, ZwCreateKey, ZwDeleteKey, ZwEnumerateKey, ZwFlushKey, ZwOpenKey, ZwOpenKeyEx, ZwQueryKey,
  type Machine,
} from "../src/index.js";
import { expectBugCheck } from "./helpers.js";

const SERVICES = "\\Registry\\Machine\\SYSTEM\\CurrentControlSet\\Services";

export function keyAttributes(name: string, root: number | null = null): OBJECT_ATTRIBUTES {
  const oa = new OBJECT_ATTRIBUTES();
  InitializeObjectAttributes(oa, name, OBJ_CASE_INSENSITIVE | OBJ_KERNEL_HANDLE, root, null);
  return oa;
}

/** ZwCreateKey from kernel code: status, handle and disposition. */
function create(name: string, options = REG_OPTION_NON_VOLATILE, root: number | null = null) {
  const h = Out(0);
  const d = Out(0);
  const status = ZwCreateKey(h, KEY_ALL_ACCESS, keyAttributes(name, root), 0, null, options, d);
  return { status, handle: h.value, disposition: d.value };
}

function utf16(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i + 1 < b.length; i += 2) s += String.fromCharCode(b[i]! | (b[i + 1]! << 8));
  return s;
}

/** Names of a key's subkeys through ZwEnumerateKey(KeyBasicInformation) until STATUS_NO_MORE_ENTRIES. */
function enumerate(h: number): string[] {
  const buf = ExAllocatePool2(POOL_FLAG_PAGED, 512, POOL_TAG("Test"));
  const names: string[] = [];
  const len = Out(0);
  for (let i = 0; ; i++) {
    const st = ZwEnumerateKey(h, i, KeyBasicInformation, buf, 512, len);
    if (st === STATUS_NO_MORE_ENTRIES) break;
    expect(st).toBe(STATUS_SUCCESS);
    names.push(utf16(ReadBytes(buf + 16, ReadUlong(buf + 12))));
  }
  ExFreePool(buf);
  return names;
}

function inKernel<T>(m: Machine, fn: () => T): T {
  return m.runInKernel(fn);
}

describe("Cm: keys", () => {
  it("every machine starts with Services, Enum and Control\\Class, and each machine has its own tree", () => {
    const a = boot();
    const b = boot();
    for (const p of [SERVICES, "\\Registry\\Machine\\SYSTEM\\CurrentControlSet\\Enum", "\\Registry\\Machine\\SYSTEM\\CurrentControlSet\\Control\\Class"]) {
      expect(a.registry.keyExists(p), p).toBe(true);
    }
    a.registry.setValue(`${SERVICES}\\only-a`, "Start", 4, 3);
    expect(b.registry.keyExists(`${SERVICES}\\only-a`)).toBe(false);
  });

  it("ZwCreateKey creates a key once, then opens it (REG_CREATED_NEW_KEY, then REG_OPENED_EXISTING_KEY)", () => {
    const m = boot();
    inKernel(m, () => {
      const first = create(`${SERVICES}\\toaster`);
      expect([first.status, first.disposition]).toEqual([STATUS_SUCCESS, REG_CREATED_NEW_KEY]);
      const again = create(`${SERVICES}\\TOASTER`);
      expect([again.status, again.disposition]).toEqual([STATUS_SUCCESS, REG_OPENED_EXISTING_KEY]);
      expect(ZwClose(first.handle)).toBe(STATUS_SUCCESS);
      expect(ZwClose(again.handle)).toBe(STATUS_SUCCESS);
      // Closed means closed: the handle is gone.
      expect(ZwClose(first.handle)).toBe(STATUS_INVALID_HANDLE);
    });
    expect(m.registry.subkeys(SERVICES)).toEqual(["toaster"]);
  });

  it("ZwCreateKey does not create the keys above: a missing parent is STATUS_OBJECT_NAME_NOT_FOUND", () => {
    const m = boot();
    inKernel(m, () => {
      const r = create(`${SERVICES}\\nothere\\Parameters`);
      expect([r.status, r.handle]).toEqual([STATUS_OBJECT_NAME_NOT_FOUND, 0]);
    });
  });

  it("ZwOpenKey finds keys whatever the case of the name, and the key keeps the case it was created with", () => {
    const m = boot();
    inKernel(m, () => {
      const c = create(`${SERVICES}\\MixedCase`);
      ZwClose(c.handle);
      const h = Out(0);
      expect(ZwOpenKey(h, KEY_READ, keyAttributes(`\\REGISTRY\\MACHINE\\system\\currentcontrolset\\services\\mixedcase`))).toBe(STATUS_SUCCESS);
      const len = Out(0);
      const buf = ExAllocatePool2(POOL_FLAG_PAGED, 256, POOL_TAG("Test"));
      expect(ZwQueryKey(h.value, KeyBasicInformation, buf, 256, len)).toBe(STATUS_SUCCESS);
      expect(utf16(ReadBytes(buf + 16, ReadUlong(buf + 12)))).toBe("MixedCase");
      expect(len.value).toBe(16 + 2 * "MixedCase".length);
      ExFreePool(buf);
      ZwClose(h.value);
      expect(ZwOpenKey(h, KEY_READ, keyAttributes(`${SERVICES}\\Missing`))).toBe(STATUS_OBJECT_NAME_NOT_FOUND);
      expect(ZwOpenKeyEx(h, KEY_READ, keyAttributes(`${SERVICES}\\mixedCASE`), 0)).toBe(STATUS_SUCCESS);
      ZwClose(h.value);
    });
  });

  it("a key opens relative to an open key (RootDirectory), as a driver opens Parameters under its service key", () => {
    const m = boot();
    m.registry.setValue(`${SERVICES}\\echo\\Parameters`, "Depth", 4, 8);
    inKernel(m, () => {
      const svc = Out(0);
      expect(ZwOpenKey(svc, KEY_READ, keyAttributes(`${SERVICES}\\echo`))).toBe(STATUS_SUCCESS);
      const params = Out(0);
      expect(ZwOpenKey(params, KEY_READ, keyAttributes("Parameters", svc.value))).toBe(STATUS_SUCCESS);
      const sub = create("Sub", REG_OPTION_NON_VOLATILE, params.value);
      expect([sub.status, sub.disposition]).toEqual([STATUS_SUCCESS, REG_CREATED_NEW_KEY]);
      for (const h of [sub.handle, params.value, svc.value]) ZwClose(h);
    });
    expect(m.registry.subkeys(`${SERVICES}\\echo\\Parameters`)).toEqual(["Sub"]);
  });

  it("ZwEnumerateKey returns subkeys sorted by name without case, then STATUS_NO_MORE_ENTRIES", () => {
    const m = boot();
    inKernel(m, () => {
      const root = create(`${SERVICES}\\enum-test`);
      for (const n of ["zeta", "Alpha", "beta", "GAMMA"]) ZwClose(create(n, REG_OPTION_NON_VOLATILE, root.handle).handle);
      expect(enumerate(root.handle)).toEqual(["Alpha", "beta", "GAMMA", "zeta"]);
      ZwClose(root.handle);
    });
  });

  it("KeyNodeInformation and KeyFullInformation lay out counts and names as wdm.h does", () => {
    const m = boot();
    m.registry.setValue(`${SERVICES}\\full\\LongerName`, "", 4, 1);
    m.registry.setValue(`${SERVICES}\\full\\B`, "x", 4, 1);
    m.registry.setValue(`${SERVICES}\\full`, "ValueNameOf14", 3, new Uint8Array(10));
    m.registry.setValue(`${SERVICES}\\full`, "v", 4, 7);
    inKernel(m, () => {
      const h = Out(0);
      expect(ZwOpenKey(h, KEY_READ, keyAttributes(`${SERVICES}\\full`))).toBe(STATUS_SUCCESS);
      const buf = ExAllocatePool2(POOL_FLAG_PAGED, 256, POOL_TAG("Test"));
      const len = Out(0);
      expect(ZwQueryKey(h.value, KeyFullInformation, buf, 256, len)).toBe(STATUS_SUCCESS);
      expect(len.value).toBe(44); // FIELD_OFFSET(KEY_FULL_INFORMATION, Class), no class
      // ClassOffset, ClassLength, SubKeys, MaxNameLen, MaxClassLen, Values, MaxValueNameLen, MaxValueDataLen
      expect([12, 16, 20, 24, 28, 32, 36, 40].map((o) => ReadUlong(buf + o))).toEqual([0xffffffff, 0, 2, 20, 0, 2, 26, 10]);
      expect(ZwEnumerateKey(h.value, 1, KeyNodeInformation, buf, 256, len)).toBe(STATUS_SUCCESS);
      expect(len.value).toBe(24 + 20);
      expect(utf16(ReadBytes(buf + 24, ReadUlong(buf + 20)))).toBe("LongerName");
      expect(ZwQueryKey(h.value, KeyNameInformation, buf, 256, len)).toBe(STATUS_SUCCESS);
      expect(utf16(ReadBytes(buf + 4, ReadUlong(buf)))).toBe("\\REGISTRY\\MACHINE\\SYSTEM\\CurrentControlSet\\Services\\full");
      ExFreePool(buf);
      ZwClose(h.value);
    });
  });

  it("a buffer too small for the fixed part is STATUS_BUFFER_TOO_SMALL; one too small for the name is STATUS_BUFFER_OVERFLOW; ResultLength is the size needed", () => {
    // https://learn.microsoft.com/windows-hardware/drivers/ddi/wdm/nf-wdm-zwenumeratekey (Return value)
    const m = boot();
    m.registry.createKey(`${SERVICES}\\small\\Child`);
    inKernel(m, () => {
      const h = Out(0);
      expect(ZwOpenKey(h, KEY_READ, keyAttributes(`${SERVICES}\\small`))).toBe(STATUS_SUCCESS);
      const buf = ExAllocatePool2(POOL_FLAG_PAGED, 64, POOL_TAG("Test"));
      const len = Out(0);
      expect(ZwEnumerateKey(h.value, 0, KeyBasicInformation, buf, 15, len)).toBe(STATUS_BUFFER_TOO_SMALL);
      expect(len.value).toBe(16 + 10);
      expect(ZwEnumerateKey(h.value, 0, KeyBasicInformation, buf, 20, len)).toBe(STATUS_BUFFER_OVERFLOW);
      expect(len.value).toBe(26);
      expect(ReadUlong(buf + 12)).toBe(10); // the fixed part is there, NameLength the full length
      expect(utf16(ReadBytes(buf + 16, 4))).toBe("Ch");
      expect(ZwEnumerateKey(h.value, 0, KeyBasicInformation, buf, 26, len)).toBe(STATUS_SUCCESS);
      ExFreePool(buf);
      ZwClose(h.value);
    });
  });

  it("ZwDeleteKey deletes a key with no subkeys; a key with subkeys or a hive root is STATUS_CANNOT_DELETE; the open handle then sees STATUS_KEY_DELETED", () => {
    const m = boot();
    m.registry.createKey(`${SERVICES}\\gone\\Child`);
    inKernel(m, () => {
      const parent = Out(0);
      expect(ZwOpenKey(parent, KEY_ALL_ACCESS, keyAttributes(`${SERVICES}\\gone`))).toBe(STATUS_SUCCESS);
      expect(ZwDeleteKey(parent.value)).toBe(STATUS_CANNOT_DELETE);
      const child = Out(0);
      expect(ZwOpenKey(child, KEY_ALL_ACCESS, keyAttributes("Child", parent.value))).toBe(STATUS_SUCCESS);
      expect(ZwDeleteKey(child.value)).toBe(STATUS_SUCCESS);
      expect(ZwFlushKey(child.value)).toBe(STATUS_KEY_DELETED);
      expect(ZwClose(child.value)).toBe(STATUS_SUCCESS);
      expect(ZwDeleteKey(parent.value)).toBe(STATUS_SUCCESS);
      ZwClose(parent.value);
      const root = Out(0);
      expect(ZwOpenKey(root, KEY_ALL_ACCESS, keyAttributes("\\Registry\\Machine\\SYSTEM"))).toBe(STATUS_SUCCESS);
      expect(ZwDeleteKey(root.value)).toBe(STATUS_CANNOT_DELETE);
      ZwClose(root.value);
    });
    expect(m.registry.keyExists(`${SERVICES}\\gone`)).toBe(false);
  });

  it("a volatile key is volatile all the way down: a non-volatile child is STATUS_CHILD_MUST_BE_VOLATILE", () => {
    const m = boot();
    inKernel(m, () => {
      const v = create(`${SERVICES}\\runtime`, REG_OPTION_VOLATILE);
      expect(v.status).toBe(STATUS_SUCCESS);
      expect(create("state", REG_OPTION_NON_VOLATILE, v.handle).status).toBe(STATUS_CHILD_MUST_BE_VOLATILE);
      // Link keys are not emulated: asking for one fails rather than making a plain key.
      expect(create("link", REG_OPTION_CREATE_LINK | REG_OPTION_VOLATILE, v.handle).status).toBe(STATUS_NOT_SUPPORTED);
      const child = create("state", REG_OPTION_VOLATILE, v.handle);
      expect(child.status).toBe(STATUS_SUCCESS);
      ZwClose(child.handle);
      ZwClose(v.handle);
    });
  });

  it("registry routines are PASSIVE_LEVEL only: the checked flavor bug-checks 0xC4 with rule IrqlZwPassive", () => {
    const m = boot({ flavor: "checked" });
    const data = expectBugCheck(m, DRIVER_VERIFIER_DETECTED_VIOLATION, () =>
      m.runInKernel(() => {
        const old = Out(0);
        KeRaiseIrql(DISPATCH_LEVEL, old);
        const h = Out(0);
        ZwOpenKey(h, KEY_READ, keyAttributes(SERVICES));
        KeLowerIrql(old.value);
      }),
    );
    expect([data.BugCheckParameter1, data.BugCheckParameter2]).toEqual([VF_RULE_IRQL_ZW_PASSIVE, DISPATCH_LEVEL]);
    expect(data.explanation).toMatch(/ZwOpenKey/);
  });
});
