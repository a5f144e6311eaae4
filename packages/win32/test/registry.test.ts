import { describe, expect, it } from "vitest";
import { boot, Out, ReadBytes, WriteBytes } from "@wdfjs/kernel";
import {
  ERROR_ACCESS_DENIED, ERROR_FILE_NOT_FOUND, ERROR_MORE_DATA, ERROR_NO_MORE_ITEMS, ERROR_SUCCESS, HKEY_LOCAL_MACHINE, KEY_ALL_ACCESS, KEY_READ,
  KEY_WRITE, MEM_COMMIT, PAGE_READWRITE, REG_CREATED_NEW_KEY, REG_DWORD, REG_OPENED_EXISTING_KEY, REG_OPTION_NON_VOLATILE, REG_SZ,
  Win32Process,
} from "../src/index.js";

const SERVICES = "SYSTEM\\CurrentControlSet\\Services";

describe("advapi32: the registry", () => {
  it("RegCreateKeyEx makes every missing key of the path; RegSetValueEx and RegQueryValueEx round-trip through the kernel's registry", () => {
    const m = boot();
    const app = Win32Process.create(m, "regedit.exe");
    const hk = Out(0);
    const disp = Out(0);
    expect(app.RegCreateKeyEx(HKEY_LOCAL_MACHINE, `${SERVICES}\\toaster\\Parameters`, 0, null, REG_OPTION_NON_VOLATILE, KEY_ALL_ACCESS, null, hk, disp)).toBe(ERROR_SUCCESS);
    expect(disp.value).toBe(REG_CREATED_NEW_KEY);
    expect(app.RegSetValueEx(hk.value, "Depth", 0, REG_DWORD, [7, 0, 0, 0], 4)).toBe(ERROR_SUCCESS);
    expect(app.RegCloseKey(hk.value)).toBe(ERROR_SUCCESS);
    expect(m.registry.queryValue(`HKLM\\${SERVICES}\\toaster\\Parameters`, "Depth")?.data).toBe(7);

    expect(app.RegCreateKeyEx(HKEY_LOCAL_MACHINE, `${SERVICES}\\toaster\\Parameters`, 0, null, REG_OPTION_NON_VOLATILE, KEY_READ, null, hk, disp)).toBe(ERROR_SUCCESS);
    expect(disp.value).toBe(REG_OPENED_EXISTING_KEY);
    const buf = app.VirtualAlloc(0, 4096, MEM_COMMIT, PAGE_READWRITE);
    const type = Out(0);
    const size = Out(4);
    expect(app.RegQueryValueEx(hk.value, "depth", null, type, buf, size)).toBe(ERROR_SUCCESS);
    expect([type.value, size.value, [...m.syscall(app.thread, () => ReadBytes(buf, 4))]]).toEqual([REG_DWORD, 4, [7, 0, 0, 0]]);
    app.RegCloseKey(hk.value);
  });

  it("RegQueryValueEx: a missing value is ERROR_FILE_NOT_FOUND; a small buffer ERROR_MORE_DATA with the size needed; no buffer asks the size", () => {
    const m = boot();
    m.registry.setValue(`HKLM\\${SERVICES}\\echo`, "DisplayName", REG_SZ, "Echo sample");
    const app = Win32Process.create(m, "svc.exe");
    const hk = Out(0);
    expect(app.RegOpenKeyEx(HKEY_LOCAL_MACHINE, `${SERVICES}\\ECHO`, 0, KEY_READ, hk)).toBe(ERROR_SUCCESS);
    const buf = app.VirtualAlloc(0, 4096, MEM_COMMIT, PAGE_READWRITE);
    const size = Out(4);
    expect(app.RegQueryValueEx(hk.value, "Nope", null, null, buf, size)).toBe(ERROR_FILE_NOT_FOUND);
    expect(app.RegQueryValueEx(hk.value, "DisplayName", null, null, buf, size)).toBe(ERROR_MORE_DATA);
    expect(size.value).toBe(24); // "Echo sample" and its NUL in UTF-16
    const asked = Out(0);
    expect(app.RegQueryValueEx(hk.value, "DisplayName", null, null, null, asked)).toBe(ERROR_SUCCESS);
    expect(asked.value).toBe(24);
    expect(app.RegOpenKeyEx(HKEY_LOCAL_MACHINE, `${SERVICES}\\missing`, 0, KEY_READ, Out(0))).toBe(ERROR_FILE_NOT_FOUND);
    // Read-only handle: writing is refused.
    m.syscall(app.thread, () => WriteBytes(buf, [1, 0, 0, 0]));
    expect(app.RegSetValueEx(hk.value, "X", 0, REG_DWORD, buf, 4)).toBe(ERROR_ACCESS_DENIED);
    app.RegCloseKey(hk.value);
  });

  it("RegEnumKeyEx lists subkeys until ERROR_NO_MORE_ITEMS; RegDeleteKey refuses a key with subkeys", () => {
    const m = boot();
    for (const n of ["b", "A", "c"]) m.registry.createKey(`HKLM\\SOFTWARE\\Vendor\\${n}`);
    const app = Win32Process.create(m, "list.exe");
    const hk = Out(0);
    expect(app.RegOpenKeyEx(HKEY_LOCAL_MACHINE, "SOFTWARE\\Vendor", 0, KEY_READ | KEY_WRITE, hk)).toBe(ERROR_SUCCESS);
    const names: string[] = [];
    for (let i = 0; ; i++) {
      const name = Out("");
      const cch = Out(256);
      const r = app.RegEnumKeyEx(hk.value, i, name, cch, null, null, null, null);
      if (r === ERROR_NO_MORE_ITEMS) break;
      expect(r).toBe(ERROR_SUCCESS);
      names.push(name.value);
    }
    expect(names).toEqual(["A", "b", "c"]);
    expect(app.RegEnumKeyEx(hk.value, 0, Out(""), Out(1), null, null, null, null)).toBe(ERROR_MORE_DATA);
    expect(app.RegDeleteKey(HKEY_LOCAL_MACHINE, "SOFTWARE\\Vendor")).toBe(ERROR_ACCESS_DENIED);
    expect(app.RegDeleteKey(hk.value, "b")).toBe(ERROR_SUCCESS);
    expect(m.registry.subkeys("HKLM\\SOFTWARE\\Vendor")).toEqual(["A", "c"]);
    expect(app.RegCloseKey(hk.value)).toBe(ERROR_SUCCESS);
  });

  it("RegEnumValue lists values in the order they were set, with type and data, until ERROR_NO_MORE_ITEMS", () => {
    const m = boot();
    m.registry.setValue("HKLM\\SOFTWARE\\Vendor", "Version", REG_DWORD, 3);
    m.registry.setValue("HKLM\\SOFTWARE\\Vendor", "Name", REG_SZ, "wdfjs");
    const app = Win32Process.create(m, "values.exe");
    const hk = Out(0);
    expect(app.RegOpenKeyEx(HKEY_LOCAL_MACHINE, "SOFTWARE\\Vendor", 0, KEY_READ, hk)).toBe(ERROR_SUCCESS);
    const buf = app.VirtualAlloc(0, 4096, MEM_COMMIT, PAGE_READWRITE);
    const seen: [string, number, number][] = [];
    for (let i = 0; ; i++) {
      const name = Out("");
      const type = Out(0);
      const size = Out(4096);
      const r = app.RegEnumValue(hk.value, i, name, Out(64), null, type, buf, size);
      if (r === ERROR_NO_MORE_ITEMS) break;
      expect(r).toBe(ERROR_SUCCESS);
      seen.push([name.value, type.value, size.value]);
    }
    expect(seen).toEqual([["Version", REG_DWORD, 4], ["Name", REG_SZ, 12]]);
    expect(m.syscall(app.thread, () => [...ReadBytes(buf, 12)])).toEqual([0x77, 0, 0x64, 0, 0x66, 0, 0x6a, 0, 0x73, 0, 0, 0]);
    const small = Out(2);
    expect(app.RegEnumValue(hk.value, 1, Out(""), Out(64), null, null, buf, small)).toBe(ERROR_MORE_DATA);
    expect(small.value).toBe(12);
    app.RegCloseKey(hk.value);
  });
});
