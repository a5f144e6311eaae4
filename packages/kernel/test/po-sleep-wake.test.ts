import { describe, expect, it } from "vitest";
import {
  boot, DevicePowerState, DRIVER_POWER_STATE_FAILURE, IoAllocateIrp, IoCallDriver, IoFreeIrp, IoGetNextIrpStackLocation, IoSetCompletionRoutine,
  IRP_MJ_READ, IRP_MN_SET_POWER, IRP_MN_WAIT_WAKE, MachineUsageError, NtStatusName, Out, POWER_STATE, PowerDeviceD0, PowerDeviceD1,
  PowerDeviceD3, PowerSystemHibernate, PowerSystemUnspecified, SystemPowerState, PowerSystemSleeping1, PowerSystemSleeping3, PowerSystemWorking,
  PoRequestPowerIrp, PoSetPowerState, STATUS_INVALID_PARAMETER_2, STATUS_MORE_PROCESSING_REQUIRED, STATUS_PENDING, STATUS_SUCCESS,
  STATUS_UNSUCCESSFUL, type IRP, type Machine, type NTSTATUS,
} from "../src/index.js";
import { expectBugCheck } from "./helpers.js";
import { loadPowerStack, type PowerStack } from "./po-drivers.js";

const SLEEP_S3 = [
  "fdo: QUERY_POWER S3", "pdo: QUERY_POWER S3",
  "fdo: SET_POWER S3", "pdo: SET_POWER S3",
  "fdo: SET_POWER D3", "pdo: SET_POWER D3", "fdo: D3 done STATUS_SUCCESS",
];
const WAKE_S0 = [
  "fdo: SET_POWER S0", "pdo: SET_POWER S0",
  "fdo: SET_POWER D0", "pdo: SET_POWER D0", "fdo: D0 done STATUS_SUCCESS",
];

/** Send a read to the top of the stack from a driver's thread; its final status lands in `done`. */
function sendRead(m: Machine, s: PowerStack, done: NTSTATUS[]): NTSTATUS {
  return m.runInKernel(() => {
    const irp = IoAllocateIrp(s.fdo.StackSize, false)!;
    const sl = IoGetNextIrpStackLocation(irp);
    sl.MajorFunction = IRP_MJ_READ;
    sl.Parameters.Read.Length = 16;
    IoSetCompletionRoutine(irp, (_d, i: IRP) => {
      done.push(i.IoStatus.Status);
      IoFreeIrp(i);
      return STATUS_MORE_PROCESSING_REQUIRED;
    }, null, true, true, true);
    return IoCallDriver(s.fdo, irp);
  });
}

function deviceState(m: Machine, s: PowerStack, which: "pdo" | "fdo"): number {
  return m.po.deviceState(s[which]);
}

describe("sleep and wake", () => {
  it("sleep S3 and wake deliver QUERY S3, SET S3, SET D3 and then SET S0, SET D0 to each driver in order", () => {
    const m = boot({ flavor: "checked", seed: 1 });
    const s = loadPowerStack(m);
    expect(m.sleep(PowerSystemSleeping3)).toBe(STATUS_SUCCESS);
    expect(s.log).toEqual(SLEEP_S3);
    expect(m.po.systemState).toBe(PowerSystemSleeping3);
    expect([deviceState(m, s, "fdo"), deviceState(m, s, "pdo")]).toEqual([PowerDeviceD3, PowerDeviceD3]);
    s.log.length = 0;
    expect(m.wake()).toBe(STATUS_SUCCESS);
    expect(s.log).toEqual(WAKE_S0);
    expect(m.po.systemState).toBe(PowerSystemWorking);
    expect([deviceState(m, s, "fdo"), deviceState(m, s, "pdo")]).toEqual([PowerDeviceD0, PowerDeviceD0]);
    // Nothing is left behind: no power IRP outstanding, no watchdog armed.
    expect(m.po.watched.size).toBe(0);
    m.run();
  });

  it("the policy owner picks the device state from its S-to-D mapping (S1 → D1)", () => {
    const m = boot({ seed: 2 });
    const s = loadPowerStack(m, { deviceState: { [PowerSystemSleeping1]: PowerDeviceD1 } });
    expect(m.sleep(PowerSystemSleeping1)).toBe(STATUS_SUCCESS);
    expect(s.log.slice(4)).toEqual(["fdo: SET_POWER D1", "pdo: SET_POWER D1", "fdo: D1 done STATUS_SUCCESS"]);
    expect(m.po.deviceState(s.pdo)).toBe(PowerDeviceD1);
  });

  it("children sleep before parents and wake after them; without a known parent, the last registered goes first", () => {
    const m = boot({ seed: 3 });
    const a = loadPowerStack(m, { name: "A" });
    const b = loadPowerStack(m, { name: "B" });
    const order: string[] = [];
    // One order across both stacks: watch each stack's log as it grows.
    const pa = a.log.push.bind(a.log);
    const pb = b.log.push.bind(b.log);
    a.log.push = (...x: string[]) => (order.push(...x), pa(...x));
    b.log.push = (...x: string[]) => (order.push(...x), pb(...x));
    m.sleep(PowerSystemSleeping3);
    const pdos = () => order.filter((l) => l.startsWith("pdo") && !l.includes(" D"));
    expect(pdos()).toEqual(["pdoB: QUERY_POWER S3", "pdoA: QUERY_POWER S3", "pdoB: SET_POWER S3", "pdoA: SET_POWER S3"]);
    order.length = 0;
    m.wake();
    expect(pdos()).toEqual(["pdoA: SET_POWER S0", "pdoB: SET_POWER S0"]);

    // A known parent wins over registration order: C (child of P) registered before P still sleeps first.
    const n = boot({ seed: 3 });
    const c = loadPowerStack(n, { name: "C" });
    const p = loadPowerStack(n, { name: "P" });
    n.po.unregisterDeviceStack(c.pdo);
    n.po.unregisterDeviceStack(p.pdo);
    n.po.registerDeviceStack(c.pdo, p.pdo);
    n.po.registerDeviceStack(p.pdo);
    const seen: string[] = [];
    for (const st of [c, p]) {
      const push = st.log.push.bind(st.log);
      st.log.push = (...x: string[]) => (seen.push(...x), push(...x));
    }
    n.sleep(PowerSystemSleeping3);
    expect(seen.filter((l) => l.includes("QUERY_POWER") && l.startsWith("pdo"))).toEqual(["pdoC: QUERY_POWER S3", "pdoP: QUERY_POWER S3"]);
    seen.length = 0;
    n.wake();
    expect(seen.filter((l) => l.includes("S0") && l.startsWith("pdo"))).toEqual(["pdoP: SET_POWER S0", "pdoC: SET_POWER S0"]);
  });

  it("a driver that fails QUERY_POWER keeps the machine in S0: the stacks that agreed get SET_POWER S0", () => {
    const m = boot({ seed: 4 });
    const a = loadPowerStack(m, { name: "A", vetoQuery: STATUS_UNSUCCESSFUL });
    const b = loadPowerStack(m, { name: "B" });
    expect(m.sleep(PowerSystemHibernate)).toBe(STATUS_UNSUCCESSFUL);
    expect(m.po.systemState).toBe(PowerSystemWorking);
    expect(a.log).toEqual(["fdoA: QUERY_POWER S4", "pdoA: QUERY_POWER S4"]);
    expect(b.log).toEqual([
      "fdoB: QUERY_POWER S4", "pdoB: QUERY_POWER S4",
      "fdoB: SET_POWER S0", "pdoB: SET_POWER S0", "fdoB: SET_POWER D0", "pdoB: SET_POWER D0", "fdoB: D0 done STATUS_SUCCESS",
    ]);
  });

  it("host misuse is a MachineUsageError: a state that is not a sleep state, or sleeping twice", () => {
    const m = boot({ seed: 5 });
    loadPowerStack(m);
    expect(() => m.sleep(PowerSystemWorking)).toThrow(MachineUsageError);
    expect(() => m.sleep(9 as number)).toThrow(MachineUsageError);
    m.sleep(PowerSystemSleeping3);
    expect(() => m.sleep(PowerSystemSleeping3)).toThrow(MachineUsageError);
    expect(m.wake()).toBe(STATUS_SUCCESS);
    expect(m.wake()).toBe(STATUS_SUCCESS);
  });

  it("gives the same IRP sequence under several preemption seeds", () => {
    for (const seed of [1, 2, 3, 11, 42]) {
      const m = boot({ seed, preemption: "random", processors: 3 });
      const s = loadPowerStack(m);
      const done: NTSTATUS[] = [];
      expect(m.sleep(PowerSystemSleeping3), `seed ${seed}`).toBe(STATUS_SUCCESS);
      expect(sendRead(m, s, done)).toBe(STATUS_PENDING);
      expect(m.wake()).toBe(STATUS_SUCCESS);
      m.run();
      expect(s.log, `seed ${seed}`).toEqual([...SLEEP_S3, "fdo: read queued in D3", ...WAKE_S0.slice(0, 4), "fdo: read completed in D0", WAKE_S0[4]]);
      expect(done).toEqual([STATUS_SUCCESS]);
    }
  });
});

describe("I/O while the device is not in D0", () => {
  it("the function driver queues a read in D3 and completes it once D0 is back", () => {
    const m = boot({ seed: 6 });
    const s = loadPowerStack(m);
    const done: NTSTATUS[] = [];
    expect(sendRead(m, s, done)).toBe(STATUS_SUCCESS);
    m.sleep(PowerSystemSleeping3);
    expect(sendRead(m, s, done)).toBe(STATUS_PENDING);
    m.run();
    expect(done).toEqual([STATUS_SUCCESS]);
    m.wake();
    expect(done).toEqual([STATUS_SUCCESS, STATUS_SUCCESS]);
    expect(s.log.filter((l) => l.includes("read"))).toEqual(["fdo: read completed at once", "fdo: read queued in D3", "fdo: read completed in D0"]);
  });
});

describe("PoSetPowerState and PoRequestPowerIrp", () => {
  it("PoSetPowerState returns the state recorded before", () => {
    const m = boot({ seed: 7 });
    const s = loadPowerStack(m);
    m.runInKernel(() => {
      // The FDO's driver set D0 in DriverEntry; a device object nobody set is Unspecified.
      expect(PoSetPowerState(s.fdo, DevicePowerState, new POWER_STATE(PowerDeviceD3)).DeviceState).toBe(PowerDeviceD0);
      expect(PoSetPowerState(s.fdo, DevicePowerState, new POWER_STATE(PowerDeviceD1)).DeviceState).toBe(PowerDeviceD3);
      expect(PoSetPowerState(s.fdo, DevicePowerState, new POWER_STATE(PowerDeviceD0)).DeviceState).toBe(PowerDeviceD1);
    });
    // The system state a driver records: none until it first sets one.
    m.runInKernel(() => {
      expect(PoSetPowerState(s.pdo, SystemPowerState, new POWER_STATE(PowerSystemSleeping3)).SystemState).toBe(PowerSystemUnspecified);
      expect(PoSetPowerState(s.pdo, SystemPowerState, new POWER_STATE(PowerSystemWorking)).SystemState).toBe(PowerSystemSleeping3);
    });
  });

  it("PoRequestPowerIrp sends to the top of the stack, returns STATUS_PENDING, and calls back with the IRP's status", () => {
    const m = boot({ seed: 8 });
    const s = loadPowerStack(m);
    const calls: string[] = [];
    const st = m.runInKernel(() => {
      const irp = Out<IRP | null>(null);
      const d = new POWER_STATE();
      d.DeviceState = PowerDeviceD3;
      const r = PoRequestPowerIrp(s.pdo, IRP_MN_SET_POWER, d, (DeviceObject, Minor, State, Context, IoStatus) => {
        calls.push(`${DeviceObject === s.pdo} ${Minor} D${State.DeviceState - 1} ${Context} ${NtStatusName(IoStatus.Status)}`);
      }, "ctx", irp);
      expect(irp.value).not.toBeNull();
      return r;
    });
    expect(st).toBe(STATUS_PENDING);
    expect(calls).toEqual([`true ${IRP_MN_SET_POWER} D3 ctx STATUS_SUCCESS`]);
    expect(s.log).toEqual(["fdo: SET_POWER D3", "pdo: SET_POWER D3"]);
    expect(m.io.irpLookaside.cached).toBeGreaterThan(0); // the IRP went back to its list
  });

  it("PoRequestPowerIrp refuses a minor function other than SET_POWER, QUERY_POWER and WAIT_WAKE", () => {
    const m = boot({ seed: 9 });
    const s = loadPowerStack(m);
    const r = m.runInKernel(() => PoRequestPowerIrp(s.pdo, 0x01, new POWER_STATE(PowerDeviceD0), null, null, null));
    expect(r).toBe(STATUS_INVALID_PARAMETER_2);
    expect(s.log).toEqual([]);
  });
});

describe("WAIT_WAKE", () => {
  it("an armed WAIT_WAKE wakes the sleeping machine when the device signals, and completes with STATUS_SUCCESS", () => {
    const m = boot({ seed: 10 });
    const s = loadPowerStack(m);
    const calls: string[] = [];
    expect(m.signalWake(s.pdo)).toBe(false); // nothing armed
    const st = m.runInKernel(() =>
      PoRequestPowerIrp(s.pdo, IRP_MN_WAIT_WAKE, new POWER_STATE(PowerSystemSleeping3), (_d, Minor, _s, _c, IoStatus) => {
        calls.push(`${Minor} ${NtStatusName(IoStatus.Status)}`);
        s.log.push("fdo: wake callback");
      }, null, null),
    );
    expect(st).toBe(STATUS_PENDING);
    expect(s.log).toEqual(["fdo: WAIT_WAKE S3", "pdo: WAIT_WAKE S3"]);
    // A WAIT_WAKE is held by design: the watchdog does not watch it.
    expect(m.po.watched.size).toBe(0);
    m.sleep(PowerSystemSleeping3);
    s.log.length = 0;
    expect(m.signalWake(s.fdo)).toBe(true);
    expect(m.po.systemState).toBe(PowerSystemWorking);
    expect(s.log).toEqual([...WAKE_S0, "fdo: wake callback"]);
    expect(calls).toEqual([`${IRP_MN_WAIT_WAKE} STATUS_SUCCESS`]);
    expect(m.signalWake(s.pdo)).toBe(false); // used up
  });

  it("a device asleep in a working system: the wake callback asks for D0", () => {
    const m = boot({ seed: 12 });
    const s = loadPowerStack(m);
    m.runInKernel(() => {
      PoRequestPowerIrp(s.pdo, IRP_MN_SET_POWER, new POWER_STATE(PowerDeviceD3), null, null, null);
      PoRequestPowerIrp(s.pdo, IRP_MN_WAIT_WAKE, new POWER_STATE(PowerSystemWorking), (_d, _m, _s, _c, IoStatus) => {
        s.log.push(`wake ${NtStatusName(IoStatus.Status)}`);
        PoRequestPowerIrp(s.pdo, IRP_MN_SET_POWER, new POWER_STATE(PowerDeviceD0), null, null, null);
      }, null, null);
    });
    expect(m.po.deviceState(s.fdo)).toBe(PowerDeviceD3);
    s.log.length = 0;
    expect(m.signalWake(s.pdo)).toBe(true);
    expect(s.log).toEqual(["wake STATUS_SUCCESS", "fdo: SET_POWER D0", "pdo: SET_POWER D0"]);
    expect(m.po.deviceState(s.fdo)).toBe(PowerDeviceD0);
  });
});

describe("the power IRP watchdog", () => {
  it("a driver that never completes a power IRP is 0x9F/3 after the watchdog's time-out: P2 the PDO, P3 the holder, P4 the IRP", () => {
    const m = boot({ seed: 13 });
    const s = loadPowerStack(m, { holdSystemSetPower: true });
    const data = expectBugCheck(m, DRIVER_POWER_STATE_FAILURE, () => m.sleep(PowerSystemSleeping3));
    expect(s.ext.watchdogSeconds).toBe(600);
    expect([data.BugCheckParameter1, data.BugCheckParameter2, data.BugCheckParameter3, data.BugCheckParameter4]).toEqual([
      0x3, s.pdo.address, s.fdo.address, s.held!.address,
    ]);
    expect(data.driver).toBe("Func.sys");
    expect(data.explanation).toMatch(/SET_POWER \(S3\).*600 seconds/);
    expect(m.now).toBeGreaterThanOrEqual(600_000);
  });
});
