import { describe, expect, it } from "vitest";
import { boot } from "@wdfjs/kernel";
import {
  installStack, IOCTL_STACK_COPY, IOCTL_STACK_ECHO, IOCTL_STACK_LOWER_QUERY, IOCTL_STACK_OWN_IRP, IOCTL_STACK_PEND, IOCTL_STACK_STAMP,
  STACK_FILTER_DRIVER, STACK_FUNCTION_DRIVER, STACK_LOWER_DRIVER, STACK_WIN32_NAME,
} from "../src/index.js";
import { fuzzDevice, type FuzzTarget } from "@wdfjs/test-support";

const stack: FuzzTarget = {
  boot(flavor, seed) {
    const m = boot({ flavor, seed });
    installStack(m, { log: false });
    return m;
  },
  win32Name: STACK_WIN32_NAME,
  drivers: [STACK_LOWER_DRIVER, STACK_FUNCTION_DRIVER, STACK_FILTER_DRIVER].map((d) => `${d}.sys`),
  codes: [IOCTL_STACK_ECHO, IOCTL_STACK_COPY, IOCTL_STACK_STAMP, IOCTL_STACK_PEND, IOCTL_STACK_OWN_IRP, IOCTL_STACK_LOWER_QUERY],
};

/** Set FUZZ_VERBOSE=1 to print the outcome counts. */
const g = globalThis as unknown as { process?: { env: Record<string, string | undefined> }; console: { log(s: string): void } };

describe.each(["checked", "free"] as const)("seeded fuzzing of the WDM stack (%s)", (flavor) => {
  it("3,000 random IOCTLs, reads and writes return or bug-check in the stack's drivers, never crash the kernel", () => {
    const c = fuzzDevice(stack, flavor, 0x57ac, 3000);
    if (g.process?.env.FUZZ_VERBOSE) g.console.log(JSON.stringify({ flavor, ...c }));
    expect(c.ok + c.failed + c.bugChecks + c.deadlocks).toBe(3000);
    expect(c.calls).toBe(3000);
  });
});
