export { expectBugCheck, expectReadable } from "@wdfjs/test-support";
import { expect } from "vitest";
import { boot, BugCheck, type DRIVER_INITIALIZE, type Flavor, type Machine } from "@wdfjs/kernel";
import { GENERIC_READ, OPEN_EXISTING, Win32Process } from "@wdfjs/win32";
import { BugClient } from "../src/index.js";

export interface Rig {
  readonly m: Machine;
  readonly app: Win32Process;
  readonly client: BugClient;
}

/** A machine with one broken driver loaded and bugapp.exe holding a handle to it. */
export function rig(flavor: Flavor, name: string, DriverEntry: DRIVER_INITIALIZE, overlapped = false): Rig {
  const m = boot({ flavor, seed: 7 });
  expect(m.loadDriver(name, DriverEntry)).toBe(0);
  const app = Win32Process.create(m, "bugapp.exe");
  return { m, app, client: new BugClient(app, name, overlapped) };
}


/**
 * The stopped machine refuses every further request (a new open, a request on the open
 * handle), while `other`, booted beside it before the crash, still works.
 */
export function expectRefusesWork(crashed: Rig, name: string, other: Rig): void {
  expect(() => crashed.app.CreateFile(`\\\\.\\${name}`, GENERIC_READ, 0, null, OPEN_EXISTING, 0, 0)).toThrow(BugCheck);
  expect(() => crashed.client.ping()).toThrow(BugCheck);
  expect(() => crashed.m.run()).toThrow(BugCheck);
  expect(other.m.stopped).toBe(false);
  expect(other.client.ping()).toBe(true);
  const again = new BugClient(other.app, name);
  expect(again.ping()).toBe(true);
  expect(again.close()).toBe(true);
}

