import { describe, expect, it } from "vitest";
import {
  boot, DO_SHUTDOWN_REGISTERED, FILE_DEVICE_UNKNOWN, IoCompleteRequest, IoCreateDevice, IoDeleteDevice, IoGetCurrentIrpStackLocation,
  IoRegisterLastChanceShutdownNotification, IoRegisterShutdownNotification, IoUnregisterShutdownNotification, IO_NO_INCREMENT, IRP_MJ_SHUTDOWN, Out,
  STATUS_SUCCESS, type DEVICE_OBJECT, type DRIVER_OBJECT, type NTSTATUS,
} from "../src/index.js";

/** A driver with three devices; each IRP_MJ_SHUTDOWN is logged with its device's name. */
function load(log: string[], devices: Record<string, DEVICE_OBJECT>) {
  const m = boot({ flavor: "checked", seed: 1 });
  expect(m.loadDriver("shut", (DriverObject: DRIVER_OBJECT): NTSTATUS => {
    DriverObject.MajorFunction[IRP_MJ_SHUTDOWN] = (DeviceObject, Irp) => {
      expect(IoGetCurrentIrpStackLocation(Irp).MajorFunction).toBe(IRP_MJ_SHUTDOWN);
      log.push(DeviceObject.DeviceName!);
      Irp.IoStatus.Status = STATUS_SUCCESS;
      IoCompleteRequest(Irp, IO_NO_INCREMENT);
      return STATUS_SUCCESS;
    };
    for (const name of ["A", "B", "C"]) {
      const d = Out<DEVICE_OBJECT | null>(null);
      expect(IoCreateDevice(DriverObject, 0, `\\Device\\${name}`, FILE_DEVICE_UNKNOWN, 0, false, d)).toBe(STATUS_SUCCESS);
      devices[name] = d.value!;
    }
    return STATUS_SUCCESS;
  })).toBe(STATUS_SUCCESS);
  return m;
}

describe("shutdown notifications (IoRegisterShutdownNotification, machine.shutdown)", () => {
  it("registered devices get IRP_MJ_SHUTDOWN, last registered first, then the last-chance ones; each once", () => {
    const log: string[] = [];
    const d: Record<string, DEVICE_OBJECT> = {};
    const m = load(log, d);
    m.runInKernel(() => {
      expect(IoRegisterLastChanceShutdownNotification(d.C!)).toBe(STATUS_SUCCESS);
      expect(IoRegisterShutdownNotification(d.A!)).toBe(STATUS_SUCCESS);
      expect(IoRegisterShutdownNotification(d.B!)).toBe(STATUS_SUCCESS);
      expect(d.A!.Flags & DO_SHUTDOWN_REGISTERED).toBe(DO_SHUTDOWN_REGISTERED);
    });
    expect(m.shutdown()).toBe(STATUS_SUCCESS);
    expect(log).toEqual(["\\Device\\B", "\\Device\\A", "\\Device\\C"]);
    expect(d.A!.Flags & DO_SHUTDOWN_REGISTERED).toBe(0);
    m.shutdown();
    expect(log).toHaveLength(3);
  });

  it("an unregistered or deleted device is not told", () => {
    const log: string[] = [];
    const d: Record<string, DEVICE_OBJECT> = {};
    const m = load(log, d);
    m.runInKernel(() => {
      for (const n of ["A", "B", "C"]) IoRegisterShutdownNotification(d[n]!);
      IoRegisterLastChanceShutdownNotification(d.A!);
      IoUnregisterShutdownNotification(d.A!);
      IoDeleteDevice(d.B!);
    });
    expect(m.shutdown()).toBe(STATUS_SUCCESS);
    expect(log).toEqual(["\\Device\\C"]);
    m.unloadDriver("shut");
    expect(m.bugCheckData).toBeNull();
  });
});
