import { boot, type Flavor } from "@wdfjs/kernel";
import { Win32Process, GENERIC_READ, GENERIC_WRITE, OPEN_EXISTING, INVALID_HANDLE_VALUE } from "@wdfjs/win32";
import { benchIoctl } from "@wdfjs/sample-wdm-stack";
import { installKmdfStack, KStackDevicePath } from "@wdfjs/sample-kmdf-stack";
import type { BenchDefinition } from "../harness.js";
import { ioctlRoundTrip } from "./ioctl-round-trip.js";

/**
 * The same round trip as `wdm-ioctl-buffered-64B-3deep`, through the three-deep KMDF stack: the
 * generic KMDF filter (toaster filter.c: a default parallel queue forwarding with send-and-forget,
 * or with a completion routine) over a KMDF function driver (a default parallel queue answering
 * the IOCTL) over the root enumerator's PDO. The difference to the WDM figure is the framework's
 * cost: the request objects, the queues and the I/O target.
 */
function kmdfIoctl(flavor: Flavor, completionRoutine: boolean): BenchDefinition {
  return ioctlRoundTrip(
    `kmdf-ioctl-buffered-64B-3deep-${flavor}${completionRoutine ? "-completion" : ""}`,
    `sync DeviceIoControl, ${benchIoctl.inputLength} B in/out, KMDF filter (${completionRoutine ? "completion routine" : "send-and-forget"}) → KMDF FDO → PDO, ${flavor} flavor`,
    () => {
      const machine = boot({ flavor, processors: 1, seed: 1 });
      installKmdfStack(machine, { completionRoutine });
      const app = Win32Process.create(machine, "bench.exe");
      const path = KStackDevicePath(app);
      if (path === null) throw new Error("bench: no KMDF stack device interface");
      const h = app.CreateFile(path, GENERIC_READ | GENERIC_WRITE, 0, null, OPEN_EXISTING, 0, 0);
      if (h === INVALID_HANDLE_VALUE) throw new Error(`bench: CreateFile failed with ${app.GetLastError()}`);
      return { app, h };
    },
  );
}

export const kmdfIoctlFree = kmdfIoctl("free", false);
export const kmdfIoctlFreeCompletion = kmdfIoctl("free", true);
export const kmdfIoctlChecked = kmdfIoctl("checked", false);
