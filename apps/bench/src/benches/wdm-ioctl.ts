import { boot, Out, type Flavor, type PreemptionOptions } from "@wdfjs/kernel";
import { Win32Process, GENERIC_READ, GENERIC_WRITE, OPEN_EXISTING, INVALID_HANDLE_VALUE } from "@wdfjs/win32";
import { benchIoctl, installStack } from "@wdfjs/sample-wdm-stack";
import type { BenchDefinition } from "../harness.js";

/**
 * Synchronous DeviceIoControl round trips, 64 bytes in and out (METHOD_BUFFERED), through
 * the three-deep stack sample: the client's system call, the I/O manager's IRP and system
 * buffer, the filter's dispatch and completion routine, the function driver, and the copy
 * back to the client.
 */
function wdmIoctl(flavor: Flavor, preemption: PreemptionOptions = "off", label = ""): BenchDefinition {
  return {
    name: `wdm-ioctl-buffered-64B-3deep-${flavor}${label}`,
    description: `sync DeviceIoControl, ${benchIoctl.inputLength} B in/out, 3-deep stack, ${flavor} flavor${label ? `, preemption ${label.slice(1)}` : ""}`,
    setup() {
      const machine = boot({ flavor, processors: 1, seed: 1, preemption });
      installStack(machine, benchIoctl.installOptions);
      const app = Win32Process.create(machine, "bench.exe");
      const h = app.CreateFile(benchIoctl.win32Name, GENERIC_READ | GENERIC_WRITE, 0, null, OPEN_EXISTING, 0, 0);
      if (h === INVALID_HANDLE_VALUE) throw new Error(`bench: CreateFile failed with ${app.GetLastError()}`);
      const input = new Uint8Array(benchIoctl.inputLength).map((_, i) => i);
      const inBuf = app.alloc(benchIoctl.inputLength, input);
      const outBuf = app.alloc(benchIoctl.outputLength);
      const bytes = Out(0);
      // One checked call before timing: the stack answers what the sample says it answers.
      if (!app.DeviceIoControl(h, benchIoctl.code, inBuf, benchIoctl.inputLength, outBuf, benchIoctl.outputLength, bytes, null)) {
        throw new Error(`bench: DeviceIoControl failed with ${app.GetLastError()}`);
      }
      const expected = benchIoctl.expectedOutput(input, benchIoctl.outputLength);
      const got = app.ReadMemory(outBuf, bytes.value);
      if (got.length !== expected.length || got.some((b, i) => b !== expected[i])) throw new Error("bench: the stack returned the wrong bytes");
      return {
        run(iterations: number): void {
          for (let i = 0; i < iterations; i++) {
            if (!app.DeviceIoControl(h, benchIoctl.code, inBuf, benchIoctl.inputLength, outBuf, benchIoctl.outputLength, bytes, null)) {
              throw new Error(`bench: DeviceIoControl failed with ${app.GetLastError()}`);
            }
          }
        },
        teardown(): void {
          app.CloseHandle(h);
        },
      };
    },
  };
}

export const wdmIoctlFree = wdmIoctl("free");
export const wdmIoctlChecked = wdmIoctl("checked");
/** The checked flavor exploring races: every scheduling point decides, by seed, whether to preempt. */
export const wdmIoctlCheckedRandom = wdmIoctl("checked", "random", "-random");
export const wdmIoctlCheckedPct = wdmIoctl("checked", { mode: "pct", depth: 3 }, "-pct");
