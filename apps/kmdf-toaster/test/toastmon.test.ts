/**
 * The KMDF toastmon beside the KMDF toaster drivers: it hears toaster arrivals, opens each toaster
 * through a remote I/O target and posts a read and a write every second; it closes its target
 * on a query-remove, reopens it when the removal is cancelled, and deletes it when the toaster
 * is gone (reference §3.2).
 */
import { describe, expect, it } from "vitest";
import { boot, DeviceNodeStarted, STATUS_SUCCESS, type Machine } from "@wdfjs/kernel";
import { FILE_SHARE_READ, FILE_SHARE_WRITE, GENERIC_READ, INVALID_HANDLE_VALUE, OPEN_EXISTING, Win32Process } from "@wdfjs/win32";
import { BUS_HARDWARE_ID, enumMain, GetDevicePaths, GUID_DEVINTERFACE_TOASTER } from "@wdfjs/sample-wdm-toaster";
import { installKmdfToaster, installKmdfToasterFeatured, installKmdfToastMon, type KmdfToasterLog } from "../src/index.js";

const TOASTER = (n: number) => `${BUS_HARDWARE_ID}\\${String(n).padStart(2, "0")}`;

/** The lines of one driver ("toastmon ", "toaster ", "featured ") among `lines`, without the prefix. */
function of(lines: readonly string[], prefix: string): string[] {
  return lines.filter((l) => l.startsWith(prefix)).map((l) => l.slice(prefix.length));
}

/** toastmon's lines since the last call (every driver's lines are taken from the log). */
function drain(log: KmdfToasterLog): string[] {
  const out = of(log.lines, "toastmon ");
  log.clear();
  return out;
}

/** toastmon's pool ("TMON"): its read and write buffers, each freed when its request comes back. */
function tmonPool(m: Machine): { allocations: number; frees: number } {
  const u = m.mm.pool.usage.filter((p) => p.tag === "TMON");
  return { allocations: u.reduce((a, p) => a + p.allocations, 0), frees: u.reduce((a, p) => a + p.frees, 0) };
}

function withSimpleToaster(seed = 1) {
  const m = boot({ seed, flavor: "checked" });
  const t = installKmdfToaster(m);
  const monitor = installKmdfToastMon(m, t.log);
  const app = Win32Process.create(m, "enum.exe");
  const run = (...argv: string[]) => {
    const r = enumMain(app, argv);
    m.runFor(0);
    return r;
  };
  return { m, log: t.log, app, run, monitor };
}

describe("kmdf-toaster: toastmon", () => {
  it("starts on root\\toastmon and, for a toaster that arrives, posts a 120-byte write (120 done) and a 100-byte read (0 done, the simple driver) every second", () => {
    const { m, log, run, monitor } = withSimpleToaster();
    expect(m.pnp.node(monitor)!.State).toBe(DeviceNodeStarted);
    expect(drain(log)).toEqual(["DriverEntry: ToastMon Driver Sample - Driver Framework Edition.", "ToastMon_EvtDeviceAdd routine", "ToastMon_EvtDeviceD0Entry"]);
    run("-p", "1");
    const arrival = drain(log);
    expect(arrival[0]).toMatch(/^Arrival Notification \\\?\?\\\{B85B7C50-6A01-11d2-B841-00C04FAD5171\}#MsToaster#01#\{781ef630-72b2-11d2-b852-00c04fad5171\}$/i);
    m.runFor(2_500);
    // The simple driver saw the same I/O.
    expect(of(log.lines, "toaster ").filter((l) => l.includes("EvtIo"))).toEqual([
      "ToasterEvtIoRead 100", "ToasterEvtIoWrite 120", "ToasterEvtIoRead 100", "ToasterEvtIoWrite 120", "ToasterEvtIoRead 100", "ToasterEvtIoWrite 120",
    ]);
    const io = [...arrival.slice(1), ...drain(log)];
    expect(io).toEqual(["read 0x0 0", "write 0x0 120", "read 0x0 0", "write 0x0 120", "read 0x0 0", "write 0x0 120"]);
    expect(tmonPool(m).allocations).toBe(6);
    expect(tmonPool(m).frees).toBe(6);
  });

  it("a toaster already started when toastmon registers is reported too (PNPNOTIFY_DEVICE_INTERFACE_INCLUDE_EXISTING_INTERFACES)", () => {
    const m = boot({ seed: 2, flavor: "checked" });
    const t = installKmdfToaster(m);
    const app = Win32Process.create(m, "enum.exe");
    enumMain(app, ["-p", "1"]);
    enumMain(app, ["-p", "2"]);
    m.runFor(0);
    t.log.clear();
    installKmdfToastMon(m, t.log);
    m.runFor(1_500);
    const lines = drain(t.log);
    expect(lines.filter((l) => l.startsWith("Arrival"))).toHaveLength(2);
    expect(lines.filter((l) => l === "write 0x0 120")).toHaveLength(4);
  });

  it("enum -u: the toaster is surprise-removed; toastmon's target hears remove-complete, is deleted, and nothing more is posted or left in pool", () => {
    const { m, log, run } = withSimpleToaster();
    run("-p", "1");
    m.runFor(1_500);
    drain(log);
    run("-u", "1");
    m.runFor(0);
    expect(drain(log)).toEqual(["Device Removal (remove complete) Notification", expect.stringMatching(/^Removal Interface Notification /)]);
    expect(m.pnp.node(TOASTER(1))).toBeNull();
    m.runFor(5_000);
    expect(drain(log)).toEqual([]);
    const pool = tmonPool(m);
    expect(pool.frees).toBe(pool.allocations);
  });

  it("an orderly removal of the toaster: query-remove closes toastmon's target so it does not veto; remove-complete deletes it", () => {
    const { m, log, run } = withSimpleToaster();
    run("-p", "1");
    m.runFor(1_500);
    drain(log);
    expect(m.pnp.removeDevice(TOASTER(1))).toBe(STATUS_SUCCESS);
    m.runFor(0);
    expect(drain(log).slice(0, 2)).toEqual(["Device Removal (query remove) Notification", "Device Removal (remove complete) Notification"]);
    m.runFor(3_000);
    expect(drain(log)).toEqual([]);
  });

  it("a removal vetoed by a user's open handle: toastmon hears query-remove, then remove-canceled, reopens its target and posts again", () => {
    const { m, log, app, run } = withSimpleToaster();
    run("-p", "1");
    const path = GetDevicePaths(app, GUID_DEVINTERFACE_TOASTER)[0]!;
    const h = app.CreateFile(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, null, OPEN_EXISTING, 0, 0);
    expect(h).not.toBe(INVALID_HANDLE_VALUE);
    m.runFor(1_500);
    drain(log);
    expect(m.pnp.removeDevice(TOASTER(1))).not.toBe(STATUS_SUCCESS);
    m.runFor(0);
    expect(drain(log)).toEqual(["Device Removal (query remove) Notification", "Device Removal (remove cancelled) Notification"]);
    expect(m.pnp.node(TOASTER(1))!.State).toBe(DeviceNodeStarted);
    m.runFor(2_500);
    expect(drain(log).filter((l) => l === "write 0x0 120").length).toBeGreaterThanOrEqual(2);
    app.CloseHandle(h);
  });

  it("over the featured driver: toastmon's open and close reach ToasterEvtDeviceFileCreate/FileClose, and its steady I/O keeps the toaster out of idle", () => {
    const m = boot({ seed: 3, flavor: "checked" });
    const t = installKmdfToasterFeatured(m, { monitor: true });
    const app = Win32Process.create(m, "enum.exe");
    t.log.clear();
    enumMain(app, ["-p", "1"]);
    m.runFor(61_000);
    const featured = of(t.log.lines, "featured ");
    t.log.clear();
    expect(featured).toContain("ToasterEvtDeviceFileCreate");
    expect(featured).not.toContain("ToasterEvtDeviceD0Exit WdfPowerDeviceD3");
    expect(featured.filter((l) => l === "ToasterEvtIoWrite 120").length).toBeGreaterThanOrEqual(60);
    enumMain(app, ["-u", "1"]);
    m.runFor(0);
    expect(of(t.log.lines, "featured ")).toEqual([
      "ToasterEvtDeviceD0Exit WdfPowerDeviceD3Final", "ToasterEvtDeviceReleaseHardware called", "ToasterEvtFileClose", "ToasterEvtDeviceContextCleanup called",
      "ToasterEvtDriverUnload called",
    ]);
  });

  it("removing toastmon itself: D0Exit purges its targets, its cleanup unregisters, the toaster's handle closes; the toaster stays", () => {
    const m = boot({ seed: 4, flavor: "checked" });
    const t = installKmdfToasterFeatured(m, { monitor: true });
    const app = Win32Process.create(m, "enum.exe");
    enumMain(app, ["-p", "1"]);
    m.runFor(1_500);
    t.log.clear();
    expect(m.pnp.removeDevice(t.monitorInstance!)).toBe(STATUS_SUCCESS);
    m.runFor(0);
    expect(of(t.log.lines, "featured ")).toContain("ToasterEvtFileClose");
    expect(drain(t.log)).toEqual(["ToastMon_EvtDeviceD0Exit", "ToastMon_EvtDeviceContextCleanup"]);
    expect(m.pnp.node(TOASTER(1))!.State).toBe(DeviceNodeStarted);
    const pool = tmonPool(m);
    expect(pool.frees).toBe(pool.allocations);
  });
});
