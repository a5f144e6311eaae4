import { describe, expect, it } from "vitest";
import {
  boot, DISPATCH_LEVEL, DRIVER_VERIFIER_DETECTED_VIOLATION, IRP_MN_SET_POWER, KeRaiseIrql, Out, POWER_STATE, PowerDeviceD0, PowerDeviceD3,
  PoRegisterDeviceForIdleDetection, PoRequestPowerIrp, PoSetDeviceBusy, ReadUlong, VF_KERNEL_API_WRONG_IRQL, type KIRQL,
} from "../src/index.js";
import { expectBugCheck } from "./helpers.js";
import { loadPowerStack } from "./po-drivers.js";

describe("idle detection", () => {
  it("a device idle for its PerformanceIdleTime gets SET_POWER for the registered state; PoSetDeviceBusy starts the count again", () => {
    const m = boot({ seed: 1 });
    const s = loadPowerStack(m);
    const counter = m.runInKernel(() => PoRegisterDeviceForIdleDetection(s.fdo, 30, 5, PowerDeviceD3));
    expect(counter).not.toBe(0);
    m.runFor(3_500);
    expect(m.runInKernel(() => ReadUlong(counter))).toBe(3);
    m.runInKernel(() => PoSetDeviceBusy(counter));
    m.runFor(4_000);
    expect(s.log).toEqual([]);
    m.runFor(1_000); // five seconds without activity
    expect(s.log).toEqual(["fdo: SET_POWER D3", "pdo: SET_POWER D3"]);
    expect(m.po.deviceState(s.fdo)).toBe(PowerDeviceD3);
    // Powered down, the device is no longer watched: the machine goes idle.
    const t = m.now;
    m.run();
    expect(m.now).toBe(t);
    // Back in D0 (its driver records it with PoSetPowerState), it is watched again.
    s.log.length = 0;
    m.runInKernel(() => PoRequestPowerIrp(s.pdo, IRP_MN_SET_POWER, new POWER_STATE(PowerDeviceD0), null, null, null));
    expect(m.po.deviceState(s.fdo)).toBe(PowerDeviceD0);
    m.runFor(5_000);
    expect(s.log).toEqual(["fdo: SET_POWER D0", "pdo: SET_POWER D0", "fdo: SET_POWER D3", "pdo: SET_POWER D3"]);
  });

  it("both idle times 0 end the registration and free the counter", () => {
    const m = boot({ seed: 2 });
    const s = loadPowerStack(m);
    m.runInKernel(() => PoRegisterDeviceForIdleDetection(s.fdo, 0, 5, PowerDeviceD3));
    expect(m.po.idle.devices.size).toBe(1);
    expect(m.runInKernel(() => PoRegisterDeviceForIdleDetection(s.fdo, 0, 0, PowerDeviceD3))).toBe(0);
    expect(m.po.idle.devices.size).toBe(0);
    m.run();
    expect(s.log).toEqual([]);
  });

  it("PoRegisterDeviceForIdleDetection above PASSIVE_LEVEL is 0xC4/0xE5 (checked)", () => {
    const m = boot({ flavor: "checked", seed: 3 });
    const s = loadPowerStack(m);
    const data = expectBugCheck(m, DRIVER_VERIFIER_DETECTED_VIOLATION, () =>
      m.runInKernel(() => {
        KeRaiseIrql(DISPATCH_LEVEL, Out<KIRQL>(0));
        PoRegisterDeviceForIdleDetection(s.fdo, 10, 10, PowerDeviceD3);
      }),
    );
    expect([data.BugCheckParameter1, data.BugCheckParameter2]).toEqual([VF_KERNEL_API_WRONG_IRQL, DISPATCH_LEVEL]);
  });
});
