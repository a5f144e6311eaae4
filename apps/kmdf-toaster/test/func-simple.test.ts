/**
 * The KMDF simple toaster function driver over the WDM bus, driven by enum.exe and toast.exe as
 * a user runs them (reference §3.2).
 */
import { describe, expect, it } from "vitest";
import { boot, DeviceNodeStarted, Out } from "@wdfjs/kernel";
import { ERROR_INVALID_FUNCTION, ERROR_INVALID_PARAMETER, FILE_SHARE_READ, FILE_SHARE_WRITE, GENERIC_READ, GENERIC_WRITE, INVALID_HANDLE_VALUE, OPEN_EXISTING, Win32Process } from "@wdfjs/win32";
import { BUS_HARDWARE_ID, enumMain, GetDevicePaths, GUID_DEVINTERFACE_TOASTER, IOCTL_TOASTER_DONT_DISPLAY_IN_UI_DEVICE, toastMain } from "@wdfjs/sample-wdm-toaster";
import { installKmdfToaster } from "../src/index.js";

function setUp(seed = 1) {
  const m = boot({ seed, flavor: "checked" });
  const t = installKmdfToaster(m);
  const app = Win32Process.create(m, "enum.exe");
  const run = (...argv: string[]) => {
    const r = enumMain(app, argv);
    m.run();
    return r;
  };
  return { m, log: t.log, app, run };
}

describe("kmdf-toaster: the simple function driver", () => {
  it("enum -p 1: the KMDF driver loads on the new PDO, its toaster interface appears, and toast reads 0 bytes", () => {
    const { m, log, app, run } = setUp();
    expect(run("-p", "1").output.at(-1)).toBe("Success!!!");
    expect(log.lines.slice(0, 2)).toEqual(["toaster DriverEntry", "toaster ToasterEvtDeviceAdd"]);
    expect(m.pnp.node(`${BUS_HARDWARE_ID}\\01`)!.State).toBe(DeviceNodeStarted);
    expect(GetDevicePaths(app, GUID_DEVINTERFACE_TOASTER)).toHaveLength(1);
    const r = toastMain(app, [], 2);
    expect(r.exitCode).toBe(0);
    expect(r.output.filter((l) => l.startsWith("Read"))).toEqual(["Read Successful (0 bytes)", "Read Successful (0 bytes)"]);
    expect(log.lines.filter((l) => l.includes("EvtIoRead"))).toEqual(["toaster ToasterEvtIoRead 10", "toaster ToasterEvtIoRead 10"]);
  });

  it("a write takes every byte; a zero-length write never reaches the driver; the hide IOCTL is not supported", () => {
    const { app, log, run } = setUp();
    run("-p", "1");
    const path = GetDevicePaths(app, GUID_DEVINTERFACE_TOASTER)[0]!;
    const h = app.CreateFile(path, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, null, OPEN_EXISTING, 0, 0);
    expect(h).not.toBe(INVALID_HANDLE_VALUE);
    const n = Out(0);
    const buf = app.alloc(120);
    expect(app.WriteFile(h, buf, 120, n, null)).toBe(true);
    expect(n.value).toBe(120);
    log.clear();
    expect(app.WriteFile(h, buf, 0, n, null)).toBe(true);
    expect(n.value).toBe(0);
    expect(log.lines).toEqual([]);
    expect(app.DeviceIoControl(h, IOCTL_TOASTER_DONT_DISPLAY_IN_UI_DEVICE, 0, 0, 0, 0, n, null)).toBe(false);
    expect(app.GetLastError()).toBe(ERROR_INVALID_FUNCTION);
    app.CloseHandle(h);
  });

  it("plugging serial 1 twice is refused by the bus (ERROR_INVALID_PARAMETER); unplug removes the KMDF device and its interface", () => {
    const { app, run } = setUp();
    run("-p", "1");
    const again = run("-p", "1");
    expect(again.exitCode).toBe(1);
    expect(again.output.at(-1)).toBe(`PlugIn failed:0x${ERROR_INVALID_PARAMETER.toString(16)}`);
    expect(run("-u", "1").exitCode).toBe(0);
    expect(GetDevicePaths(app, GUID_DEVINTERFACE_TOASTER)).toEqual([]);
  });
});
