/** How a client finds the KMDF stack: by its device interface, as toast.exe finds a toaster (SetupDi). */
import type { Win32Thread } from "@wdfjs/win32";
import { GetDevicePaths } from "@wdfjs/sample-wdm-toaster";
import { GUID_DEVINTERFACE_KSTACK } from "./function.js";

/** The device path of the (single) KMDF stack device, or null when none is present. */
export function KStackDevicePath(app: Win32Thread): string | null {
  return GetDevicePaths(app, GUID_DEVINTERFACE_KSTACK)[0] ?? null;
}
