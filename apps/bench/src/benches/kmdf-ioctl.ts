import { boot, Out, type Flavor } from "@wdfjs/kernel";
import { Win32Process, GENERIC_READ, GENERIC_WRITE, OPEN_EXISTING, INVALID_HANDLE_VALUE } from "@wdfjs/win32";
import { benchIoctl } from "@wdfjs/sample-wdm-stack";
import { installKmdfStack, KStackDevicePath } from "@wdfjs/sample-kmdf-stack";
import type { BenchDefinition } from "../harness.js";

/**
 * The same synchronous DeviceIoControl round trip as `wdm-ioctl-buffered-64B-3deep` (64 bytes in
 * and out, METHOD_BUFFERED, IOCTL_STACK_COPY), through the three-deep KMDF stack: the generic KMDF
 * filter (toaster filter.c: a default parallel queue forwarding with send-and-forget, or with a
 * completion routine) over a KMDF function driver (a default parallel queue answering the IOCTL)
 * over the root enumerator's PDO. The difference to the WDM figure is the framework's cost: the
 * request objects, the queues and the I/O target.
 */
function kmdfIoctl(flavor: Flavor, completionRoutine: boolean): BenchDefinition {
  const label = completionRoutine ? "-completion" : "";
  return {
    name: `kmdf-ioctl-buffered-64B-3deep-${flavor}${label}`,
    description: `sync DeviceIoControl, ${benchIoctl.inputLength} B in/out, KMDF filter (${completionRoutine ? "completion routine" : "send-and-forget"}) → KMDF FDO → PDO, ${flavor} flavor`,
    setup() {
      const machine = boot({ flavor, processors: 1, seed: 1 });
      installKmdfStack(machine, { completionRoutine });
      const app = Win32Process.create(machine, "bench.exe");
      const path = KStackDevicePath(app);
      if (path === null) throw new Error("bench: no KMDF stack device interface");
      const h = app.CreateFile(path, GENERIC_READ | GENERIC_WRITE, 0, null, OPEN_EXISTING, 0, 0);
      if (h === INVALID_HANDLE_VALUE) throw new Error(`bench: CreateFile failed with ${app.GetLastError()}`);
      const input = new Uint8Array(benchIoctl.inputLength).map((_, i) => i);
      const inBuf = app.alloc(benchIoctl.inputLength, input);
      const outBuf = app.alloc(benchIoctl.outputLength);
      const bytes = Out(0);
      // One checked call before timing: the stack answers what the WDM stack answers.
      if (!app.DeviceIoControl(h, benchIoctl.code, inBuf, benchIoctl.inputLength, outBuf, benchIoctl.outputLength, bytes, null)) {
        throw new Error(`bench: DeviceIoControl failed with ${app.GetLastError()}`);
      }
      const expected = benchIoctl.expectedOutput(input, benchIoctl.outputLength);
      const got = app.ReadMemory(outBuf, bytes.value);
      if (got.length !== expected.length || got.some((b, i) => b !== expected[i])) throw new Error("bench: the KMDF stack returned the wrong bytes");
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

export const kmdfIoctlFree = kmdfIoctl("free", false);
export const kmdfIoctlFreeCompletion = kmdfIoctl("free", true);
export const kmdfIoctlChecked = kmdfIoctl("checked", false);
