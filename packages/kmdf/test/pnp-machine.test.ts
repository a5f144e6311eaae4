import { describe, expect, it } from "vitest";
import {
  boot, MemoryTraceSink, NT_SUCCESS, PowerSystemSleeping3, STATUS_NOT_SUPPORTED, STATUS_INSUFFICIENT_RESOURCES, STATUS_SUCCESS, STATUS_UNSUCCESSFUL,
  type DRIVER_OBJECT, type Machine, type NTSTATUS,
} from "@wdfjs/kernel";
import {
  WDF_DRIVER_CONFIG, WDF_DRIVER_CONFIG_INIT, WDF_PNPPOWER_EVENT_CALLBACKS, WDF_PNPPOWER_EVENT_CALLBACKS_INIT, WdfDeviceCreate,
  WdfDeviceGetDevicePnpState, WdfDeviceGetDevicePowerPolicyState, WdfDeviceGetDevicePowerState, WdfDeviceInitSetPnpPowerEventCallbacks,
  WdfDevStatePnpStarted, WdfDevStatePowerD0, WdfDevStatePwrPolStarted, WdfDriverCreate, WdfFdoInitSetFilter, WdfDeviceWdmGetDeviceObject,
  WdfPowerDeviceD3, WdfPowerDeviceD3Final, WdfDeviceInitSetPowerPolicyOwnership, type PWDFDEVICE_INIT, type WDFDEVICE, type WDFDRIVER,
} from "../src/index.js";
import { KeDelayExecutionThread, KernelMode, IoAllocateIrp, IoCallDriver, IoGetNextIrpStackLocation, IRP_MJ_PNP, IRP_MN_QUERY_STOP_DEVICE, Out } from "@wdfjs/kernel";

/*
 * The PnP, power and power-policy machines seen from a KMDF driver: every callback it gets, in
 * order, and the states each machine passes through (the `wdf.*-state` trace events), for each
 * PnP and power sequence. The expected lists follow the reference (§1.6) and WDF's state tables
 * (pnpstatemachine.cpp, powerstatemachine.cpp, powerpolicystatemachine.cpp).
 */

interface Options {
  failPrepare?: NTSTATUS;
  failD0Entry?: NTSTATUS;
  vetoQueryRemove?: boolean;
  vetoQueryStop?: boolean;
  filter?: boolean;
  owner?: boolean;
  /** A broken driver: from EvtDeviceD0Entry it sends its own stack a QUERY_STOP while START is pending. */
  pnpIrpFromD0Entry?: boolean;
  /** EvtDevicePrepareHardware waits 10 ms of machine time (a PASSIVE_LEVEL callback may wait). */
  waitingPrepare?: boolean;
}

interface Rig {
  m: Machine;
  path: string;
  calls: string[];
  states: { pnp: string[]; power: string[]; policy: string[] };
  device: () => WDFDEVICE;
  reset(): void;
}

const names = (d: number) => (d === WdfPowerDeviceD3Final ? "D3Final" : d === WdfPowerDeviceD3 ? "D3" : String(d));

function driver(tag: string, calls: string[], o: Options, out: { device: WDFDEVICE | null }) {
  function EvtDeviceAdd(_Driver: WDFDRIVER, DeviceInit: PWDFDEVICE_INIT): NTSTATUS {
    if (o.filter === true) WdfFdoInitSetFilter(DeviceInit);
    if (o.owner !== undefined) WdfDeviceInitSetPowerPolicyOwnership(DeviceInit, o.owner);
    const cb = new WDF_PNPPOWER_EVENT_CALLBACKS();
    WDF_PNPPOWER_EVENT_CALLBACKS_INIT(cb);
    const ev = (s: string) => calls.push(tag + s);
    cb.EvtDevicePrepareHardware = o.waitingPrepare === true
      ? function* () {
        ev("PrepareHardware begins");
        yield* KeDelayExecutionThread(KernelMode, false, -10 * 10_000);
        ev("PrepareHardware ends");
        return STATUS_SUCCESS;
      }
      : () => (ev("PrepareHardware"), o.failPrepare ?? STATUS_SUCCESS);
    cb.EvtDeviceReleaseHardware = () => (ev("ReleaseHardware"), STATUS_SUCCESS);
    cb.EvtDeviceD0Entry = (d, prev) => {
      ev(`D0Entry(${names(prev)})`);
      if (o.pnpIrpFromD0Entry === true) {
        const self = WdfDeviceWdmGetDeviceObject(d)!;
        const irp = IoAllocateIrp(self.StackSize, false)!;
        irp.IoStatus.Status = STATUS_NOT_SUPPORTED;
        const sl = IoGetNextIrpStackLocation(irp);
        sl.MajorFunction = IRP_MJ_PNP;
        sl.MinorFunction = IRP_MN_QUERY_STOP_DEVICE;
        IoCallDriver(self, irp);
      }
      return o.failD0Entry ?? STATUS_SUCCESS;
    };
    cb.EvtDeviceD0EntryPostInterruptsEnabled = (_d, prev) => (ev(`D0EntryPostInterruptsEnabled(${names(prev)})`), STATUS_SUCCESS);
    cb.EvtDeviceD0ExitPreInterruptsDisabled = (_d, target) => (ev(`D0ExitPreInterruptsDisabled(${names(target)})`), STATUS_SUCCESS);
    cb.EvtDeviceD0Exit = (_d, target) => (ev(`D0Exit(${names(target)})`), STATUS_SUCCESS);
    cb.EvtDeviceSelfManagedIoInit = () => (ev("SelfManagedIoInit"), STATUS_SUCCESS);
    cb.EvtDeviceSelfManagedIoSuspend = () => (ev("SelfManagedIoSuspend"), STATUS_SUCCESS);
    cb.EvtDeviceSelfManagedIoRestart = () => (ev("SelfManagedIoRestart"), STATUS_SUCCESS);
    cb.EvtDeviceSelfManagedIoFlush = () => ev("SelfManagedIoFlush");
    cb.EvtDeviceSelfManagedIoCleanup = () => ev("SelfManagedIoCleanup");
    cb.EvtDeviceSurpriseRemoval = () => ev("SurpriseRemoval");
    cb.EvtDeviceQueryRemove = () => (ev("QueryRemove"), o.vetoQueryRemove === true ? STATUS_UNSUCCESSFUL : STATUS_SUCCESS);
    cb.EvtDeviceQueryStop = () => (ev("QueryStop"), o.vetoQueryStop === true ? STATUS_UNSUCCESSFUL : STATUS_SUCCESS);
    WdfDeviceInitSetPnpPowerEventCallbacks(DeviceInit, cb);
    const device = Out<WDFDEVICE | null>(null);
    const status = WdfDeviceCreate(Out(DeviceInit), null, device);
    out.device = device.value;
    return status;
  }
  return function DriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS {
    const config = new WDF_DRIVER_CONFIG();
    WDF_DRIVER_CONFIG_INIT(config, EvtDeviceAdd);
    return WdfDriverCreate(DriverObject, RegistryPath, null, config, null);
  };
}

let lastMachine: Machine | null = null;

function rig(o: Options = {}, upper?: Options): Rig {
  const trace = new MemoryTraceSink();
  const m = boot({ trace });
  lastMachine = m;
  const calls: string[] = [];
  const out = { device: null as WDFDEVICE | null };
  const upperOut = { device: null as WDFDEVICE | null };
  if (upper !== undefined) m.pnp.installFilterService({ service: "kmfilt", DriverEntry: driver("filter ", calls, upper, upperOut) });
  m.installDriverPackage({
    service: "kmfdo", hardwareIds: [{ id: "root\\kmfdo" }], class: "System", framework: "WDM", DriverEntry: driver(upper ? "fdo " : "", calls, o, out),
    ...(upper !== undefined ? { upperFilters: ["kmfilt"] } : {}),
  });
  const path = m.pnp.createRootDevice({ hardwareIds: ["root\\kmfdo"], class: "System" });
  // Only the function device's machines (the first WDFDEVICE label seen) are followed.
  const states = { pnp: [] as string[], power: [] as string[], policy: [] as string[] };
  let label: string | null = null;
  let seen = 0;
  const collect = () => {
    const events = trace.events;
    for (; seen < events.length; seen++) {
      const e = events[seen]!;
      const list = e.kind === "wdf.pnp-state" ? states.pnp : e.kind === "wdf.power-state" ? states.power : e.kind === "wdf.power-policy-state" ? states.policy : null;
      if (list === null) continue;
      const [who, move] = (e.detail ?? "").split(": ");
      label ??= who!;
      if (who === label) list.push(move!.split(" -> ")[1]!.replace(/^WdfDevState(Pnp|Power|PwrPol)/, ""));
    }
  };
  collect();
  const r: Rig = {
    m, path, calls, states,
    device: () => out.device!,
    reset() {
      collect();
      calls.length = 0;
      states.pnp.length = 0;
      states.power.length = 0;
      states.policy.length = 0;
    },
  };
  Object.defineProperty(r, "states", { get: () => (collect(), states) });
  return r;
}

describe("the PnP machine: start", () => {
  it("start runs PrepareHardware, D0Entry(D3Final), D0EntryPostInterruptsEnabled, SelfManagedIoInit through WDF's start states", () => {
    const r = rig();
    expect(r.calls).toEqual(["PrepareHardware", "D0Entry(D3Final)", "D0EntryPostInterruptsEnabled(D3Final)", "SelfManagedIoInit"]);
    expect(r.states.pnp).toEqual(["Init", "InitStarting", "HardwareAvailable", "EnableInterfaces", "Started"]);
    // Without WdfDeviceAssignS0IdleSettings the policy does not idle: StartingDecideS0Wake goes to Started.
    expect(r.states.policy).toEqual(["Starting", "StartingPoweredUp", "StartingSucceeded", "StartingDecideS0Wake", "Started"]);
    expect(r.states.power).toEqual([
      "StartingCheckDeviceType", "D0Starting", "D0StartingConnectInterrupt", "D0StartingDmaEnable", "D0StartingPostHardwareEnabled",
      "D0StartingStartSelfManagedIo", "DecideD0State", "D0",
    ]);
    r.m.runInKernel(() => {
      expect(WdfDeviceGetDevicePnpState(r.device())).toBe(WdfDevStatePnpStarted);
      expect(WdfDeviceGetDevicePowerState(r.device())).toBe(WdfDevStatePowerD0);
      expect(WdfDeviceGetDevicePowerPolicyState(r.device())).toBe(WdfDevStatePwrPolStarted);
    });
  });

  it("an EvtDevicePrepareHardware that waits (a generator): the start goes on after its wait, in the same order", () => {
    const r = rig({ waitingPrepare: true });
    expect(r.calls).toEqual(["PrepareHardware begins", "PrepareHardware ends", "D0Entry(D3Final)", "D0EntryPostInterruptsEnabled(D3Final)", "SelfManagedIoInit"]);
    expect(r.m.now).toBeGreaterThanOrEqual(10);
    expect(r.states.pnp.at(-1)).toBe("Started");
  });

  it("EvtDevicePrepareHardware failing: the start fails in FailedInit, back to Init; REMOVE takes the device away with no other callback", () => {
    const r = rig({ failPrepare: STATUS_INSUFFICIENT_RESOURCES });
    expect(r.calls).toEqual(["PrepareHardware"]);
    expect(r.states.pnp).toEqual(["Init", "InitStarting", "HardwareAvailable", "FailedInit", "Init", "Removed", "RemovedChildrenRemoved", "FdoRemoved", "Final"]);
    expect(r.m.pnp.node(r.path)!.Problem).not.toBe(0);
  });

  it("EvtDeviceD0Entry failing: the power-up failure reaches PnP, the hardware is released, the start fails and REMOVE follows", () => {
    const r = rig({ failD0Entry: STATUS_INSUFFICIENT_RESOURCES });
    expect(r.calls).toEqual(["PrepareHardware", "D0Entry(D3Final)", "ReleaseHardware"]);
    expect(r.states.power).toEqual(["StartingCheckDeviceType", "D0Starting", "InitialPowerUpFailedDerefParent", "InitialPowerUpFailed", "Stopped"]);
    expect(r.states.policy).toEqual(["Starting", "StartingFailed", "Stopped", "StoppedRemoving", "Removed"]);
    expect(r.states.pnp).toEqual([
      "Init", "InitStarting", "HardwareAvailable", "HardwareAvailablePowerPolicyFailed", "FailedOwnHardware", "Failed", "FailedPowerPolicyRemoved",
      "FailedWaitForRemove", "Removed", "RemovedChildrenRemoved", "FdoRemoved", "Final",
    ]);
    expect(r.m.pnp.node(r.path)!.Problem).not.toBe(0);
  });
});

describe("the PnP machine: stop, restart, cancel", () => {
  it("a rebalance: QueryStop, then D0Exit(D3Final) and ReleaseHardware at STOP, then PrepareHardware, D0Entry(D3Final) and SelfManagedIoRestart at START", () => {
    const r = rig();
    r.reset();
    expect(r.m.pnp.rebalanceDevice(r.path)).toBe(STATUS_SUCCESS);
    expect(r.calls).toEqual([
      "QueryStop", "SelfManagedIoSuspend", "D0ExitPreInterruptsDisabled(D3Final)", "D0Exit(D3Final)", "ReleaseHardware",
      "PrepareHardware", "D0Entry(D3Final)", "D0EntryPostInterruptsEnabled(D3Final)", "SelfManagedIoRestart",
    ]);
    expect(r.states.pnp).toEqual([
      "QueryStopStaticCheck", "QueryStopAskDriver", "QueryStopEnsureDeviceAwake", "QueryStopPending", "StartedStopping", "Stopped",
      "StoppedWaitForStartCompletion", "StartingFromStopped", "Restarting", "Started",
    ]);
    expect(r.states.policy).toEqual([
      "Stopping", "StoppingSendStatus", "Stopped", "Restarting", "StartingSucceeded", "StartingDecideS0Wake", "Started",
    ]);
    expect(r.states.power).toEqual([
      "GotoD3Stopped", "Stopped", "StartingCheckDeviceType", "D0Starting", "D0StartingConnectInterrupt", "D0StartingDmaEnable",
      "D0StartingPostHardwareEnabled", "D0StartingStartSelfManagedIo", "DecideD0State", "D0",
    ]);
  });

  it("EvtDeviceQueryStop vetoing: QUERY_STOP fails, the device stays started with no power change", () => {
    const r = rig({ vetoQueryStop: true });
    r.reset();
    expect(NT_SUCCESS(r.m.pnp.rebalanceDevice(r.path))).toBe(false);
    expect(r.calls).toEqual(["QueryStop"]);
    expect(r.states.pnp.slice(0, 3)).toEqual(["QueryStopStaticCheck", "QueryStopAskDriver", "Started"]);
    expect(r.states.power).toEqual([]);
  });
});

describe("the PnP machine: removal", () => {
  it("an orderly removal: QueryRemove, then SelfManagedIoSuspend, D0ExitPreInterruptsDisabled, D0Exit(D3Final), ReleaseHardware, SelfManagedIoFlush, SelfManagedIoCleanup", () => {
    const r = rig();
    r.reset();
    expect(r.m.pnp.removeDevice(r.path)).toBe(STATUS_SUCCESS);
    expect(r.calls).toEqual([
      "QueryRemove", "SelfManagedIoSuspend", "D0ExitPreInterruptsDisabled(D3Final)", "D0Exit(D3Final)", "ReleaseHardware", "SelfManagedIoFlush",
      "SelfManagedIoCleanup",
    ]);
    expect(r.states.pnp).toEqual([
      "QueryRemoveStaticCheck", "QueryRemoveAskDriver", "QueryRemoveEnsureDeviceAwake", "QueryRemovePending", "QueriedRemoving",
      "RemovingDisableInterfaces", "Removed", "RemovedChildrenRemoved", "FdoRemoved", "Final",
    ]);
    expect(r.states.policy).toEqual(["Stopping", "StoppingSendStatus", "Stopped", "StoppedRemoving", "Removed"]);
    expect(r.states.power).toEqual(["GotoD3Stopped", "Stopped"]);
  });

  it("EvtDeviceQueryRemove vetoing: the removal fails, the device stays started", () => {
    const r = rig({ vetoQueryRemove: true });
    r.reset();
    expect(NT_SUCCESS(r.m.pnp.removeDevice(r.path))).toBe(false);
    expect(r.calls).toEqual(["QueryRemove"]);
    expect(r.states.pnp.slice(0, 3)).toEqual(["QueryRemoveStaticCheck", "QueryRemoveAskDriver", "Started"]);
    r.m.runInKernel(() => expect(WdfDeviceGetDevicePnpState(r.device())).toBe(WdfDevStatePnpStarted));
  });

  it("a surprise removal while started: SurpriseRemoval first, then the power-down and the hardware, the device deleted at REMOVE", () => {
    const r = rig();
    r.reset();
    expect(r.m.pnp.deleteRootDevice(r.path)).toBe(true);
    expect(r.calls).toEqual([
      "SurpriseRemoval", "SelfManagedIoSuspend", "D0ExitPreInterruptsDisabled(D3Final)", "D0Exit(D3Final)", "ReleaseHardware", "SelfManagedIoFlush",
      "SelfManagedIoCleanup",
    ]);
    expect(r.states.pnp).toEqual([
      "SurpriseRemoveIoStarted", "FailedIoStarting", "FailedOwnHardware", "Failed", "FailedPowerPolicyRemoved", "FailedWaitForRemove",
      "Removed", "RemovedChildrenRemoved", "FdoRemoved", "Final",
    ]);
    expect(r.states.policy).toEqual(["Stopping", "StoppingSendStatus", "Stopped", "StoppedRemoving", "Removed"]);
  });

  it("a surprise removal of a device whose start failed: EvtDeviceSurpriseRemoval is not called for a device that never started", () => {
    const r = rig({ failD0Entry: STATUS_INSUFFICIENT_RESOURCES });
    expect(r.calls).not.toContain("SurpriseRemoval");
    expect(r.states.pnp.at(-1)).toBe("Final");
  });
});

describe("the power machines: system sleep and wake", () => {
  it("S3: the policy owner requests D3; SelfManagedIoSuspend, D0ExitPreInterruptsDisabled(D3), D0Exit(D3); back to S0: D0Entry(D3), SelfManagedIoRestart", () => {
    const r = rig();
    r.reset();
    expect(r.m.sleep(PowerSystemSleeping3)).toBe(STATUS_SUCCESS);
    expect(r.calls).toEqual(["SelfManagedIoSuspend", "D0ExitPreInterruptsDisabled(D3)", "D0Exit(D3)"]);
    expect(r.states.policy).toEqual(["Sleeping", "SleepingNoWakePowerDown", "SleepingNoWakeCompletePowerDown", "SystemAsleepNoWake"]);
    expect(r.states.power).toEqual(["GotoDx", "NotifyingD0ExitToWakeInterrupts", "GotoDxIoStopped", "Dx"]);
    r.reset();
    expect(r.m.wake()).toBe(STATUS_SUCCESS);
    // The policy machine takes S0 on its own thread (a work item), after the S IRP completed.
    r.m.run();
    expect(r.calls).toEqual(["D0Entry(D3)", "D0EntryPostInterruptsEnabled(D3)", "SelfManagedIoRestart"]);
    expect(r.states.policy).toEqual([
      "SystemWakeDeviceWakeDisabled", "SystemWakeQueryIdle", "SystemWakeDeviceToD0", "SystemWakeDeviceToD0CompletePowerUp", "StartingDecideS0Wake",
      "Started",
    ]);
    expect(r.states.power).toEqual([
      "CheckDeviceType", "Waking", "NotifyingD0EntryToWakeInterrupts", "WakingConnectInterrupt", "WakingDmaEnable", "WakingPostHardwareEnabled",
      "StartSelfManagedIo", "D0",
    ]);
  });

  it("with a KMDF filter above: the filter leaves D0 first and returns to D0 last (top down, bottom up)", () => {
    const r = rig({}, { filter: true });
    r.reset();
    expect(r.m.sleep(PowerSystemSleeping3)).toBe(STATUS_SUCCESS);
    expect(r.calls.filter((c) => c.includes("D0"))).toEqual([
      "filter D0ExitPreInterruptsDisabled(D3)", "filter D0Exit(D3)", "fdo D0ExitPreInterruptsDisabled(D3)", "fdo D0Exit(D3)",
    ]);
    r.reset();
    expect(r.m.wake()).toBe(STATUS_SUCCESS);
    // The policy machine takes S0 on its own thread (a work item), after the S IRP completed.
    r.m.run();
    expect(r.calls.filter((c) => c.includes("D0Entry("))).toEqual(["fdo D0Entry(D3)", "filter D0Entry(D3)"]);
  });
});

describe("the PnP and power bug checks", () => {
  it("two power policy owners in one stack: the lower one gets a D IRP it did not request — WDF_POWER_MULTIPLE_PPO (0xD)", () => {
    const r = rig({}, { filter: true, owner: true });
    expect(() => r.m.sleep(PowerSystemSleeping3)).toThrow();
    expect(r.m.bugCheckData?.BugCheckCode).toBe(0x10d);
    expect(r.m.bugCheckData?.BugCheckParameter1).toBe(0xd);
  });

  it("a driver that sends its own stack a state-changing PnP IRP while one is pending — WDF_PNP_FATAL_ERROR (0xC)", () => {
    expect(() => rig({ pnpIrpFromD0Entry: true })).toThrow();
    expect(lastMachine!.bugCheckData?.BugCheckCode).toBe(0x10d);
    expect(lastMachine!.bugCheckData?.BugCheckParameter1).toBe(0xc);
  });

  it("a stack with one power policy owner sleeps without a bug check", () => {
    const r = rig({}, { filter: true });
    expect(r.m.sleep(PowerSystemSleeping3)).toBe(STATUS_SUCCESS);
    expect(r.m.bugCheckData).toBeNull();
  });
});
