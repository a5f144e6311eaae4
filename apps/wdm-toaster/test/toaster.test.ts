/**
 * The WDM toaster family, driven through its clients as a user runs them: enum.exe plugs
 * in, unplugs and ejects toasters on the root-enumerated bus; toast.exe opens a toaster
 * and reads. The log shows what each driver of the stack saw.
 */
import { describe, expect, it } from "vitest";
import { boot, CM_PROB_FAILED_START, DeviceNodeRemoved, DeviceNodeStarted, PNP_DEVICE_DONT_DISPLAY_IN_UI, type Machine } from "@wdfjs/kernel";
import {
  ERROR_INVALID_PARAMETER, ERROR_IO_PENDING, ERROR_NO_SUCH_DEVICE, FILE_FLAG_OVERLAPPED, GENERIC_READ, GENERIC_WRITE, INVALID_HANDLE_VALUE, MEM_COMMIT,
  MEM_RESERVE, OPEN_EXISTING, OVERLAPPED, PAGE_READWRITE, Win32Process, type Win32Thread,
} from "@wdfjs/win32";
import {
  BUS_HARDWARE_ID, BUSENUM_COMPATIBLE_ID, enumMain, IOCTL_BUSENUM_EJECT_HARDWARE, IOCTL_BUSENUM_PLUGIN_HARDWARE, IOCTL_BUSENUM_UNPLUG_HARDWARE,
  IOCTL_TOASTER_DONT_DISPLAY_IN_UI_DEVICE, GetInterfaceList, GUID_DEVINTERFACE_BUSENUM_TOASTER, GUID_DEVINTERFACE_TOASTER, installToaster,
  GetDevicePaths, toastMain, ToastMonDriverEntry, watchToasters, type InstallToasterOptions,
} from "../src/index.js";

const TOASTER = (serial: number): string => `${BUS_HARDWARE_ID}\\${String(serial).padStart(2, "0")}`;
const STACK = ["clsupper", "devupper", "toaster", "clslower", "devlower"];

function setUp(o: InstallToasterOptions & { seed?: number; preemption?: "off" | "random" } = {}) {
  const m = boot({ seed: o.seed ?? 1, preemption: o.preemption ?? "off" });
  const t = installToaster(m, o);
  const app = Win32Process.create(m, "enum.exe");
  const run = (...argv: string[]) => {
    const r = enumMain(app, argv);
    m.run();
    return r;
  };
  return { m, log: t.log, app, run, busInstance: t.busInstance };
}

function poolInUse(m: Machine): number {
  return m.mm.pool.usage.reduce((s, u) => s + u.allocations - u.frees, 0);
}

function irpsInUse(m: Machine): number {
  return m.io.irpLookaside.allocated - m.io.irpLookaside.cached;
}

/** Each driver's lines, in the order it saw them. */
function seenBy(lines: readonly string[], driver: string): string[] {
  return lines.filter((l) => l.startsWith(`${driver} `)).map((l) => l.slice(driver.length + 1));
}

describe("wdm-toaster: enum.exe and the bus", () => {
  it("the bus is root-enumerated, started, and its interface is enabled", () => {
    const { m, log, busInstance, app } = setUp();
    expect(busInstance).toBe("ROOT\\SYSTEM\\0000");
    expect(m.pnp.node(busInstance)!.State).toBe(DeviceNodeStarted);
    expect(log.lines).toEqual(["busenum DriverEntry", "busenum AddDevice", "busenum START_DEVICE", "busenum QUERY_CAPABILITIES", "busenum QUERY_PNP_DEVICE_STATE", "busenum QUERY_DEVICE_RELATIONS(BusRelations)"]);
    expect(GetInterfaceList(app, GUID_DEVINTERFACE_BUSENUM_TOASTER)).toEqual([`\\\\?\\ROOT#SYSTEM#0000#${GUID_DEVINTERFACE_BUSENUM_TOASTER.toLowerCase()}`]);
  });

  it("enum -p 1: one PDO with instance 01; toaster.sys loads under its filters, bottom first, starts bottom-up, and its interface appears", () => {
    const { m, log, run, app } = setUp();
    log.clear();
    const r = run("-p", "1");
    expect(r.exitCode).toBe(0);
    expect(r.output.at(-1)).toBe("Success!!!");
    const n = m.pnp.node(TOASTER(1))!;
    expect(n.State).toBe(DeviceNodeStarted);
    expect(n.Service).toBe("toaster");
    expect(n.HardwareIds).toEqual([BUS_HARDWARE_ID]);
    expect(n.CompatibleIds).toEqual([BUSENUM_COMPATIBLE_ID]);
    expect([n.Capabilities!.UINumber, n.Capabilities!.Address, n.Capabilities!.Removable, n.Capabilities!.EjectSupported, n.Capabilities!.SurpriseRemovalOK]).toEqual([1, 1, true, true, true]);
    expect([n.DeviceDescription, n.LocationInformation]).toEqual(["Microsoft_Eliyas_Toaster_01", "Toaster Bus 0"]);
    expect(log.lines.filter((l) => l.endsWith("AddDevice"))).toEqual(["devlower AddDevice", "clslower AddDevice", "toaster AddDevice", "devupper AddDevice", "clsupper AddDevice"]);
    expect(log.lines.filter((l) => l.includes("START_DEVICE"))).toEqual([
      "clsupper START_DEVICE", "devupper START_DEVICE", "toaster START_DEVICE", "clslower START_DEVICE", "devlower START_DEVICE", "busenum-pdo01 START_DEVICE",
      "devlower START_DEVICE done", "clslower START_DEVICE done", "toaster START_DEVICE done", "devupper START_DEVICE done", "clsupper START_DEVICE done",
    ]);
    expect(GetInterfaceList(app, GUID_DEVINTERFACE_TOASTER)).toEqual([`\\\\?\\${TOASTER(1).replace(/\\/g, "#")}#${GUID_DEVINTERFACE_TOASTER.toLowerCase()}`]);
  });

  it("enum -p 1 twice: the second fails with ERROR_INVALID_PARAMETER (a duplicate serial number)", () => {
    const { run } = setUp();
    expect(run("-p", "1").exitCode).toBe(0);
    const r = run("-p", "1");
    expect(r.exitCode).toBe(1);
    expect(r.output.at(-1)).toBe(`PlugIn failed:0x${ERROR_INVALID_PARAMETER.toString(16)}`);
  });

  it("enum -u 1: the bus reports the toaster missing; SURPRISE_REMOVAL then REMOVE_DEVICE go top-down, and the PDO is deleted", () => {
    const { m, log, run, app } = setUp();
    run("-p", "1");
    log.clear();
    expect(run("-u", "1").output.at(-1)).toBe("Success!!!");
    expect(m.pnp.node(TOASTER(1))).toBeNull();
    expect(GetInterfaceList(app, GUID_DEVINTERFACE_TOASTER)).toEqual([]);
    for (const d of STACK) expect(seenBy(log.lines, d)).toEqual(["SURPRISE_REMOVAL", "REMOVE_DEVICE"]);
    expect(seenBy(log.lines, "busenum-pdo01")).toEqual(["SURPRISE_REMOVAL", "REMOVE_DEVICE", "deleted"]);
    expect(seenBy(log.lines, "busenum")).toEqual(["UnPlug 1", "QUERY_DEVICE_RELATIONS(BusRelations)"]);
    // Top-down: every driver sees SURPRISE_REMOVAL before anyone sees REMOVE_DEVICE.
    expect(log.lines.filter((l) => /SURPRISE|REMOVE_DEVICE/.test(l))).toEqual([
      ...STACK.map((d) => `${d} SURPRISE_REMOVAL`), "busenum-pdo01 SURPRISE_REMOVAL",
      ...STACK.map((d) => `${d} REMOVE_DEVICE`), "busenum-pdo01 REMOVE_DEVICE",
    ]);
  });

  it("enum -u 0 unplugs every toaster; enum -u 3 for one never plugged in fails with ERROR_INVALID_PARAMETER", () => {
    const { m, run } = setUp();
    run("-p", "1");
    run("-p", "2");
    run("-p", "3");
    expect(m.pnp.allNodes()).toHaveLength(5);
    expect(run("-u", "0").exitCode).toBe(0);
    expect(m.pnp.allNodes()).toHaveLength(2);
    expect(run("-u", "3").output.at(-1)).toBe(`UnPlug failed:0x${ERROR_INVALID_PARAMETER.toString(16)}`);
  });

  it("enum -e 2 when no toaster 2 is plugged in: ERROR_INVALID_PARAMETER", () => {
    const { run } = setUp();
    run("-p", "1");
    const r = run("-e", "2");
    expect(r.exitCode).toBe(1);
    expect(r.output.at(-1)).toBe(`Eject failed:0x${ERROR_INVALID_PARAMETER.toString(16)}`);
  });

  it("enum -e 1: an orderly QUERY_REMOVE and REMOVE top-down, then EJECT to the PDO; no surprise removal", () => {
    const { m, log, run } = setUp();
    run("-p", "1");
    log.clear();
    expect(run("-e", "1").output.at(-1)).toBe("Success!!!");
    for (const d of STACK) expect(seenBy(log.lines, d).filter((l) => !l.startsWith("QUERY_DEVICE_RELATIONS"))).toEqual(["QUERY_REMOVE_DEVICE", "REMOVE_DEVICE"]);
    expect(seenBy(log.lines, "busenum-pdo01").filter((l) => !l.startsWith("QUERY_DEVICE_RELATIONS"))).toEqual(["QUERY_REMOVE_DEVICE", "REMOVE_DEVICE", "EJECT"]);
    expect(log.lines.some((l) => l.includes("SURPRISE"))).toBe(false);
    expect(m.pnp.node(TOASTER(1))?.State ?? null).not.toBe(DeviceNodeStarted);
    // Ejected, the toaster is no longer present: the next enumeration drops it and the serial is free again.
    expect(run("-u", "0").exitCode).toBe(0);
    expect(m.pnp.node(TOASTER(1))).toBeNull();
    expect(run("-p", "1").exitCode).toBe(0);
    expect(m.pnp.node(TOASTER(1))!.State).toBe(DeviceNodeStarted);
  });

  it("a second CreateFile on the bus succeeds: the WDM bus's Exclusive flag is on an FDO, where it has no effect", () => {
    const { app } = setUp();
    const path = GetInterfaceList(app, GUID_DEVINTERFACE_BUSENUM_TOASTER)[0]!;
    const h1 = app.CreateFile(path, GENERIC_READ, 0, null, OPEN_EXISTING, 0, 0);
    expect(h1).not.toBe(INVALID_HANDLE_VALUE);
    const h2 = app.CreateFile(path, GENERIC_READ, 0, null, OPEN_EXISTING, 0, 0);
    expect(h2).not.toBe(INVALID_HANDLE_VALUE);
    expect(enumMain(app, ["-p", "4"]).exitCode).toBe(0);
    app.CloseHandle(h1);
    app.CloseHandle(h2);
  });

  it("a rebalance of the bus: QUERY_STOP, STOP (after its I/O count drains to 1), START; the bus still plugs in toasters", () => {
    const { m, log, run, busInstance } = setUp();
    run("-p", "1");
    log.clear();
    m.pnp.rebalanceDevice(busInstance);
    m.run();
    expect(log.lines).toEqual(["busenum QUERY_STOP_DEVICE", "busenum STOP_DEVICE", "busenum QUERY_RESOURCE_REQUIREMENTS", "busenum START_DEVICE", "busenum QUERY_DEVICE_RELATIONS(BusRelations)"]);
    expect(run("-p", "2").output.at(-1)).toBe("Success!!!");
    expect(m.pnp.node(TOASTER(2))!.State).toBe(DeviceNodeStarted);
    expect(m.pnp.node(TOASTER(1))!.State).toBe(DeviceNodeStarted);
  });

  it("the bus validates the IOCTLs as the sample does: Size field, lengths, the double NUL; an unknown code is ERROR_INVALID_PARAMETER", () => {
    const { m, app } = setUp();
    const h = app.CreateFile(GetInterfaceList(app, GUID_DEVINTERFACE_BUSENUM_TOASTER)[0]!, GENERIC_READ, 0, null, OPEN_EXISTING, 0, 0);
    const buf = app.VirtualAlloc(0, 4096, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
    const u32 = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
    const wide = (t: string) => [...t].flatMap((c) => [c.charCodeAt(0) & 0xff, c.charCodeAt(0) >>> 8]);
    const call = (code: number, bytes: number[], outLength = bytes.length) => {
      app.WriteMemory(buf, bytes);
      const ok = app.DeviceIoControl(h, code, buf, bytes.length, outLength ? buf : 0, outLength, { value: 0 }, null);
      return ok ? 0 : app.GetLastError();
    };
    const plug = (size: number, ids: string) => [...u32(size), ...u32(5), ...wide(ids)];
    expect(call(IOCTL_BUSENUM_PLUGIN_HARDWARE, plug(12, `${BUS_HARDWARE_ID}\0\0`))).toBe(ERROR_INVALID_PARAMETER);
    expect(call(IOCTL_BUSENUM_PLUGIN_HARDWARE, plug(8, `${BUS_HARDWARE_ID}\0`))).toBe(ERROR_INVALID_PARAMETER);
    expect(call(IOCTL_BUSENUM_PLUGIN_HARDWARE, plug(8, `${BUS_HARDWARE_ID}\0\0`), 0)).toBe(ERROR_INVALID_PARAMETER);
    expect(call(IOCTL_BUSENUM_PLUGIN_HARDWARE, plug(8, "\0"))).toBe(ERROR_INVALID_PARAMETER);
    expect(call(IOCTL_BUSENUM_UNPLUG_HARDWARE, [...u32(8), ...u32(0)], 0)).toBe(ERROR_INVALID_PARAMETER);
    expect(call(IOCTL_BUSENUM_EJECT_HARDWARE, [...u32(12), ...u32(0), ...u32(0), ...u32(0)], 0)).toBe(ERROR_INVALID_PARAMETER);
    expect(call(IOCTL_TOASTER_DONT_DISPLAY_IN_UI_DEVICE, [], 0)).toBe(ERROR_INVALID_PARAMETER);
    m.run();
    expect(m.pnp.allNodes()).toHaveLength(2);
    expect(call(IOCTL_BUSENUM_PLUGIN_HARDWARE, plug(8, `${BUS_HARDWARE_ID}\0\0`))).toBe(0);
    m.run();
    expect(m.pnp.node(TOASTER(5))!.State).toBe(DeviceNodeStarted);
    app.CloseHandle(h);
  });

  it("enum with no arguments or -p 0 prints the usage", () => {
    const { app } = setUp();
    expect(enumMain(app, []).output[0]).toBe("Usage:");
    expect(enumMain(app, ["-p", "0"]).output[0]).toBe("Usage:");
  });

  it("removing the bus (orderly) removes its toasters first, and the bus deletes its PDOs", () => {
    const { m, log, run, busInstance } = setUp();
    run("-p", "1");
    run("-p", "2");
    log.clear();
    m.pnp.removeDevice(busInstance);
    m.run();
    expect(m.pnp.node(busInstance)!.State).toBe(DeviceNodeRemoved);
    // The toasters' device nodes leave the tree with their PDOs.
    expect([m.pnp.node(TOASTER(1)) ?? null, m.pnp.node(TOASTER(2)) ?? null]).toEqual([null, null]);
    // Children are queried and removed before their bus; the bus's REMOVE deletes the
    // PDOs that are still plugged in (their own REMOVE kept them: they were present).
    const removes = log.lines.filter((l) => /REMOVE_DEVICE|deleted/.test(l));
    expect(removes.slice(-3)).toEqual(["busenum REMOVE_DEVICE", "busenum-pdo01 deleted", "busenum-pdo02 deleted"]);
    expect(removes.filter((l) => l.startsWith("toaster"))).toEqual(["toaster QUERY_REMOVE_DEVICE", "toaster QUERY_REMOVE_DEVICE", "toaster REMOVE_DEVICE", "toaster REMOVE_DEVICE"]);
    expect(removes.indexOf("busenum QUERY_REMOVE_DEVICE")).toBeGreaterThan(removes.lastIndexOf("toaster QUERY_REMOVE_DEVICE"));
  });
});

describe("wdm-toaster: toast.exe and toaster.sys", () => {
  it("toast lists the toasters, opens the last, and a read succeeds with 0 bytes", () => {
    const { run, app, log } = setUp();
    run("-p", "1");
    run("-p", "2");
    log.clear();
    const r = toastMain(app);
    expect(r.exitCode).toBe(0);
    expect(r.output.filter((l) => /^\d\)/.test(l))).toHaveLength(2);
    expect(r.output.at(-2)).toContain("#MsToaster#02#");
    expect(r.output.at(-1)).toBe("Read Successful (0 bytes)");
    // The read crossed the whole stack.
    expect(log.lines).toContain("toaster READ 10");
  });

  it("a write of 120 bytes completes with 120 bytes written", () => {
    const { run, app } = setUp();
    run("-p", "1");
    const h = app.CreateFile(GetInterfaceList(app, GUID_DEVINTERFACE_TOASTER)[0]!, GENERIC_READ | GENERIC_WRITE, 0, null, OPEN_EXISTING, 0, 0);
    const buf = app.VirtualAlloc(0, 4096, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
    const n = { value: 0 };
    expect(app.WriteFile(h, buf, 120, n, null)).toBe(true);
    expect(n.value).toBe(120);
    app.CloseHandle(h);
  });

  it("toast -h: IOCTL_TOASTER_DONT_DISPLAY_IN_UI_DEVICE hides the device (PNP_DEVICE_DONT_DISPLAY_IN_UI)", () => {
    const { m, run, app } = setUp();
    run("-p", "1");
    const r = toastMain(app, ["-h"]);
    m.run();
    expect(r.output).toContain("Request to hide the device completed successfully");
    expect(m.pnp.node(TOASTER(1))!.UserFlags & PNP_DEVICE_DONT_DISPLAY_IN_UI).toBe(PNP_DEVICE_DONT_DISPLAY_IN_UI);
  });

  it("the toaster survives a rebalance: QUERY_STOP, STOP, START down the stack; the interface comes back", () => {
    const { m, run, app, log } = setUp();
    run("-p", "1");
    log.clear();
    m.pnp.rebalanceDevice(TOASTER(1));
    m.run();
    expect(seenBy(log.lines, "toaster")).toEqual(["QUERY_STOP_DEVICE", "STOP_DEVICE", "QUERY_RESOURCE_REQUIREMENTS", "START_DEVICE", "START_DEVICE done", "QUERY_DEVICE_RELATIONS(BusRelations)"]);
    expect(m.pnp.node(TOASTER(1))!.State).toBe(DeviceNodeStarted);
    expect(toastMain(app).exitCode).toBe(0);
  });
});

/** Plug in a toaster that holds its reads, read, unplug it with the read in flight, close. */
function surpriseRemovalWithReadInFlight(seed: number, preemption: "off" | "random") {
  const { m, run, log } = setUp({ seed, preemption, toaster: { holdReads: true } });
  const reader: Win32Thread = Win32Process.create(m, "toast.exe");
  const pool = poolInUse(m);
  const irps = irpsInUse(m);
  const handles = reader.process.handles.count;
  run("-p", "1");
  const h = reader.CreateFile(GetInterfaceList(reader, GUID_DEVINTERFACE_TOASTER)[0]!, GENERIC_READ, 0, null, OPEN_EXISTING, FILE_FLAG_OVERLAPPED, 0);
  const buf = reader.VirtualAlloc(0, 4096, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
  const ov = new OVERLAPPED();
  const n = { value: 0 };
  const started = reader.ReadFile(h, buf, 100, n, ov);
  const pendError = reader.GetLastError();
  run("-u", "1");
  const done = reader.GetOverlappedResult(h, ov, n, true);
  const readError = reader.GetLastError();
  const nodesWhileOpen = m.pnp.allNodes().length;
  reader.CloseHandle(h);
  m.run();
  reader.VirtualFree(buf, 0, 0x8000);
  return {
    started, pendError, done, readError, nodesWhileOpen, nodesAfter: m.pnp.allNodes().length,
    poolLeak: poolInUse(m) - pool, irpLeak: irpsInUse(m) - irps, handleLeak: reader.process.handles.count - handles,
    toaster: seenBy(log.lines, "toaster").filter((l) => !l.startsWith("QUERY")),
  };
}

describe("wdm-toaster: surprise removal with I/O in flight", () => {
  const expected = {
    started: false, pendError: ERROR_IO_PENDING, done: false, readError: ERROR_NO_SUCH_DEVICE, nodesWhileOpen: 3, nodesAfter: 2,
    poolLeak: 0, irpLeak: 0, handleLeak: 0,
    toaster: ["DriverEntry", "AddDevice", "START_DEVICE", "START_DEVICE done", "READ 100", "SURPRISE_REMOVAL", "REMOVE_DEVICE"],
  };

  it("the held read completes with ERROR_NO_SUCH_DEVICE; the node stays while the handle is open; nothing leaks (pool, IRPs, handles)", () => {
    expect(surpriseRemovalWithReadInFlight(1, "off")).toEqual(expected);
  });

  it.each([1, 7, 42, 1234])("the same under preemption seed %i", (seed) => {
    expect(surpriseRemovalWithReadInFlight(seed, "random")).toEqual(expected);
  });

  it.each([3, 99])("plug, toast, unplug give the same log under preemption seed %i as without preemption", (seed) => {
    const scenario = (s: number, p: "off" | "random") => {
      const { run, log, app } = setUp({ seed: s, preemption: p });
      const out = [run("-p", "1").output, run("-p", "1").output, toastMain(app).output, run("-e", "2").output, run("-u", "0").output];
      return { out, log: log.lines.slice() };
    };
    expect(scenario(seed, "random")).toEqual(scenario(1, "off"));
  });
});

describe("wdm-toaster: vetoes and failures", () => {
  it("a toaster.sys that refuses QUERY_REMOVE keeps the device on eject: CANCEL_REMOVE goes down, the device stays started", () => {
    const { m, log, run, app } = setUp({ toaster: { refuseQueryRemove: true } });
    run("-p", "1");
    log.clear();
    // The bus asked for the eject: enum.exe succeeds; the PnP manager's removal is vetoed.
    expect(run("-e", "1").exitCode).toBe(0);
    const seen = (d: string) => seenBy(log.lines, d).filter((l) => !l.startsWith("QUERY_DEVICE_RELATIONS"));
    expect(seen("clsupper")).toEqual(["QUERY_REMOVE_DEVICE", "CANCEL_REMOVE_DEVICE"]);
    expect(seen("devupper")).toEqual(["QUERY_REMOVE_DEVICE", "CANCEL_REMOVE_DEVICE"]);
    expect(seen("toaster")).toEqual(["QUERY_REMOVE_DEVICE", "CANCEL_REMOVE_DEVICE"]);
    // Below the veto nobody saw the query, but all get the cancel.
    expect(seen("devlower")).toEqual(["CANCEL_REMOVE_DEVICE"]);
    expect(seen("busenum-pdo01")).toEqual(["CANCEL_REMOVE_DEVICE"]);
    expect(m.pnp.node(TOASTER(1))!.State).toBe(DeviceNodeStarted);
    expect(toastMain(app).output.at(-1)).toBe("Read Successful (0 bytes)");
  });

  it("a toaster.sys whose START fails leaves the device with CM_PROB_FAILED_START (10), its stack removed and no interface", () => {
    const { m, log, run, app } = setUp({ toaster: { failStart: true } });
    log.clear();
    expect(run("-p", "1").exitCode).toBe(0);
    const n = m.pnp.node(TOASTER(1))!;
    expect(n.Problem).toBe(CM_PROB_FAILED_START);
    expect(seenBy(log.lines, "toaster")).toEqual(["DriverEntry", "AddDevice", "START_DEVICE", "START_DEVICE done", "REMOVE_DEVICE"]);
    expect(GetInterfaceList(app, GUID_DEVINTERFACE_TOASTER)).toEqual([]);
    // The toaster is still plugged in: the bus keeps its PDO, and unplugging it deletes it.
    expect(run("-u", "1").exitCode).toBe(0);
    expect(m.pnp.node(TOASTER(1))).toBeNull();
  });
});

describe.each(["checked", "free"] as const)("wdm-toaster (%s flavor)", (flavor) => {
  it("plug two, toast, eject one, unplug all: the same client output", () => {
    const m = boot({ flavor, seed: 2 });
    installToaster(m);
    const app = Win32Process.create(m, "enum.exe");
    const out = (argv: string[]) => {
      const r = enumMain(app, argv).output.at(-1);
      m.run();
      return r;
    };
    expect([out(["-p", "1"]), out(["-p", "2"]), toastMain(app).output.at(-1), out(["-e", "1"]), out(["-u", "0"])]).toEqual(["Success!!!", "Success!!!", "Read Successful (0 bytes)", "Success!!!", "Success!!!"]);
    expect(m.pnp.allNodes()).toHaveLength(2);
    expect(m.stopped).toBe(false);
  });
});

describe("wdm-toaster: toastmon.sys", () => {
  it("learns of each toaster through interface notifications, opens it, writes 120 bytes and reads 0; hears its removal", () => {
    const { m, run, log } = setUp({ monitor: true });
    const pool = poolInUse(m);
    run("-p", "1");
    run("-p", "2");
    const link = (s: number) => `\\??\\${TOASTER(s).replace(/\\/g, "#")}#${GUID_DEVINTERFACE_TOASTER.toLowerCase()}`;
    expect(seenBy(log.lines, "toastmon")).toEqual([
      "AddDevice",
      `arrival ${link(1)}`, "write 0x0 120", "read 0x0 0",
      `arrival ${link(2)}`, "write 0x0 120", "read 0x0 0",
    ]);
    expect(log.lines).toContain("toaster WRITE 120");
    expect(log.lines).toContain("toaster READ 100");
    log.clear();
    run("-u", "0");
    expect(seenBy(log.lines, "toastmon").sort()).toEqual([`removal ${link(1)}`, `removal ${link(2)}`]);
    // Its opens were closed: the toasters went at once, and what it allocated is back.
    expect(m.pnp.allNodes()).toHaveLength(3);
    expect(poolInUse(m)).toBe(pool);
  });

  it("registered after the toasters arrived, it still hears of them (existing interfaces included)", () => {
    const m = boot({ seed: 5 });
    const t = installToaster(m);
    const app = Win32Process.create(m, "enum.exe");
    enumMain(app, ["-p", "3"]);
    m.run();
    const log = t.log;
    log.clear();
    m.installDriverPackage({ service: "toastmon", hardwareIds: [{ id: "root\\toastmon" }], class: "System", framework: "WDM", DriverEntry: ToastMonDriverEntry(log) });
    m.pnp.createRootDevice({ hardwareIds: ["root\\toastmon"], class: "System" });
    m.run();
    expect(seenBy(log.lines, "toastmon")).toEqual(["AddDevice", `arrival \\??\\${TOASTER(3).replace(/\\/g, "#")}#${GUID_DEVINTERFACE_TOASTER.toLowerCase()}`, "write 0x0 120", "read 0x0 0"]);
  });
});

describe("wdm-toaster: a Win32 listener (CM_Register_Notification)", () => {
  it.each([1, 8])("hears each toaster arrive, opens and reads it on its own thread, hears it go; nothing after unregistering (seed %i, preemption)", (seed) => {
    const { m, run } = setUp({ seed, preemption: "random" });
    const monitor = Win32Process.create(m, "notify.exe");
    const handles = monitor.process.handles.count;
    const watch = watchToasters(monitor)!;
    run("-p", "1");
    run("-p", "2");
    run("-u", "1");
    monitor.Sleep(10);
    const path = (s: number) => `\\\\?\\${TOASTER(s).replace(/\\/g, "#")}#${GUID_DEVINTERFACE_TOASTER.toLowerCase()}`;
    expect(watch.seen).toEqual([`arrival ${path(1)} read 0`, `arrival ${path(2)} read 0`, `removal ${path(1)}`]);
    expect(watch.stop()).toBe(true);
    run("-u", "0");
    monitor.Sleep(10);
    expect(watch.seen).toHaveLength(3);
    expect(monitor.process.handles.count).toBe(handles);
    expect(GetDevicePaths(monitor, GUID_DEVINTERFACE_TOASTER)).toEqual([]);
  });

  it("toast.exe's SetupDi walk and enum.exe's CM list agree", () => {
    const { run, app } = setUp();
    run("-p", "1");
    run("-p", "2");
    expect(GetDevicePaths(app, GUID_DEVINTERFACE_TOASTER).sort()).toEqual(GetInterfaceList(app, GUID_DEVINTERFACE_TOASTER).sort());
    expect(GetDevicePaths(app, GUID_DEVINTERFACE_TOASTER)).toHaveLength(2);
  });
});
