import { describe, expect, it } from "vitest";
import { boot } from "@wdfjs/kernel";
import {
  DriverEntry, IOCTL_NONPNP_METHOD_BUFFERED, IOCTL_NONPNP_METHOD_IN_DIRECT, IOCTL_NONPNP_METHOD_NEITHER, IOCTL_NONPNP_METHOD_OUT_DIRECT,
  IOCTL_NONPNP_SET_MESSAGE, IOCTL_WIN32_NAME,
} from "../src/index.js";
import { fuzzDevice, type FuzzTarget } from "@wdfjs/test-support";

const sioctl: FuzzTarget = {
  boot(flavor, seed) {
    const m = boot({ flavor, seed });
    if (m.loadDriver("sioctl", DriverEntry) !== 0) throw new Error("sioctl did not load");
    return m;
  },
  win32Name: IOCTL_WIN32_NAME,
  drivers: ["sioctl.sys"],
  codes: [IOCTL_NONPNP_METHOD_IN_DIRECT, IOCTL_NONPNP_METHOD_OUT_DIRECT, IOCTL_NONPNP_METHOD_BUFFERED, IOCTL_NONPNP_METHOD_NEITHER, IOCTL_NONPNP_SET_MESSAGE],
};

/** Set FUZZ_VERBOSE=1 to print the outcome counts; FUZZ_CALLS=n for a longer run (`pnpm fuzz`). */
const g = globalThis as unknown as { process?: { env: Record<string, string | undefined> }; console: { log(s: string): void } };
const N = Number(g.process?.env.FUZZ_CALLS ?? 3000);

describe.each(["checked", "free"] as const)("seeded fuzzing of the WDM ioctl device (%s)", (flavor) => {
  it(`${N.toLocaleString("en-US")} random IOCTLs, reads and writes return or bug-check in sioctl.sys, never crash the kernel`, { timeout: Math.max(60_000, N * 20) }, () => {
    const c = fuzzDevice(sioctl, flavor, 0x10c7, N);
    if (g.process?.env.FUZZ_VERBOSE) g.console.log(JSON.stringify({ flavor, ...c }));
    expect(c.ok + c.failed + c.bugChecks + c.deadlocks).toBe(N);
    expect(c.calls).toBe(N);
  });
});
