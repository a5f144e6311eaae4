import { expect } from "vitest";
import { BugCheck, formatBugCheck, type BugCheckData, type Machine } from "@wdfjs/kernel";

/** Runs `fn`, which must bug-check `m` with `code`; returns the blue screen's data. */
export function expectBugCheck(m: Machine, code: number, fn: () => unknown): BugCheckData {
  let thrown: unknown = null;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown, "expected a bug check").toBeInstanceOf(BugCheck);
  const data = m.bugCheckData!;
  expect(data).not.toBeNull();
  expect(data.BugCheckCode).toBe(code);
  expect(formatBugCheck(data)).not.toMatch(/\[object |undefined|NaN/);
  return data;
}
