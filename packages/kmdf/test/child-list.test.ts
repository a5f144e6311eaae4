import { describe, expect, it } from "vitest";
import {
  boot, Out, STATUS_INVALID_DEVICE_REQUEST, STATUS_INVALID_PARAMETER, STATUS_NO_MORE_ENTRIES, STATUS_NO_SUCH_DEVICE, STATUS_OBJECT_NAME_EXISTS, STATUS_SUCCESS, STATUS_UNSUCCESSFUL,
  type DEVICE_NODE, type DRIVER_OBJECT, type Machine, type NTSTATUS,
} from "@wdfjs/kernel";
import {
  WDF_CHILD_IDENTIFICATION_DESCRIPTION_HEADER, WDF_CHILD_IDENTIFICATION_DESCRIPTION_HEADER_INIT, WDF_CHILD_LIST_CONFIG, WDF_CHILD_LIST_CONFIG_INIT,
  WDF_CHILD_LIST_ITERATOR, WDF_CHILD_LIST_ITERATOR_INIT, WDF_CHILD_RETRIEVE_INFO, WDF_CHILD_RETRIEVE_INFO_INIT, WDF_DRIVER_CONFIG, WDF_DRIVER_CONFIG_INIT,
  WDF_OBJECT_ATTRIBUTES, WDF_OBJECT_ATTRIBUTES_INIT, WDF_PNPPOWER_EVENT_CALLBACKS, WDF_PNPPOWER_EVENT_CALLBACKS_INIT, WdfChildListAddOrUpdateChildDescriptionAsPresent,
  WdfChildListBeginIteration, WdfChildListBeginScan, WdfChildListCreate, WdfChildListEndIteration, WdfChildListEndScan, WdfChildListGetDevice,
  WdfChildListRetrieveDeviceNoSuchDevice, WdfChildListRetrieveDeviceNotYetCreated, WdfChildListRetrieveDeviceSuccess, WdfChildListRetrieveNextDevice,
  WdfChildListRetrievePdo, WdfChildListUpdateAllChildDescriptionsAsPresent, WdfChildListUpdateChildDescriptionAsMissing, WdfDeviceCreate,
  WdfDeviceInitSetPnpPowerEventCallbacks, WdfDriverCreate, WdfFdoGetDefaultChildList, WdfFdoInitSetDefaultChildListConfig, WdfObjectDelete,
  WdfPdoGetParent, WdfPdoInitAssignDeviceID, WdfPdoInitAssignInstanceID, WdfPdoInitAddHardwareID, WdfPdoRetrieveIdentificationDescription,
  WdfRetrieveAllChildren, WdfRetrieveMissingChildren, WdfRetrievePresentChildren, WDF_CHILD_ADDRESS_DESCRIPTION_HEADER,
  WDF_CHILD_ADDRESS_DESCRIPTION_HEADER_INIT, WdfChildListRetrieveAddressDescription, type PWDFDEVICE_INIT, type WDFCHILDLIST, type WDFDEVICE, type WDFDRIVER,
} from "../src/index.js";
import { STATUS_WDF_PARENT_ASSIGNMENT_NOT_ALLOWED } from "@wdfjs/framework";

/*
 * A KMDF bus driver with a default dynamic child list, as the toaster dynamic bus: a child is an
 * identification description (a class extending the header); the framework asks for its PDO at
 * the next bus relations and reports a missing one gone.
 */

class CHILD_ID extends WDF_CHILD_IDENTIFICATION_DESCRIPTION_HEADER {
  Serial = 0;
  Name: string | null = null;
}
const CHILD_ID_SIZE = 16;

function id(Serial: number, Name = `child ${Serial}`): CHILD_ID {
  const d = new CHILD_ID();
  WDF_CHILD_IDENTIFICATION_DESCRIPTION_HEADER_INIT(d, CHILD_ID_SIZE);
  d.Serial = Serial;
  d.Name = Name;
  return d;
}

interface Bus {
  calls: string[];
  fdo: WDFDEVICE | null;
  list: WDFCHILDLIST | null;
  pdos: WDFDEVICE[];
  failCreate: boolean;
  preplug: number;
}

function busDriver(bus: Bus) {
  function EvtCreateDevice(ChildList: WDFCHILDLIST, IdentificationDescription: WDF_CHILD_IDENTIFICATION_DESCRIPTION_HEADER, ChildInit: PWDFDEVICE_INIT): NTSTATUS {
    const d = IdentificationDescription as CHILD_ID;
    bus.calls.push(`create ${d.Serial} ${d.Name}`);
    expect(WdfChildListGetDevice(ChildList)).toBe(bus.fdo);
    if (bus.failCreate) return STATUS_UNSUCCESSFUL;
    WdfPdoInitAssignDeviceID(ChildInit, "KDYN\\Child");
    WdfPdoInitAddHardwareID(ChildInit, "KDYN\\Child");
    WdfPdoInitAssignInstanceID(ChildInit, `${d.Serial}`);
    const cb = new WDF_PNPPOWER_EVENT_CALLBACKS();
    WDF_PNPPOWER_EVENT_CALLBACKS_INIT(cb);
    cb.EvtDeviceSurpriseRemoval = () => bus.calls.push(`pdo${d.Serial} SurpriseRemoval`);
    WdfDeviceInitSetPnpPowerEventCallbacks(ChildInit, cb);
    const attributes = new WDF_OBJECT_ATTRIBUTES();
    WDF_OBJECT_ATTRIBUTES_INIT(attributes);
    attributes.EvtCleanupCallback = () => bus.calls.push(`pdo${d.Serial} cleanup`);
    const child = Out<WDFDEVICE | null>(null);
    const status = WdfDeviceCreate(Out(ChildInit), attributes, child);
    if (child.value !== null) bus.pdos.push(child.value);
    return status;
  }
  function EvtDeviceAdd(_Driver: WDFDRIVER, DeviceInit: PWDFDEVICE_INIT): NTSTATUS {
    const config = new WDF_CHILD_LIST_CONFIG();
    WDF_CHILD_LIST_CONFIG_INIT(config, CHILD_ID_SIZE, EvtCreateDevice);
    config.EvtChildListIdentificationDescriptionCompare = (_l, a, b) => (a as CHILD_ID).Serial === (b as CHILD_ID).Serial;
    config.EvtChildListIdentificationDescriptionDuplicate = (_l, s, d) => {
      bus.calls.push(`duplicate ${(s as CHILD_ID).Serial}`);
      (d as CHILD_ID).Serial = (s as CHILD_ID).Serial;
      (d as CHILD_ID).Name = `${(s as CHILD_ID).Name} (copy)`;
      return STATUS_SUCCESS;
    };
    config.EvtChildListIdentificationDescriptionCleanup = (_l, d) => bus.calls.push(`description cleanup ${(d as CHILD_ID).Serial}`);
    config.EvtChildListScanForChildren = () => bus.calls.push("ScanForChildren");
    WdfFdoInitSetDefaultChildListConfig(DeviceInit, config, null);
    const cb = new WDF_PNPPOWER_EVENT_CALLBACKS();
    WDF_PNPPOWER_EVENT_CALLBACKS_INIT(cb);
    cb.EvtDeviceD0Entry = () => (bus.calls.push("bus D0Entry"), STATUS_SUCCESS);
    cb.EvtDeviceSelfManagedIoInit = () => (bus.calls.push("bus SelfManagedIoInit"), STATUS_SUCCESS);
    WdfDeviceInitSetPnpPowerEventCallbacks(DeviceInit, cb);
    const fdo = Out<WDFDEVICE | null>(null);
    const status = WdfDeviceCreate(Out(DeviceInit), null, fdo);
    if (status !== STATUS_SUCCESS) return status;
    bus.fdo = fdo.value;
    bus.list = WdfFdoGetDefaultChildList(fdo.value!);
    for (let i = 1; i <= bus.preplug; i++) WdfChildListAddOrUpdateChildDescriptionAsPresent(bus.list!, id(i), null);
    return STATUS_SUCCESS;
  }
  return function DriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS {
    const config = new WDF_DRIVER_CONFIG();
    WDF_DRIVER_CONFIG_INIT(config, EvtDeviceAdd);
    return WdfDriverCreate(DriverObject, RegistryPath, null, config, null);
  };
}

function setup(o: { failCreate?: boolean; preplug?: number } = {}): { m: Machine; bus: Bus; path: string; kids: () => string[] } {
  const m = boot({ flavor: "checked" });
  const bus: Bus = { calls: [], fdo: null, list: null, pdos: [], failCreate: o.failCreate ?? false, preplug: o.preplug ?? 0 };
  m.installDriverPackage({ service: "kdyn", hardwareIds: [{ id: "root\\kdyn" }], class: "System", framework: "KMDF", DriverEntry: busDriver(bus) });
  const path = m.pnp.createRootDevice({ hardwareIds: ["root\\kdyn"], class: "System" });
  const kids = (): string[] => {
    const out: string[] = [];
    for (let c: DEVICE_NODE | null = m.pnp.node(path)!.Child; c !== null; c = c.Sibling) out.push(c.InstanceId);
    return out;
  };
  return { m, bus, path, kids };
}

describe("WDFCHILDLIST: dynamic enumeration", () => {
  it("EvtChildListScanForChildren runs when the bus reaches D0, after D0Entry and before self-managed I/O starts", () => {
    const { bus } = setup();
    expect(bus.calls).toEqual(["bus D0Entry", "ScanForChildren", "bus SelfManagedIoInit"]);
  });

  it("a child added at AddDevice gets its PDO from EvtChildListCreateDevice with the framework's copy of the description", () => {
    const { m, bus, kids } = setup({ preplug: 2 });
    expect(bus.calls.filter((c) => c.startsWith("create") || c.startsWith("duplicate"))).toEqual([
      "duplicate 1", "duplicate 2", "create 1 child 1 (copy)", "create 2 child 2 (copy)",
    ]);
    expect(kids()).toEqual(["1", "2"]);
    m.runInKernel(() => {
      const d = new CHILD_ID();
      WDF_CHILD_IDENTIFICATION_DESCRIPTION_HEADER_INIT(d, CHILD_ID_SIZE);
      expect(WdfPdoRetrieveIdentificationDescription(bus.pdos[1]!, d)).toBe(STATUS_SUCCESS);
      expect([d.Serial, d.Name]).toEqual([2, "child 2 (copy)"]);
      expect(WdfPdoGetParent(bus.pdos[1]!)).toBe(bus.fdo);
    });
  });

  it("adding a present child again is STATUS_OBJECT_NAME_EXISTS; marking an unknown one missing is STATUS_NO_SUCH_DEVICE; a wrong size is refused", () => {
    const { m, bus } = setup({ preplug: 1 });
    m.runInKernel(() => {
      expect(WdfChildListAddOrUpdateChildDescriptionAsPresent(bus.list!, id(1, "other name"), null)).toBe(STATUS_OBJECT_NAME_EXISTS);
      expect(WdfChildListUpdateChildDescriptionAsMissing(bus.list!, id(9))).toBe(STATUS_NO_SUCH_DEVICE);
      const bad = id(3);
      bad.IdentificationDescriptionSize = 8;
      expect(WdfChildListAddOrUpdateChildDescriptionAsPresent(bus.list!, bad, null)).toBe(STATUS_INVALID_DEVICE_REQUEST);
    });
  });

  it("WdfChildListRetrievePdo: NotYetCreated until the PnP manager asks for the relations, then Success; NoSuchDevice for an unknown child", () => {
    const { m, bus } = setup();
    const info = new WDF_CHILD_RETRIEVE_INFO();
    m.runInKernel(() => {
      expect(WdfChildListAddOrUpdateChildDescriptionAsPresent(bus.list!, id(5), null)).toBe(STATUS_SUCCESS);
      WDF_CHILD_RETRIEVE_INFO_INIT(info, id(5));
      expect(WdfChildListRetrievePdo(bus.list!, info)).toBe(null);
      expect(info.Status).toBe(WdfChildListRetrieveDeviceNotYetCreated);
    });
    m.run();
    m.runInKernel(() => {
      WDF_CHILD_RETRIEVE_INFO_INIT(info, id(5));
      expect(WdfChildListRetrievePdo(bus.list!, info)).toBe(bus.pdos[0]);
      expect(info.Status).toBe(WdfChildListRetrieveDeviceSuccess);
      WDF_CHILD_RETRIEVE_INFO_INIT(info, id(6));
      expect(WdfChildListRetrievePdo(bus.list!, info)).toBe(null);
      expect(info.Status).toBe(WdfChildListRetrieveDeviceNoSuchDevice);
    });
  });

  it("marking a child missing removes its PDO (never started without a driver: REMOVE only); the description is cleaned up with it", () => {
    const { m, bus, kids } = setup({ preplug: 2 });
    bus.calls.length = 0;
    m.runInKernel(() => expect(WdfChildListUpdateChildDescriptionAsMissing(bus.list!, id(1))).toBe(STATUS_SUCCESS));
    m.run();
    expect(kids()).toEqual(["2"]);
    expect(bus.calls).toEqual(["description cleanup 1", "pdo1 cleanup"]);
  });

  it("a scan: children not reported between BeginScan and EndScan go missing, together, when the scan ends", () => {
    const { m, bus, kids } = setup({ preplug: 3 });
    m.runInKernel(() => {
      WdfChildListBeginScan(bus.list!);
      expect(WdfChildListAddOrUpdateChildDescriptionAsPresent(bus.list!, id(2), null)).toBe(STATUS_OBJECT_NAME_EXISTS);
      WdfChildListEndScan(bus.list!);
    });
    m.run();
    expect(kids()).toEqual(["2"]);
    m.runInKernel(() => {
      WdfChildListBeginScan(bus.list!);
      WdfChildListUpdateAllChildDescriptionsAsPresent(bus.list!);
      WdfChildListEndScan(bus.list!);
    });
    m.run();
    expect(kids()).toEqual(["2"]);
  });

  it("iteration lists the children the flags select, with their PDOs and descriptions, then STATUS_NO_MORE_ENTRIES", () => {
    const { m, bus } = setup({ preplug: 2 });
    m.runInKernel(() => {
      expect(WdfChildListAddOrUpdateChildDescriptionAsPresent(bus.list!, id(3), null)).toBe(STATUS_SUCCESS);
      expect(WdfChildListUpdateChildDescriptionAsMissing(bus.list!, id(1))).toBe(STATUS_SUCCESS);
      const walk = (flags: number) => {
        const it = new WDF_CHILD_LIST_ITERATOR();
        WDF_CHILD_LIST_ITERATOR_INIT(it, flags);
        WdfChildListBeginIteration(bus.list!, it);
        const seen: string[] = [];
        for (;;) {
          const d = id(0);
          const info = new WDF_CHILD_RETRIEVE_INFO();
          WDF_CHILD_RETRIEVE_INFO_INIT(info, d);
          const pdo = Out<WDFDEVICE | null>(null);
          const status = WdfChildListRetrieveNextDevice(bus.list!, it, pdo, info);
          if (status === STATUS_NO_MORE_ENTRIES) break;
          expect(status).toBe(STATUS_SUCCESS);
          seen.push(`${d.Serial}:${info.Status}:${pdo.value === null ? "none" : "pdo"}`);
        }
        WdfChildListEndIteration(bus.list!, it);
        return seen;
      };
      expect(walk(WdfRetrievePresentChildren)).toEqual([`2:${WdfChildListRetrieveDeviceSuccess}:pdo`]);
      expect(walk(WdfRetrieveMissingChildren)).toEqual([`1:${WdfChildListRetrieveDeviceNoSuchDevice}:pdo`]);
      expect(walk(WdfRetrieveAllChildren)).toEqual([
        `1:${WdfChildListRetrieveDeviceNoSuchDevice}:pdo`, `2:${WdfChildListRetrieveDeviceSuccess}:pdo`, `3:${WdfChildListRetrieveDeviceNotYetCreated}:none`,
      ]);
    });
  });

  it("a failing EvtChildListCreateDevice: the child gets no PDO and its description is cleaned up", () => {
    const { bus, kids } = setup({ preplug: 1, failCreate: true });
    expect(kids()).toEqual([]);
    expect(bus.calls).toContain("description cleanup 1");
  });

  it("dynamic PDOs and child lists are not deleted by WdfObjectDelete; WdfChildListCreate takes no parent and needs an FDO", () => {
    const { m, bus, kids } = setup({ preplug: 1 });
    m.runInKernel(() => {
      WdfObjectDelete(bus.pdos[0]!);
      WdfObjectDelete(bus.list!);
      expect(WdfPdoGetParent(bus.pdos[0]!)).toBe(bus.fdo);
      expect(WdfChildListGetDevice(bus.list!)).toBe(bus.fdo);
      const config = new WDF_CHILD_LIST_CONFIG();
      WDF_CHILD_LIST_CONFIG_INIT(config, CHILD_ID_SIZE, () => STATUS_SUCCESS);
      const attributes = new WDF_OBJECT_ATTRIBUTES();
      WDF_OBJECT_ATTRIBUTES_INIT(attributes);
      attributes.ParentObject = bus.fdo;
      const list = Out<WDFCHILDLIST | null>(null);
      expect(WdfChildListCreate(bus.fdo!, config, attributes, list)).toBe(STATUS_WDF_PARENT_ASSIGNMENT_NOT_ALLOWED);
      expect(WdfChildListCreate(bus.pdos[0]!, config, null, list)).toBe(STATUS_INVALID_DEVICE_REQUEST);
      expect(WdfChildListCreate(bus.fdo!, config, null, list)).toBe(STATUS_SUCCESS);
      expect(WdfChildListGetDevice(list.value!)).toBe(bus.fdo);
    });
    expect(kids()).toEqual(["1"]);
  });

  it("address descriptions: required exactly when the list has them; re-adding a present child updates its address", () => {
    class ADDR extends WDF_CHILD_ADDRESS_DESCRIPTION_HEADER {
      Port = 0;
    }
    const addr = (Port: number) => {
      const a = new ADDR();
      WDF_CHILD_ADDRESS_DESCRIPTION_HEADER_INIT(a, 8);
      a.Port = Port;
      return a;
    };
    const { m, bus } = setup();
    m.runInKernel(() => {
      const config = new WDF_CHILD_LIST_CONFIG();
      WDF_CHILD_LIST_CONFIG_INIT(config, CHILD_ID_SIZE, () => STATUS_UNSUCCESSFUL);
      config.AddressDescriptionSize = 8;
      const list = Out<WDFCHILDLIST | null>(null);
      expect(WdfChildListCreate(bus.fdo!, config, null, list)).toBe(STATUS_SUCCESS);
      const l = list.value!;
      expect(WdfChildListAddOrUpdateChildDescriptionAsPresent(l, id(1), null)).toBe(STATUS_INVALID_DEVICE_REQUEST);
      expect(WdfChildListAddOrUpdateChildDescriptionAsPresent(l, id(1), addr(0x3f8))).toBe(STATUS_SUCCESS);
      expect(WdfChildListAddOrUpdateChildDescriptionAsPresent(l, id(1), addr(0x2f8))).toBe(STATUS_OBJECT_NAME_EXISTS);
      const out = addr(0);
      expect(WdfChildListRetrieveAddressDescription(l, id(1), out)).toBe(STATUS_SUCCESS);
      expect(out.Port).toBe(0x2f8);
      expect(WdfChildListRetrieveAddressDescription(l, id(2), out)).toBe(STATUS_NO_SUCH_DEVICE);
      // The default list has no address descriptions.
      expect(WdfChildListAddOrUpdateChildDescriptionAsPresent(bus.list!, id(1), addr(1))).toBe(STATUS_INVALID_DEVICE_REQUEST);
      const it = new WDF_CHILD_LIST_ITERATOR();
      WDF_CHILD_LIST_ITERATOR_INIT(it, WdfRetrieveAllChildren);
      WdfChildListBeginIteration(l, it);
      const info = new WDF_CHILD_RETRIEVE_INFO();
      const wrong = id(0);
      wrong.IdentificationDescriptionSize = 4;
      WDF_CHILD_RETRIEVE_INFO_INIT(info, wrong);
      expect(WdfChildListRetrieveNextDevice(l, it, Out<WDFDEVICE | null>(null), info)).toBe(STATUS_INVALID_PARAMETER);
      WdfChildListEndIteration(l, it);
    });
  });
});
