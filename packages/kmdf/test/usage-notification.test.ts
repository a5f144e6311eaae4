/**
 * Special files on a KMDF device: IRP_MN_DEVICE_USAGE_NOTIFICATION as machine.pnp.deviceUsageNotification
 * sends it, answered by the framework (fxpkgpnp.cpp PnpDeviceUsageNotification).
 */
import { describe, expect, it } from "vitest";
import {
  boot, DeviceUsageTypeBoot, DeviceUsageTypeDumpFile, DeviceUsageTypeHibernation, DeviceUsageTypePaging, DO_POWER_PAGABLE, IoAttachDeviceToDeviceStack, IoCallDriver,
  IoCreateDevice, IoGetCurrentIrpStackLocation, IoSkipCurrentIrpStackLocation, IRP_MJ_PNP, IRP_MJ_POWER, IRP_MN_DEVICE_USAGE_NOTIFICATION, FILE_DEVICE_UNKNOWN,
  IoCompleteRequest, IO_NO_INCREMENT, STATUS_UNSUCCESSFUL, NtStatusName, NT_SUCCESS, Out, PoCallDriver, PoStartNextPowerIrp, STATUS_DEVICE_BUSY, STATUS_NOT_IMPLEMENTED, STATUS_NOT_SUPPORTED, STATUS_SUCCESS, DO_DEVICE_INITIALIZING,
  type DEVICE_OBJECT, type DRIVER_OBJECT, type IRP, type Machine, type NTSTATUS,
} from "@wdfjs/kernel";
import {
  WdfDeviceAddDependentUsageDeviceObject, WdfDeviceGetDeviceState, WdfDeviceGetDevicePowerState, WdfDeviceInitSetPowerNotPageable,
  WdfDeviceRemoveDependentUsageDeviceObject, WdfDeviceSetSpecialFileSupport, WdfDeviceWdmGetDeviceObject, WdfDevStatePowerD0, WdfFalse, WdfSpecialFileBoot,
  WdfSpecialFileDump, WdfSpecialFileHibernation, WdfSpecialFilePaging, WdfSpecialFilePostDisplay, WdfTrue, WDF_DEVICE_STATE, WDF_DEVICE_STATE_INIT,
  WDF_DRIVER_CONFIG, WDF_DRIVER_CONFIG_INIT, WDF_PNPPOWER_EVENT_CALLBACKS, WDF_PNPPOWER_EVENT_CALLBACKS_INIT, WdfDeviceCreate, WdfDeviceInitSetPnpPowerEventCallbacks,
  WdfDriverCreate, WdfFdoAddStaticChild, WdfPdoInitAddHardwareID, WdfPdoInitAllocate, WdfPdoInitAssignDeviceID, WdfPdoInitAssignInstanceID,
  type PWDFDEVICE_INIT, type WDFDEVICE, type WDFDRIVER,
} from "../src/index.js";
import { fdoDriver, newFdoLog, type FdoLog } from "./kmdf-fdo-harness.js";

/** A WDM lower filter that logs each usage notification it passes down (`lower <InPath> <Type> <status on the way down>`). */
function lowerFilter(log: string[]) {
  return function DriverEntry(DriverObject: DRIVER_OBJECT): NTSTATUS {
    const lowerOf = new Map<DEVICE_OBJECT, DEVICE_OBJECT>();
    DriverObject.DriverExtension.AddDevice = (drv, pdo) => {
      const dev = Out<DEVICE_OBJECT | null>(null);
      const st = IoCreateDevice(drv, 0, null, FILE_DEVICE_UNKNOWN, 0, false, dev);
      if (st < 0) return st;
      const lower = IoAttachDeviceToDeviceStack(dev.value!, pdo)!;
      lowerOf.set(dev.value!, lower);
      // A WDM filter's power IRPs come at PASSIVE_LEVEL (DO_POWER_PAGABLE), which the KMDF FDO above takes over.
      dev.value!.Flags |= DO_POWER_PAGABLE;
      dev.value!.Flags &= ~DO_DEVICE_INITIALIZING;
      return STATUS_SUCCESS;
    };
    DriverObject.MajorFunction[IRP_MJ_PNP] = (d: DEVICE_OBJECT, Irp: IRP) => {
      const sl = IoGetCurrentIrpStackLocation(Irp);
      if (sl.MinorFunction === IRP_MN_DEVICE_USAGE_NOTIFICATION) {
        log.push(`lower ${sl.Parameters.UsageNotification.InPath} ${sl.Parameters.UsageNotification.Type} ${NtStatusName(Irp.IoStatus.Status)}`);
      }
      IoSkipCurrentIrpStackLocation(Irp);
      return IoCallDriver(lowerOf.get(d)!, Irp);
    };
    DriverObject.MajorFunction[IRP_MJ_POWER] = (d: DEVICE_OBJECT, Irp: IRP) => {
      PoStartNextPowerIrp(Irp);
      IoSkipCurrentIrpStackLocation(Irp);
      return PoCallDriver(lowerOf.get(d)!, Irp);
    };
    return STATUS_SUCCESS;
  };
}

/** A KMDF function driver over a WDM lower filter over the root PDO; the FDO logs its usage callbacks in the same log. */
function install(m: Machine, log: string[], fdo: FdoLog, service = "kusage"): string {
  m.pnp.installFilterService({ service: `${service}low`, DriverEntry: lowerFilter(log) });
  m.installDriverPackage({
    service, hardwareIds: [{ id: `root\\${service}` }], class: "System", framework: "WDM", lowerFilters: [`${service}low`], DriverEntry: fdoDriver(fdo),
  });
  return m.pnp.createRootDevice({ hardwareIds: [`root\\${service}`], class: "System" });
}

function usageLog(log: string[], extra: Partial<FdoLog> = {}, ex?: (type: number, inPath: boolean) => NTSTATUS): FdoLog {
  return newFdoLog({
    ...extra,
    onCallbacks: (pnp) => {
      if (ex === undefined) pnp.EvtDeviceUsageNotification = (_d, type, inPath) => void log.push(`EvtDeviceUsageNotification ${type} ${inPath}`);
      else {
        pnp.EvtDeviceUsageNotificationEx = (_d, type, inPath) => {
          log.push(`EvtDeviceUsageNotificationEx ${type} ${inPath}`);
          return ex(type, inPath);
        };
      }
    },
  });
}

function pageable(m: Machine, device: WDFDEVICE): boolean {
  return m.runInKernel(() => (WdfDeviceWdmGetDeviceObject(device)!.Flags & DO_POWER_PAGABLE) !== 0);
}

function notDisableable(m: Machine, device: WDFDEVICE): number {
  return m.runInKernel(() => {
    const s = new WDF_DEVICE_STATE();
    WDF_DEVICE_STATE_INIT(s);
    WdfDeviceGetDeviceState(device, s);
    return s.NotDisableable;
  });
}

describe("device usage notifications on a KMDF function driver", () => {
  it("a special file the driver did not turn on fails with STATUS_NOT_IMPLEMENTED, without the callback or the stack below", () => {
    const m = boot();
    const log: string[] = [];
    const fdo = usageLog(log);
    const path = install(m, log, fdo);
    expect(m.pnp.deviceUsageNotification(path, DeviceUsageTypePaging, true)).toBe(STATUS_NOT_IMPLEMENTED);
    // Turned on for another type only: still refused.
    m.runInKernel(() => WdfDeviceSetSpecialFileSupport(fdo.device!, WdfSpecialFileDump, true));
    expect(m.pnp.deviceUsageNotification(path, DeviceUsageTypeHibernation, true)).toBe(STATUS_NOT_IMPLEMENTED);
    expect(log).toEqual([]);
    expect(pageable(m, fdo.device!)).toBe(true);
  });

  it("a supported one goes down the stack first (its status set to success), then EvtDeviceUsageNotification(Device, type, InPath); the IRP succeeds", () => {
    const m = boot();
    const log: string[] = [];
    let device: WDFDEVICE | null = null;
    const fdo = usageLog(log, { onDevice: (d) => void WdfDeviceSetSpecialFileSupport(d, WdfSpecialFileBoot, true) });
    fdo.onCallbacks = (pnp) => {
      pnp.EvtDeviceUsageNotification = (d, type, inPath) => {
        device = d;
        log.push(`EvtDeviceUsageNotification ${type} ${inPath}`);
      };
    };
    const path = install(m, log, fdo);
    expect(m.pnp.deviceUsageNotification(path, DeviceUsageTypeBoot, true)).toBe(STATUS_SUCCESS);
    expect(device).toBe(fdo.device);
    // Out of the path is always handled, supported or not.
    expect(m.pnp.deviceUsageNotification(path, DeviceUsageTypeDumpFile, false)).toBe(STATUS_SUCCESS);
    expect(log).toEqual([
      "lower true 4 STATUS_SUCCESS", `EvtDeviceUsageNotification ${WdfSpecialFileBoot} true`,
      "lower false 3 STATUS_SUCCESS", `EvtDeviceUsageNotification ${WdfSpecialFileDump} false`,
    ]);
    // A boot file does not change pageability, but the device may no longer be disabled.
    expect(pageable(m, fdo.device!)).toBe(true);
    expect(notDisableable(m, fdo.device!)).toBe(WdfTrue);
  });

  it("EvtDeviceUsageNotificationEx may veto: its status fails the IRP, the stack below is told InPath FALSE, the flags are restored", () => {
    const m = boot();
    const log: string[] = [];
    const fdo = usageLog(log, { onDevice: (d) => void WdfDeviceSetSpecialFileSupport(d, WdfSpecialFilePaging, true) }, () => STATUS_DEVICE_BUSY);
    const path = install(m, log, fdo);
    expect(m.pnp.deviceUsageNotification(path, DeviceUsageTypePaging, true)).toBe(STATUS_DEVICE_BUSY);
    expect(log).toEqual(["lower true 1 STATUS_SUCCESS", `EvtDeviceUsageNotificationEx ${WdfSpecialFilePaging} true`, "lower false 1 STATUS_SUCCESS"]);
    expect(pageable(m, fdo.device!)).toBe(true);
    expect(notDisableable(m, fdo.device!)).toBe(WdfFalse);
  });

  it("the stack below failing fails the IRP before the callback, and restores the flags", () => {
    const m = boot();
    const log: string[] = [];
    const fdo = usageLog(log, { onDevice: (d) => void WdfDeviceSetSpecialFileSupport(d, WdfSpecialFilePaging, true) });
    const path = install(m, log, fdo);
    const lower = m.pnp.node(path)!.PhysicalDeviceObject.AttachedDevice!;
    const pass = lower.DriverObject.MajorFunction[IRP_MJ_PNP]!;
    lower.DriverObject.MajorFunction[IRP_MJ_PNP] = (d, Irp) => {
      if (IoGetCurrentIrpStackLocation(Irp).MinorFunction !== IRP_MN_DEVICE_USAGE_NOTIFICATION) return pass(d, Irp);
      log.push("lower refuses");
      Irp.IoStatus.Status = STATUS_UNSUCCESSFUL;
      IoCompleteRequest(Irp, IO_NO_INCREMENT);
      return STATUS_UNSUCCESSFUL;
    };
    expect(m.pnp.deviceUsageNotification(path, DeviceUsageTypePaging, true)).toBe(STATUS_UNSUCCESSFUL);
    expect(log).toEqual(["lower refuses"]);
    expect(pageable(m, fdo.device!)).toBe(true);
    expect(notDisableable(m, fdo.device!)).toBe(WdfFalse);
  });

  it("a paging file clears DO_POWER_PAGABLE while any is on the device; the last one out sets it again; the power machine re-decides D0", () => {
    const m = boot();
    const log: string[] = [];
    const fdo = usageLog(log, {
      onDevice: (d) => {
        WdfDeviceSetSpecialFileSupport(d, WdfSpecialFilePaging, true);
        WdfDeviceSetSpecialFileSupport(d, WdfSpecialFileHibernation, true);
      },
    });
    const path = install(m, log, fdo);
    expect(pageable(m, fdo.device!)).toBe(true);
    expect(m.pnp.deviceUsageNotification(path, DeviceUsageTypePaging, true)).toBe(STATUS_SUCCESS);
    expect(pageable(m, fdo.device!)).toBe(false);
    expect(notDisableable(m, fdo.device!)).toBe(WdfTrue);
    expect(m.pnp.deviceUsageNotification(path, DeviceUsageTypeHibernation, true)).toBe(STATUS_SUCCESS);
    expect(m.pnp.deviceUsageNotification(path, DeviceUsageTypePaging, false)).toBe(STATUS_SUCCESS);
    // The hibernation file still needs the device non-pageable.
    expect(pageable(m, fdo.device!)).toBe(false);
    expect(m.pnp.deviceUsageNotification(path, DeviceUsageTypeHibernation, false)).toBe(STATUS_SUCCESS);
    expect(pageable(m, fdo.device!)).toBe(true);
    expect(notDisableable(m, fdo.device!)).toBe(WdfFalse);
    expect(m.runInKernel(() => WdfDeviceGetDevicePowerState(fdo.device!))).toBe(WdfDevStatePowerD0);
    expect(log.filter((l) => l.startsWith("Evt"))).toEqual([
      "EvtDeviceUsageNotification 1 true", "EvtDeviceUsageNotification 2 true", "EvtDeviceUsageNotification 1 false", "EvtDeviceUsageNotification 2 false",
    ]);
  });

  it("a device that is not power-pageable capable stays non-pageable when its paging file goes", () => {
    const m = boot();
    const log: string[] = [];
    const fdo = usageLog(log, {
      onInit: (init) => WdfDeviceInitSetPowerNotPageable(init),
      onDevice: (d) => void WdfDeviceSetSpecialFileSupport(d, WdfSpecialFilePaging, true),
    });
    const path = install(m, log, fdo);
    expect(pageable(m, fdo.device!)).toBe(false);
    expect(m.pnp.deviceUsageNotification(path, DeviceUsageTypePaging, true)).toBe(STATUS_SUCCESS);
    expect(m.pnp.deviceUsageNotification(path, DeviceUsageTypePaging, false)).toBe(STATUS_SUCCESS);
    expect(pageable(m, fdo.device!)).toBe(false);
  });

  it("WdfDeviceInitSetPnpPowerEventCallbacks with both EvtDeviceUsageNotification and ...Ex is ignored whole", () => {
    const m = boot();
    const log: string[] = [];
    const fdo = usageLog(log, { onDevice: (d) => void WdfDeviceSetSpecialFileSupport(d, WdfSpecialFilePaging, true) }, () => STATUS_DEVICE_BUSY);
    const set = fdo.onCallbacks!;
    fdo.onCallbacks = (pnp) => {
      set(pnp);
      pnp.EvtDeviceUsageNotification = () => void log.push("EvtDeviceUsageNotification");
    };
    const path = install(m, log, fdo);
    expect(fdo.events).not.toContain("PrepareHardware");
    expect(m.pnp.deviceUsageNotification(path, DeviceUsageTypePaging, true)).toBe(STATUS_SUCCESS);
    expect(log).toEqual(["lower true 1 STATUS_SUCCESS"]);
  });

  it("WdfDeviceSetSpecialFileSupport ignores WdfSpecialFilePostDisplay and types out of range", () => {
    const m = boot();
    const log: string[] = [];
    const fdo = usageLog(log);
    const path = install(m, log, fdo);
    m.runInKernel(() => {
      WdfDeviceSetSpecialFileSupport(fdo.device!, WdfSpecialFilePostDisplay, true);
      WdfDeviceSetSpecialFileSupport(fdo.device!, 0, true);
      WdfDeviceSetSpecialFileSupport(fdo.device!, 7, true);
    });
    expect(m.pnp.deviceUsageNotification(path, 5, true)).toBe(STATUS_NOT_IMPLEMENTED);
    expect(m.pnp.deviceUsageNotification(path, 7, false)).toBe(STATUS_NOT_IMPLEMENTED);
    expect(log).toEqual([]);
  });

  it("a dependent usage device's stack is told first; its refusal fails the notification before the device's own stack", () => {
    const m = boot();
    const log: string[] = [];
    const fdo = usageLog(log, { onDevice: (d) => void WdfDeviceSetSpecialFileSupport(d, WdfSpecialFileDump, true) });
    const path = install(m, log, fdo);
    const depLog: string[] = [];
    const dep = usageLog(depLog, { onDevice: (d) => void WdfDeviceSetSpecialFileSupport(d, WdfSpecialFileDump, true) });
    const depPath = install(m, depLog, dep, "kdep");
    const depPdo = m.pnp.node(depPath)!.PhysicalDeviceObject;
    expect(m.runInKernel(() => WdfDeviceAddDependentUsageDeviceObject(fdo.device!, depPdo))).toBe(STATUS_SUCCESS);
    expect(m.pnp.deviceUsageNotification(path, DeviceUsageTypeDumpFile, true)).toBe(STATUS_SUCCESS);
    expect(depLog).toEqual(["lower true 3 STATUS_SUCCESS", "EvtDeviceUsageNotification 3 true"]);
    expect(log).toEqual(["lower true 3 STATUS_SUCCESS", "EvtDeviceUsageNotification 3 true"]);

    // The dependent no longer supports dump files: it refuses, and the device's stack never sees the IRP.
    depLog.length = 0;
    log.length = 0;
    m.runInKernel(() => WdfDeviceSetSpecialFileSupport(dep.device!, WdfSpecialFileDump, false));
    expect(m.pnp.deviceUsageNotification(path, DeviceUsageTypeDumpFile, true)).toBe(STATUS_NOT_IMPLEMENTED);
    expect(depLog).toEqual([]);
    expect(log).toEqual([]);

    m.runInKernel(() => WdfDeviceRemoveDependentUsageDeviceObject(fdo.device!, depPdo));
    expect(m.pnp.deviceUsageNotification(path, DeviceUsageTypeDumpFile, true)).toBe(STATUS_SUCCESS);
    expect(depLog).toEqual([]);
    expect(log).toEqual(["lower true 3 STATUS_SUCCESS", "EvtDeviceUsageNotification 3 true"]);
  });
});

/**
 * A KMDF bus with one child PDO and a KMDF function driver on the child; the three log their usage
 * callbacks; `busSupports` turns paging files on for the bus FDO (the child's PDO and FDO support them).
 */
function childMachine(log: string[], busSupports: boolean): { m: Machine; child: string; pdo: () => WDFDEVICE } {
  const m = boot();
  let pdo: WDFDEVICE | null = null;
  function EvtDeviceAdd(_Driver: WDFDRIVER, DeviceInit: PWDFDEVICE_INIT): NTSTATUS {
    const cb = new WDF_PNPPOWER_EVENT_CALLBACKS();
    WDF_PNPPOWER_EVENT_CALLBACKS_INIT(cb);
    cb.EvtDeviceUsageNotification = (_d, type, inPath) => void log.push(`bus ${type} ${inPath}`);
    WdfDeviceInitSetPnpPowerEventCallbacks(DeviceInit, cb);
    const fdo = Out<WDFDEVICE | null>(null);
    let status = WdfDeviceCreate(Out(DeviceInit), null, fdo);
    if (!NT_SUCCESS(status)) return status;
    WdfDeviceSetSpecialFileSupport(fdo.value!, WdfSpecialFilePaging, busSupports);
    const init = WdfPdoInitAllocate(fdo.value!);
    WdfPdoInitAssignDeviceID(init, "KUSAGE\\Child");
    WdfPdoInitAssignInstanceID(init, "01");
    WdfPdoInitAddHardwareID(init, "KUSAGE\\Child");
    const pcb = new WDF_PNPPOWER_EVENT_CALLBACKS();
    WDF_PNPPOWER_EVENT_CALLBACKS_INIT(pcb);
    pcb.EvtDeviceUsageNotificationEx = (_d, type, inPath) => (log.push(`pdo ${type} ${inPath}`), STATUS_SUCCESS);
    WdfDeviceInitSetPnpPowerEventCallbacks(init, pcb);
    const child = Out<WDFDEVICE | null>(null);
    status = WdfDeviceCreate(Out(init), null, child);
    if (!NT_SUCCESS(status)) return status;
    pdo = child.value;
    WdfDeviceSetSpecialFileSupport(pdo!, WdfSpecialFilePaging, true);
    return WdfFdoAddStaticChild(fdo.value!, pdo!);
  }
  m.installDriverPackage({
    service: "kusagebus", hardwareIds: [{ id: "root\\kusagebus" }], class: "System", framework: "WDM",
    DriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS {
      const config = new WDF_DRIVER_CONFIG();
      WDF_DRIVER_CONFIG_INIT(config, EvtDeviceAdd);
      return WdfDriverCreate(DriverObject, RegistryPath, null, config, Out<WDFDRIVER | null>(null));
    },
  });
  const fdo = newFdoLog({
    onCallbacks: (pnp) => void (pnp.EvtDeviceUsageNotification = (_d, type, inPath) => void log.push(`fdo ${type} ${inPath}`)),
    onDevice: (d) => void WdfDeviceSetSpecialFileSupport(d, WdfSpecialFilePaging, true),
  });
  m.installDriverPackage({ service: "kusagefn", hardwareIds: [{ id: "KUSAGE\\Child" }], class: "System", framework: "WDM", DriverEntry: fdoDriver(fdo) });
  m.pnp.createRootDevice({ hardwareIds: ["root\\kusagebus"], class: "System" });
  const child = m.pnp.allNodes().find((n) => n.InstancePath.toUpperCase().startsWith("KUSAGE\\CHILD"))!.InstancePath;
  return { m, child, pdo: () => pdo! };
}

describe("device usage notifications on a KMDF PDO", () => {
  it("a child PDO tells its parent's stack first, then its own callback, then the function driver above it has its own", () => {
    const log: string[] = [];
    const { m, child, pdo } = childMachine(log, true);
    expect(m.pnp.deviceUsageNotification(child, DeviceUsageTypePaging, true)).toBe(STATUS_SUCCESS);
    expect(log).toEqual(["bus 1 true", "pdo 1 true", "fdo 1 true"]);
    expect(pageable(m, pdo())).toBe(false);
    expect(m.pnp.deviceUsageNotification(child, DeviceUsageTypePaging, false)).toBe(STATUS_SUCCESS);
    expect(log).toEqual(["bus 1 true", "pdo 1 true", "fdo 1 true", "bus 1 false", "pdo 1 false", "fdo 1 false"]);
    expect(pageable(m, pdo())).toBe(true);
  });

  it("the parent refusing fails the child's notification before any callback, the child's flags restored", () => {
    const log: string[] = [];
    const { m, child, pdo } = childMachine(log, false);
    expect(m.pnp.deviceUsageNotification(child, DeviceUsageTypePaging, true)).toBe(STATUS_NOT_IMPLEMENTED);
    expect(log).toEqual([]);
    expect(pageable(m, pdo())).toBe(true);
  });
});
