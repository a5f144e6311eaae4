/**
 * NtPlugPlayControl: user-mode PnP's way into the PnP manager (interface lists and
 * arrival/removal registrations of a process).
 */
import { describe, expect, it } from "vitest";
import {
  boot, GUID_DEVICE_INTERFACE_ARRIVAL, GUID_DEVICE_INTERFACE_REMOVAL, NtClose, NtPlugPlayControl, PLUGPLAY_CONTROL_INTERFACE_DEVICE_LIST_DATA,
  PLUGPLAY_CONTROL_NOTIFICATION_DATA, PlugPlayControlGetInterfaceDeviceList, PlugPlayControlRegisterNotification, ReadMultiSz, STATUS_ACCESS_VIOLATION,
  STATUS_BUFFER_TOO_SMALL, STATUS_INVALID_PARAMETER, STATUS_INVALID_PARAMETER_2, STATUS_NO_SUCH_DEVICE, STATUS_NOT_IMPLEMENTED, STATUS_SUCCESS,
  type KTHREAD, type PLUGPLAY_EVENT,
} from "../src/index.js";
import { client, userAlloc } from "./helpers.js";
import { GUID_DEVINTERFACE_TOASTER, layerDriver, testBus, TOASTER_HWID } from "./pnp-drivers.js";

const BUS_HWID = "root\\testbus";
const LINK1 = `\\??\\${TOASTER_HWID.replace(/\\/g, "#")}#01#${GUID_DEVINTERFACE_TOASTER.toLowerCase()}`;

function toasterMachine() {
  const m = boot({ seed: 1 });
  const bus = testBus();
  m.installDriverPackage({ service: "testbus", hardwareIds: [{ id: BUS_HWID }], class: "System", framework: "WDM", DriverEntry: bus });
  m.pnp.createRootDevice({ hardwareIds: [BUS_HWID], class: "System" });
  const func = layerDriver("toaster", bus.log, { interfaceGuid: GUID_DEVINTERFACE_TOASTER });
  m.installDriverPackage({ service: "toaster", hardwareIds: [{ id: TOASTER_HWID }], class: "Toaster", framework: "WDM", DriverEntry: func });
  return { m, bus };
}

describe("NtPlugPlayControl", () => {
  it("PlugPlayControlGetInterfaceDeviceList: the size, STATUS_BUFFER_TOO_SMALL, then the MULTI_SZ in the caller's buffer", () => {
    const { m, bus } = toasterMachine();
    bus.plug(m, 1, [TOASTER_HWID]);
    m.run();
    const c = client(m);
    const d = new PLUGPLAY_CONTROL_INTERFACE_DEVICE_LIST_DATA();
    d.FilterGuid = GUID_DEVINTERFACE_TOASTER;
    expect(m.syscall(c.thread, () => NtPlugPlayControl(PlugPlayControlGetInterfaceDeviceList, d, 0))).toBe(STATUS_SUCCESS);
    expect(d.BufferSize).toBe(2 * (LINK1.length + 2));
    const buf = userAlloc(m, c);
    d.Buffer = buf;
    d.BufferSize = 10;
    expect(m.syscall(c.thread, () => NtPlugPlayControl(PlugPlayControlGetInterfaceDeviceList, d, 0))).toBe(STATUS_BUFFER_TOO_SMALL);
    expect(m.syscall(c.thread, () => NtPlugPlayControl(PlugPlayControlGetInterfaceDeviceList, d, 0))).toBe(STATUS_SUCCESS);
    expect(m.syscall(c.thread, () => ReadMultiSz(buf))).toEqual([LINK1]);
    // A kernel buffer from user mode, an unknown device, bad data.
    d.Buffer = 0xffff_8000_0000_1000;
    expect(m.syscall(c.thread, () => NtPlugPlayControl(PlugPlayControlGetInterfaceDeviceList, d, 0))).toBe(STATUS_ACCESS_VIOLATION);
    d.Buffer = buf;
    d.DeviceInstance = "ROOT\\NOPE\\0000";
    expect(m.syscall(c.thread, () => NtPlugPlayControl(PlugPlayControlGetInterfaceDeviceList, d, 0))).toBe(STATUS_NO_SUCH_DEVICE);
    d.DeviceInstance = null;
    d.FilterGuid = "toaster";
    expect(m.syscall(c.thread, () => NtPlugPlayControl(PlugPlayControlGetInterfaceDeviceList, d, 0))).toBe(STATUS_INVALID_PARAMETER);
    expect(m.syscall(c.thread, () => NtPlugPlayControl(PlugPlayControlGetInterfaceDeviceList, {}, 0))).toBe(STATUS_INVALID_PARAMETER_2);
    expect(m.syscall(c.thread, () => NtPlugPlayControl(0, d, 0))).toBe(STATUS_NOT_IMPLEMENTED);
  });

  it("PlugPlayControlRegisterNotification: events reach the routine on a thread of the process, in order; none after the handle is closed", () => {
    const { m, bus } = toasterMachine();
    const c = client(m);
    const seen: string[] = [];
    const threads = new Set<KTHREAD>();
    const d = new PLUGPLAY_CONTROL_NOTIFICATION_DATA();
    d.FilterGuid = GUID_DEVINTERFACE_TOASTER;
    d.Routine = (e: PLUGPLAY_EVENT) => {
      threads.add(m.cpu.thread!);
      seen.push(`${e.Event === GUID_DEVICE_INTERFACE_ARRIVAL ? "arrival" : e.Event === GUID_DEVICE_INTERFACE_REMOVAL ? "removal" : "?"} ${e.SymbolicLinkName}`);
    };
    expect(m.syscall(c.thread, () => NtPlugPlayControl(PlugPlayControlRegisterNotification, d, 0))).toBe(STATUS_SUCCESS);
    expect(d.Handle).not.toBe(0);
    bus.plug(m, 1, [TOASTER_HWID]);
    m.run();
    bus.unplug(m, 1);
    m.run();
    expect(seen).toEqual([`arrival ${LINK1}`, `removal ${LINK1}`]);
    for (const t of threads) expect(t.process).toBe(c.process);
    expect(m.syscall(c.thread, () => NtClose(d.Handle))).toBe(STATUS_SUCCESS);
    bus.plug(m, 2, [TOASTER_HWID]);
    m.run();
    expect(seen).toHaveLength(2);
    expect(m.pnp.interfaces.watchers).toHaveLength(0);
  });

  it("a registration ends with its process", () => {
    const { m, bus } = toasterMachine();
    const c = client(m);
    const seen: string[] = [];
    const d = new PLUGPLAY_CONTROL_NOTIFICATION_DATA();
    d.Routine = (e: PLUGPLAY_EVENT) => void seen.push(e.SymbolicLinkName);
    expect(m.syscall(c.thread, () => NtPlugPlayControl(PlugPlayControlRegisterNotification, d, 0))).toBe(STATUS_SUCCESS);
    m.terminateProcess(c.process, 0);
    bus.plug(m, 1, [TOASTER_HWID]);
    m.run();
    expect(seen).toEqual([]);
    expect(m.pnp.interfaces.watchers).toHaveLength(0);
  });
});
