import { describe, expect, it } from "vitest";
import {
  boot, INTERFACE, Out, STATUS_INVALID_BUFFER_SIZE, STATUS_INVALID_DEVICE_REQUEST, STATUS_INFO_LENGTH_MISMATCH, STATUS_NOT_SUPPORTED, STATUS_SUCCESS,
  type Box, type DRIVER_OBJECT, type KWAIT_GENERATOR, type NTSTATUS,
} from "@wdfjs/kernel";
import {
  WDF_DRIVER_CONFIG, WDF_DRIVER_CONFIG_INIT, WDF_PNPPOWER_EVENT_CALLBACKS, WDF_PNPPOWER_EVENT_CALLBACKS_INIT, WDF_QUERY_INTERFACE_CONFIG,
  WDF_QUERY_INTERFACE_CONFIG_INIT, WdfDeviceAddQueryInterface, WdfDeviceCreate, WdfDeviceInitSetPnpPowerEventCallbacks, WdfDriverCreate, WdfFdoAddStaticChild,
  WdfFdoQueryForInterface, WdfPdoInitAddHardwareID, WdfPdoInitAllocate, WdfPdoInitAssignDeviceID, WdfPdoInitAssignInstanceID, type PWDFDEVICE_INIT,
  type WDFDEVICE, type WDFDRIVER,
} from "../src/index.js";

/*
 * IRP_MN_QUERY_INTERFACE between KMDF drivers: a bus PDO registers a direct-call interface with
 * WdfDeviceAddQueryInterface; the function driver above asks for it with WdfFdoQueryForInterface
 * (a PASSIVE_LEVEL wait, here in EvtDeviceSelfManagedIoInit as the featured toaster does).
 */

const GUID_TEST_INTERFACE = "{0a1b2c3d-0000-4000-8000-00aabbccddee}";
const GUID_UNKNOWN = "{0a1b2c3d-0000-4000-8000-000000000001}";

class TEST_INTERFACE extends INTERFACE {
  GetLevel: ((Context: unknown, Level: Box<number>) => boolean) | null = null;
}
const TEST_INTERFACE_SIZE = 40;

interface Rig {
  calls: string[];
  results: Record<string, NTSTATUS>;
  got: TEST_INTERFACE | null;
  pdo: WDFDEVICE | null;
  addStatus: NTSTATUS[];
}

function busDriver(rig: Rig) {
  function EvtDeviceAdd(_Driver: WDFDRIVER, DeviceInit: PWDFDEVICE_INIT): NTSTATUS {
    const fdo = Out<WDFDEVICE | null>(null);
    let status = WdfDeviceCreate(Out(DeviceInit), null, fdo);
    if (status !== STATUS_SUCCESS) return status;
    const init = WdfPdoInitAllocate(fdo.value!);
    WdfPdoInitAssignDeviceID(init, "KQI\\Child");
    WdfPdoInitAddHardwareID(init, "KQI\\Child");
    WdfPdoInitAssignInstanceID(init, "1");
    const child = Out<WDFDEVICE | null>(null);
    status = WdfDeviceCreate(Out(init), null, child);
    if (status !== STATUS_SUCCESS) return status;
    rig.pdo = child.value;
    const iface = new TEST_INTERFACE();
    iface.Size = TEST_INTERFACE_SIZE;
    iface.Version = 2;
    iface.Context = child.value;
    iface.InterfaceReference = (c) => rig.calls.push(`reference ${c === child.value ? "pdo" : "?"}`);
    iface.InterfaceDereference = () => rig.calls.push("dereference");
    iface.GetLevel = (_c, Level) => ((Level.value = 7), true);
    const qi = new WDF_QUERY_INTERFACE_CONFIG();
    WDF_QUERY_INTERFACE_CONFIG_INIT(qi, iface, GUID_TEST_INTERFACE, null);
    rig.addStatus.push(WdfDeviceAddQueryInterface(child.value!, qi));
    // The framework keeps its own copy: a later change to the driver's structure does not count.
    iface.Version = 99;
    const bad = new WDF_QUERY_INTERFACE_CONFIG();
    WDF_QUERY_INTERFACE_CONFIG_INIT(bad, iface, GUID_UNKNOWN, null);
    bad.Size = 8;
    rig.addStatus.push(WdfDeviceAddQueryInterface(child.value!, bad));
    const parentStack = new WDF_QUERY_INTERFACE_CONFIG();
    WDF_QUERY_INTERFACE_CONFIG_INIT(parentStack, iface, GUID_UNKNOWN, null);
    parentStack.SendQueryToParentStack = true;
    rig.addStatus.push(WdfDeviceAddQueryInterface(fdo.value!, parentStack));
    return WdfFdoAddStaticChild(fdo.value!, child.value!);
  }
  return function DriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS {
    const config = new WDF_DRIVER_CONFIG();
    WDF_DRIVER_CONFIG_INIT(config, EvtDeviceAdd);
    return WdfDriverCreate(DriverObject, RegistryPath, null, config, null);
  };
}

function functionDriver(rig: Rig) {
  function* SelfManagedIoInit(Device: WDFDEVICE): KWAIT_GENERATOR<NTSTATUS> {
    const iface = new TEST_INTERFACE();
    rig.results.ok = yield* WdfFdoQueryForInterface(Device, GUID_TEST_INTERFACE, iface, TEST_INTERFACE_SIZE, 2, null);
    rig.got = iface;
    rig.results.unknown = yield* WdfFdoQueryForInterface(Device, GUID_UNKNOWN, new TEST_INTERFACE(), TEST_INTERFACE_SIZE, 2, null);
    rig.results.small = yield* WdfFdoQueryForInterface(Device, GUID_TEST_INTERFACE, new TEST_INTERFACE(), 16, 2, null);
    rig.results.old = yield* WdfFdoQueryForInterface(Device, GUID_TEST_INTERFACE, new TEST_INTERFACE(), TEST_INTERFACE_SIZE, 1, null);
    return STATUS_SUCCESS;
  }
  function EvtDeviceAdd(_Driver: WDFDRIVER, DeviceInit: PWDFDEVICE_INIT): NTSTATUS {
    const cb = new WDF_PNPPOWER_EVENT_CALLBACKS();
    WDF_PNPPOWER_EVENT_CALLBACKS_INIT(cb);
    cb.EvtDeviceSelfManagedIoInit = SelfManagedIoInit;
    WdfDeviceInitSetPnpPowerEventCallbacks(DeviceInit, cb);
    return WdfDeviceCreate(Out(DeviceInit), null, Out<WDFDEVICE | null>(null));
  }
  return function DriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS {
    const config = new WDF_DRIVER_CONFIG();
    WDF_DRIVER_CONFIG_INIT(config, EvtDeviceAdd);
    return WdfDriverCreate(DriverObject, RegistryPath, null, config, null);
  };
}

function setup(): Rig {
  const m = boot({ flavor: "checked" });
  const rig: Rig = { calls: [], results: {}, got: null, pdo: null, addStatus: [] };
  m.installDriverPackage({ service: "kqibus", hardwareIds: [{ id: "root\\kqibus" }], class: "System", framework: "KMDF", DriverEntry: busDriver(rig) });
  m.installDriverPackage({ service: "kqifn", hardwareIds: [{ id: "KQI\\Child" }], class: "System", framework: "KMDF", DriverEntry: functionDriver(rig) });
  m.pnp.createRootDevice({ hardwareIds: ["root\\kqibus"], class: "System" });
  m.run();
  return rig;
}

describe("query interfaces: WdfDeviceAddQueryInterface and WdfFdoQueryForInterface", () => {
  it("the function driver gets the PDO's interface: its members copied, InterfaceReference called with its Context, the routines callable", () => {
    const rig = setup();
    expect(rig.results.ok).toBe(STATUS_SUCCESS);
    const got = rig.got!;
    expect([got.Size, got.Version, got.Context]).toEqual([TEST_INTERFACE_SIZE, 2, rig.pdo]);
    expect(rig.calls).toEqual(["reference pdo"]);
    const level = Out(0);
    expect(got.GetLevel!(got.Context, level)).toBe(true);
    expect(level.value).toBe(7);
    got.InterfaceDereference!(got.Context);
    expect(rig.calls).toEqual(["reference pdo", "dereference"]);
  });

  it("an interface no one registered keeps the IRP's STATUS_NOT_SUPPORTED", () => {
    expect(setup().results.unknown).toBe(STATUS_NOT_SUPPORTED);
  });

  it("asking with a smaller size or an older version than the interface is STATUS_INVALID_BUFFER_SIZE", () => {
    const rig = setup();
    expect([rig.results.small, rig.results.old]).toEqual([STATUS_INVALID_BUFFER_SIZE, STATUS_INVALID_BUFFER_SIZE]);
  });

  it("WdfDeviceAddQueryInterface checks the config's Size, and SendQueryToParentStack is for PDOs only", () => {
    expect(setup().addStatus).toEqual([STATUS_SUCCESS, STATUS_INFO_LENGTH_MISMATCH, STATUS_INVALID_DEVICE_REQUEST]);
  });
});
