/**
 * The generic KMDF filter (filter/generic/filter.c) installed as the featured toaster's
 * UpperFilters: it forwards each IOCTL to the toaster (send-and-forget, or with a completion
 * routine) and counts it; reads and writes pass through the filter's framework untouched.
 */
import { describe, expect, it } from "vitest";
import { boot, Out, PNP_DEVICE_DONT_DISPLAY_IN_UI, CTL_CODE, FILE_DEVICE_BUS_EXTENDER, FILE_READ_DATA, METHOD_BUFFERED, type DEVICE_OBJECT, type Machine } from "@wdfjs/kernel";
import type { FxDevice } from "@wdfjs/framework";
import type { WDFDEVICE } from "@wdfjs/kmdf";
import { ERROR_FILE_NOT_FOUND, ERROR_INVALID_FUNCTION, FILE_SHARE_READ, FILE_SHARE_WRITE, GENERIC_READ, GENERIC_WRITE, INVALID_HANDLE_VALUE, OPEN_EXISTING, Win32Process } from "@wdfjs/win32";
import { BUS_HARDWARE_ID, enumMain, GetDevicePaths, GUID_DEVINTERFACE_TOASTER, toastMain } from "@wdfjs/sample-wdm-toaster";
import { FilterGetData, installKmdfToasterFeatured, KMDF_FILTER_SERVICE } from "../src/index.js";

/** Each filter device's count of forwarded IOCTLs (its FILTER_EXTENSION), in the driver's device list order. */
function forwarded(m: Machine): number[] {
  const out: number[] = [];
  for (let d: DEVICE_OBJECT | null = m.driver(KMDF_FILTER_SERVICE)?.DeviceObject ?? null; d !== null; d = d.NextDevice) {
    // The WDM device object's extension is the framework device.
    const device = d.DeviceExtension as FxDevice;
    out.push(m.runInKernel(() => FilterGetData(device.handle as WDFDEVICE)!.Forwarded));
  }
  return out;
}

describe("kmdf-toaster: the generic KMDF filter over the featured toaster", () => {
  for (const filter of ["send-and-forget", "completion-routine"] as const) {
    it(`(${filter}) the filter forwards toast -h and an unknown IOCTL, counting both; the toaster hides itself and fails the other; reads pass uncounted`, () => {
      const m = boot({ seed: 1, flavor: "checked" });
      const t = installKmdfToasterFeatured(m, { filter });
      const app = Win32Process.create(m, "enum.exe");
      enumMain(app, ["-p", "1"]);
      m.runFor(0);
      expect(forwarded(m)).toEqual([0]);
      expect(toastMain(app, ["-h"], 2).output.slice(-3)).toEqual([
        "Request to hide the device completed successfully", "Read Successful (0 bytes)", "Read Successful (0 bytes)",
      ]);
      m.runFor(0);
      expect(m.pnp.node(`${BUS_HARDWARE_ID}\\01`)!.UserFlags & PNP_DEVICE_DONT_DISPLAY_IN_UI).toBe(PNP_DEVICE_DONT_DISPLAY_IN_UI);
      const h = app.CreateFile(GetDevicePaths(app, GUID_DEVINTERFACE_TOASTER)[0]!, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, null, OPEN_EXISTING, 0, 0);
      const n = Out(0);
      expect(app.DeviceIoControl(h, CTL_CODE(FILE_DEVICE_BUS_EXTENDER, 0x7, METHOD_BUFFERED, FILE_READ_DATA), 0, 0, 0, 0, n, null)).toBe(false);
      expect(app.GetLastError()).toBe(ERROR_INVALID_FUNCTION);
      app.CloseHandle(h);
      expect(forwarded(m)).toEqual([2]);
      expect(t.log.lines.filter((l) => l.startsWith("featured ToasterEvtIo"))).toEqual([
        "featured ToasterEvtIoDeviceControl 0x2a400c", "featured ToasterEvtIoRead 10", "featured ToasterEvtIoRead 10", "featured ToasterEvtIoDeviceControl 0x2a401c",
      ]);
    });
  }

  it("one filter device per toaster: two toasters, each filter instance counts its own IOCTLs", () => {
    const m = boot({ seed: 2, flavor: "checked" });
    installKmdfToasterFeatured(m, { filter: "send-and-forget" });
    const app = Win32Process.create(m, "enum.exe");
    enumMain(app, ["-p", "1"]);
    enumMain(app, ["-p", "2"]);
    m.runFor(0);
    // toast opens the last toaster it lists.
    toastMain(app, ["-h"], 0);
    expect(forwarded(m).sort()).toEqual([0, 1]);
    enumMain(app, ["-u", "0"]);
    m.runFor(0);
    expect(forwarded(m)).toEqual([]);
  });
});

describe("kmdf-toaster: the sideband filter's control device", () => {
  it("created with the first filter instance (\\\\.\\ToasterFilter), it answers IOCTLs listing every toaster's serial number; deleted with the last", () => {
    const m = boot({ seed: 3, flavor: "checked" });
    const t = installKmdfToasterFeatured(m, { filter: "sideband" });
    const app = Win32Process.create(m, "sideband.exe");
    const openControl = () => app.CreateFile("\\\\.\\ToasterFilter", GENERIC_READ | GENERIC_WRITE, 0, null, OPEN_EXISTING, 0, 0);
    expect(openControl()).toBe(INVALID_HANDLE_VALUE);
    expect(app.GetLastError()).toBe(ERROR_FILE_NOT_FOUND);
    enumMain(app, ["-p", "1"]);
    enumMain(app, ["-p", "2"]);
    m.runFor(0);
    expect(t.log.lines.filter((l) => l === "sideband Creating Control Device")).toHaveLength(1);
    // The toasters work through the filter, which has no queue: everything passes down.
    expect(toastMain(app, ["-h"], 1).output.slice(-2)).toEqual(["Request to hide the device completed successfully", "Read Successful (0 bytes)"]);
    const h = openControl();
    expect(h).not.toBe(INVALID_HANDLE_VALUE);
    // Not exclusive: a second application may open it too.
    const h2 = openControl();
    expect(h2).not.toBe(INVALID_HANDLE_VALUE);
    app.CloseHandle(h2);
    t.log.clear();
    const n = Out(0);
    expect(app.DeviceIoControl(h, CTL_CODE(FILE_DEVICE_BUS_EXTENDER, 0x800, METHOD_BUFFERED, FILE_READ_DATA), 0, 0, 0, 0, n, null)).toBe(true);
    expect(t.log.lines).toEqual(["sideband Ioctl received into filter control object.", "sideband Serial No: 1", "sideband Serial No: 2"]);
    app.CloseHandle(h);
    enumMain(app, ["-u", "1"]);
    m.runFor(0);
    const h3 = openControl();
    expect(h3).not.toBe(INVALID_HANDLE_VALUE);
    app.CloseHandle(h3);
    t.log.clear();
    enumMain(app, ["-u", "2"]);
    m.runFor(0);
    expect(t.log.lines.filter((l) => l.startsWith("sideband "))).toEqual(["sideband Entered FilterEvtDeviceContextCleanup", "sideband Deleting Control Device"]);
    expect(openControl()).toBe(INVALID_HANDLE_VALUE);
    expect(app.GetLastError()).toBe(ERROR_FILE_NOT_FOUND);
  });
});
