/**
 * The power manager's rules: the IRQL each Po DDI allows (checked flavor: 0xC4/0xE5, "a kernel
 * API called at the incorrect IRQL", P2 the IRQL), a device object freed with a power IRP
 * outstanding (0x9F/1, https://learn.microsoft.com/windows-hardware/drivers/debugger/bug-check-0x9f--driver-power-state-failure),
 * the IRQL power IRPs reach DO_POWER_PAGABLE drivers at, and the Parameters.Power views.
 */
import { describe, expect, it } from "vitest";
import {
  boot, DevicePowerState, DISPATCH_LEVEL, DO_POWER_PAGABLE, DRIVER_POWER_STATE_FAILURE, DRIVER_VERIFIER_DETECTED_VIOLATION,
  FILE_DEVICE_UNKNOWN, IoAllocateIrp, IoCopyCurrentIrpStackLocationToNext, IoCreateDevice, IoDeleteDevice, IoFreeIrp,
  IoGetCurrentIrpStackLocation, IoGetNextIrpStackLocation, IoSetNextIrpStackLocation, IRP_MJ_POWER, IRP_MN_SET_POWER, IRP_MN_WAIT_WAKE,
  KeGetCurrentIrql, KeLowerIrql, KeRaiseIrql, NT_SUCCESS, Out, PASSIVE_LEVEL, PoCallDriver, POWER_STATE, PowerActionSleep, PowerDeviceD0,
  PowerDeviceD2, PowerDeviceD3, PowerSystemSleeping2, PowerSystemSleeping3, PoQueryWatchdogTime, PoRequestPowerIrp, PoSetPowerState,
  PoStartNextPowerIrp, STATUS_MORE_PROCESSING_REQUIRED, STATUS_PENDING, STATUS_SUCCESS, IoSetCompletionRoutine, SystemPowerState, VF_KERNEL_API_WRONG_IRQL, type DEVICE_OBJECT, type KIRQL,
  type Machine,
} from "../src/index.js";
import { complete, expectBugCheck } from "./helpers.js";
import { loadPowerStack } from "./po-drivers.js";

const DIRQL = 5;

function raiseTo(irql: KIRQL): KIRQL {
  const old = Out<KIRQL>(0);
  KeRaiseIrql(irql, old);
  return old.value;
}

/** One device whose power dispatch records the IRQL it ran at. */
function loadIrqlDevice(m: Machine, name: string, flags: number): { dev: DEVICE_OBJECT; irqls: KIRQL[] } {
  const r = { dev: null as unknown as DEVICE_OBJECT, irqls: [] as KIRQL[] };
  expect(
    m.loadDriver(name, (DriverObject) => {
      const dev = Out<DEVICE_OBJECT | null>(null);
      const st = IoCreateDevice(DriverObject, 0, null, FILE_DEVICE_UNKNOWN, 0, false, dev);
      if (!NT_SUCCESS(st)) return st;
      dev.value!.Flags |= flags;
      r.dev = dev.value!;
      DriverObject.MajorFunction[IRP_MJ_POWER] = (_d, Irp) => {
        r.irqls.push(KeGetCurrentIrql());
        return complete(Irp, STATUS_SUCCESS);
      };
      return STATUS_SUCCESS;
    }),
  ).toBe(STATUS_SUCCESS);
  return r;
}

describe("IRQL rules of the Po DDIs (checked flavor)", () => {
  const cases: [string, (dev: DEVICE_OBJECT) => unknown][] = [
    ["PoRequestPowerIrp", (dev) => PoRequestPowerIrp(dev, IRP_MN_SET_POWER, new POWER_STATE(PowerDeviceD3), null, null, null)],
    ["PoSetPowerState", (dev) => PoSetPowerState(dev, DevicePowerState, new POWER_STATE(PowerDeviceD3))],
    ["PoStartNextPowerIrp", () => PoStartNextPowerIrp(null as never)],
    ["PoQueryWatchdogTime", (dev) => PoQueryWatchdogTime(dev, Out(0))],
  ];
  it.each(cases)("%s above DISPATCH_LEVEL is 0xC4/0xE5 with the IRQL", (name, call) => {
    const m = boot({ flavor: "checked", seed: 1 });
    const { dev } = loadIrqlDevice(m, "Irql", 0);
    const data = expectBugCheck(m, DRIVER_VERIFIER_DETECTED_VIOLATION, () =>
      m.runInKernel(() => {
        raiseTo(DIRQL);
        call(dev);
      }),
    );
    expect([data.BugCheckParameter1, data.BugCheckParameter2]).toEqual([VF_KERNEL_API_WRONG_IRQL, DIRQL]);
    expect(data.explanation).toContain(name);
  });

  it.each(cases)("%s at DISPATCH_LEVEL is allowed", (_name, call) => {
    const m = boot({ flavor: "checked", seed: 1 });
    const { dev } = loadIrqlDevice(m, "Irql", 0);
    m.runInKernel(() => {
      const old = raiseTo(DISPATCH_LEVEL);
      call(dev);
      KeLowerIrql(old);
    });
    expect(m.stopped).toBe(false);
  });

  it("the free flavor does not check", () => {
    const m = boot({ flavor: "free", seed: 1 });
    const { dev } = loadIrqlDevice(m, "Irql", 0);
    m.runInKernel(() => {
      const old = raiseTo(DIRQL);
      PoSetPowerState(dev, DevicePowerState, new POWER_STATE(PowerDeviceD2));
      KeLowerIrql(old);
    });
    expect(m.po.deviceState(dev)).toBe(PowerDeviceD2);
  });
});

describe("where power IRPs are dispatched", () => {
  it("a DO_POWER_PAGABLE driver gets a power IRP requested at DISPATCH_LEVEL at PASSIVE_LEVEL, from a worker thread; others at once", () => {
    const m = boot({ seed: 2 });
    const pageable = loadIrqlDevice(m, "Pageable", DO_POWER_PAGABLE);
    const resident = loadIrqlDevice(m, "Resident", 0);
    m.runInKernel(() => {
      const old = raiseTo(DISPATCH_LEVEL);
      expect(PoRequestPowerIrp(pageable.dev, IRP_MN_SET_POWER, new POWER_STATE(PowerDeviceD3), null, null, null)).toBe(STATUS_PENDING);
      expect(PoRequestPowerIrp(resident.dev, IRP_MN_SET_POWER, new POWER_STATE(PowerDeviceD3), null, null, null)).toBe(STATUS_PENDING);
      expect(pageable.irqls).toEqual([]);
      expect(resident.irqls).toEqual([DISPATCH_LEVEL]);
      KeLowerIrql(old);
    });
    m.run();
    expect(pageable.irqls).toEqual([PASSIVE_LEVEL]);
  });
});

describe("0x9F/1: a device object freed with a power IRP outstanding", () => {
  it("the bus driver deletes its PDO while it still holds a WAIT_WAKE: P2 the device object", () => {
    const m = boot({ seed: 3 });
    const s = loadPowerStack(m);
    m.runInKernel(() => PoRequestPowerIrp(s.pdo, IRP_MN_WAIT_WAKE, new POWER_STATE(PowerSystemSleeping3), null, null, null));
    const data = expectBugCheck(m, DRIVER_POWER_STATE_FAILURE, () => m.runInKernel(() => IoDeleteDevice(s.pdo)));
    expect([data.BugCheckParameter1, data.BugCheckParameter2, data.BugCheckParameter3, data.BugCheckParameter4]).toEqual([0x1, s.pdo.address, 0, 0]);
    expect(data.driver).toBe("Bus.sys");
  });

  it("deleting a device with no power IRP outstanding is fine", () => {
    const m = boot({ seed: 3 });
    const { dev } = loadIrqlDevice(m, "Quiet", 0);
    m.runInKernel(() => IoDeleteDevice(dev));
    expect(m.stopped).toBe(false);
  });
});

describe("the IRP_MJ_POWER views of a stack location", () => {
  it("Power and WaitWake share the union's storage and are copied down with the rest", () => {
    const m = boot({ seed: 4 });
    m.runInKernel(() => {
      const irp = IoAllocateIrp(2, false)!;
      const sl = IoGetNextIrpStackLocation(irp);
      sl.MajorFunction = IRP_MJ_POWER;
      sl.MinorFunction = IRP_MN_SET_POWER;
      const p = sl.Parameters.Power;
      p.SystemContext = 0x1234;
      p.Type = SystemPowerState;
      p.State.SystemState = PowerSystemSleeping2;
      p.ShutdownType = PowerActionSleep;
      // POWER_STATE is a union: DeviceState reads the same value as SystemState.
      expect(p.State.DeviceState).toBe(PowerSystemSleeping2);
      // WaitWake.PowerState is the first slot, SystemContext's.
      expect(sl.Parameters.WaitWake.PowerState).toBe(0x1234);
      // Struct assignment copies the value.
      const d = new POWER_STATE();
      d.DeviceState = PowerDeviceD0;
      p.State = d;
      d.DeviceState = PowerDeviceD3;
      expect(p.State.DeviceState).toBe(PowerDeviceD0);
      IoSetNextIrpStackLocation(irp);
      IoCopyCurrentIrpStackLocationToNext(irp);
      const next = IoGetNextIrpStackLocation(irp);
      expect([next.MinorFunction, next.Parameters.Power.SystemContext, next.Parameters.Power.Type, next.Parameters.Power.State.DeviceState, next.Parameters.Power.ShutdownType])
        .toEqual([IRP_MN_SET_POWER, 0x1234, SystemPowerState, PowerDeviceD0, PowerActionSleep]);
      expect(IoGetCurrentIrpStackLocation(irp).Parameters.Power).toBe(sl.Parameters.Power);
      irp.CurrentLocation = irp.StackCount + 1;
      IoFreeIrp(irp);
      // A recycled IRP's power view reads zeroes.
      const again = IoAllocateIrp(2, false)!;
      expect(IoGetNextIrpStackLocation(again).Parameters.Power.Type).toBe(0);
      IoFreeIrp(again);
    });
  });

  it("PoCallDriver passes a power IRP like IoCallDriver", () => {
    const m = boot({ seed: 5 });
    const { dev, irqls } = loadIrqlDevice(m, "Call", 0);
    const seen: number[] = [];
    const st = m.runInKernel(() => {
      const irp = IoAllocateIrp(dev.StackSize, false)!;
      const sl = IoGetNextIrpStackLocation(irp);
      sl.MajorFunction = IRP_MJ_POWER;
      sl.MinorFunction = IRP_MN_SET_POWER;
      IoSetCompletionRoutine(irp, (_d, i) => {
        seen.push(i.IoStatus.Status);
        IoFreeIrp(i);
        return STATUS_MORE_PROCESSING_REQUIRED;
      }, null, true, true, true);
      return PoCallDriver(dev, irp);
    });
    expect([st, seen, irqls]).toEqual([STATUS_SUCCESS, [STATUS_SUCCESS], [PASSIVE_LEVEL]]);
  });
});
