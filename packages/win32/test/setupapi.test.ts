import { describe, expect, it } from "vitest";
import { Out } from "@wdfjs/kernel";
import {
  DIGCF_DEVICEINTERFACE, DIGCF_PRESENT, ERROR_INSUFFICIENT_BUFFER, ERROR_INVALID_HANDLE, ERROR_INVALID_PARAMETER, ERROR_INVALID_USER_BUFFER,
  ERROR_NO_MORE_ITEMS, ERROR_NO_SUCH_DEVINST, ERROR_NOT_SUPPORTED, GENERIC_READ, INVALID_HANDLE_VALUE, OPEN_EXISTING, SP_DEVICE_INTERFACE_DATA,
  SP_DEVICE_INTERFACE_DATA_SIZE, SP_DEVICE_INTERFACE_DETAIL_DATA_DEVICE_PATH, SP_DEVICE_INTERFACE_DETAIL_DATA_SIZE, SP_DEVINFO_DATA, SP_DEVINFO_DATA_SIZE,
  SPINT_ACTIVE, Win32Process, type HDEVINFO,
} from "../src/index.js";
import { GUID_DEVINTERFACE_SAMPLE, sampleMachine, samplePath } from "./interface-sample.js";

/** toast.exe's loop: every interface of the class in the set, by SetupDiEnumDeviceInterfaces and the two-call detail. */
function devicePaths(app: Win32Process, h: HDEVINFO): string[] {
  const out: string[] = [];
  const data = new SP_DEVICE_INTERFACE_DATA();
  data.cbSize = SP_DEVICE_INTERFACE_DATA_SIZE;
  for (let i = 0; app.SetupDiEnumDeviceInterfaces(h, null, GUID_DEVINTERFACE_SAMPLE, i, data); i++) {
    const required = Out(0);
    app.SetupDiGetDeviceInterfaceDetail(h, data, null, 0, required, null);
    const detail = app.alloc(required.value);
    app.WriteMemory(detail, [SP_DEVICE_INTERFACE_DETAIL_DATA_SIZE, 0, 0, 0]);
    expect(app.SetupDiGetDeviceInterfaceDetail(h, data, detail, required.value, null, null)).toBe(true);
    out.push(app.ReadWideString(detail + SP_DEVICE_INTERFACE_DETAIL_DATA_DEVICE_PATH));
  }
  expect(app.GetLastError()).toBe(ERROR_NO_MORE_ITEMS);
  return out;
}

describe("setupapi: device interface enumeration", () => {
  it("SetupDiGetClassDevs finds the enabled interface; the two-call detail gives its \\\\?\\ path, which CreateFile opens", () => {
    const { m, add } = sampleMachine();
    const inst = add();
    expect(inst).toBe("ROOT\\SAMPLE\\0000");
    const app = Win32Process.create(m, "toast.exe");
    const h = app.SetupDiGetClassDevs(GUID_DEVINTERFACE_SAMPLE, null, null, DIGCF_PRESENT | DIGCF_DEVICEINTERFACE);
    expect(h).not.toBe(INVALID_HANDLE_VALUE);

    const data = new SP_DEVICE_INTERFACE_DATA();
    data.cbSize = SP_DEVICE_INTERFACE_DATA_SIZE;
    expect(app.SetupDiEnumDeviceInterfaces(h, null, GUID_DEVINTERFACE_SAMPLE, 0, data)).toBe(true);
    expect(data.Flags & SPINT_ACTIVE).toBe(SPINT_ACTIVE);
    expect(data.InterfaceClassGuid.toLowerCase()).toBe(GUID_DEVINTERFACE_SAMPLE.toLowerCase());
    expect(app.SetupDiEnumDeviceInterfaces(h, null, GUID_DEVINTERFACE_SAMPLE, 1, data)).toBe(false);
    expect(app.GetLastError()).toBe(ERROR_NO_MORE_ITEMS);
    expect(app.SetupDiEnumDeviceInterfaces(h, null, GUID_DEVINTERFACE_SAMPLE, 0, data)).toBe(true);

    // First call: how much room.
    const required = Out(0);
    expect(app.SetupDiGetDeviceInterfaceDetail(h, data, null, 0, required, null)).toBe(false);
    expect(app.GetLastError()).toBe(ERROR_INSUFFICIENT_BUFFER);
    const path = samplePath(inst);
    expect(required.value).toBe(4 + 2 * (path.length + 1));
    // Second call: the path, and the device.
    const detail = app.alloc(required.value);
    app.WriteMemory(detail, [SP_DEVICE_INTERFACE_DETAIL_DATA_SIZE, 0, 0, 0]);
    const dev = new SP_DEVINFO_DATA();
    dev.cbSize = SP_DEVINFO_DATA_SIZE;
    expect(app.SetupDiGetDeviceInterfaceDetail(h, data, detail, required.value, null, dev)).toBe(true);
    expect(app.ReadWideString(detail + SP_DEVICE_INTERFACE_DETAIL_DATA_DEVICE_PATH)).toBe(path);
    expect(dev.DevInst).not.toBe(0);

    const hDevice = app.CreateFile(app.ReadWideString(detail + 4), GENERIC_READ, 0, null, OPEN_EXISTING, 0, 0);
    expect(hDevice).not.toBe(INVALID_HANDLE_VALUE);
    expect(app.CloseHandle(hDevice)).toBe(true);
    expect(app.SetupDiDestroyDeviceInfoList(h)).toBe(true);
    expect(app.SetupDiDestroyDeviceInfoList(h)).toBe(false);
    expect(app.GetLastError()).toBe(ERROR_INVALID_HANDLE);
  });

  it("the detail call checks its structures as setupapi does", () => {
    const { m, add } = sampleMachine();
    const inst = add();
    const app = Win32Process.create(m, "toast.exe");
    const h = app.SetupDiGetClassDevs(GUID_DEVINTERFACE_SAMPLE, null, null, DIGCF_PRESENT | DIGCF_DEVICEINTERFACE);
    const data = new SP_DEVICE_INTERFACE_DATA();
    expect(app.SetupDiEnumDeviceInterfaces(h, null, GUID_DEVINTERFACE_SAMPLE, 0, data)).toBe(false); // cbSize not set
    expect(app.GetLastError()).toBe(ERROR_INVALID_PARAMETER);
    data.cbSize = SP_DEVICE_INTERFACE_DATA_SIZE;
    expect(app.SetupDiEnumDeviceInterfaces(h, null, GUID_DEVINTERFACE_SAMPLE, 0, data)).toBe(true);
    const need = 4 + 2 * (samplePath(inst).length + 1);
    const detail = app.alloc(need);
    // cbSize must be sizeof(SP_DEVICE_INTERFACE_DETAIL_DATA), not the buffer's size.
    app.WriteMemory(detail, [need, 0, 0, 0]);
    expect(app.SetupDiGetDeviceInterfaceDetail(h, data, detail, need, null, null)).toBe(false);
    expect(app.GetLastError()).toBe(ERROR_INVALID_USER_BUFFER);
    // No buffer but a size.
    expect(app.SetupDiGetDeviceInterfaceDetail(h, data, null, need, null, null)).toBe(false);
    expect(app.GetLastError()).toBe(ERROR_INVALID_USER_BUFFER);
    // Too small: the size needed.
    app.WriteMemory(detail, [SP_DEVICE_INTERFACE_DETAIL_DATA_SIZE, 0, 0, 0]);
    const required = Out(0);
    expect(app.SetupDiGetDeviceInterfaceDetail(h, data, detail, need - 2, required, null)).toBe(false);
    expect([app.GetLastError(), required.value]).toEqual([ERROR_INSUFFICIENT_BUFFER, need]);
    expect(app.SetupDiGetDeviceInterfaceDetail(h, data, detail, need, required, null)).toBe(true);
    // Not a set.
    expect(app.SetupDiEnumDeviceInterfaces(12345, null, GUID_DEVINTERFACE_SAMPLE, 0, data)).toBe(false);
    expect(app.GetLastError()).toBe(ERROR_INVALID_HANDLE);
    app.SetupDiDestroyDeviceInfoList(h);
    expect(app.SetupDiGetDeviceInterfaceDetail(h, data, detail, need, required, null)).toBe(false);
    expect(app.GetLastError()).toBe(ERROR_INVALID_HANDLE);
  });

  it("SetupDiGetClassDevs refuses setup-class sets and bad arguments with INVALID_HANDLE_VALUE and the last error", () => {
    const { m } = sampleMachine();
    const app = Win32Process.create(m, "app.exe");
    expect(app.SetupDiGetClassDevs(GUID_DEVINTERFACE_SAMPLE, null, null, DIGCF_PRESENT)).toBe(INVALID_HANDLE_VALUE);
    expect(app.GetLastError()).toBe(ERROR_NOT_SUPPORTED);
    expect(app.SetupDiGetClassDevs("not a guid", null, null, DIGCF_PRESENT | DIGCF_DEVICEINTERFACE)).toBe(INVALID_HANDLE_VALUE);
    expect(app.GetLastError()).toBe(ERROR_INVALID_PARAMETER);
    expect(app.SetupDiGetClassDevs(GUID_DEVINTERFACE_SAMPLE, "ROOT\\NOPE\\0000", null, DIGCF_PRESENT | DIGCF_DEVICEINTERFACE)).toBe(INVALID_HANDLE_VALUE);
    expect(app.GetLastError()).toBe(ERROR_NO_SUCH_DEVINST);
    // No interface yet: an empty set.
    const h = app.SetupDiGetClassDevs(GUID_DEVINTERFACE_SAMPLE, null, null, DIGCF_PRESENT | DIGCF_DEVICEINTERFACE);
    expect(devicePaths(app, h)).toEqual([]);
    app.SetupDiDestroyDeviceInfoList(h);
  });

  it("a set is a snapshot; Enumerator narrows it to one device or one enumerator", () => {
    const { m, add } = sampleMachine();
    const a = add();
    const app = Win32Process.create(m, "app.exe");
    const before = app.SetupDiGetClassDevs(GUID_DEVINTERFACE_SAMPLE, null, null, DIGCF_PRESENT | DIGCF_DEVICEINTERFACE);
    const b = add();
    expect(devicePaths(app, before)).toEqual([samplePath(a)]);
    const flags = DIGCF_PRESENT | DIGCF_DEVICEINTERFACE;
    const all = app.SetupDiGetClassDevs(GUID_DEVINTERFACE_SAMPLE, null, null, flags);
    expect(devicePaths(app, all).sort()).toEqual([samplePath(a), samplePath(b)].sort());
    expect(devicePaths(app, app.SetupDiGetClassDevs(GUID_DEVINTERFACE_SAMPLE, b, null, flags))).toEqual([samplePath(b)]);
    expect(devicePaths(app, app.SetupDiGetClassDevs(GUID_DEVINTERFACE_SAMPLE, "ROOT", null, flags))).toHaveLength(2);
    expect(devicePaths(app, app.SetupDiGetClassDevs(GUID_DEVINTERFACE_SAMPLE, "PCI", null, flags))).toEqual([]);
    // A removed device's interface is gone from new sets.
    m.pnp.deleteRootDevice(a);
    expect(devicePaths(app, app.SetupDiGetClassDevs(GUID_DEVINTERFACE_SAMPLE, null, null, flags))).toEqual([samplePath(b)]);
  });
});

describe("nothing a client passes to setupapi or cfgmgr32 throws", () => {
  it("garbage arguments give errors and leave the machine running", async () => {
    const { SeededRandom } = await import("@wdfjs/kernel/internal");
    const { CM_NOTIFY_FILTER, CM_NOTIFY_FILTER_SIZE } = await import("../src/index.js");
    const { m, add } = sampleMachine();
    add();
    const app = Win32Process.create(m, "fuzz.exe");
    const good = app.alloc(4096);
    const set = app.SetupDiGetClassDevs(GUID_DEVINTERFACE_SAMPLE, null, null, DIGCF_PRESENT | DIGCF_DEVICEINTERFACE);
    const data = new SP_DEVICE_INTERFACE_DATA();
    data.cbSize = SP_DEVICE_INTERFACE_DATA_SIZE;
    const filter = new CM_NOTIFY_FILTER();
    filter.cbSize = CM_NOTIFY_FILTER_SIZE;
    const WEIRD: unknown[] = [
      0, -1, 1, 4, 8, 0x7fffffff, 0xffffffff, 2 ** 47, 2 ** 53, 1.5, Number.NaN, "x", "", null, undefined, {}, [], true, Symbol("s"), 10n,
      "ROOT", "ROOT\\SAMPLE\\0000", GUID_DEVINTERFACE_SAMPLE, 0x12,
    ];
    const rnd = new SeededRandom(7);
    const pick = (): any => {
      const r = rnd.below(10);
      if (r < 2) return good;
      if (r < 3) return set;
      if (r < 4) return GUID_DEVINTERFACE_SAMPLE;
      if (r < 5) return rnd.below(2) ? data : filter;
      return WEIRD[rnd.below(WEIRD.length)];
    };
    const calls: ((t: Win32Process) => unknown)[] = [
      (t) => t.SetupDiGetClassDevs(pick(), pick(), pick(), pick()),
      (t) => t.SetupDiEnumDeviceInterfaces(pick(), pick(), pick(), pick(), pick()),
      (t) => t.SetupDiGetDeviceInterfaceDetail(pick(), pick(), pick(), pick(), rnd.below(2) ? Out(0) : pick(), pick()),
      (t) => t.SetupDiDestroyDeviceInfoList(pick() === set ? 1 : pick()),
      (t) => t.CM_Get_Device_Interface_List_Size(rnd.below(2) ? Out(0) : pick(), pick(), pick(), pick()),
      (t) => t.CM_Get_Device_Interface_List(pick(), pick(), pick(), pick(), pick()),
      (t) => {
        const h = Out(0);
        if (t.CM_Register_Notification(pick(), pick(), rnd.below(2) ? () => 0 : pick(), rnd.below(2) ? h : pick()) === 0) t.CM_Unregister_Notification(h.value);
      },
      (t) => t.CM_Unregister_Notification(pick()),
      (t) => t.ReadWideString(pick(), pick()),
      (t) => t.ReadMultiSz(pick(), pick()),
    ];
    for (let i = 0; i < 5000; i++) calls[rnd.below(calls.length)]!(app);
    expect(m.stopped).toBe(false);
  });
});
