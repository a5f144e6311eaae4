import { describe, expect, it } from "vitest";
import { FxObjectHandleGetPtr, FX_TYPE_DEVICE, type FxDevice } from "@wdfjs/framework";
import { boot, GUID_BUS_TYPE_INTERNAL, Out, STATUS_SUCCESS, STATUS_UNSUCCESSFUL, type DEVICE_NODE, type DRIVER_OBJECT, type Machine, type NTSTATUS } from "@wdfjs/kernel";
import {
  WDF_DRIVER_CONFIG, WDF_DRIVER_CONFIG_INIT, WDF_OBJECT_ATTRIBUTES, WDF_OBJECT_ATTRIBUTES_INIT, WDF_PNPPOWER_EVENT_CALLBACKS,
  WDF_PNPPOWER_EVENT_CALLBACKS_INIT, WdfDeviceCreate, WdfDeviceGetDevicePnpState, WdfDeviceInitSetPnpPowerEventCallbacks, WdfDevStatePnpStarted,
  WdfDriverCreate, WdfFdoAddStaticChild, WdfFdoLockStaticChildListForIteration, WdfFdoRetrieveNextStaticChild, WdfFdoUnlockStaticChildListFromIteration,
  WdfPdoInitAddCompatibleID, WdfPdoInitAddDeviceText, WdfPdoInitAddHardwareID, WdfPdoInitAllocate, WdfPdoInitAssignDeviceID, WdfPdoInitAssignInstanceID,
  WdfPdoInitAssignRawDevice, WdfPdoInitSetDefaultLocale, WdfPdoRequestEject, WdfDeviceSetPnpCapabilities, WDF_DEVICE_PNP_CAPABILITIES, WDF_DEVICE_PNP_CAPABILITIES_INIT, WdfTrue, WDF_DEVICE_STATE, WDF_DEVICE_STATE_INIT, WdfDeviceSetDeviceState, WdfDeviceGetDeviceState, WdfPdoMarkMissing, WdfRetrieveAllChildren, WdfRetrievePresentChildren,
  WdfDeviceSetBusInformationForChildren, PNP_BUS_INFORMATION, WdfDevStatePnpQueryRemoveStaticCheck, WdfDevStatePnpQueryRemoveAskDriver,
  WdfDevStatePnpQueryRemoveEnsureDeviceAwake, WdfDevStatePnpQueryRemovePending, WdfDevStatePnpQueryCanceled, type PWDFDEVICE_INIT, type WDFDEVICE, type WDFDRIVER,
} from "../src/index.js";

/*
 * A KMDF bus driver (root-enumerated) that creates static child PDOs with WdfPdoInitAllocate and
 * WdfFdoAddStaticChild, as the toaster static bus sample does; the PnP manager reads the children's
 * identity from the PDOs' answers and builds their stacks, here with a KMDF function driver.
 */

interface Bus {
  calls: string[];
  fn: WDFDEVICE[];
  vetoQueryRemove?: boolean;
  fdo: WDFDEVICE | null;
  children: WDFDEVICE[];
}

function pnpCallbacks(tag: string, calls: string[]): WDF_PNPPOWER_EVENT_CALLBACKS {
  const cb = new WDF_PNPPOWER_EVENT_CALLBACKS();
  WDF_PNPPOWER_EVENT_CALLBACKS_INIT(cb);
  const ev = (s: string) => calls.push(`${tag} ${s}`);
  cb.EvtDevicePrepareHardware = () => (ev("PrepareHardware"), STATUS_SUCCESS);
  cb.EvtDeviceD0Entry = () => (ev("D0Entry"), STATUS_SUCCESS);
  cb.EvtDeviceSelfManagedIoInit = () => (ev("SelfManagedIoInit"), STATUS_SUCCESS);
  cb.EvtDeviceD0Exit = () => (ev("D0Exit"), STATUS_SUCCESS);
  cb.EvtDeviceReleaseHardware = () => (ev("ReleaseHardware"), STATUS_SUCCESS);
  cb.EvtDeviceSurpriseRemoval = () => ev("SurpriseRemoval");
  return cb;
}

function busDriver(bus: Bus, childCount: number, raw = false, setCaps = false) {
  function EvtDeviceAdd(_Driver: WDFDRIVER, DeviceInit: PWDFDEVICE_INIT): NTSTATUS {
    const busCallbacks = pnpCallbacks("bus", bus.calls);
    if (bus.vetoQueryRemove === true) busCallbacks.EvtDeviceQueryRemove = () => STATUS_UNSUCCESSFUL;
    WdfDeviceInitSetPnpPowerEventCallbacks(DeviceInit, busCallbacks);
    const fdo = Out<WDFDEVICE | null>(null);
    let status = WdfDeviceCreate(Out(DeviceInit), null, fdo);
    if (status !== STATUS_SUCCESS) return status;
    bus.fdo = fdo.value;
    const info = new PNP_BUS_INFORMATION();
    info.BusTypeGuid = GUID_BUS_TYPE_INTERNAL;
    info.LegacyBusType = 15;
    info.BusNumber = 7;
    WdfDeviceSetBusInformationForChildren(fdo.value!, info);
    for (let i = 1; i <= childCount; i++) {
      const init = WdfPdoInitAllocate(fdo.value!);
      expect(WdfPdoInitAssignDeviceID(init, "KBUS\\KChild")).toBe(STATUS_SUCCESS);
      expect(WdfPdoInitAssignInstanceID(init, `0${i}`)).toBe(STATUS_SUCCESS);
      WdfPdoInitAddHardwareID(init, "KBUS\\KChild");
      WdfPdoInitAddHardwareID(init, "KBUS\\Generic");
      WdfPdoInitAddCompatibleID(init, "KBUS\\Compat");
      WdfPdoInitAddDeviceText(init, `KMDF child ${i}`, `Slot ${i}`, 0x409);
      WdfPdoInitSetDefaultLocale(init, 0x409);
      if (raw) WdfPdoInitAssignRawDevice(init, "{11111111-2222-3333-4444-555555555555}");
      WdfDeviceInitSetPnpPowerEventCallbacks(init, pnpCallbacks(`pdo${i}`, bus.calls));
      const attributes = new WDF_OBJECT_ATTRIBUTES();
      WDF_OBJECT_ATTRIBUTES_INIT(attributes);
      attributes.EvtCleanupCallback = () => bus.calls.push(`pdo${i} cleanup`);
      const child = Out<WDFDEVICE | null>(null);
      status = WdfDeviceCreate(Out(init), attributes, child);
      if (status !== STATUS_SUCCESS) return status;
      bus.children.push(child.value!);
      if (setCaps) {
        const caps = new WDF_DEVICE_PNP_CAPABILITIES();
        WDF_DEVICE_PNP_CAPABILITIES_INIT(caps);
        caps.Removable = WdfTrue;
        caps.UINumber = 5;
        WdfDeviceSetPnpCapabilities(child.value!, caps);
      }
      status = WdfFdoAddStaticChild(fdo.value!, child.value!);
      if (status !== STATUS_SUCCESS) return status;
    }
    return STATUS_SUCCESS;
  }
  return function DriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS {
    const config = new WDF_DRIVER_CONFIG();
    WDF_DRIVER_CONFIG_INIT(config, EvtDeviceAdd);
    return WdfDriverCreate(DriverObject, RegistryPath, null, config, null);
  };
}

function functionDriver(bus: Bus) {
  function EvtDeviceAdd(_Driver: WDFDRIVER, DeviceInit: PWDFDEVICE_INIT): NTSTATUS {
    WdfDeviceInitSetPnpPowerEventCallbacks(DeviceInit, pnpCallbacks("fn", bus.calls));
    const device = Out<WDFDEVICE | null>(null);
    const status = WdfDeviceCreate(Out(DeviceInit), null, device);
    if (device.value !== null) bus.fn.push(device.value);
    return status;
  }
  return function DriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS {
    const config = new WDF_DRIVER_CONFIG();
    WDF_DRIVER_CONFIG_INIT(config, EvtDeviceAdd);
    return WdfDriverCreate(DriverObject, RegistryPath, null, config, null);
  };
}

function setup(childCount: number, o: { withFunctionDriver?: boolean; raw?: boolean; caps?: boolean; vetoQueryRemove?: boolean } = {}): { m: Machine; bus: Bus; path: string } {
  const m = boot();
  const bus: Bus = { calls: [], fn: [], fdo: null, children: [], vetoQueryRemove: o.vetoQueryRemove ?? false };
  m.installDriverPackage({ service: "kbus", hardwareIds: [{ id: "root\\kbus" }], class: "System", framework: "WDM", DriverEntry: busDriver(bus, childCount, o.raw, o.caps) });
  if (o.withFunctionDriver === true) {
    m.installDriverPackage({ service: "kchild", hardwareIds: [{ id: "KBUS\\KChild" }], class: "System", framework: "WDM", DriverEntry: functionDriver(bus) });
  }
  const path = m.pnp.createRootDevice({ hardwareIds: ["root\\kbus"], class: "System" });
  return { m, bus, path };
}

function childNodes(m: Machine, path: string): DEVICE_NODE[] {
  const out: DEVICE_NODE[] = [];
  for (let c = m.pnp.node(path)!.Child; c !== null; c = c.Sibling) out.push(c);
  return out;
}

describe("KMDF PDOs: static children of a KMDF bus driver", () => {
  it("the PnP manager reads each child's IDs, device text and bus information from the KMDF PDO", () => {
    const { m, path } = setup(2);
    const kids = childNodes(m, path);
    expect(kids.map((n) => n.InstancePath)).toEqual(["KBUS\\KCHILD\\01", "KBUS\\KCHILD\\02"].map((p) => expect.stringMatching(new RegExp(`^${p.replace(/\\/g, "\\\\")}$`, "i"))));
    const n = kids[0]!;
    expect(n.DeviceId).toBe("KBUS\\KChild");
    expect(n.InstanceId).toBe("01");
    expect(n.HardwareIds).toEqual(["KBUS\\KChild", "KBUS\\Generic"]);
    expect(n.CompatibleIds).toEqual(["KBUS\\Compat"]);
    expect(n.DeviceDescription).toBe("KMDF child 1");
    expect(n.LocationInformation).toBe("Slot 1");
    expect([n.BusTypeGuid.toUpperCase(), n.LegacyBusType, n.BusNumber]).toEqual([GUID_BUS_TYPE_INTERNAL.toUpperCase(), 15, 7]);
  });

  it("a KMDF function driver over a KMDF PDO: the PDO starts first (bottom-up), then the function device", () => {
    const { m, bus, path } = setup(1, { withFunctionDriver: true });
    expect(bus.calls).toEqual([
      "bus PrepareHardware", "bus D0Entry", "bus SelfManagedIoInit",
      "pdo1 PrepareHardware", "pdo1 D0Entry", "pdo1 SelfManagedIoInit",
      "fn PrepareHardware", "fn D0Entry", "fn SelfManagedIoInit",
    ]);
    m.runInKernel(() => expect(WdfDeviceGetDevicePnpState(bus.children[0]!)).toBe(WdfDevStatePnpStarted));
    expect(childNodes(m, path)[0]!.Service.toLowerCase()).toBe("kchild");
  });

  it("a raw PDO says RawDeviceOK in its capabilities; a PDO says SurpriseRemovalOK; a PDO without a driver is not started", () => {
    const { m, bus, path } = setup(1, { raw: true });
    const caps = childNodes(m, path)[0]!.Capabilities!;
    expect([caps.RawDeviceOK, caps.SurpriseRemovalOK]).toEqual([true, true]);
    expect(bus.calls.slice(3)).toEqual([]);
    const plain = setup(1);
    expect(childNodes(plain.m, plain.path)[0]!.Capabilities!.RawDeviceOK).toBe(false);
  });

  it("WdfPdoMarkMissing: the child is surprise-removed, top down, and its PDO deleted; the other child stays", () => {
    const { m, bus, path } = setup(2, { withFunctionDriver: true });
    bus.calls.length = 0;
    m.runInKernel(() => expect(WdfPdoMarkMissing(bus.children[0]!)).toBe(STATUS_SUCCESS));
    m.run();
    expect(bus.calls).toEqual([
      "fn SurpriseRemoval", "fn D0Exit", "fn ReleaseHardware", "pdo1 SurpriseRemoval", "pdo1 D0Exit", "pdo1 ReleaseHardware", "pdo1 cleanup",
    ]);
    expect(childNodes(m, path).map((n) => n.InstanceId)).toEqual(["02"]);
  });

  it("static children are listed by WdfFdoRetrieveNextStaticChild between the lock and the unlock", () => {
    const { m, bus } = setup(3);
    m.runInKernel(() => {
      const fdo = bus.fdo!;
      WdfFdoLockStaticChildListForIteration(fdo);
      const seen: (WDFDEVICE | null)[] = [];
      for (let c = WdfFdoRetrieveNextStaticChild(fdo, null, WdfRetrieveAllChildren); c !== null; c = WdfFdoRetrieveNextStaticChild(fdo, c, WdfRetrieveAllChildren)) seen.push(c);
      WdfFdoUnlockStaticChildListFromIteration(fdo);
      expect(seen).toEqual(bus.children);
      expect(WdfPdoMarkMissing(bus.children[1]!)).toBe(STATUS_SUCCESS);
      expect(WdfFdoRetrieveNextStaticChild(fdo, bus.children[0]!, WdfRetrievePresentChildren)).toBe(bus.children[2]);
    });
  });

  it("removing the bus removes its children first; the PDOs are deleted with their parent", () => {
    const { m, bus, path } = setup(2, { withFunctionDriver: true });
    bus.calls.length = 0;
    expect(m.pnp.removeDevice(path)).toBe(STATUS_SUCCESS);
    expect(bus.calls).toEqual([
      "fn D0Exit", "fn ReleaseHardware", "pdo1 D0Exit", "pdo1 ReleaseHardware", "fn D0Exit", "fn ReleaseHardware", "pdo2 D0Exit", "pdo2 ReleaseHardware",
      "bus D0Exit", "bus ReleaseHardware", "pdo1 cleanup", "pdo2 cleanup",
    ]);
    expect(m.pnp.node(path)?.Child ?? null).toBe(null);
  });

  it("WdfDeviceSetPnpCapabilities on a PDO: the PnP manager sees the driver's capabilities", () => {
    const { m, path } = setup(1, { caps: true });
    const caps = childNodes(m, path)[0]!.Capabilities!;
    expect([caps.Removable, caps.UINumber, caps.Address]).toEqual([true, 5, 0xffffffff]);
  });

  it("WdfDeviceSetDeviceState(Failed): the PnP manager queries the state and removes the failed device; WdfDeviceGetDeviceState reports it", () => {
    const { m, bus } = setup(1, { withFunctionDriver: true });
    bus.calls.length = 0;
    const child = bus.children[0]!;
    m.runInKernel(() => {
      const state = new WDF_DEVICE_STATE();
      WDF_DEVICE_STATE_INIT(state);
      state.Failed = WdfTrue;
      WdfDeviceSetDeviceState(child, state);
    });
    m.run();
    expect(bus.calls).toContain("pdo1 D0Exit");
    m.runInKernel(() => {
      const state = new WDF_DEVICE_STATE();
      WDF_DEVICE_STATE_INIT(state);
      WdfDeviceGetDeviceState(child, state);
      expect(state.Failed).toBe(WdfTrue);
    });
  });

  it("the bus vetoes a removal its child agreed to: the child's function device gets CANCEL_REMOVE and goes back to Started", () => {
    const { m, bus, path } = setup(1, { withFunctionDriver: true, vetoQueryRemove: true });
    bus.calls.length = 0;
    expect(m.pnp.removeDevice(path)).not.toBe(STATUS_SUCCESS);
    expect(bus.calls).toEqual([]);
    const history = m.runInKernel(() => (FxObjectHandleGetPtr(bus.fn[0]!, FX_TYPE_DEVICE) as FxDevice).pnp!.history);
    expect(history.slice(-6)).toEqual([
      WdfDevStatePnpQueryRemoveStaticCheck, WdfDevStatePnpQueryRemoveAskDriver, WdfDevStatePnpQueryRemoveEnsureDeviceAwake, WdfDevStatePnpQueryRemovePending,
      WdfDevStatePnpQueryCanceled, WdfDevStatePnpStarted,
    ]);
  });

  it("WdfPdoMarkMissing on a child that never started: REMOVE only (no surprise removal), and the PDO is deleted", () => {
    const { m, bus, path } = setup(1);
    bus.calls.length = 0;
    const child = bus.children[0]!;
    m.runInKernel(() => expect(WdfPdoMarkMissing(child)).toBe(STATUS_SUCCESS));
    m.run();
    expect(bus.calls).toEqual(["pdo1 cleanup"]);
    expect(childNodes(m, path)).toEqual([]);
  });

  it("WdfPdoRequestEject: the PnP manager removes the child's stack and ejects it; the PDO goes", () => {
    const { m, bus, path } = setup(1, { withFunctionDriver: true });
    bus.calls.length = 0;
    m.runInKernel(() => WdfPdoRequestEject(bus.children[0]!));
    m.run();
    expect(bus.calls.slice(0, 4)).toEqual(["fn D0Exit", "fn ReleaseHardware", "pdo1 D0Exit", "pdo1 ReleaseHardware"]);
    // The ejected child is reported missing: the bus relations drop it and its PDO is deleted.
    expect(bus.calls.slice(4)).toEqual(["pdo1 cleanup"]);
    expect(childNodes(m, path)).toEqual([]);
  });
});
