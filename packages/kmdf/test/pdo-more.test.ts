import { describe, expect, it } from "vitest";
import {
  boot, BusQueryContainerID, STATUS_PENDING, STATUS_INVALID_PARAMETER, STATUS_INVALID_DEVICE_STATE, STATUS_INVALID_DEVICE_REQUEST, IoFreeIrp, IoSetCompletionRoutine, STATUS_MORE_PROCESSING_REQUIRED, CmResourceTypePort, EjectionRelations, IoAllocateIrp, IoCallDriver, IoGetNextIrpStackLocation, IRP_MJ_PNP, IRP_MN_QUERY_DEVICE_RELATIONS,
  IRP_MN_QUERY_ID, IRP_MN_QUERY_RESOURCES, IRP_MN_SET_LOCK, NT_SUCCESS, ObDereferenceObject, Out, ReadCmResourceList, ReadDeviceRelationsCount, ReadDeviceRelationsObject,
  ReadWideString, RemovalRelations, STATUS_NOT_SUPPORTED, STATUS_SUCCESS, STATUS_UNSUCCESSFUL, type DEVICE_OBJECT, type DRIVER_OBJECT, type IRP, type Machine, type NTSTATUS,
} from "@wdfjs/kernel";
import {
  RtlInitUnicodeString, UNICODE_STRING, WDF_DRIVER_CONFIG, WDF_DRIVER_CONFIG_INIT, WDF_PDO_EVENT_CALLBACKS, WDF_PDO_EVENT_CALLBACKS_INIT, WdfCmResourceListAppendDescriptor,
  WdfDeviceAddRemovalRelationsPhysicalDevice, WdfDeviceCreate, WdfDeviceWdmGetDeviceObject, WdfDriverCreate, WdfFdoAddStaticChild, WdfPdoAddEjectionRelationsPhysicalDevice,
  WdfPdoClearEjectionRelationsDevices, WdfPdoInitAllocate, WdfPdoInitAssignContainerID, WdfPdoInitAssignDeviceID, WdfPdoInitAssignInstanceID, WdfPdoInitAddHardwareID,
  WdfPdoInitSetEventCallbacks, WdfPdoRequestEject, WdfDeviceIndicateWakeStatus, WdfPdoUpdateAddressDescription, WDF_CHILD_ADDRESS_DESCRIPTION_HEADER,
  WDF_CHILD_ADDRESS_DESCRIPTION_HEADER_INIT, type PWDFDEVICE_INIT, type WDFDEVICE, type WDFDRIVER,
} from "../src/index.js";

/* A KMDF bus driver with static child PDOs whose WDF_PDO_EVENT_CALLBACKS the test chooses. */
interface Bus { calls: string[]; fdo: WDFDEVICE | null; children: WDFDEVICE[]; callbacks: (i: number) => WDF_PDO_EVENT_CALLBACKS | null }

function busDriver(bus: Bus, count: number) {
  function EvtDeviceAdd(_Driver: WDFDRIVER, DeviceInit: PWDFDEVICE_INIT): NTSTATUS {
    const fdo = Out<WDFDEVICE | null>(null);
    let status = WdfDeviceCreate(Out(DeviceInit), null, fdo);
    if (!NT_SUCCESS(status)) return status;
    bus.fdo = fdo.value;
    for (let i = 1; i <= count; i++) {
      const init = WdfPdoInitAllocate(fdo.value!);
      WdfPdoInitAssignDeviceID(init, "KMBUS\\Child");
      WdfPdoInitAssignInstanceID(init, `${i}`);
      WdfPdoInitAddHardwareID(init, "KMBUS\\Child");
      const id = new UNICODE_STRING();
      RtlInitUnicodeString(id, `{00000000-0000-0000-0000-00000000000${i}}`);
      expect(WdfPdoInitAssignContainerID(init, id)).toBe(STATUS_SUCCESS);
      const cb = bus.callbacks(i);
      if (cb !== null) WdfPdoInitSetEventCallbacks(init, cb);
      const child = Out<WDFDEVICE | null>(null);
      status = WdfDeviceCreate(Out(init), null, child);
      if (!NT_SUCCESS(status)) return status;
      bus.children.push(child.value!);
      status = WdfFdoAddStaticChild(fdo.value!, child.value!);
      if (!NT_SUCCESS(status)) return status;
    }
    return STATUS_SUCCESS;
  }
  return function DriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS {
    const config = new WDF_DRIVER_CONFIG();
    WDF_DRIVER_CONFIG_INIT(config, EvtDeviceAdd);
    return WdfDriverCreate(DriverObject, RegistryPath, null, config, null);
  };
}

function setup(count: number, callbacks: Bus["callbacks"]): { m: Machine; bus: Bus; path: string } {
  const m = boot();
  const bus: Bus = { calls: [], fdo: null, children: [], callbacks };
  m.installDriverPackage({ service: "kmbus", hardwareIds: [{ id: "root\\kmbus" }], class: "System", framework: "WDM", DriverEntry: busDriver(bus, count) });
  const path = m.pnp.createRootDevice({ hardwareIds: ["root\\kmbus"], class: "System" });
  return { m, bus, path };
}

/** Sends a PnP IRP to a device object; its final IoStatus (these minor functions complete at once), the IRP then freed. */
function pnpIrp(m: Machine, target: DEVICE_OBJECT, minor: number, set: (irp: IRP) => void = () => {}): { Status: NTSTATUS; Information: number } {
  return m.runInKernel(() => {
    const irp = IoAllocateIrp(target.StackSize, false)!;
    irp.IoStatus.Status = STATUS_NOT_SUPPORTED;
    const sl = IoGetNextIrpStackLocation(irp);
    sl.MajorFunction = IRP_MJ_PNP;
    sl.MinorFunction = minor;
    set(irp);
    const out = { Status: 0, Information: 0 };
    IoSetCompletionRoutine(irp, (_d, i) => {
      out.Status = i.IoStatus.Status;
      out.Information = i.IoStatus.Information;
      IoFreeIrp(i);
      return STATUS_MORE_PROCESSING_REQUIRED;
    }, null, true, true, true);
    IoCallDriver(target, irp);
    return out;
  });
}

const pdoOf = (m: Machine, child: WDFDEVICE): DEVICE_OBJECT => m.runInKernel(() => WdfDeviceWdmGetDeviceObject(child)!);

describe("KMDF PDO event callbacks (WDF_PDO_EVENT_CALLBACKS)", () => {
  it("IRP_MN_SET_LOCK goes to EvtDeviceSetLock with the IRP's Lock; without one the PDO fails it STATUS_UNSUCCESSFUL", () => {
    const locks: boolean[] = [];
    const { m, bus } = setup(2, (i) => {
      if (i === 2) return null;
      const cb = new WDF_PDO_EVENT_CALLBACKS();
      WDF_PDO_EVENT_CALLBACKS_INIT(cb);
      cb.EvtDeviceSetLock = (_d, IsLocked) => (locks.push(IsLocked), STATUS_SUCCESS);
      return cb;
    });
    const irp = pnpIrp(m, pdoOf(m, bus.children[0]!), IRP_MN_SET_LOCK, (i) => void (IoGetNextIrpStackLocation(i).Parameters.SetLock.Lock = true));
    expect(irp.Status).toBe(STATUS_SUCCESS);
    expect(locks).toEqual([true]);
    expect(pnpIrp(m, pdoOf(m, bus.children[1]!), IRP_MN_SET_LOCK).Status).toBe(STATUS_UNSUCCESSFUL);
  });

  it("IRP_MN_QUERY_RESOURCES returns the descriptors EvtDeviceResourcesQuery appended to its WDFCMRESLIST", () => {
    const { m, bus } = setup(1, () => {
      const cb = new WDF_PDO_EVENT_CALLBACKS();
      WDF_PDO_EVENT_CALLBACKS_INIT(cb);
      cb.EvtDeviceResourcesQuery = (_d, Resources) => WdfCmResourceListAppendDescriptor(Resources, { Type: CmResourceTypePort, ShareDisposition: 1, Flags: 0, u: { Start: 0x2f8, Length: 8 } });
      return cb;
    });
    const irp = pnpIrp(m, pdoOf(m, bus.children[0]!), IRP_MN_QUERY_RESOURCES);
    expect(irp.Status).toBe(STATUS_SUCCESS);
    const list = m.runInKernel(() => ReadCmResourceList(irp.Information));
    expect(list.List[0]!.PartialResourceList.PartialDescriptors).toEqual([{ Type: CmResourceTypePort, ShareDisposition: 1, Flags: 0, u: { Start: 0x2f8, Length: 8 } }]);
  });

  it("EvtDeviceEject runs when the child is ejected; a failing one keeps the child, a succeeding one lets it go", () => {
    let result: NTSTATUS = STATUS_UNSUCCESSFUL;
    const ejects: number[] = [];
    const { m, bus, path } = setup(1, () => {
      const cb = new WDF_PDO_EVENT_CALLBACKS();
      WDF_PDO_EVENT_CALLBACKS_INIT(cb);
      cb.EvtDeviceEject = () => (ejects.push(1), result);
      return cb;
    });
    const children = (): number => { let n = 0; for (let c = m.pnp.node(path)!.Child; c !== null; c = c.Sibling) n++; return n; };
    m.runInKernel(() => WdfPdoRequestEject(bus.children[0]!));
    m.run();
    expect(ejects).toEqual([1]);
    result = STATUS_SUCCESS;
    m.runInKernel(() => WdfPdoRequestEject(bus.children[0]!));
    m.run();
    expect(ejects).toEqual([1, 1]);
    expect(children()).toBe(0);
  });
});

describe("KMDF PDO identity and relations", () => {
  it("WdfPdoInitAssignContainerID answers IRP_MN_QUERY_ID(BusQueryContainerID)", () => {
    const { m, bus } = setup(1, () => null);
    const irp = pnpIrp(m, pdoOf(m, bus.children[0]!), IRP_MN_QUERY_ID, (i) => void (IoGetNextIrpStackLocation(i).Parameters.QueryId.IdType = BusQueryContainerID));
    expect(irp.Status).toBe(STATUS_SUCCESS);
    expect(m.runInKernel(() => ReadWideString(irp.Information))).toBe("{00000000-0000-0000-0000-000000000001}");
  });

  it("removal and ejection relations list the PDOs the driver added, each referenced; cleared, the IRP keeps its status", () => {
    const { m, bus } = setup(2, () => null);
    const [a, b] = [pdoOf(m, bus.children[0]!), pdoOf(m, bus.children[1]!)];
    const relations = (target: DEVICE_OBJECT, type: number): DEVICE_OBJECT[] | NTSTATUS => {
      const irp = pnpIrp(m, target, IRP_MN_QUERY_DEVICE_RELATIONS, (i) => void (IoGetNextIrpStackLocation(i).Parameters.QueryDeviceRelations.Type = type));
      if (!NT_SUCCESS(irp.Status)) return irp.Status;
      return m.runInKernel(() => {
        const r = irp.Information;
        const out: DEVICE_OBJECT[] = [];
        for (let i = 0; i < ReadDeviceRelationsCount(r); i++) out.push(ReadDeviceRelationsObject(r, i)!);
        out.forEach((d) => ObDereferenceObject(d));
        return out;
      });
    };
    m.runInKernel(() => {
      expect(WdfDeviceAddRemovalRelationsPhysicalDevice(bus.children[0]!, b)).toBe(STATUS_SUCCESS);
      expect(WdfPdoAddEjectionRelationsPhysicalDevice(bus.children[0]!, b)).toBe(STATUS_SUCCESS);
    });
    expect(relations(a, RemovalRelations)).toEqual([b]);
    expect(relations(a, EjectionRelations)).toEqual([b]);
    m.runInKernel(() => WdfPdoClearEjectionRelationsDevices(bus.children[0]!));
    expect(relations(a, EjectionRelations)).toBe(STATUS_NOT_SUPPORTED);
    // The bus FDO passes its RemovalRelations down with its own added.
    m.runInKernel(() => expect(WdfDeviceAddRemovalRelationsPhysicalDevice(bus.fdo!, a)).toBe(STATUS_SUCCESS));
    expect(relations(m.runInKernel(() => WdfDeviceWdmGetDeviceObject(bus.fdo!)!), RemovalRelations)).toEqual([a]);
  });
});

describe("KMDF WdfDeviceIndicateWakeStatus", () => {
  it("refuses STATUS_PENDING, a device that does not own wait-wake IRPs (the bus FDO), and a PDO holding no IRP_MN_WAIT_WAKE", () => {
    const { m, bus } = setup(1, () => null);
    m.runInKernel(() => {
      expect(WdfDeviceIndicateWakeStatus(bus.children[0]!, STATUS_PENDING)).toBe(STATUS_INVALID_PARAMETER);
      expect(WdfDeviceIndicateWakeStatus(bus.fdo!, STATUS_SUCCESS)).toBe(STATUS_INVALID_DEVICE_STATE);
      expect(WdfDeviceIndicateWakeStatus(bus.children[0]!, STATUS_SUCCESS)).toBe(STATUS_INVALID_DEVICE_REQUEST);
    });
  });
});

describe("KMDF WdfPdoUpdateAddressDescription", () => {
  it("is for a dynamic child's PDO: a static child is STATUS_INVALID_DEVICE_REQUEST, a device that is not a PDO STATUS_INVALID_PARAMETER", () => {
    const { m, bus } = setup(1, () => null);
    const a = new WDF_CHILD_ADDRESS_DESCRIPTION_HEADER();
    WDF_CHILD_ADDRESS_DESCRIPTION_HEADER_INIT(a, 8);
    m.runInKernel(() => {
      expect(WdfPdoUpdateAddressDescription(bus.children[0]!, a)).toBe(STATUS_INVALID_DEVICE_REQUEST);
      expect(WdfPdoUpdateAddressDescription(bus.fdo!, a)).toBe(STATUS_INVALID_PARAMETER);
    });
  });
});
