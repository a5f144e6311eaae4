/**
 * The three-deep KMDF stack through a client: the generic filter forwards (send-and-forget, or
 * with a completion routine) to the KMDF function driver, which answers the WDM stack sample's
 * IOCTLs; the bytes the client gets are the WDM stack's.
 */
import { describe, expect, it } from "vitest";
import { boot, Out, type Machine } from "@wdfjs/kernel";
import { ERROR_INVALID_FUNCTION, GENERIC_READ, GENERIC_WRITE, INVALID_HANDLE_VALUE, OPEN_EXISTING, Win32Process } from "@wdfjs/win32";
import type { FxDevice } from "@wdfjs/framework";
import { IOCTL_STACK_COPY, IOCTL_STACK_ECHO, IOCTL_STACK_PEND, stackCopyTransform, stackEchoTransform } from "@wdfjs/sample-wdm-stack";
import { FilterGetData } from "@wdfjs/sample-kmdf-toaster";
import type { WDFDEVICE } from "@wdfjs/kmdf";
import { installKmdfStack, KStackDevicePath } from "../src/index.js";

function open(m: Machine) {
  const app = Win32Process.create(m, "kstack.exe");
  const path = KStackDevicePath(app);
  expect(path).not.toBeNull();
  const h = app.CreateFile(path!, GENERIC_READ | GENERIC_WRITE, 0, null, OPEN_EXISTING, 0, 0);
  expect(h).not.toBe(INVALID_HANDLE_VALUE);
  return { app, h };
}

function call(app: Win32Process, h: number, code: number, input: Uint8Array, outLength: number): { ok: boolean; bytes: number[]; error: number } {
  const inBuf = app.alloc(input.length, input);
  const outBuf = app.alloc(outLength);
  const n = Out(0);
  const ok = app.DeviceIoControl(h, code, inBuf, input.length, outBuf, outLength, n, null);
  return { ok, bytes: ok ? [...app.ReadMemory(outBuf, n.value)] : [], error: ok ? 0 : app.GetLastError() };
}

/** The filter device of the stack, by its driver. */
function filterForwarded(m: Machine): number {
  // The WDM device object's extension is the framework device (FxWdmDeviceExtension).
  const device = m.driver("kstackfilter")!.DeviceObject!.DeviceExtension as FxDevice;
  return m.runInKernel(() => FilterGetData(device.handle as WDFDEVICE)!.Forwarded);
}

describe("kmdf-stack: filter → KMDF FDO → PDO", () => {
  for (const completionRoutine of [false, true]) {
    it(`IOCTL_STACK_COPY and ECHO give the WDM stack's bytes through the filter (${completionRoutine ? "completion routine" : "send-and-forget"})`, () => {
      const m = boot({ seed: 1, flavor: "checked" });
      installKmdfStack(m, { completionRoutine });
      const { app, h } = open(m);
      const input = new Uint8Array(64).map((_, i) => i);
      expect(call(app, h, IOCTL_STACK_COPY, input, 64).bytes).toEqual([...stackCopyTransform(input, 64)]);
      expect(call(app, h, IOCTL_STACK_ECHO, input, 16).bytes).toEqual([...stackEchoTransform(input, 16)]);
      // An IOCTL the function driver does not know fails there, and the filter passes the status up.
      const bad = call(app, h, IOCTL_STACK_PEND, input, 4);
      expect([bad.ok, bad.error]).toEqual([false, ERROR_INVALID_FUNCTION]);
      expect(filterForwarded(m)).toBe(3);
      app.CloseHandle(h);
    });
  }
});
