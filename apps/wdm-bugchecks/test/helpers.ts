import { expect } from "vitest";
import { boot, BugCheck, formatBugCheck, type BugCheckData, type DRIVER_INITIALIZE, type Flavor, type Machine } from "@wdfjs/kernel";
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

/** Runs `fn`, which must end in a bug check of `code`; returns what the stopped machine shows. */
export function expectBugCheck(m: Machine, code: number, fn: () => unknown): BugCheckData {
  let thrown: unknown = null;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown, "expected the call to end in a bug check").toBeInstanceOf(BugCheck);
  const data = (thrown as BugCheck).data;
  expect(data.BugCheckCode.toString(16)).toBe(code.toString(16));
  expect(m.bugCheckData).toBe(data);
  expect(m.stopped).toBe(true);
  // What a person reads: the STOP line, the name, and a sentence or more of explanation.
  const screen = formatBugCheck(data);
  expect(screen).toContain(`*** STOP: 0x${code.toString(16).toUpperCase().padStart(8, "0")}`);
  expect(screen).toContain(data.name);
  expect(data.name).toMatch(/^[A-Z_]+$/);
  expect(data.explanation.length).toBeGreaterThan(40);
  expectReadable(screen);
  return data;
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

/** Addresses and values in one form (hexadecimal), never a raw negative number, `[object ...]`, undefined or NaN. */
export function expectReadable(text: string): void {
  expect(text).not.toMatch(/\[object |undefined|NaN/);
  expect(text, "a raw negative number (print addresses with formatAddress)").not.toMatch(/(^|[^\w-])-\d/);
}
