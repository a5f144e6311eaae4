/**
 * The broken KMDF drivers of the PnP and power rules: PnP drivers on a root-enumerated device,
 * in the checked and the free flavor. WDF_VIOLATION (0x10D) parameters follow
 * https://learn.microsoft.com/windows-hardware/drivers/debugger/bug-check-0x10d---wdf-violation
 * and the WDF source named in each driver's header.
 */
import { describe, expect, it } from "vitest";
import { boot, PowerSystemSleeping3, WDF_VIOLATION, type Flavor, type Machine } from "@wdfjs/kernel";
import { FxDriver, WDF_PNP_FATAL_ERROR, WDF_POWER_MULTIPLE_PPO } from "@wdfjs/framework";
import {
  WDF_PNP_REENTER_HARDWARE_ID, WDF_PNP_REENTER_NAME, WDF_PPO_FILTER_NAME, WDF_PPO_FUNCTION_NAME, WDF_PPO_HARDWARE_ID, WdfPnpReenterDriverEntry,
  WdfPpoFilterDriverEntry, WdfPpoFunctionDriverEntry,
} from "../src/index.js";
import { expectBugCheck } from "./helpers.js";

function driverHandleOf(m: Machine, name: string): number {
  return FxDriver.fromDriverObject(m.driver(name)!)!.handle;
}

describe("a state-changing PnP IRP while START is pending: wdfpnpreenter.sys", () => {
  for (const flavor of ["checked", "free"] as Flavor[]) {
    it(`${flavor}: starting the device is 0x10D/0xC WDF_PNP_FATAL_ERROR, P2 the WDFDEVICE, P3 the new IRP (both flavors)`, () => {
      const m = boot({ flavor, seed: 7 });
      m.installDriverPackage({ service: WDF_PNP_REENTER_NAME, hardwareIds: [{ id: WDF_PNP_REENTER_HARDWARE_ID }], class: "System", framework: "WDM", DriverEntry: WdfPnpReenterDriverEntry });
      const d = expectBugCheck(m, WDF_VIOLATION, () => m.pnp.createRootDevice({ hardwareIds: [WDF_PNP_REENTER_HARDWARE_ID], class: "System" }));
      expect(d.BugCheckParameter1).toBe(WDF_PNP_FATAL_ERROR);
      const fdo = m.driver(WDF_PNP_REENTER_NAME)!.DeviceObject!;
      const device = (fdo.DeviceExtension as { handle: number; contexts: { Context: { LastRequest: number } }[] });
      expect(d.BugCheckParameter2).toBe(device.handle);
      expect(d.BugCheckParameter3).toBe(device.contexts[0]!.Context.LastRequest);
      expect(d.BugCheckParameter3).not.toBe(0);
      expect(d.BugCheckParameter4).toBe(driverHandleOf(m, WDF_PNP_REENTER_NAME));
      expect(d.explanation).toMatch(/minor 0x5\) arrived while another is pending/);
      expect(d.driver).toBe(`${WDF_PNP_REENTER_NAME}.sys`);
    });
  }
});

describe("two power policy owners in one stack: wdfppofilter.sys over wdfppofunction.sys", () => {
  function stack(flavor: Flavor, brokenFilter: boolean): Machine {
    const m = boot({ flavor, seed: 7 });
    if (brokenFilter) m.pnp.installFilterService({ service: WDF_PPO_FILTER_NAME, DriverEntry: WdfPpoFilterDriverEntry });
    m.installDriverPackage({
      service: WDF_PPO_FUNCTION_NAME, hardwareIds: [{ id: WDF_PPO_HARDWARE_ID }], class: "System", framework: "WDM", DriverEntry: WdfPpoFunctionDriverEntry,
      ...(brokenFilter ? { upperFilters: [WDF_PPO_FILTER_NAME] } : {}),
    });
    m.pnp.createRootDevice({ hardwareIds: [WDF_PPO_HARDWARE_ID], class: "System" });
    return m;
  }

  for (const flavor of ["checked", "free"] as Flavor[]) {
    it(`${flavor}: sleeping is 0x10D/0xD WDF_POWER_MULTIPLE_PPO, P2 the filter's device object, P3 the D IRP, P4 the filter (both flavors)`, () => {
      const m = stack(flavor, true);
      expect(m.stopped).toBe(false);
      const d = expectBugCheck(m, WDF_VIOLATION, () => m.sleep(PowerSystemSleeping3));
      expect(d.BugCheckParameter1).toBe(WDF_POWER_MULTIPLE_PPO);
      expect(d.BugCheckParameter2).toBe(m.driver(WDF_PPO_FILTER_NAME)!.DeviceObject!.address);
      expect(d.BugCheckParameter3).not.toBe(0);
      expect(d.BugCheckParameter4).toBe(driverHandleOf(m, WDF_PPO_FILTER_NAME));
      expect(d.driver).toBe(`${WDF_PPO_FILTER_NAME}.sys`);
      expect(d.explanation).toMatch(/two devices in the stack claim power policy ownership/);
    });
  }

  it("without the filter the same function driver sleeps and wakes", () => {
    const m = stack("checked", false);
    expect(m.sleep(PowerSystemSleeping3)).toBe(0);
    expect(m.wake()).toBe(0);
    m.run();
    expect(m.stopped).toBe(false);
  });
});
