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

/** Set FUZZ_VERBOSE=1 to print the outcome counts; FUZZ_CALLS=n for a longer run (`pnpm fuzz`). */
const g = globalThis as unknown as { process?: { env: Record<string, string | undefined> }; console: { log(s: string): void } };
const N = Number(g.process?.env.FUZZ_CALLS ?? 3000);

describe.each(["checked", "free"] as const)("seeded fuzzing of the WDM stack (%s)", (flavor) => {
  it(`${N.toLocaleString("en-US")} random IOCTLs, reads and writes return or bug-check in the stack's drivers, never crash the kernel`, { timeout: Math.max(60_000, N * 20) }, () => {
    const c = fuzzDevice(stack, flavor, 0x57ac, N);
    if (g.process?.env.FUZZ_VERBOSE) g.console.log(JSON.stringify({ flavor, ...c }));
    expect(c.ok + c.failed + c.bugChecks + c.deadlocks).toBe(N);
    expect(c.calls).toBe(N);
  });
});
