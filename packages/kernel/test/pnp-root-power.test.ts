/**
 * A root-enumerated PDO is the bottom of its stack for power IRPs: a function driver over
 * it that passes power IRPs down (as most WDM drivers do) sees them completed, so the
 * machine sleeps and wakes.
 */
import { describe, expect, it } from "vitest";
import {
  boot, DO_DEVICE_INITIALIZING, FILE_DEVICE_UNKNOWN, IoAttachDeviceToDeviceStack, IoCreateDevice, IoGetCurrentIrpStackLocation, IoSkipCurrentIrpStackLocation,
  IoCallDriver, IRP_MJ_PNP, IRP_MJ_POWER, IRP_MN_SET_POWER, IRP_MN_WAIT_WAKE, NtStatusName, Out, PoCallDriver, PoRequestPowerIrp, POWER_STATE, PowerDeviceD3,
  PowerSystemSleeping3, PoStartNextPowerIrp, STATUS_NOT_SUPPORTED, STATUS_SUCCESS, type DEVICE_OBJECT,
} from "../src/index.js";

function rig() {
  const m = boot({ seed: 5 });
  const seen: string[] = [];
  let lower: DEVICE_OBJECT | null = null;
  let pdo: DEVICE_OBJECT | null = null;
  m.installDriverPackage({
    service: "passdown", hardwareIds: [{ id: "root\\passdown" }], class: "System", framework: "WDM",
    DriverEntry: (DriverObject) => {
      DriverObject.DriverExtension.AddDevice = (drv, PhysicalDeviceObject) => {
        const dev = Out<DEVICE_OBJECT | null>(null);
        const st = IoCreateDevice(drv, 0, null, FILE_DEVICE_UNKNOWN, 0, false, dev);
        if (st !== STATUS_SUCCESS) return st;
        pdo = PhysicalDeviceObject;
        lower = IoAttachDeviceToDeviceStack(dev.value!, PhysicalDeviceObject);
        dev.value!.Flags &= ~DO_DEVICE_INITIALIZING;
        return STATUS_SUCCESS;
      };
      // PnP IRPs go down to the root PDO, which completes them.
      DriverObject.MajorFunction[IRP_MJ_PNP] = (_d, Irp) => {
        IoSkipCurrentIrpStackLocation(Irp);
        return IoCallDriver(lower!, Irp);
      };
      DriverObject.MajorFunction[IRP_MJ_POWER] = (_d, Irp) => {
        seen.push(`minor ${IoGetCurrentIrpStackLocation(Irp).MinorFunction}`);
        PoStartNextPowerIrp(Irp);
        IoSkipCurrentIrpStackLocation(Irp);
        return PoCallDriver(lower!, Irp);
      };
      return STATUS_SUCCESS;
    },
  });
  m.pnp.createRootDevice({ hardwareIds: ["root\\passdown"], class: "System" });
  m.run();
  return { m, seen, pdo: () => pdo! };
}

describe("root-enumerated PDOs and power IRPs", () => {
  it("QUERY_POWER and SET_POWER passed down to a root PDO succeed: the machine sleeps and wakes", () => {
    const { m, seen } = rig();
    expect(m.sleep(PowerSystemSleeping3)).toBe(STATUS_SUCCESS);
    expect(m.wake()).toBe(STATUS_SUCCESS);
    expect(seen).toEqual(["minor 3", "minor 2", "minor 2"]);
  });

  it("a device SET_POWER is recorded for the root PDO; WAIT_WAKE keeps STATUS_NOT_SUPPORTED", () => {
    const { m, pdo } = rig();
    const calls: string[] = [];
    m.runInKernel(() => {
      PoRequestPowerIrp(pdo(), IRP_MN_SET_POWER, new POWER_STATE(PowerDeviceD3), (_d, _mn, _s, _c, io) => calls.push(NtStatusName(io.Status)), null, null);
      PoRequestPowerIrp(pdo(), IRP_MN_WAIT_WAKE, new POWER_STATE(PowerSystemSleeping3), (_d, _mn, _s, _c, io) => calls.push(NtStatusName(io.Status)), null, null);
    });
    m.run();
    expect(m.po.deviceState(pdo())).toBe(PowerDeviceD3);
    expect(calls).toEqual(["STATUS_SUCCESS", NtStatusName(STATUS_NOT_SUPPORTED)]);
  });
});
