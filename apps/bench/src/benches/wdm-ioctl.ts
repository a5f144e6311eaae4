import { boot, type Flavor, type PreemptionOptions } from "@wdfjs/kernel";
import { Win32Process, GENERIC_READ, GENERIC_WRITE, OPEN_EXISTING, INVALID_HANDLE_VALUE } from "@wdfjs/win32";
import { benchIoctl, installStack } from "@wdfjs/sample-wdm-stack";
import type { BenchDefinition } from "../harness.js";
import { ioctlRoundTrip } from "./ioctl-round-trip.js";

/**
 * Synchronous DeviceIoControl round trips, 64 bytes in and out (METHOD_BUFFERED), through
 * the three-deep stack sample: the client's system call, the I/O manager's IRP and system
 * buffer, the filter's dispatch and completion routine, the function driver, and the copy
 * back to the client.
 */
function wdmIoctl(flavor: Flavor, preemption: PreemptionOptions = "off", label = ""): BenchDefinition {
  return ioctlRoundTrip(
    `wdm-ioctl-buffered-64B-3deep-${flavor}${label}`,
    `sync DeviceIoControl, ${benchIoctl.inputLength} B in/out, 3-deep stack, ${flavor} flavor${label ? `, preemption ${label.slice(1)}` : ""}`,
    () => {
      const machine = boot({ flavor, processors: 1, seed: 1, preemption });
      installStack(machine, benchIoctl.installOptions);
      const app = Win32Process.create(machine, "bench.exe");
      const h = app.CreateFile(benchIoctl.win32Name, GENERIC_READ | GENERIC_WRITE, 0, null, OPEN_EXISTING, 0, 0);
      if (h === INVALID_HANDLE_VALUE) throw new Error(`bench: CreateFile failed with ${app.GetLastError()}`);
      return { app, h };
    },
  );
}

export const wdmIoctlFree = wdmIoctl("free");
export const wdmIoctlChecked = wdmIoctl("checked");
/** The checked flavor exploring races: every scheduling point decides, by seed, whether to preempt. */
export const wdmIoctlCheckedRandom = wdmIoctl("checked", "random", "-random");
export const wdmIoctlCheckedPct = wdmIoctl("checked", { mode: "pct", depth: 3 }, "-pct");
