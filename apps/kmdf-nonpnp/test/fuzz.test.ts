import { describe, expect, it } from "vitest";
import { boot } from "@wdfjs/kernel";
import { fuzzDevice, type FuzzTarget } from "@wdfjs/test-support";
import {
  DEVICE_NAME, DriverEntry, DRIVER_NAME, IOCTL_NONPNP_METHOD_BUFFERED, IOCTL_NONPNP_METHOD_IN_DIRECT, IOCTL_NONPNP_METHOD_NEITHER,
  IOCTL_NONPNP_METHOD_OUT_DIRECT,
} from "../src/index.js";

const nonpnp: FuzzTarget = {
  boot(flavor, seed) {
    const m = boot({ flavor, seed });
    if (m.loadDriver(DRIVER_NAME, DriverEntry) !== 0) throw new Error("nonpnp did not load");
    return m;
  },
  win32Name: DEVICE_NAME,
  drivers: ["NONPNP.sys"],
  codes: [IOCTL_NONPNP_METHOD_IN_DIRECT, IOCTL_NONPNP_METHOD_OUT_DIRECT, IOCTL_NONPNP_METHOD_BUFFERED, IOCTL_NONPNP_METHOD_NEITHER],
  exclusive: true,
};

/** Set FUZZ_VERBOSE=1 to print the outcome counts; FUZZ_CALLS=n for a longer run (`pnpm fuzz`). */
const g = globalThis as unknown as { process?: { env: Record<string, string | undefined> }; console: { log(s: string): void } };
const N = Number(g.process?.env.FUZZ_CALLS ?? 2000);

describe.each(["checked", "free"] as const)("seeded fuzzing of the nonpnp control device (%s)", (flavor) => {
  it(`${N.toLocaleString("en-US")} random IOCTLs, reads and writes return an error or succeed, and never bug-check`, { timeout: Math.max(60_000, N * 20) }, () => {
    const c = fuzzDevice(nonpnp, flavor, 0x4e50, N);
    if (g.process?.env.FUZZ_VERBOSE) g.console.log(JSON.stringify({ flavor, ...c }));
    expect(c.calls).toBe(N);
    expect(c.bugChecks + c.deadlocks).toBe(0);
  });
});
