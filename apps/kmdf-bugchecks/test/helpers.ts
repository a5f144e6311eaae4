export { expectBugCheck, expectReadable } from "@wdfjs/test-support";
import { expect } from "vitest";
import { boot, BugCheck, MemoryTraceSink, type DRIVER_INITIALIZE, type Flavor, type Machine } from "@wdfjs/kernel";
import { FxDriver, type FxDevice } from "@wdfjs/framework";
import { Win32Process } from "@wdfjs/win32";
import { BUG_DEVICE_CONTEXT, BugClient } from "../src/index.js";

export interface Rig {
  readonly m: Machine;
  readonly trace: MemoryTraceSink;
  readonly app: Win32Process;
  readonly client: BugClient;
  readonly name: string;
}

/** A machine with one broken KMDF driver loaded and kbugapp.exe holding a handle to its device. */
export function rig(flavor: Flavor, name: string, DriverEntry: DRIVER_INITIALIZE): Rig {
  const trace = new MemoryTraceSink();
  const m = boot({ flavor, seed: 7, trace });
  expect(m.loadDriver(name, DriverEntry)).toBe(0);
  const app = Win32Process.create(m, "kbugapp.exe");
  return { m, trace, app, client: new BugClient(app, name), name };
}

/** The driver's WDFDRIVER handle (what a WDF_VIOLATION's P4, the driver globals, stands for). */
export function driverHandle(r: Rig): number {
  return FxDriver.fromDriverObject(r.m.driver(r.name)!)!.handle;
}

/**
 * The device context of the driver's control device, as a debugger reads memory: straight from
 * the framework's device, so it works on a stopped machine too.
 */
export function contextOf(r: Rig): BUG_DEVICE_CONTEXT {
  // IoCreateDevice puts a new device first: the driver's first device (the one with the link) is last.
  let d = r.m.driver(r.name)!.DeviceObject!;
  while (d.NextDevice !== null) d = d.NextDevice;
  const context = (d.DeviceExtension as FxDevice).contexts.find((c) => c.Context instanceof BUG_DEVICE_CONTEXT);
  return context!.Context as BUG_DEVICE_CONTEXT;
}

/** The WDFDEVICE of the driver's control device (the one with the link), as a debugger finds it. */
export function deviceOf(r: Rig): number {
  let d = r.m.driver(r.name)!.DeviceObject!;
  while (d.NextDevice !== null) d = d.NextDevice;
  return (d.DeviceExtension as FxDevice).handle;
}

/** Trace events of a kind. */
export function traced(r: Rig, kind: string): string[] {
  return r.trace.events.filter((e) => e.kind === kind).map((e) => e.detail ?? "");
}


/** The stopped machine refuses further work while `other`, booted beside it, still serves the same driver. */
export function expectRefusesWork(crashed: Rig, other: Rig): void {
  expect(() => crashed.client.ping()).toThrow(BugCheck);
  expect(() => crashed.m.run()).toThrow(BugCheck);
  expect(other.m.stopped).toBe(false);
  expect(other.client.ping()).toBe(true);
}
