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

/** Set FUZZ_VERBOSE=1 to print the outcome counts; FUZZ_CALLS=n for a longer run (`pnpm fuzz`). */
const g = globalThis as unknown as { process?: { env: Record<string, string | undefined> }; console: { log(s: string): void } };
const N = Number(g.process?.env.FUZZ_CALLS ?? 3000);

describe.each(["checked", "free"] as const)("seeded fuzzing of the WDM echo device (%s)", (flavor) => {
  it(`${N.toLocaleString("en-US")} random reads, writes and IOCTLs return or bug-check in echo.sys, never crash the kernel`, { timeout: Math.max(60_000, N * 20) }, () => {
    const c = fuzzDevice(echo, flavor, 0xec40, N);
    if (g.process?.env.FUZZ_VERBOSE) g.console.log(JSON.stringify({ flavor, ...c }));
    expect(c.ok + c.failed + c.bugChecks + c.deadlocks).toBe(N);
    expect(c.calls).toBe(N);
  });
});
