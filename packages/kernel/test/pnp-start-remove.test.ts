/**
 * The PnP manager builds device stacks from installed driver packages, starts them
 * bottom-up and removes them top-down, with the IRP sequences Windows sends.
 */
import { describe, expect, it } from "vitest";
import {
  boot, MemoryTraceSink, PNP_DETECTED_FATAL_ERROR, KTIMER, KDPC, KeInitializeTimer, KeInitializeDpc, KeSetTimerEx, KeCancelTimer, PNP_DEVICE_DONT_DISPLAY_IN_UI, PNP_DEVICE_FAILED, CM_PROB_FAILED_POST_START, CM_PROB_DRIVER_FAILED_LOAD, CM_PROB_FAILED_ADD, CM_PROB_FAILED_INSTALL, CM_PROB_FAILED_START, DeviceNodeStarted, DeviceNodeRemoved, DeviceNodeStateName, STATUS_SUCCESS,
  type Machine, type DEVICE_OBJECT,
} from "../src/index.js";
import { GUID_DEVCLASS_TOASTER, layerDriver, testBus, TOASTER_COMPATIBLE, TOASTER_HWID, type TestBus } from "./pnp-drivers.js";
import { expectBugCheck } from "./helpers.js";

const BUS_HWID = "root\\testbus";

/** A machine with the test bus installed and root-enumerated, started. */
function busMachine(seed = 1, preemption: "off" | "random" = "off"): { m: Machine; bus: TestBus; log: string[] } {
  const m = boot({ seed, preemption });
  const bus = testBus();
  m.installDriverPackage({ service: "testbus", hardwareIds: [{ id: BUS_HWID }], class: "System", framework: "WDM", DriverEntry: bus });
  m.pnp.createRootDevice({ hardwareIds: [BUS_HWID], class: "System" });
  return { m, bus, log: bus.log };
}

/** The toaster package with an upper and a lower device filter and a class upper and lower filter. */
function installToaster(m: Machine, log: string[], opts: Parameters<typeof layerDriver>[2] = {}) {
  const func = layerDriver("toaster", log, opts);
  const upper = layerDriver("upper", log);
  const lower = layerDriver("lower", log);
  const cupper = layerDriver("classupper", log);
  const clower = layerDriver("classlower", log);
  m.pnp.installFilterService({ service: "upper", DriverEntry: upper });
  m.pnp.installFilterService({ service: "lower", DriverEntry: lower });
  m.pnp.installClassFilter(GUID_DEVCLASS_TOASTER, { upper: true, service: "classupper", DriverEntry: cupper });
  m.pnp.installClassFilter(GUID_DEVCLASS_TOASTER, { upper: false, service: "classlower", DriverEntry: clower });
  m.installDriverPackage({
    service: "toaster", hardwareIds: [{ id: TOASTER_HWID }], compatibleIds: [{ id: TOASTER_COMPATIBLE, rank: 1 }], class: "Toaster",
    classGuid: GUID_DEVCLASS_TOASTER, upperFilters: ["upper"], lowerFilters: ["lower"], framework: "WDM", DriverEntry: func,
  });
  return { func, upper, lower, cupper, clower };
}

describe("PnP: matching, loading and starting", () => {
  it("the root enumerator starts a root-enumerated bus: ROOT\\SYSTEM\\0000, Started", () => {
    const { m, log } = busMachine();
    const n = m.pnp.node("ROOT\\SYSTEM\\0000")!;
    expect(n).not.toBeNull();
    expect(DeviceNodeStateName(n.State)).toBe("DeviceNodeStarted");
    expect(n.Service).toBe("testbus");
    expect(log).toEqual(["testbus AddDevice", "testbus START_DEVICE", "testbus QUERY_CAPABILITIES", "testbus QUERY_PNP_DEVICE_STATE", "testbus QUERY_DEVICE_RELATIONS(BusRelations)"]);
  });

  it("a new child is queried, its drivers added bottom of the stack first (lower device, lower class, function, upper device, upper class), and started bottom-up", () => {
    const { m, bus, log } = busMachine();
    installToaster(m, log);
    log.length = 0;
    bus.plug(m, 1, [TOASTER_HWID], { compatibleIds: [TOASTER_COMPATIBLE] });
    m.run();
    expect(log).toEqual([
      "testbus QUERY_DEVICE_RELATIONS(BusRelations)",
      "testbus-pdo1 QUERY_ID(DeviceID)",
      "testbus-pdo1 QUERY_ID(HardwareIDs)",
      "testbus-pdo1 QUERY_ID(CompatibleIDs)",
      "testbus-pdo1 QUERY_ID(InstanceID)",
      "testbus-pdo1 QUERY_CAPABILITIES",
      "testbus-pdo1 QUERY_DEVICE_TEXT(Description)",
      "testbus-pdo1 QUERY_DEVICE_TEXT(LocationInformation)",
      "testbus-pdo1 QUERY_BUS_INFORMATION",
      "testbus-pdo1 QUERY_RESOURCE_REQUIREMENTS",
      "lower DriverEntry", "lower AddDevice",
      "classlower DriverEntry", "classlower AddDevice",
      "toaster DriverEntry", "toaster AddDevice",
      "upper DriverEntry", "upper AddDevice",
      "classupper DriverEntry", "classupper AddDevice",
      // START goes to the top; each driver forwards it and finishes after the ones below.
      "classupper START_DEVICE", "upper START_DEVICE", "toaster START_DEVICE", "classlower START_DEVICE", "lower START_DEVICE",
      "testbus-pdo1 START_DEVICE",
      "lower START_DEVICE done", "classlower START_DEVICE done", "toaster START_DEVICE done", "upper START_DEVICE done", "classupper START_DEVICE done",
      // Once started, the whole stack is asked for its capabilities (top first), then for its
      // state and its children; nobody above the PDO answers the state.
      "classupper QUERY_CAPABILITIES", "upper QUERY_CAPABILITIES", "toaster QUERY_CAPABILITIES", "classlower QUERY_CAPABILITIES",
      "lower QUERY_CAPABILITIES", "testbus-pdo1 QUERY_CAPABILITIES",
      "classupper QUERY_PNP_DEVICE_STATE", "upper QUERY_PNP_DEVICE_STATE", "toaster QUERY_PNP_DEVICE_STATE", "classlower QUERY_PNP_DEVICE_STATE",
      "lower QUERY_PNP_DEVICE_STATE", "testbus-pdo1 QUERY_PNP_DEVICE_STATE",
      "classupper QUERY_DEVICE_RELATIONS(BusRelations)", "upper QUERY_DEVICE_RELATIONS(BusRelations)", "toaster QUERY_DEVICE_RELATIONS(BusRelations)",
      "classlower QUERY_DEVICE_RELATIONS(BusRelations)", "lower QUERY_DEVICE_RELATIONS(BusRelations)", "testbus-pdo1 QUERY_DEVICE_RELATIONS(BusRelations)",
    ]);
    const n = m.pnp.node(`${TOASTER_HWID}\\01`)!;
    expect(n.State).toBe(DeviceNodeStarted);
    expect(n.HardwareIds).toEqual([TOASTER_HWID]);
    expect(n.CompatibleIds).toEqual([TOASTER_COMPATIBLE]);
    expect(n.Capabilities!.UINumber).toBe(1);
    expect([n.DeviceDescription, n.LocationInformation, n.BusTypeGuid, n.LegacyBusType, n.BusNumber]).toEqual(["Microsoft_Eliyas_Toaster_01", "Toaster Bus 0", GUID_DEVCLASS_TOASTER.toUpperCase(), 15, 0]);
  });

  it("DriverEntry runs once per service: a second device only gets AddDevice calls", () => {
    const { m, bus, log } = busMachine();
    const d = installToaster(m, log);
    bus.plug(m, 1, [TOASTER_HWID]);
    bus.plug(m, 2, [TOASTER_HWID]);
    m.run();
    expect([d.func.entries, d.upper.entries, d.lower.entries, d.cupper.entries, d.clower.entries]).toEqual([1, 1, 1, 1, 1]);
    expect(d.func.devices).toHaveLength(2);
    expect(m.pnp.node(`${TOASTER_HWID}\\02`)!.State).toBe(DeviceNodeStarted);
  });

  it("the best rank wins: a hardware ID match beats a compatible ID match, and the INF's rank breaks ties", () => {
    const { m, bus, log } = busMachine();
    const generic = layerDriver("generic", log);
    const specific = layerDriver("specific", log);
    const ranked = layerDriver("ranked", log);
    m.installDriverPackage({ service: "generic", hardwareIds: [{ id: TOASTER_COMPATIBLE }], class: "Toaster", framework: "WDM", DriverEntry: generic });
    m.installDriverPackage({ service: "ranked", hardwareIds: [{ id: "other\\id", rank: 0 }], compatibleIds: [{ id: TOASTER_HWID, rank: 0 }], class: "Toaster", framework: "WDM", DriverEntry: ranked });
    m.installDriverPackage({ service: "specific", hardwareIds: [{ id: TOASTER_HWID, rank: 3 }], class: "Toaster", framework: "WDM", DriverEntry: specific });
    bus.plug(m, 1, [TOASTER_HWID], { compatibleIds: [TOASTER_COMPATIBLE] });
    bus.plug(m, 2, ["unknown\\thing"], { compatibleIds: [TOASTER_COMPATIBLE] });
    m.run();
    expect(m.pnp.node(`${TOASTER_HWID}\\01`)!.Service).toBe("specific");
    expect(m.pnp.node("unknown\\thing\\02")!.Service).toBe("generic");
  });

  it("no matching package: CM_PROB_FAILED_INSTALL (28); installing one later starts the device", () => {
    const { m, bus, log } = busMachine();
    bus.plug(m, 1, [TOASTER_HWID]);
    m.run();
    const n = m.pnp.node(`${TOASTER_HWID}\\01`)!;
    expect(n.Problem).toBe(CM_PROB_FAILED_INSTALL);
    expect(CM_PROB_FAILED_INSTALL).toBe(28);
    m.installDriverPackage({ service: "toaster", hardwareIds: [{ id: TOASTER_HWID }], class: "Toaster", framework: "WDM", DriverEntry: layerDriver("toaster", log) });
    expect(n.Problem).toBe(0);
    expect(n.State).toBe(DeviceNodeStarted);
  });

  it("AddDevice failing gives CM_PROB_FAILED_ADD (31) and tears the stack down with REMOVE_DEVICE", () => {
    const { m, bus, log } = busMachine();
    m.pnp.installFilterService({ service: "lower", DriverEntry: layerDriver("lower", log) });
    m.installDriverPackage({ service: "toaster", hardwareIds: [{ id: TOASTER_HWID }], lowerFilters: ["lower"], class: "Toaster", framework: "WDM", DriverEntry: layerDriver("toaster", log, { failAdd: true }) });
    log.length = 0;
    bus.plug(m, 1, [TOASTER_HWID]);
    m.run();
    const n = m.pnp.node(`${TOASTER_HWID}\\01`)!;
    expect(n.Problem).toBe(CM_PROB_FAILED_ADD);
    expect(log.filter((l) => !l.includes("QUERY"))).toEqual([
      "lower DriverEntry", "lower AddDevice", "toaster DriverEntry", "toaster AddDevice", "lower REMOVE_DEVICE", "testbus-pdo1 REMOVE_DEVICE",
    ]);
  });

  it("a failed START gives CM_PROB_FAILED_START (10) and REMOVE_DEVICE goes down the stack", () => {
    const { m, bus, log } = busMachine();
    m.installDriverPackage({ service: "toaster", hardwareIds: [{ id: TOASTER_HWID }], class: "Toaster", framework: "WDM", DriverEntry: layerDriver("toaster", log, { failStart: true }) });
    log.length = 0;
    bus.plug(m, 1, [TOASTER_HWID]);
    m.run();
    const n = m.pnp.node(`${TOASTER_HWID}\\01`)!;
    expect(n.Problem).toBe(CM_PROB_FAILED_START);
    expect(n.State).toBe(DeviceNodeRemoved);
    expect(log.slice(-5)).toEqual(["toaster START_DEVICE", "testbus-pdo1 START_DEVICE", "toaster START_DEVICE done", "toaster REMOVE_DEVICE", "testbus-pdo1 REMOVE_DEVICE"]);
  });
});

describe("PnP: removal", () => {
  it("an orderly removal asks for RemovalRelations, then sends QUERY_REMOVE and REMOVE top-down; the PDO stays while its bus still reports it", () => {
    const { m, bus, log } = busMachine();
    installToaster(m, log);
    bus.plug(m, 1, [TOASTER_HWID]);
    m.run();
    log.length = 0;
    expect(m.pnp.removeDevice(`${TOASTER_HWID}\\01`)).toBe(STATUS_SUCCESS);
    expect(log).toEqual([
      "classupper QUERY_DEVICE_RELATIONS(RemovalRelations)", "upper QUERY_DEVICE_RELATIONS(RemovalRelations)", "toaster QUERY_DEVICE_RELATIONS(RemovalRelations)",
      "classlower QUERY_DEVICE_RELATIONS(RemovalRelations)", "lower QUERY_DEVICE_RELATIONS(RemovalRelations)", "testbus-pdo1 QUERY_DEVICE_RELATIONS(RemovalRelations)",
      "classupper QUERY_REMOVE_DEVICE", "upper QUERY_REMOVE_DEVICE", "toaster QUERY_REMOVE_DEVICE", "classlower QUERY_REMOVE_DEVICE", "lower QUERY_REMOVE_DEVICE", "testbus-pdo1 QUERY_REMOVE_DEVICE",
      "classupper REMOVE_DEVICE", "upper REMOVE_DEVICE", "toaster REMOVE_DEVICE", "classlower REMOVE_DEVICE", "lower REMOVE_DEVICE", "testbus-pdo1 REMOVE_DEVICE",
    ]);
    const n = m.pnp.node(`${TOASTER_HWID}\\01`)!;
    expect(n.State).toBe(DeviceNodeRemoved);
    expect(bus.children).toHaveLength(1);
  });

  it("a driver refusing QUERY_REMOVE keeps the device: CANCEL_REMOVE goes to the stack and it stays started", () => {
    const { m, bus, log } = busMachine();
    m.installDriverPackage({ service: "toaster", hardwareIds: [{ id: TOASTER_HWID }], class: "Toaster", framework: "WDM", DriverEntry: layerDriver("toaster", log, { failQueryRemove: true }) });
    bus.plug(m, 1, [TOASTER_HWID]);
    m.run();
    log.length = 0;
    expect(m.pnp.removeDevice(`${TOASTER_HWID}\\01`)).not.toBe(STATUS_SUCCESS);
    expect(log).toEqual([
      "toaster QUERY_DEVICE_RELATIONS(RemovalRelations)", "testbus-pdo1 QUERY_DEVICE_RELATIONS(RemovalRelations)",
      "toaster QUERY_REMOVE_DEVICE", "toaster CANCEL_REMOVE_DEVICE", "testbus-pdo1 CANCEL_REMOVE_DEVICE",
    ]);
    expect(m.pnp.node(`${TOASTER_HWID}\\01`)!.State).toBe(DeviceNodeStarted);
  });

  it("re-enumeration: an unplugged started child gets SURPRISE_REMOVAL then REMOVE_DEVICE and leaves the tree", () => {
    const { m, bus, log } = busMachine();
    installToaster(m, log);
    bus.plug(m, 1, [TOASTER_HWID]);
    bus.plug(m, 2, [TOASTER_HWID]);
    m.run();
    log.length = 0;
    bus.unplug(m, 1);
    m.run();
    expect(log).toEqual([
      "testbus QUERY_DEVICE_RELATIONS(BusRelations)",
      "classupper SURPRISE_REMOVAL", "upper SURPRISE_REMOVAL", "toaster SURPRISE_REMOVAL", "classlower SURPRISE_REMOVAL", "lower SURPRISE_REMOVAL", "testbus-pdo1 SURPRISE_REMOVAL",
      "classupper REMOVE_DEVICE", "upper REMOVE_DEVICE", "toaster REMOVE_DEVICE", "classlower REMOVE_DEVICE", "lower REMOVE_DEVICE", "testbus-pdo1 REMOVE_DEVICE",
    ]);
    expect(m.pnp.node(`${TOASTER_HWID}\\01`)).toBeNull();
    expect(m.pnp.node(`${TOASTER_HWID}\\02`)!.State).toBe(DeviceNodeStarted);
    expect(bus.children.map((c) => c.serial)).toEqual([2]);
  });

  it("an unplugged child that never started (no driver) gets REMOVE_DEVICE only", () => {
    const { m, bus, log } = busMachine();
    bus.plug(m, 1, ["nobody\\wants"]);
    m.run();
    log.length = 0;
    bus.unplug(m, 1);
    m.run();
    expect(log).toEqual(["testbus QUERY_DEVICE_RELATIONS(BusRelations)", "testbus-pdo1 REMOVE_DEVICE"]);
    expect(m.pnp.node("nobody\\wants\\01")).toBeNull();
  });

  it("removing the bus removes its children first", () => {
    const { m, bus, log } = busMachine();
    m.installDriverPackage({ service: "toaster", hardwareIds: [{ id: TOASTER_HWID }], class: "Toaster", framework: "WDM", DriverEntry: layerDriver("toaster", log) });
    bus.plug(m, 1, [TOASTER_HWID]);
    m.run();
    log.length = 0;
    expect(m.pnp.deleteRootDevice("ROOT\\SYSTEM\\0000")).toBe(true);
    expect(log).toEqual([
      "toaster SURPRISE_REMOVAL", "testbus-pdo1 SURPRISE_REMOVAL", "toaster REMOVE_DEVICE", "testbus-pdo1 REMOVE_DEVICE",
      "testbus SURPRISE_REMOVAL", "testbus REMOVE_DEVICE",
    ]);
    expect(m.pnp.allNodes()).toHaveLength(1);
    expect(m.pnp.nodeCount).toBe(1);
  });
});

describe("PnP: eject, unload and seeds", () => {
  it("IoRequestDeviceEject: EjectionRelations and RemovalRelations, QUERY_REMOVE and REMOVE top-down, EJECT to the PDO; the bus then reports it missing and a last REMOVE deletes the PDO", () => {
    const { m, bus, log } = busMachine();
    m.installDriverPackage({ service: "toaster", hardwareIds: [{ id: TOASTER_HWID }], class: "Toaster", framework: "WDM", DriverEntry: layerDriver("toaster", log) });
    bus.plug(m, 1, [TOASTER_HWID]);
    m.run();
    log.length = 0;
    bus.eject(m, 1);
    m.run();
    expect(log).toEqual([
      "toaster QUERY_DEVICE_RELATIONS(EjectionRelations)", "testbus-pdo1 QUERY_DEVICE_RELATIONS(EjectionRelations)",
      "toaster QUERY_DEVICE_RELATIONS(RemovalRelations)", "testbus-pdo1 QUERY_DEVICE_RELATIONS(RemovalRelations)",
      "toaster QUERY_REMOVE_DEVICE", "testbus-pdo1 QUERY_REMOVE_DEVICE", "toaster REMOVE_DEVICE", "testbus-pdo1 REMOVE_DEVICE", "testbus-pdo1 EJECT",
      "testbus QUERY_DEVICE_RELATIONS(BusRelations)", "testbus-pdo1 REMOVE_DEVICE",
    ]);
    expect(m.pnp.node(`${TOASTER_HWID}\\01`)).toBeNull();
    expect(bus.children).toHaveLength(0);
  });

  it("a PnP driver with a DriverUnload is unloaded when its last device is removed", () => {
    const { m, bus, log } = busMachine();
    const unloads: string[] = [];
    const func = layerDriver("toaster", log);
    m.installDriverPackage({
      service: "toaster", hardwareIds: [{ id: TOASTER_HWID }], class: "Toaster", framework: "WDM",
      DriverEntry: (d, r) => {
        d.DriverUnload = () => void unloads.push("toaster DriverUnload");
        return func.DriverEntry(d, r);
      },
    });
    bus.plug(m, 1, [TOASTER_HWID]);
    bus.plug(m, 2, [TOASTER_HWID]);
    m.run();
    bus.unplug(m, 1);
    m.run();
    expect(unloads).toEqual([]);
    expect(m.driver("toaster")).toBeDefined();
    bus.unplug(m, 2);
    m.run();
    expect(unloads).toEqual(["toaster DriverUnload"]);
    expect(m.driver("toaster")).toBeUndefined();
    // Plugged in again, it is loaded again.
    bus.plug(m, 3, [TOASTER_HWID]);
    m.run();
    expect(m.pnp.node(`${TOASTER_HWID}\\03`)!.State).toBe(DeviceNodeStarted);
    expect(func.entries).toBe(2);
  });

  it("the same IRP sequences under random preemption, seed after seed", () => {
    const run = (seed: number, preemption: "off" | "random") => {
      const { m, bus, log } = busMachine(seed, preemption);
      installToaster(m, log);
      bus.plug(m, 1, [TOASTER_HWID]);
      bus.plug(m, 2, [TOASTER_HWID]);
      m.run();
      bus.unplug(m, 1);
      m.run();
      m.pnp.removeDevice(`${TOASTER_HWID}\\02`);
      expect(m.stopped).toBe(false);
      return log.join("\n");
    };
    const reference = run(1, "off");
    for (const seed of [1, 2, 3, 4, 5, 6]) expect(run(seed, "random")).toBe(reference);
  });
});

describe("PnP: removal relations", () => {
  it("a device a driver names in RemovalRelations is query-removed and removed with it", () => {
    const { m, bus, log } = busMachine();
    let other: DEVICE_OBJECT | null = null;
    m.installDriverPackage({ service: "toaster", hardwareIds: [{ id: TOASTER_HWID }], class: "Toaster", framework: "WDM", DriverEntry: layerDriver("toaster", log, { removalRelations: () => (other ? [other] : []) }) });
    bus.plug(m, 1, [TOASTER_HWID]);
    bus.plug(m, 2, [TOASTER_HWID]);
    m.run();
    other = bus.children[1]!.pdo;
    log.length = 0;
    expect(m.pnp.removeDevice(`${TOASTER_HWID}\\01`)).toBe(STATUS_SUCCESS);
    expect(log.filter((l) => l.includes("REMOVE_DEVICE"))).toEqual([
      "toaster QUERY_REMOVE_DEVICE", "testbus-pdo2 QUERY_REMOVE_DEVICE", "toaster QUERY_REMOVE_DEVICE", "testbus-pdo1 QUERY_REMOVE_DEVICE",
      "toaster REMOVE_DEVICE", "testbus-pdo2 REMOVE_DEVICE", "toaster REMOVE_DEVICE", "testbus-pdo1 REMOVE_DEVICE",
    ]);
    expect(m.pnp.node(`${TOASTER_HWID}\\02`)!.State).toBe(DeviceNodeRemoved);
  });
});

describe("PnP: each machine its own", () => {
  it("two machines have their own device trees, driver stores and drivers", () => {
    const a = busMachine();
    const b = busMachine();
    installToaster(a.m, a.log);
    a.bus.plug(a.m, 1, [TOASTER_HWID]);
    a.m.run();
    b.bus.plug(b.m, 1, [TOASTER_HWID]);
    b.m.run();
    expect(a.m.pnp.node(`${TOASTER_HWID}\\01`)!.State).toBe(DeviceNodeStarted);
    expect(b.m.pnp.node(`${TOASTER_HWID}\\01`)!.Problem).toBe(CM_PROB_FAILED_INSTALL);
    expect(a.m.driver("toaster")).toBeDefined();
    expect(b.m.driver("toaster")).toBeUndefined();
  });

  it("a filter service nobody installed: CM_PROB_DRIVER_FAILED_LOAD (39) and the stack built so far is removed", () => {
    const { m, bus, log } = busMachine();
    m.pnp.installFilterService({ service: "lower", DriverEntry: layerDriver("lower", log) });
    m.installDriverPackage({ service: "toaster", hardwareIds: [{ id: TOASTER_HWID }], lowerFilters: ["lower"], upperFilters: ["missing"], class: "Toaster", framework: "WDM", DriverEntry: layerDriver("toaster", log) });
    log.length = 0;
    bus.plug(m, 1, [TOASTER_HWID]);
    m.run();
    expect(m.pnp.node(`${TOASTER_HWID}\\01`)!.Problem).toBe(CM_PROB_DRIVER_FAILED_LOAD);
    expect(log.filter((l) => !l.includes("QUERY"))).toEqual([
      "lower DriverEntry", "lower AddDevice", "toaster DriverEntry", "toaster AddDevice", "toaster REMOVE_DEVICE", "lower REMOVE_DEVICE", "testbus-pdo1 REMOVE_DEVICE",
    ]);
  });
});

describe("PnP: tracing", () => {
  it("the machine's trace shows what the PnP manager did", () => {
    const trace = new MemoryTraceSink();
    const m = boot({ trace });
    const bus = testBus();
    m.installDriverPackage({ service: "testbus", hardwareIds: [{ id: BUS_HWID }], class: "System", framework: "WDM", DriverEntry: bus });
    m.pnp.createRootDevice({ hardwareIds: [BUS_HWID], class: "System" });
    const pnp = trace.events.filter((e) => e.kind === "pnp").map((e) => e.detail);
    expect(pnp).toEqual([
      "QUERY_DEVICE_RELATIONS(BusRelations) HTREE\\ROOT\\0",
      // Before its IDs are known, the new device is its PDO's name.
      "QUERY_ID(DeviceID) \\Device\\00000001", "QUERY_ID(HardwareIDs) \\Device\\00000001", "QUERY_ID(CompatibleIDs) \\Device\\00000001",
      "QUERY_ID(InstanceID) \\Device\\00000001",
      "QUERY_CAPABILITIES ROOT\\SYSTEM\\0000", "QUERY_DEVICE_TEXT ROOT\\SYSTEM\\0000", "QUERY_DEVICE_TEXT ROOT\\SYSTEM\\0000",
      "QUERY_BUS_INFORMATION ROOT\\SYSTEM\\0000", "QUERY_RESOURCE_REQUIREMENTS ROOT\\SYSTEM\\0000",
      "DriverEntry testbus", "AddDevice testbus ROOT\\SYSTEM\\0000", "START_DEVICE ROOT\\SYSTEM\\0000", "QUERY_CAPABILITIES ROOT\\SYSTEM\\0000",
      "QUERY_PNP_DEVICE_STATE ROOT\\SYSTEM\\0000",
      "QUERY_DEVICE_RELATIONS(BusRelations) ROOT\\SYSTEM\\0000",
    ]);
  });
});

describe("PnP: device state after start", () => {
  it("QUERY_PNP_DEVICE_STATE follows START: PNP_DEVICE_DONT_DISPLAY_IN_UI is kept on the node, PNP_DEVICE_FAILED fails the device with Code 43", () => {
    const { m, bus, log } = busMachine();
    let state = PNP_DEVICE_DONT_DISPLAY_IN_UI;
    m.installDriverPackage({ service: "toaster", hardwareIds: [{ id: TOASTER_HWID }], class: "Toaster", framework: "WDM", DriverEntry: layerDriver("toaster", log, { pnpState: () => state }) });
    bus.plug(m, 1, [TOASTER_HWID]);
    m.run();
    const n = m.pnp.node(`${TOASTER_HWID}\\01`)!;
    expect(n.UserFlags).toBe(PNP_DEVICE_DONT_DISPLAY_IN_UI);
    expect(n.State).toBe(DeviceNodeStarted);
    state = PNP_DEVICE_FAILED;
    bus.plug(m, 2, [TOASTER_HWID]);
    m.run();
    const n2 = m.pnp.node(`${TOASTER_HWID}\\02`)!;
    expect(n2.Problem).toBe(CM_PROB_FAILED_POST_START);
    expect(n2.State).toBe(DeviceNodeRemoved);
  });
});

describe("PnP: host calls on a busy machine", () => {
  it("installDriverPackage, createRootDevice and removeDevice return once the change is made, even with a periodic timer running", () => {
    const m = boot();
    let ticks = 0;
    const timer = new KTIMER();
    const dpc = new KDPC();
    m.runInKernel(() => {
      KeInitializeTimer(timer);
      KeInitializeDpc(dpc, () => void ticks++, null);
      KeSetTimerEx(timer, -10_000, 1, dpc);
    });
    const log: string[] = [];
    m.installDriverPackage({ service: "dev", hardwareIds: [{ id: "root\\dev" }], class: "System", framework: "WDM", DriverEntry: layerDriver("dev", log) });
    const a = m.pnp.createRootDevice({ hardwareIds: ["root\\dev"], class: "System" });
    expect(m.pnp.node(a)!.State).toBe(DeviceNodeStarted);
    expect(m.pnp.removeDevice(a)).toBe(STATUS_SUCCESS);
    expect(m.pnp.node(a)!.State).toBe(DeviceNodeRemoved);
    m.runFor(5);
    expect(ticks).toBeGreaterThan(0);
    m.runInKernel(() => KeCancelTimer(timer));
  });
});

describe("PnP: bus driver bugs", () => {
  it("a bus reporting two children with the same device and instance IDs is bug check 0xCA (PNP_DETECTED_FATAL_ERROR, 1)", () => {
    const { m, bus } = busMachine();
    bus.plug(m, 1, [TOASTER_HWID]);
    m.run();
    const data = expectBugCheck(m, PNP_DETECTED_FATAL_ERROR, () => {
      bus.plug(m, 1, [TOASTER_HWID]);
      m.run();
    });
    expect(data.BugCheckParameter1).toBe(1);
    expect(data.BugCheckParameter3).toBe(bus.children[0]!.pdo!.address);
  });
});
