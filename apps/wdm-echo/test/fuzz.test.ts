import { describe, expect, it } from "vitest";
import { boot } from "@wdfjs/kernel";
import { DriverEntry, ECHO_WIN32_NAME } from "../src/index.js";
import { fuzzDevice, type FuzzTarget } from "@wdfjs/test-support";

const echo: FuzzTarget = {
  boot(flavor, seed) {
    const m = boot({ flavor, seed });
    if (m.loadDriver("echo", DriverEntry) !== 0) throw new Error("echo did not load");
    return m;
  },
  win32Name: ECHO_WIN32_NAME,
  drivers: ["echo.sys"],
  codes: [],
};

/** Set FUZZ_VERBOSE=1 to print the outcome counts. */
const g = globalThis as unknown as { process?: { env: Record<string, string | undefined> }; console: { log(s: string): void } };

describe.each(["checked", "free"] as const)("seeded fuzzing of the WDM echo device (%s)", (flavor) => {
  it("3,000 random reads, writes and IOCTLs return or bug-check in echo.sys, never crash the kernel", () => {
    const c = fuzzDevice(echo, flavor, 0xec40, 3000);
    if (g.process?.env.FUZZ_VERBOSE) g.console.log(JSON.stringify({ flavor, ...c }));
    expect(c.ok + c.failed + c.bugChecks + c.deadlocks).toBe(3000);
    expect(c.calls).toBe(3000);
  });
});
