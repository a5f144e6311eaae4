/**
 * The PnP manager hands each started device stack to the power manager (children sleep
 * before their parent, wake after it), and takes it back when the device stops or goes.
 */
import { describe, expect, it } from "vitest";
import { boot, type Machine } from "../src/index.js";
import { GUID_DEVCLASS_TOASTER, layerDriver, testBus, TOASTER_HWID } from "./pnp-drivers.js";

function rig(): { m: Machine; bus: ReturnType<typeof testBus> } {
  const m = boot({ seed: 3 });
  const bus = testBus();
  m.installDriverPackage({ service: "testbus", hardwareIds: [{ id: "root\\testbus" }], class: "System", framework: "WDM", DriverEntry: bus });
  m.pnp.createRootDevice({ hardwareIds: ["root\\testbus"], class: "System" });
  const log: string[] = [];
  m.installDriverPackage({ service: "toaster", hardwareIds: [{ id: TOASTER_HWID }], class: "Toaster", classGuid: GUID_DEVCLASS_TOASTER, framework: "WDM", DriverEntry: layerDriver("toaster", log) });
  return { m, bus };
}

describe("PnP and power", () => {
  it("a started stack is registered with the power manager: children before their bus in the sleep order", () => {
    const { m, bus } = rig();
    const busPdo = m.pnp.node("ROOT\\SYSTEM\\0000")!.PhysicalDeviceObject;
    expect(m.po.sleepOrder()).toEqual([busPdo]);
    bus.plug(m, 1, [TOASTER_HWID]);
    bus.plug(m, 2, [TOASTER_HWID]);
    m.run();
    const kids = m.pnp.allNodes().filter((n) => n.Parent?.PhysicalDeviceObject === busPdo).map((n) => n.PhysicalDeviceObject);
    expect(kids).toHaveLength(2);
    const order = m.po.sleepOrder();
    expect(order).toHaveLength(3);
    expect(order.at(-1)).toBe(busPdo);
    expect(new Set(order.slice(0, 2))).toEqual(new Set(kids));
  });

  it("a removed device's stack gets no more system power IRPs", () => {
    const { m, bus } = rig();
    const busPdo = m.pnp.node("ROOT\\SYSTEM\\0000")!.PhysicalDeviceObject;
    bus.plug(m, 1, [TOASTER_HWID]);
    m.run();
    expect(m.po.sleepOrder()).toHaveLength(2);
    bus.unplug(m, 1);
    m.run();
    expect(m.po.sleepOrder()).toEqual([busPdo]);
  });
});

describe("PnP: removing a bus", () => {
  it("takes its removed children's device nodes out of the tree with it", () => {
    const { m, bus } = rig();
    bus.plug(m, 1, [TOASTER_HWID]);
    bus.plug(m, 2, [TOASTER_HWID]);
    m.run();
    const before = m.pnp.allNodes().length;
    expect(before).toBe(4); // the root, the bus and two toasters
    expect(m.pnp.removeDevice("ROOT\\SYSTEM\\0000")).toBe(0);
    m.run();
    const left = m.pnp.allNodes().map((n) => n.InstancePath);
    expect(left.some((p) => p.includes("MsToaster") || p.startsWith("{"))).toBe(false);
    expect(m.po.sleepOrder()).toEqual([]);
  });
});
