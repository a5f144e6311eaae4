/**
 * Device interfaces and their notifications, I/O on a device that is surprise-removed,
 * resources, device properties and state, under several preemption seeds.
 */
import { describe, expect, it } from "vitest";
import {
  boot, CM_PROB_FAILED_POST_START, CM_PROB_NORMAL_CONFLICT, CmResourceShareDeviceExclusive, CmResourceTypeInterrupt, CmResourceTypePort,
  DeviceNodeStarted, DevicePropertyBusNumber, DevicePropertyClassGuid, DevicePropertyCompatibleIDs, DevicePropertyHardwareID,
  DevicePropertyPhysicalDeviceObjectName, EventCategoryDeviceInterfaceChange, ExFreePool, GUID_DEVICE_INTERFACE_ARRIVAL,
  GUID_DEVICE_INTERFACE_REMOVAL, IO_RESOURCE_ALTERNATIVE, IO_STATUS_BLOCK, IoGetDeviceInterfaces, IoGetDeviceProperty, IoInvalidateDeviceState,
  IoMakeResourceRequirementsList, IoRegisterPlugPlayNotification, IoUnregisterPlugPlayNotificationEx, NtClose, NtReadFile, Out,
  PNPNOTIFY_DEVICE_INTERFACE_INCLUDE_EXISTING_INTERFACES, PNP_DETECTED_FATAL_ERROR, PNP_DEVICE_FAILED, POOL_FLAG_PAGED, ExAllocatePool2,
  POOL_TAG, ReadMultiSz, ReadUlong, ReadWideString, STATUS_BUFFER_TOO_SMALL, STATUS_DELETE_PENDING, STATUS_PENDING, STATUS_SUCCESS,
  type CM_RESOURCE_LIST, type DEVICE_INTERFACE_CHANGE_NOTIFICATION, type Machine, type PNP_NOTIFICATION_ENTRY,
  IRP_MJ_PNP, IoGetCurrentIrpStackLocation, IRP_MN_QUERY_PNP_DEVICE_STATE, IoSkipCurrentIrpStackLocation,
  type DRIVER_OBJECT, IoAllocateIrp, IoGetNextIrpStackLocation, IoSetNextIrpStackLocation, IoCopyCurrentIrpStackLocationToNext, IoFreeIrp,
  IRP_MN_QUERY_INTERFACE, DeviceUsageTypePaging, DevicePropertyBusTypeGuid, DevicePropertyDeviceDescription, ReadGuid, IoBuildResourceRequirementsList, ReadResourceRequirementsList, IoBuildCmResourceList, ReadCmResourceList,
  EventCategoryTargetDeviceChange, GUID_TARGET_DEVICE_QUERY_REMOVE, GUID_TARGET_DEVICE_REMOVE_COMPLETE, GUID_TARGET_DEVICE_REMOVE_CANCELLED,
  PNP_VetoOutstandingOpen, IoGetDeviceObjectPointer, ObDereferenceObject, FILE_READ_DATA, type FILE_OBJECT, type DEVICE_OBJECT,
  type TARGET_DEVICE_REMOVAL_NOTIFICATION, type KWAIT_GENERATOR, type NTSTATUS, DRIVER_VERIFIER_IOMANAGER_VIOLATION, IoCallDriver,
} from "../src/index.js";
import { client, expectBugCheck, open, userAlloc } from "./helpers.js";
import { GUID_DEVCLASS_TOASTER, GUID_DEVINTERFACE_TOASTER, layerDriver, testBus, TOASTER_HWID } from "./pnp-drivers.js";

const BUS_HWID = "root\\testbus";

function toasterMachine(o: { seed?: number; preemption?: "off" | "random"; pendReads?: boolean } = {}) {
  const m = boot({ seed: o.seed ?? 1, preemption: o.preemption ?? "off" });
  const bus = testBus();
  const log = bus.log;
  m.installDriverPackage({ service: "testbus", hardwareIds: [{ id: BUS_HWID }], class: "System", framework: "WDM", DriverEntry: bus });
  m.pnp.createRootDevice({ hardwareIds: [BUS_HWID], class: "System" });
  const func = layerDriver("toaster", log, { interfaceGuid: GUID_DEVINTERFACE_TOASTER, pendReads: o.pendReads ?? false });
  m.installDriverPackage({ service: "toaster", hardwareIds: [{ id: TOASTER_HWID }], class: "Toaster", classGuid: GUID_DEVCLASS_TOASTER, framework: "WDM", DriverEntry: func });
  return { m, bus, log, func };
}

/** A kernel listener (toastmon's shape): logs arrivals and removals of the toaster interface. */
function loadMonitor(m: Machine, flags = PNPNOTIFY_DEVICE_INTERFACE_INCLUDE_EXISTING_INTERFACES) {
  const seen: string[] = [];
  const entry = Out<PNP_NOTIFICATION_ENTRY | null>(null);
  m.loadDriver("toastmon", (DriverObject: DRIVER_OBJECT) =>
    IoRegisterPlugPlayNotification(EventCategoryDeviceInterfaceChange, flags, GUID_DEVINTERFACE_TOASTER, DriverObject,
      (n: DEVICE_INTERFACE_CHANGE_NOTIFICATION) => {
        seen.push(`${n.Event === GUID_DEVICE_INTERFACE_ARRIVAL ? "arrival" : n.Event === GUID_DEVICE_INTERFACE_REMOVAL ? "removal" : "?"} ${n.SymbolicLinkName}`);
        return STATUS_SUCCESS;
      }, null, entry));
  m.run();
  return { seen, entry };
}

function poolInUse(m: Machine): number {
  return m.mm.pool.usage.reduce((s, u) => s + u.allocations - u.frees, 0);
}

const LINK1 = `\\??\\${TOASTER_HWID.replace(/\\/g, "#")}#01#${GUID_DEVINTERFACE_TOASTER.toLowerCase()}`;

describe("PnP: device interfaces", () => {
  it("a function driver's interface is named after the instance path, opens with CreateFile, and is listed by IoGetDeviceInterfaces", () => {
    const { m, bus } = toasterMachine();
    bus.plug(m, 1, [TOASTER_HWID]);
    m.run();
    const names = m.runInKernel(() => {
      const list = Out(0);
      expect(IoGetDeviceInterfaces(GUID_DEVINTERFACE_TOASTER, null, 0, list)).toBe(STATUS_SUCCESS);
      const r = ReadMultiSz(list.value);
      ExFreePool(list.value);
      return r;
    });
    expect(names).toEqual([LINK1]);
    const c = client(m);
    const h = open(m, c, LINK1, undefined, 0);
    expect(h.status).toBe(STATUS_SUCCESS);
    expect(m.syscall(c.thread, () => NtClose(h.handle))).toBe(STATUS_SUCCESS);
  });

  it("a kernel listener hears of existing interfaces, arrivals and removals, on a system thread at PASSIVE_LEVEL; unregistered, nothing more", () => {
    const { m, bus } = toasterMachine();
    bus.plug(m, 1, [TOASTER_HWID]);
    m.run();
    const { seen, entry } = loadMonitor(m);
    expect(seen).toEqual([`arrival ${LINK1}`]);
    bus.plug(m, 2, [TOASTER_HWID]);
    m.run();
    bus.unplug(m, 1);
    m.run();
    expect(seen).toEqual([`arrival ${LINK1}`, `arrival ${LINK1.replace("#01#", "#02#")}`, `removal ${LINK1}`]);
    expect(m.runInKernel(() => IoUnregisterPlugPlayNotificationEx(entry.value!))).toBe(STATUS_SUCCESS);
    bus.unplug(m, 2);
    m.run();
    expect(seen).toHaveLength(3);
    expect(m.pnp.interfaces.events.map((e) => e.Event)).toEqual([GUID_DEVICE_INTERFACE_ARRIVAL, GUID_DEVICE_INTERFACE_ARRIVAL, GUID_DEVICE_INTERFACE_REMOVAL, GUID_DEVICE_INTERFACE_REMOVAL]);
  });
});

describe("PnP: surprise removal with I/O in flight", () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    it(`the pending read completes, new opens fail, REMOVE_DEVICE waits for the last handle, and nothing leaks (seed ${seed}, random preemption)`, () => {
      const { m, bus, log } = toasterMachine({ seed, preemption: "random", pendReads: true });
      bus.plug(m, 9, [TOASTER_HWID]);
      m.run();
      const pool = poolInUse(m);
      const irps = m.io.irpLookaside.allocated - m.io.irpLookaside.cached;
      bus.plug(m, 1, [TOASTER_HWID]);
      m.run();
      const c = client(m);
      const h = open(m, c, LINK1, undefined, 0);
      expect(h.status).toBe(STATUS_SUCCESS);
      const buf = userAlloc(m, c);
      const iosb = new IO_STATUS_BLOCK();
      expect(m.syscall(c.thread, () => NtReadFile(h.handle, 0, null, null, iosb, buf, 10, null, 0))).toBe(STATUS_PENDING);
      log.length = 0;
      bus.unplug(m, 1);
      m.run();
      expect(log).toEqual(["testbus QUERY_DEVICE_RELATIONS(BusRelations)", "toaster SURPRISE_REMOVAL", "testbus-pdo1 SURPRISE_REMOVAL"]);
      expect(open(m, c, LINK1, undefined, 0).status).not.toBe(STATUS_SUCCESS);
      expect(m.syscall(c.thread, () => NtClose(h.handle))).toBe(STATUS_SUCCESS);
      m.run();
      expect(iosb.Status).toBe(STATUS_DELETE_PENDING);
      expect(log.slice(3)).toEqual(["toaster REMOVE_DEVICE", "testbus-pdo1 REMOVE_DEVICE"]);
      expect(m.pnp.node(`${TOASTER_HWID}\\01`)).toBeNull();
      expect(c.process.handles.count).toBe(0);
      expect(poolInUse(m)).toBe(pool);
      expect(m.io.irpLookaside.allocated - m.io.irpLookaside.cached).toBe(irps);
      expect(m.stopped).toBe(false);
    });
  }

  it("a new open of a surprise-removed device fails with STATUS_DELETE_PENDING while an old handle keeps it", () => {
    const { m, bus } = toasterMachine();
    bus.plug(m, 1, [TOASTER_HWID]);
    m.run();
    const pdoName = bus.children[0]!.pdo!.DeviceName!;
    const c = client(m);
    const h = open(m, c, LINK1, undefined, 0);
    bus.unplug(m, 1);
    m.run();
    expect(open(m, c, pdoName, undefined, 0).status).toBe(STATUS_DELETE_PENDING);
    expect(m.pnp.allNodes()).toHaveLength(3);
    m.syscall(c.thread, () => NtClose(h.handle));
    m.run();
    expect(m.pnp.allNodes()).toHaveLength(2);
  });
});

describe("PnP: resources", () => {
  const ports = (min: number, max: number, alt?: [number, number]) =>
    IoMakeResourceRequirementsList([[
      { Option: 0, Type: CmResourceTypePort, ShareDisposition: CmResourceShareDeviceExclusive, Flags: 0, Length: 0x10, Alignment: 0x10, MinimumAddress: min, MaximumAddress: max },
      ...(alt ? [{ Option: IO_RESOURCE_ALTERNATIVE, Type: CmResourceTypePort, ShareDisposition: CmResourceShareDeviceExclusive, Flags: 0, Length: 0x10, Alignment: 0x10, MinimumAddress: alt[0], MaximumAddress: alt[1] }] : []),
      { Option: 0, Type: CmResourceTypeInterrupt, ShareDisposition: CmResourceShareDeviceExclusive, Flags: 0, MinimumVector: 5, MaximumVector: 7 },
    ]]);

  it("non-conflicting ranges reach START_DEVICE raw and translated; a requirement that cannot be met is CM_PROB_NORMAL_CONFLICT (12) with no START; REMOVE gives the resources back", () => {
    const m = boot();
    const log: string[] = [];
    const res: unknown[] = [];
    m.installDriverPackage({ service: "dev", hardwareIds: [{ id: "root\\dev" }], class: "System", framework: "WDM", DriverEntry: layerDriver("dev", log, { resources: res }) });
    const a = m.pnp.createRootDevice({ hardwareIds: ["root\\dev"], class: "System", requirements: ports(0x300, 0x31f) });
    const b = m.pnp.createRootDevice({ hardwareIds: ["root\\dev"], class: "System", requirements: ports(0x300, 0x31f) });
    const c = m.pnp.createRootDevice({ hardwareIds: ["root\\dev"], class: "System", requirements: ports(0x300, 0x30f, [0x400, 0x4ff]) });
    const d = m.pnp.createRootDevice({ hardwareIds: ["root\\dev"], class: "System", requirements: ports(0x300, 0x31f) });
    expect([a, b, c, d]).toEqual(["ROOT\\SYSTEM\\0000", "ROOT\\SYSTEM\\0001", "ROOT\\SYSTEM\\0002", "ROOT\\SYSTEM\\0003"]);
    const lists = res as CM_RESOURCE_LIST[];
    const start = (l: CM_RESOURCE_LIST, i: number) => l.List[0]!.PartialResourceList.PartialDescriptors[i]!.u;
    expect(start(lists[0]!, 0)).toEqual({ Start: 0x300, Length: 0x10 });
    expect(start(lists[0]!, 1)).toEqual({ Level: 5, Vector: 5, Affinity: 1 });
    expect(start(lists[1]!, 1)).toEqual({ Level: 22, Vector: 0x35, Affinity: 1 });
    expect(start(lists[2]!, 0)).toEqual({ Start: 0x310, Length: 0x10 });
    expect(start(lists[4]!, 0)).toEqual({ Start: 0x400, Length: 0x10 });
    expect(start(lists[4]!, 1)).toEqual({ Level: 7, Vector: 7, Affinity: 1 });
    const nd = m.pnp.node(d)!;
    expect(nd.Problem).toBe(CM_PROB_NORMAL_CONFLICT);
    expect(log.filter((l) => l === "dev START_DEVICE")).toHaveLength(3);
    expect(m.pnp.arbiter.count).toBe(6);
    expect(m.pnp.removeDevice(a)).toBe(STATUS_SUCCESS);
    expect(m.pnp.arbiter.count).toBe(4);
  });

  it("a rebalance sends QUERY_STOP, STOP, asks for the requirements again and STARTs with new resources", () => {
    const m = boot();
    const log: string[] = [];
    m.installDriverPackage({ service: "dev", hardwareIds: [{ id: "root\\dev" }], class: "System", framework: "WDM", DriverEntry: layerDriver("dev", log) });
    const a = m.pnp.createRootDevice({ hardwareIds: ["root\\dev"], class: "System", requirements: ports(0x300, 0x31f) });
    log.length = 0;
    expect(m.pnp.rebalanceDevice(a)).toBe(STATUS_SUCCESS);
    // No QUERY_PNP_DEVICE_STATE: it "is not sent on a start after a stop for resource rebalancing"
    // (https://learn.microsoft.com/windows-hardware/drivers/kernel/irp-mn-query-pnp-device-state).
    expect(log).toEqual(["dev QUERY_STOP_DEVICE", "dev STOP_DEVICE", "dev QUERY_RESOURCE_REQUIREMENTS", "dev START_DEVICE", "dev START_DEVICE done", "dev QUERY_DEVICE_RELATIONS(BusRelations)"]);
    expect(m.pnp.node(a)!.State).toBe(DeviceNodeStarted);
    expect(m.pnp.arbiter.count).toBe(2);
  });
});

describe("PnP: device properties and state", () => {
  it("IoGetDeviceProperty reads the node's IDs, class GUID, PDO name, bus number and type, description; too small a buffer says how much is needed", () => {
    const { m, bus } = toasterMachine();
    bus.plug(m, 1, [TOASTER_HWID], { compatibleIds: ["c1", "c2"] });
    m.run();
    const pdo = bus.children[0]!.pdo!;
    m.runInKernel(() => {
      const buf = ExAllocatePool2(POOL_FLAG_PAGED, 512, POOL_TAG("test"));
      const len = Out(0);
      expect(IoGetDeviceProperty(pdo, DevicePropertyHardwareID, 4, buf, len)).toBe(STATUS_BUFFER_TOO_SMALL);
      expect(len.value).toBe((TOASTER_HWID.length + 2) * 2);
      expect(IoGetDeviceProperty(pdo, DevicePropertyHardwareID, 512, buf, len)).toBe(STATUS_SUCCESS);
      expect(ReadMultiSz(buf)).toEqual([TOASTER_HWID]);
      IoGetDeviceProperty(pdo, DevicePropertyCompatibleIDs, 512, buf, len);
      expect(ReadMultiSz(buf)).toEqual(["c1", "c2"]);
      IoGetDeviceProperty(pdo, DevicePropertyClassGuid, 512, buf, len);
      expect(ReadWideString(buf)).toBe(GUID_DEVCLASS_TOASTER);
      IoGetDeviceProperty(pdo, DevicePropertyPhysicalDeviceObjectName, 512, buf, len);
      expect(ReadWideString(buf)).toBe(pdo.DeviceName);
      expect(IoGetDeviceProperty(pdo, DevicePropertyBusNumber, 512, buf, len)).toBe(STATUS_SUCCESS);
      expect(ReadUlong(buf)).toBe(0);
      expect(IoGetDeviceProperty(pdo, DevicePropertyBusTypeGuid, 512, buf, len)).toBe(STATUS_SUCCESS);
      expect([len.value, ReadGuid(buf)]).toEqual([16, GUID_DEVCLASS_TOASTER.toUpperCase()]);
      IoGetDeviceProperty(pdo, DevicePropertyDeviceDescription, 512, buf, len);
      expect(ReadWideString(buf)).toBe("Microsoft_Eliyas_Toaster_01");
      ExFreePool(buf);
    });
  });

  it("IoGetDeviceProperty on a device object that is not an enumerated PDO is bug check 0xCA (PNP_DETECTED_FATAL_ERROR, 2)", () => {
    const { m, bus, func } = toasterMachine();
    bus.plug(m, 1, [TOASTER_HWID]);
    m.run();
    const data = expectBugCheck(m, PNP_DETECTED_FATAL_ERROR, () => m.runInKernel(() => IoGetDeviceProperty(func.devices[0]!, DevicePropertyHardwareID, 0, 0, Out(0))));
    expect(data.BugCheckParameter1).toBe(2);
    expect(data.name).toBe("PNP_DETECTED_FATAL_ERROR");
  });

  it("a driver reporting PNP_DEVICE_FAILED through IoInvalidateDeviceState gets its device surprise-removed and removed, with CM_PROB_FAILED_POST_START (43)", () => {
    const { m, bus, log } = toasterMachine();
    // A filter-free stack where the bus PDO answers QUERY_PNP_DEVICE_STATE with FAILED.
    bus.plug(m, 1, [TOASTER_HWID]);
    m.run();
    const pdo = bus.children[0]!.pdo!;
    const drv = pdo.DriverObject;
    const inner = drv.MajorFunction[IRP_MJ_PNP]!;
    drv.MajorFunction[IRP_MJ_PNP] = (d, Irp) => {
      if (d === pdo && IoGetCurrentIrpStackLocation(Irp).MinorFunction === IRP_MN_QUERY_PNP_DEVICE_STATE) Irp.IoStatus.Status = STATUS_SUCCESS, Irp.IoStatus.Information = PNP_DEVICE_FAILED;
      return inner(d, Irp);
    };
    log.length = 0;
    m.runInKernel(() => IoInvalidateDeviceState(pdo));
    m.run();
    expect(log).toEqual(["toaster QUERY_PNP_DEVICE_STATE", "testbus-pdo1 QUERY_PNP_DEVICE_STATE", "toaster SURPRISE_REMOVAL", "testbus-pdo1 SURPRISE_REMOVAL", "toaster REMOVE_DEVICE", "testbus-pdo1 REMOVE_DEVICE"]);
    expect(m.pnp.node(`${TOASTER_HWID}\\01`)!.Problem).toBe(CM_PROB_FAILED_POST_START);
  });
});

describe("PnP: IRP parameter views", () => {
  it("the PnP views share the stack location's union: QueryInterface's Size and Version pack into one slot, and a copy to the next location carries them", () => {
    const m = boot();
    m.runInKernel(() => {
      const Irp = IoAllocateIrp(2, false)!;
      const sl = IoGetNextIrpStackLocation(Irp);
      sl.MajorFunction = IRP_MJ_PNP;
      sl.MinorFunction = IRP_MN_QUERY_INTERFACE;
      const iface = { Size: 40, Version: 1 };
      sl.Parameters.QueryInterface.InterfaceType = GUID_DEVINTERFACE_TOASTER;
      sl.Parameters.QueryInterface.Size = 40;
      sl.Parameters.QueryInterface.Version = 3;
      sl.Parameters.QueryInterface.Interface = iface;
      expect(sl.Parameters.QueryInterface.Size).toBe(40);
      expect(sl.Parameters.QueryInterface.Version).toBe(3);
      IoSetNextIrpStackLocation(Irp);
      IoCopyCurrentIrpStackLocationToNext(Irp);
      const next = IoGetNextIrpStackLocation(Irp);
      expect([next.Parameters.QueryInterface.InterfaceType, next.Parameters.QueryInterface.Size, next.Parameters.QueryInterface.Version, next.Parameters.QueryInterface.Interface])
        .toEqual([GUID_DEVINTERFACE_TOASTER, 40, 3, iface]);
      // The same slots, seen as other minors' parameters.
      expect(next.Parameters.QueryDeviceRelations.Type).toBe(GUID_DEVINTERFACE_TOASTER);
      next.Parameters.UsageNotification.InPath = true;
      next.Parameters.UsageNotification.Type = DeviceUsageTypePaging;
      expect(next.Parameters.UsageNotification.Type).toBe(DeviceUsageTypePaging);
      IoSkipCurrentIrpStackLocation(Irp);
      IoFreeIrp(Irp);
    });
  });
});

describe("PnP: the rules Driver Verifier checks", () => {
  it("a PnP IRP sent with an initial status other than STATUS_NOT_SUPPORTED is 0xC9/0x20E in the checked flavor", () => {
    const { m, bus } = toasterMachine();
    bus.plug(m, 1, [TOASTER_HWID]);
    m.run();
    const pdo = bus.children[0]!.pdo!;
    const data = expectBugCheck(m, DRIVER_VERIFIER_IOMANAGER_VIOLATION, () => m.runInKernel(() => {
      const Irp = IoAllocateIrp(pdo.StackSize, false)!;
      Irp.IoStatus.Status = STATUS_SUCCESS;
      const sl = IoGetNextIrpStackLocation(Irp);
      sl.MajorFunction = IRP_MJ_PNP;
      sl.MinorFunction = IRP_MN_QUERY_INTERFACE;
      IoCallDriver(pdo, Irp);
    }));
    expect(data.BugCheckParameter1).toBe(0x20e);
  });
});

describe("PnP: resource lists in memory", () => {
  it("IO_RESOURCE_REQUIREMENTS_LIST and CM_RESOURCE_LIST have wdm.h's x64 layout and read back as written", () => {
    const m = boot();
    m.runInKernel(() => {
      const req = IoMakeResourceRequirementsList([[
        { Option: 0, Type: CmResourceTypePort, ShareDisposition: CmResourceShareDeviceExclusive, Flags: 1, Length: 0x10, Alignment: 0x10, MinimumAddress: 0x300, MaximumAddress: 0x3ff },
        { Option: 0, Type: CmResourceTypeInterrupt, ShareDisposition: CmResourceShareDeviceExclusive, Flags: 0, MinimumVector: 5, MaximumVector: 7 },
      ]]);
      const p = IoBuildResourceRequirementsList(req);
      expect(ReadUlong(p)).toBe(32 + 8 + 2 * 32); // ListSize
      expect(ReadUlong(p + 28)).toBe(1); // AlternativeLists
      expect(ReadUlong(p + 32 + 4)).toBe(2); // List[0].Count
      expect(ReadUlong(p + 40 + 16)).toBe(0x300); // Descriptors[0].u.Port.MinimumAddress
      expect(ReadUlong(p + 40 + 32 + 8)).toBe(5); // Descriptors[1].u.Interrupt.MinimumVector
      const back = ReadResourceRequirementsList(p);
      expect(back.List[0]!.Descriptors).toEqual(req.List[0]!.Descriptors);
      ExFreePool(p);
      const cm: CM_RESOURCE_LIST = { Count: 1, List: [{ InterfaceType: 15, BusNumber: 0, PartialResourceList: { Version: 1, Revision: 1, Count: 2, PartialDescriptors: [
        { Type: CmResourceTypePort, ShareDisposition: 1, Flags: 1, u: { Start: 0x300, Length: 0x10 } },
        { Type: CmResourceTypeInterrupt, ShareDisposition: 1, Flags: 0, u: { Level: 22, Vector: 0x35, Affinity: 1 } },
      ] } }] };
      const c = IoBuildCmResourceList(cm);
      expect(m.mm.pool.sizeOf(c)).toBe(4 + 16 + 2 * 20);
      expect(ReadUlong(c + 4 + 12)).toBe(2); // List[0].PartialResourceList.Count
      expect(ReadUlong(c + 20 + 4)).toBe(0x300); // PartialDescriptors[0].u.Port.Start
      expect(ReadUlong(c + 40 + 8)).toBe(0x35); // PartialDescriptors[1].u.Interrupt.Vector
      expect(ReadCmResourceList(c)).toEqual(cm);
      ExFreePool(c);
    });
  });

  it("the lists START_DEVICE points to are freed when the device is removed", () => {
    const m = boot();
    const log: string[] = [];
    m.installDriverPackage({ service: "dev", hardwareIds: [{ id: "root\\dev" }], class: "System", framework: "WDM", DriverEntry: layerDriver("dev", log) });
    const before = poolInUse(m);
    const a = m.pnp.createRootDevice({ hardwareIds: ["root\\dev"], class: "System", requirements: IoMakeResourceRequirementsList([[
      { Option: 0, Type: CmResourceTypePort, ShareDisposition: CmResourceShareDeviceExclusive, Flags: 0, Length: 8, Alignment: 8, MinimumAddress: 0x60, MaximumAddress: 0x6f },
    ]]) });
    expect(m.pnp.node(a)!.ResourceListAddress).not.toBe(0);
    expect(m.pnp.removeDevice(a)).toBe(STATUS_SUCCESS);
    expect(m.pnp.node(a)!.ResourceListAddress).toBe(0);
    // What is left is the root PDO's and its driver's, not the resource lists.
    expect(m.pnp.node(a)!.ResourceList).toBeNull();
    expect(poolInUse(m) - before).toBeLessThanOrEqual(0);
  });
});

describe("PnP: target-device notifications and open handles", () => {
  /** toastmon's shape: opens each toaster that arrives and watches it, closing its file on query-remove and removal. */
  function loadWatcher(m: Machine, events: string[]) {
    const files = new Map<string, FILE_OBJECT>();
    const onTarget = (n: TARGET_DEVICE_REMOVAL_NOTIFICATION, link: string): NTSTATUS => {
      const what = n.Event === GUID_TARGET_DEVICE_QUERY_REMOVE ? "query-remove" : n.Event === GUID_TARGET_DEVICE_REMOVE_COMPLETE ? "remove-complete" : n.Event === GUID_TARGET_DEVICE_REMOVE_CANCELLED ? "remove-cancelled" : "?";
      events.push(`${what} ${link.slice(-6)}`);
      const fo = files.get(link);
      if (fo && n.Event !== GUID_TARGET_DEVICE_REMOVE_CANCELLED) {
        files.delete(link);
        ObDereferenceObject(fo);
      }
      return STATUS_SUCCESS;
    };
    m.loadDriver("watcher", (DriverObject: DRIVER_OBJECT) =>
      IoRegisterPlugPlayNotification(EventCategoryDeviceInterfaceChange, 0, GUID_DEVINTERFACE_TOASTER, DriverObject,
        function* (n: DEVICE_INTERFACE_CHANGE_NOTIFICATION): KWAIT_GENERATOR<NTSTATUS> {
          if (n.Event !== GUID_DEVICE_INTERFACE_ARRIVAL) return STATUS_SUCCESS;
          const fo = Out<FILE_OBJECT | null>(null);
          const dev = Out<DEVICE_OBJECT | null>(null);
          const st = yield* IoGetDeviceObjectPointer(n.SymbolicLinkName, FILE_READ_DATA, fo, dev);
          if (st < 0) return st;
          files.set(n.SymbolicLinkName, fo.value!);
          const link = n.SymbolicLinkName;
          IoRegisterPlugPlayNotification(EventCategoryTargetDeviceChange, 0, fo.value!, DriverObject, (t: TARGET_DEVICE_REMOVAL_NOTIFICATION) => onTarget(t, link), null, Out(null));
          events.push(`opened ${link.slice(-6)}`);
          return STATUS_SUCCESS;
        }, null, Out(null)));
    m.run();
    return files;
  }

  it("an orderly removal with a handle still open is vetoed (PNP_VetoOutstandingOpen) before any IRP", () => {
    const { m, bus, log } = toasterMachine();
    bus.plug(m, 1, [TOASTER_HWID]);
    m.run();
    const c = client(m);
    const h = open(m, c, LINK1, undefined, 0);
    log.length = 0;
    expect(m.pnp.removeDevice(`${TOASTER_HWID}\\01`)).not.toBe(STATUS_SUCCESS);
    expect(m.pnp.lastVeto).toBe(PNP_VetoOutstandingOpen);
    expect(log.filter((l) => !l.includes("RELATIONS"))).toEqual([]);
    m.syscall(c.thread, () => NtClose(h.handle));
    expect(m.pnp.removeDevice(`${TOASTER_HWID}\\01`)).toBe(STATUS_SUCCESS);
  });

  it("a kernel listener hears QUERY_REMOVE, closes its file and lets the removal go on, then hears REMOVE_COMPLETE", () => {
    const { m, bus, log } = toasterMachine();
    const events: string[] = [];
    loadWatcher(m, events);
    bus.plug(m, 1, [TOASTER_HWID]);
    m.run();
    expect(events).toEqual([`opened ${LINK1.slice(-6)}`]);
    log.length = 0;
    expect(m.pnp.removeDevice(`${TOASTER_HWID}\\01`)).toBe(STATUS_SUCCESS);
    expect(events.slice(1)).toEqual([`query-remove ${LINK1.slice(-6)}`, `remove-complete ${LINK1.slice(-6)}`]);
    expect(log.filter((l) => l.includes("REMOVE_DEVICE"))).toEqual(["toaster QUERY_REMOVE_DEVICE", "testbus-pdo1 QUERY_REMOVE_DEVICE", "toaster REMOVE_DEVICE", "testbus-pdo1 REMOVE_DEVICE"]);
  });

  it("after a surprise removal a kernel listener hears REMOVE_COMPLETE, closes its file, and REMOVE_DEVICE follows", () => {
    const { m, bus, log } = toasterMachine();
    const events: string[] = [];
    const files = loadWatcher(m, events);
    bus.plug(m, 1, [TOASTER_HWID]);
    m.run();
    log.length = 0;
    bus.unplug(m, 1);
    m.run();
    expect(events.slice(1)).toEqual([`remove-complete ${LINK1.slice(-6)}`]);
    expect(files.size).toBe(0);
    expect(log).toEqual(["testbus QUERY_DEVICE_RELATIONS(BusRelations)", "toaster SURPRISE_REMOVAL", "testbus-pdo1 SURPRISE_REMOVAL", "toaster REMOVE_DEVICE", "testbus-pdo1 REMOVE_DEVICE"]);
    expect(m.pnp.node(`${TOASTER_HWID}\\01`)).toBeNull();
  });
});
