/**
 * The broken KMDF drivers of the PnP and power rules: PnP drivers on a root-enumerated device,
 * in the checked and the free flavor. WDF_VIOLATION (0x10D) parameters follow
 * https://learn.microsoft.com/windows-hardware/drivers/debugger/bug-check-0x10d---wdf-violation
 * and the WDF source named in each driver's header.
 */
import { describe, expect, it } from "vitest";
import { boot, DRIVER_POWER_STATE_FAILURE, PowerSystemSleeping3, WDF_VIOLATION, type Flavor, type Machine } from "@wdfjs/kernel";
import { FxDriver, FxWatchdogTimeoutSeconds, WDF_PNP_FATAL_ERROR, WDF_POWER_MULTIPLE_PPO, WDF_POWER_ROUTINE_TIMED_OUT } from "@wdfjs/framework";
import {
  WDF_STALL_D0EXIT_HARDWARE_ID, WDF_STALL_D0EXIT_NAME, WdfStallD0ExitDriverEntry,
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

describe("a power callback that never returns, on a non-pageable device: wdfstalld0exit.sys", () => {
  /** The device is started; `irpWatchdogSeconds` is how long the power manager lets a driver hold a power IRP. */
  function started(flavor: Flavor, irpWatchdogSeconds: number | null): Machine {
    const m = boot({ flavor, seed: 7 });
    if (irpWatchdogSeconds !== null) m.po.watchdogSeconds = irpWatchdogSeconds;
    m.installDriverPackage({ service: WDF_STALL_D0EXIT_NAME, hardwareIds: [{ id: WDF_STALL_D0EXIT_HARDWARE_ID }], class: "System", framework: "WDM", DriverEntry: WdfStallD0ExitDriverEntry });
    m.pnp.createRootDevice({ hardwareIds: [WDF_STALL_D0EXIT_HARDWARE_ID], class: "System" });
    return m;
  }

  for (const flavor of ["checked", "free"] as Flavor[]) {
    it(`${flavor}: after ${FxWatchdogTimeoutSeconds} s of machine time in EvtDeviceD0Exit, 0x10D/0x1 WDF_POWER_ROUTINE_TIMED_OUT, P2 the WDFDEVICE, P3 its device object (both flavors)`, () => {
      // A power manager that lets a driver hold a power IRP longer than WDF's watchdog allows, so the framework's fires first.
      const m = started(flavor, 2 * FxWatchdogTimeoutSeconds);
      const start = m.clock.now();
      const d = expectBugCheck(m, WDF_VIOLATION, () => {
        m.sleep(PowerSystemSleeping3);
        m.runFor(2 * FxWatchdogTimeoutSeconds * 1000);
      });
      expect(d.BugCheckParameter1).toBe(WDF_POWER_ROUTINE_TIMED_OUT);
      const fdo = m.driver(WDF_STALL_D0EXIT_NAME)!.DeviceObject!;
      expect(d.BugCheckParameter2).toBe((fdo.DeviceExtension as { handle: number }).handle);
      expect(d.BugCheckParameter3).toBe(fdo.address);
      expect(d.BugCheckParameter4).toBe(driverHandleOf(m, WDF_STALL_D0EXIT_NAME));
      expect(d.explanation).toMatch(/within 600 seconds \(power state WdfDevStatePowerGotoDxIoStopped, power policy state WdfDevStatePwrPol/);
      expect(d.driver).toBe(`${WDF_STALL_D0EXIT_NAME}.sys`);
      expect(m.clock.now() - start).toBeGreaterThanOrEqual(FxWatchdogTimeoutSeconds * 10_000_000);
    });
  }

  it("with the power manager's default IRP watchdog (also 600 s, armed first, on the S IRP) the kernel stops the machine: 0x9F/3", () => {
    const m = started("checked", null);
    const d = expectBugCheck(m, DRIVER_POWER_STATE_FAILURE, () => {
      m.sleep(PowerSystemSleeping3);
      m.runFor(2 * FxWatchdogTimeoutSeconds * 1000);
    });
    expect(d.BugCheckParameter1).toBe(3);
    expect(d.driver).toBe(`${WDF_STALL_D0EXIT_NAME}.sys`);
  });
});
