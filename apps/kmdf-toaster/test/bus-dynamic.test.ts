/**
 * The KMDF dynamic toaster bus (busenum.c/buspdo.c with a WDFCHILDLIST) under the KMDF simple
 * function driver, driven by enum.exe and toast.exe as a user runs them (reference §3.2).
 */
import { describe, expect, it } from "vitest";
import { Out } from "@wdfjs/kernel";
import { ERROR_INVALID_PARAMETER, GENERIC_READ, OPEN_EXISTING } from "@wdfjs/win32";
import { GetDevicePaths, GUID_DEVINTERFACE_BUSENUM_TOASTER } from "@wdfjs/sample-wdm-toaster";
import { busBehaviours, queryInterfaceBehaviour, setUpBus } from "./bus-behaviours.js";

describe("kmdf-toaster: the dynamic bus (WDFCHILDLIST)", () => {
  busBehaviours("dynamic");
  queryInterfaceBehaviour("dynamic");

  it("an unknown IOCTL is ERROR_INVALID_PARAMETER (the sample's default status)", () => {
    const { app } = setUpBus("dynamic");
    const path = GetDevicePaths(app, GUID_DEVINTERFACE_BUSENUM_TOASTER)[0]!;
    const h = app.CreateFile(path, GENERIC_READ, 0, null, OPEN_EXISTING, 0, 0);
    expect(app.DeviceIoControl(h, 0x2a0010, 0, 0, 0, 0, Out(0), null)).toBe(false);
    expect(app.GetLastError()).toBe(ERROR_INVALID_PARAMETER);
    app.CloseHandle(h);
  });
});
