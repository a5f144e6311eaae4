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
  exclusive: true,
  codes: [IOCTL_NONPNP_METHOD_IN_DIRECT, IOCTL_NONPNP_METHOD_OUT_DIRECT, IOCTL_NONPNP_METHOD_BUFFERED, IOCTL_NONPNP_METHOD_NEITHER, IOCTL_NONPNP_SET_MESSAGE],
};

/** Set FUZZ_VERBOSE=1 to print the outcome counts. */
const g = globalThis as unknown as { process?: { env: Record<string, string | undefined> }; console: { log(s: string): void } };

describe.each(["checked", "free"] as const)("seeded fuzzing of the WDM ioctl device (%s)", (flavor) => {
  it("3,000 random IOCTLs, reads and writes return or bug-check in sioctl.sys, never crash the kernel", () => {
    const c = fuzzDevice(sioctl, flavor, 0x10c7, 3000);
    if (g.process?.env.FUZZ_VERBOSE) g.console.log(JSON.stringify({ flavor, ...c }));
    expect(c.ok + c.failed + c.bugChecks + c.deadlocks).toBe(3000);
    expect(c.calls).toBe(3000);
  });
});
