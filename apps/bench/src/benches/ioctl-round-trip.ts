import { Out } from "@wdfjs/kernel";
import type { Win32Process } from "@wdfjs/win32";
import { benchIoctl } from "@wdfjs/sample-wdm-stack";
import type { BenchDefinition } from "../harness.js";

/** A booted machine with a stack installed and a client holding an open handle to its top. */
export interface IoctlStack {
  readonly app: Win32Process;
  readonly h: number;
}

/**
 * The synchronous DeviceIoControl round trip every stack benchmark times: `benchIoctl` (64 bytes in
 * and out, METHOD_BUFFERED) on the handle `open` returns, after one checked call that the stack
 * answers what the WDM stack sample answers.
 */
export function ioctlRoundTrip(name: string, description: string, open: () => IoctlStack): BenchDefinition {
  return {
    name,
    description,
    setup() {
      const { app, h } = open();
      const input = new Uint8Array(benchIoctl.inputLength).map((_, i) => i);
      const inBuf = app.alloc(benchIoctl.inputLength, input);
      const outBuf = app.alloc(benchIoctl.outputLength);
      const bytes = Out(0);
      if (!app.DeviceIoControl(h, benchIoctl.code, inBuf, benchIoctl.inputLength, outBuf, benchIoctl.outputLength, bytes, null)) {
        throw new Error(`bench: DeviceIoControl failed with ${app.GetLastError()}`);
      }
      const expected = benchIoctl.expectedOutput(input, benchIoctl.outputLength);
      const got = app.ReadMemory(outBuf, bytes.value);
      if (got.length !== expected.length || got.some((b, i) => b !== expected[i])) throw new Error(`bench: ${name} returned the wrong bytes`);
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
