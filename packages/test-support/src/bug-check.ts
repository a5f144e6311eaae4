import { expect } from "vitest";
import { BugCheck, formatBugCheck, type BugCheckData, type Machine } from "@wdfjs/kernel";

/** Addresses and values in one form (hexadecimal), never a raw negative number, `[object ...]`, undefined or NaN. */
export function expectReadable(text: string): void {
  expect(text).not.toMatch(/\[object |undefined|NaN/);
  expect(text, "a raw negative number (print addresses with formatAddress)").not.toMatch(/(^|[^\w-])-\d/);
}

/**
 * Runs `fn`, which must end in a bug check of `code`, and checks what a person reads on the stopped
 * machine (the STOP line, the name, a sentence or more of explanation); returns the bug check's data.
 */
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
  const screen = formatBugCheck(data);
  expect(screen).toContain(`*** STOP: 0x${code.toString(16).toUpperCase().padStart(8, "0")}`);
  expect(screen).toContain(data.name);
  expect(data.name).toMatch(/^[A-Z_]+$/);
  expect(data.explanation.length).toBeGreaterThan(40);
  expectReadable(screen);
  return data;
}
