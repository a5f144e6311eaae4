/**
 * machine.pnp.deviceUsageNotification: the system places or removes a special file on a device,
 * and the PnP manager sends IRP_MN_DEVICE_USAGE_NOTIFICATION down the device's stack.
 */
import { describe, expect, it } from "vitest";
import {
  boot, DeviceUsageTypeDumpFile, DeviceUsageTypePaging, IoGetCurrentIrpStackLocation, IRP_MN_DEVICE_USAGE_NOTIFICATION, KeGetCurrentIrql, PASSIVE_LEVEL,
  STATUS_NOT_SUPPORTED, STATUS_OBJECT_NAME_NOT_FOUND, STATUS_SUCCESS,
} from "../src/index.js";
import { layerDriver } from "./pnp-drivers.js";

function wdmMachine(log: string[]) {
  const m = boot();
  m.installDriverPackage({ service: "plain", hardwareIds: [{ id: "root\\plain" }], class: "System", framework: "WDM", DriverEntry: layerDriver("plain", log) });
  const path = m.pnp.createRootDevice({ hardwareIds: ["root\\plain"], class: "System" });
  return { m, path };
}

describe("IRP_MN_DEVICE_USAGE_NOTIFICATION from the PnP manager", () => {
  it("goes to the top of the stack with InPath and Type; a WDM stack that does not handle it ends with the PDO's default, STATUS_NOT_SUPPORTED", () => {
    const log: string[] = [];
    const { m, path } = wdmMachine(log);
    const seen: unknown[] = [];
    const top = m.pnp.node(path)!.PhysicalDeviceObject.AttachedDevice!;
    const dispatch = top.DriverObject.MajorFunction[0x1b]!;
    top.DriverObject.MajorFunction[0x1b] = (d, Irp) => {
      const sl = IoGetCurrentIrpStackLocation(Irp);
      if (sl.MinorFunction === IRP_MN_DEVICE_USAGE_NOTIFICATION) {
        seen.push([sl.Parameters.UsageNotification.InPath, sl.Parameters.UsageNotification.Type, Irp.IoStatus.Status, KeGetCurrentIrql() === PASSIVE_LEVEL]);
      }
      return dispatch(d, Irp);
    };
    log.length = 0;
    expect(m.pnp.deviceUsageNotification(path, DeviceUsageTypePaging, true)).toBe(STATUS_NOT_SUPPORTED);
    expect(m.pnp.deviceUsageNotification(path, DeviceUsageTypeDumpFile, false)).toBe(STATUS_NOT_SUPPORTED);
    expect(seen).toEqual([[true, DeviceUsageTypePaging, STATUS_NOT_SUPPORTED, true], [false, DeviceUsageTypeDumpFile, STATUS_NOT_SUPPORTED, true]]);
    expect(log).toEqual(["plain DEVICE_USAGE_NOTIFICATION", "plain DEVICE_USAGE_NOTIFICATION"]);
  });

  it("returns what the drivers decided, and STATUS_OBJECT_NAME_NOT_FOUND for an unknown device", () => {
    const { m, path } = wdmMachine([]);
    const top = m.pnp.node(path)!.PhysicalDeviceObject.AttachedDevice!;
    const dispatch = top.DriverObject.MajorFunction[0x1b]!;
    top.DriverObject.MajorFunction[0x1b] = (d, Irp) => {
      // A function driver that supports paging files says so before passing the IRP down.
      if (IoGetCurrentIrpStackLocation(Irp).MinorFunction === IRP_MN_DEVICE_USAGE_NOTIFICATION) Irp.IoStatus.Status = STATUS_SUCCESS;
      return dispatch(d, Irp);
    };
    expect(m.pnp.deviceUsageNotification(path, DeviceUsageTypePaging, true)).toBe(STATUS_SUCCESS);
    expect(m.pnp.deviceUsageNotification("ROOT\\NOSUCH\\0000", DeviceUsageTypePaging, true)).toBe(STATUS_OBJECT_NAME_NOT_FOUND);
  });
});
