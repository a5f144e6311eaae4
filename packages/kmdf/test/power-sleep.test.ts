import { describe, expect, it } from "vitest";
import { boot, MemoryTraceSink, Out, PowerSystemSleeping3, STATUS_PENDING, STATUS_SUCCESS, type DRIVER_OBJECT, type Machine, type NTSTATUS } from "@wdfjs/kernel";
import {
  WDF_DEVICE_POWER_POLICY_WAKE_SETTINGS, WDF_DEVICE_POWER_POLICY_WAKE_SETTINGS_INIT, WDF_DRIVER_CONFIG, WDF_DRIVER_CONFIG_INIT,
  WDF_PNPPOWER_EVENT_CALLBACKS, WDF_PNPPOWER_EVENT_CALLBACKS_INIT, WDF_POWER_POLICY_EVENT_CALLBACKS, WDF_POWER_POLICY_EVENT_CALLBACKS_INIT,
  WdfDeviceAssignSxWakeSettings, WdfDeviceCreate, WdfDeviceInitSetPnpPowerEventCallbacks, WdfDeviceInitSetPowerPolicyEventCallbacks,
  WdfDeviceWdmGetDeviceObject, WdfDriverCreate, WdfFdoAddStaticChild, WdfPdoInitAddHardwareID, WdfPdoInitAllocate, WdfPdoInitAssignDeviceID,
  WdfPdoInitAssignInstanceID, WdfPowerDeviceD3, WDF_DEVICE_POWER_POLICY_IDLE_SETTINGS, WDF_DEVICE_POWER_POLICY_IDLE_SETTINGS_INIT, IdleCanWakeFromS0,
  WdfDeviceAssignS0IdleSettings, WdfDeviceStopIdle, WdfDeviceResumeIdle, type PWDFDEVICE_INIT, type WDFDEVICE, type WDFDRIVER,
} from "../src/index.js";

/*
 * System sleep armed for wake: a KMDF function driver over a KMDF bus driver's PDO assigns Sx wake
 * settings. Going to S3 the power-policy owner sends a WAIT_WAKE that the PDO holds, arms
 * (EvtDeviceArmWakeFromSx) between stopping its I/O and D0Exit; the device's wake signal
 * (machine.signalWake) completes the WAIT_WAKE, and back in D0 the driver hears
 * EvtDeviceWakeFromSxTriggered, then EvtDeviceDisarmWakeFromSx (reference §1.6; WDF's
 * SleepingWakePowerDown ... SystemWakeDeviceWokeDisarm states).
 */

const name = (d: number) => (d === WdfPowerDeviceD3 ? "D3" : String(d));

function driverEntry(add: (DeviceInit: PWDFDEVICE_INIT) => NTSTATUS) {
  return (DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS => {
    const config = new WDF_DRIVER_CONFIG();
    WDF_DRIVER_CONFIG_INIT(config, (_d: WDFDRIVER, DeviceInit: PWDFDEVICE_INIT) => add(DeviceInit));
    return WdfDriverCreate(DriverObject, RegistryPath, null, config, null);
  };
}

interface Rig {
  fdo?: WDFDEVICE;
  m: Machine;
  calls: string[];
  policy: () => string[];
  pdo: WDFDEVICE | null;
}

function rig(armForWake: boolean, idleWakeMs = 0): Rig {
  const trace = new MemoryTraceSink();
  const m = boot({ trace });
  const r: Rig = { m, calls: [], policy: () => [], pdo: null };
  const ev = (s: string) => r.calls.push(s);
  m.installDriverPackage({
    service: "kwbus", hardwareIds: [{ id: "root\\kwbus" }], class: "System", framework: "WDM",
    DriverEntry: driverEntry((DeviceInit) => {
      const fdo = Out<WDFDEVICE | null>(null);
      let status = WdfDeviceCreate(Out(DeviceInit), null, fdo);
      if (status !== STATUS_SUCCESS) return status;
      const init = WdfPdoInitAllocate(fdo.value!);
      WdfPdoInitAssignDeviceID(init, "KWBUS\\Wakeable");
      WdfPdoInitAssignInstanceID(init, "1");
      WdfPdoInitAddHardwareID(init, "KWBUS\\Wakeable");
      const pdo = Out<WDFDEVICE | null>(null);
      status = WdfDeviceCreate(Out(init), null, pdo);
      if (status !== STATUS_SUCCESS) return status;
      r.pdo = pdo.value;
      return WdfFdoAddStaticChild(fdo.value!, pdo.value!);
    }),
  });
  let label: string | null = null;
  m.installDriverPackage({
    service: "kwake", hardwareIds: [{ id: "KWBUS\\Wakeable" }], class: "System", framework: "WDM",
    DriverEntry: driverEntry((DeviceInit) => {
      const pnp = new WDF_PNPPOWER_EVENT_CALLBACKS();
      WDF_PNPPOWER_EVENT_CALLBACKS_INIT(pnp);
      pnp.EvtDeviceD0Entry = (_d, prev) => (ev(`D0Entry(${name(prev)})`), STATUS_SUCCESS);
      pnp.EvtDeviceD0Exit = (_d, target) => (ev(`D0Exit(${name(target)})`), STATUS_SUCCESS);
      pnp.EvtDeviceSelfManagedIoInit = () => STATUS_SUCCESS;
      pnp.EvtDeviceSelfManagedIoSuspend = () => (ev("SelfManagedIoSuspend"), STATUS_SUCCESS);
      pnp.EvtDeviceSelfManagedIoRestart = () => (ev("SelfManagedIoRestart"), STATUS_SUCCESS);
      WdfDeviceInitSetPnpPowerEventCallbacks(DeviceInit, pnp);
      const policy = new WDF_POWER_POLICY_EVENT_CALLBACKS();
      WDF_POWER_POLICY_EVENT_CALLBACKS_INIT(policy);
      policy.EvtDeviceArmWakeFromSx = () => (ev("ArmWakeFromSx"), STATUS_SUCCESS);
      policy.EvtDeviceDisarmWakeFromSx = () => ev("DisarmWakeFromSx");
      policy.EvtDeviceWakeFromSxTriggered = () => ev("WakeFromSxTriggered");
      policy.EvtDeviceArmWakeFromS0 = () => (ev("ArmWakeFromS0"), STATUS_SUCCESS);
      policy.EvtDeviceDisarmWakeFromS0 = () => ev("DisarmWakeFromS0");
      policy.EvtDeviceWakeFromS0Triggered = () => ev("WakeFromS0Triggered");
      WdfDeviceInitSetPowerPolicyEventCallbacks(DeviceInit, policy);
      const device = Out<WDFDEVICE | null>(null);
      const status = WdfDeviceCreate(Out(DeviceInit), null, device);
      if (status !== STATUS_SUCCESS) return status;
      r.fdo = device.value!;
      label = `WDFDEVICE 0x${(device.value as number).toString(16)}`;
      if (idleWakeMs !== 0) {
        const idle = new WDF_DEVICE_POWER_POLICY_IDLE_SETTINGS();
        WDF_DEVICE_POWER_POLICY_IDLE_SETTINGS_INIT(idle, IdleCanWakeFromS0);
        idle.IdleTimeout = idleWakeMs;
        const st = WdfDeviceAssignS0IdleSettings(device.value!, idle);
        if (st !== STATUS_SUCCESS) return st;
      }
      if (!armForWake) return STATUS_SUCCESS;
      const wake = new WDF_DEVICE_POWER_POLICY_WAKE_SETTINGS();
      WDF_DEVICE_POWER_POLICY_WAKE_SETTINGS_INIT(wake);
      return WdfDeviceAssignSxWakeSettings(device.value!, wake);
    }),
  });
  m.pnp.createRootDevice({ hardwareIds: ["root\\kwbus"], class: "System" });
  m.runFor(0);
  expect(r.calls).toEqual(["D0Entry(5)"]);
  r.calls.length = 0;
  let seen = trace.events.length;
  r.policy = () => {
    const out: string[] = [];
    for (; seen < trace.events.length; seen++) {
      const e = trace.events[seen]!;
      if (e.kind !== "wdf.power-policy-state") continue;
      const [who, move] = (e.detail ?? "").split(": ");
      if (who === label) out.push(move!.split(" -> ")[1]!.replace("WdfDevStatePwrPol", ""));
    }
    return out;
  };
  return r;
}

const fdoOf = (r: Rig): WDFDEVICE => r.fdo!;

describe("system sleep armed for wake", () => {
  it("going to S3 armed: SelfManagedIoSuspend, ArmWakeFromSx, D0Exit(D3); the PDO holds the WAIT_WAKE", () => {
    const r = rig(true);
    expect(r.m.sleep(PowerSystemSleeping3)).toBe(STATUS_SUCCESS);
    expect(r.calls).toEqual(["SelfManagedIoSuspend", "ArmWakeFromSx", "D0Exit(D3)"]);
    expect(r.policy()).toEqual([
      "Sleeping", "SleepingWakePowerDown", "SleepingSendWake", "CheckPowerPageable", "SleepingWakeWakeArrived", "SystemAsleepWakeArmed",
    ]);
  });

  it("the device's wake signal wakes the system: D0Entry(D3), WakeFromSxTriggered, DisarmWakeFromSx, SelfManagedIoRestart", () => {
    const r = rig(true);
    r.m.sleep(PowerSystemSleeping3);
    r.calls.length = 0;
    void r.policy();
    const pdo = r.m.runInKernel(() => WdfDeviceWdmGetDeviceObject(r.pdo!)!);
    expect(r.m.signalWake(pdo)).toBe(true);
    r.m.run();
    expect(r.calls).toEqual(["D0Entry(D3)", "WakeFromSxTriggered", "DisarmWakeFromSx", "SelfManagedIoRestart"]);
    expect(r.policy()).toEqual([
      "SystemWakeDeviceWakeTriggered", "SystemWakeDeviceWakeTriggeredS0", "SystemWakeDeviceWokeDisarm", "SystemWakeDeviceWakeCompletePowerUp",
      "StartingDecideS0Wake", "Started",
    ]);
  });

  it("a wake for another reason: the WAIT_WAKE is cancelled, the device disarms without WakeFromSxTriggered", () => {
    const r = rig(true);
    r.m.sleep(PowerSystemSleeping3);
    r.calls.length = 0;
    void r.policy();
    expect(r.m.wake()).toBe(STATUS_SUCCESS);
    r.m.run();
    expect(r.calls).toEqual(["D0Entry(D3)", "DisarmWakeFromSx", "SelfManagedIoRestart"]);
    expect(r.policy()).toEqual([
      "SystemWakeDeviceWakeEnabled", "SystemWakeDeviceWakeEnabledWakeCanceled", "SystemWakeDeviceWakeDisarm", "SystemWakeDeviceWakeCompletePowerUp",
      "StartingDecideS0Wake", "Started",
    ]);
  });

  it("without wake settings nothing is armed: no WAIT_WAKE, so the wake signal finds none", () => {
    const r = rig(false);
    r.m.sleep(PowerSystemSleeping3);
    expect(r.calls).toEqual(["SelfManagedIoSuspend", "D0Exit(D3)"]);
    const pdo = r.m.runInKernel(() => WdfDeviceWdmGetDeviceObject(r.pdo!)!);
    expect(r.m.signalWake(pdo)).toBe(false);
  });
});

describe("idle armed for wake from S0", () => {
  it("idle with IdleCanWakeFromS0: a WAIT_WAKE to the PDO, ArmWakeFromS0 before D0Exit; the wake signal brings it back: WakeFromS0Triggered, DisarmWakeFromS0", () => {
    const r = rig(false, 1000);
    void r.policy();
    r.m.runFor(1001);
    r.m.run();
    expect(r.calls).toEqual(["SelfManagedIoSuspend", "ArmWakeFromS0", "D0Exit(D3)"]);
    expect(r.policy()).toEqual([
      "WakeCapableDeviceIdle", "TimerExpiredDecideUsbSS", "TimerExpiredWakeCapablePowerDown", "TimerExpiredWakeCapableSendWake",
      "TimerExpiredWakeCapableWakeArrived", "WaitingArmedUsbSS", "WaitingArmed",
    ]);
    r.calls.length = 0;
    const pdo = r.m.runInKernel(() => WdfDeviceWdmGetDeviceObject(r.pdo!)!);
    expect(r.m.signalWake(pdo)).toBe(true);
    r.m.runFor(0);
    expect(r.calls).toEqual(["D0Entry(D3)", "WakeFromS0Triggered", "DisarmWakeFromS0", "SelfManagedIoRestart"]);
    expect(r.policy()).toEqual([
      "WaitingArmedWakeSucceededCancelUsbSS", "WokeFromS0", "WokeFromS0NotifyDriver", "S0WakeDisarm", "S0WakeCompletePowerUp", "StartingDecideS0Wake",
      "StartedWakeCapable",
    ]);
  });

  it("I/O while idle and armed: the WAIT_WAKE is cancelled, the device powers up and disarms without WakeFromS0Triggered", () => {
    const r = rig(false, 1000);
    r.m.runFor(1001);
    r.m.run();
    r.calls.length = 0;
    void r.policy();
    expect(r.m.runInKernel(() => WdfDeviceStopIdle(fdoOf(r), false))).toBe(STATUS_PENDING);
    r.m.runFor(0);
    expect(r.calls).toEqual(["D0Entry(D3)", "DisarmWakeFromS0", "SelfManagedIoRestart"]);
    expect(r.policy().slice(0, 4)).toEqual(["WaitingArmedQueryIdle", "IoPresentArmed", "IoPresentArmedWakeCanceled", "S0WakeDisarm"]);
    r.m.runInKernel(() => WdfDeviceResumeIdle(fdoOf(r)));
  });
});

describe("wake settings over a bus without WAIT_WAKE support", () => {
  it("over the root bus (no WAIT_WAKE): the sleep still completes and the wake returns the device to D0", () => {
    const m = boot();
    const calls: string[] = [];
    m.installDriverPackage({
      service: "kwroot", hardwareIds: [{ id: "root\\kwroot" }], class: "System", framework: "WDM",
      DriverEntry: driverEntry((DeviceInit) => {
        const pnp = new WDF_PNPPOWER_EVENT_CALLBACKS();
        WDF_PNPPOWER_EVENT_CALLBACKS_INIT(pnp);
        pnp.EvtDeviceD0Entry = (_d, prev) => (calls.push(`D0Entry(${name(prev)})`), STATUS_SUCCESS);
        pnp.EvtDeviceD0Exit = (_d, target) => (calls.push(`D0Exit(${name(target)})`), STATUS_SUCCESS);
        WdfDeviceInitSetPnpPowerEventCallbacks(DeviceInit, pnp);
        const device = Out<WDFDEVICE | null>(null);
        const status = WdfDeviceCreate(Out(DeviceInit), null, device);
        if (status !== STATUS_SUCCESS) return status;
        const wake = new WDF_DEVICE_POWER_POLICY_WAKE_SETTINGS();
        WDF_DEVICE_POWER_POLICY_WAKE_SETTINGS_INIT(wake);
        return WdfDeviceAssignSxWakeSettings(device.value!, wake);
      }),
    });
    m.pnp.createRootDevice({ hardwareIds: ["root\\kwroot"], class: "System" });
    calls.length = 0;
    expect(m.sleep(PowerSystemSleeping3)).toBe(STATUS_SUCCESS);
    expect(m.wake()).toBe(STATUS_SUCCESS);
    m.run();
    expect(calls).toEqual(["D0Exit(D3)", "D0Entry(D3)"]);
  });
});
