/**
 * Installing a driver package writes the registry as an INF does, a device's keys are written
 * when it gets its driver, and its stack is built from what the registry says (Services,
 * Control\Class, Enum), as Windows' PnP manager builds it.
 */
import { describe, expect, it } from "vitest";
import {
  boot, DevicePropertyDriverKeyName, ExAllocatePool2, ExFreePool, IoGetDeviceProperty, IoOpenDeviceRegistryKey, IoOpenDeviceInterfaceRegistryKey,
  IoGetCurrentIrpStackLocation, IRP_MJ_PNP, IRP_MN_START_DEVICE, KEY_ALL_ACCESS, KEY_READ, KeyValuePartialInformation, Out, PLUGPLAY_REGKEY_DEVICE,
  PLUGPLAY_REGKEY_DRIVER, PNP_DETECTED_FATAL_ERROR, POOL_FLAG_PAGED, POOL_TAG, ReadUlong, ReadWideString, REG_DWORD, REG_EXPAND_SZ, REG_MULTI_SZ,
  REG_SZ, DRIVER_VERIFIER_DETECTED_VIOLATION, VF_RULE_IRQL_ZW_PASSIVE, DISPATCH_LEVEL, KeRaiseIrql, KeLowerIrql, STATUS_INVALID_PARAMETER, STATUS_SUCCESS, ZwClose, ZwQueryValueKey, ZwSetValueKey, DeviceNodeStarted,
  MachineUsageError, type DRIVER_OBJECT, type Machine, type NTSTATUS,
} from "../src/index.js";
import { GUID_DEVCLASS_TOASTER, GUID_DEVINTERFACE_TOASTER, layerDriver, testBus, TOASTER_COMPATIBLE, TOASTER_HWID, type TestBus } from "./pnp-drivers.js";
import { expectBugCheck } from "./helpers.js";

const BUS_HWID = "root\\testbus";
const CCS = "HKLM\\SYSTEM\\CurrentControlSet";
const ENUM_TOASTER = `${CCS}\\Enum\\${TOASTER_HWID}\\01`;
const CLASS_TOASTER = `${CCS}\\Control\\Class\\${GUID_DEVCLASS_TOASTER}`;

function busMachine(m: Machine = boot({ seed: 1 })): { m: Machine; bus: TestBus; log: string[] } {
  const bus = testBus();
  m.installDriverPackage({ service: "testbus", hardwareIds: [{ id: BUS_HWID }], class: "System", framework: "WDM", DriverEntry: bus });
  m.pnp.createRootDevice({ hardwareIds: [BUS_HWID], class: "System" });
  return { m, bus, log: bus.log };
}

/** The toaster's drivers (the same services as pnp-start-remove's), each logging its DriverEntry and AddDevice. */
function toasterDrivers(log: string[], wrap?: (d: DRIVER_OBJECT) => void) {
  const func = layerDriver("toaster", log, { interfaceGuid: GUID_DEVINTERFACE_TOASTER });
  const entry = (d: DRIVER_OBJECT, r: string): NTSTATUS => {
    const st = func.DriverEntry(d, r);
    wrap?.(d);
    return st;
  };
  return { toaster: entry, upper: layerDriver("upper", log), lower: layerDriver("lower", log), classupper: layerDriver("classupper", log), classlower: layerDriver("classlower", log) };
}

function installToaster(m: Machine, log: string[], wrap?: (d: DRIVER_OBJECT) => void): void {
  const d = toasterDrivers(log, wrap);
  m.pnp.installFilterService({ service: "upper", DriverEntry: d.upper });
  m.pnp.installFilterService({ service: "lower", DriverEntry: d.lower });
  m.pnp.installClassFilter(GUID_DEVCLASS_TOASTER, { upper: true, service: "classupper", DriverEntry: d.classupper });
  m.pnp.installClassFilter(GUID_DEVCLASS_TOASTER, { upper: false, service: "classlower", DriverEntry: d.classlower });
  m.installDriverPackage({
    service: "toaster", hardwareIds: [{ id: TOASTER_HWID }], compatibleIds: [{ id: TOASTER_COMPATIBLE, rank: 1 }], class: "Toaster",
    classGuid: GUID_DEVCLASS_TOASTER, upperFilters: ["upper"], lowerFilters: ["lower"], framework: "WDM", DriverEntry: d.toaster,
    description: "Microsoft Toaster", provider: "Microsoft", displayName: "Toaster Function Driver",
  });
}

const added = (log: string[]) => log.filter((l) => l.endsWith(" AddDevice") && !l.startsWith("testbus"));

function value(m: Machine, path: string, name: string): [number, unknown] | null {
  const v = m.registry.queryValue(path, name);
  return v === null ? null : [v.type, v.data];
}

describe("PnP and the registry: installing a package", () => {
  it("writes Services\\<service> (Type, Start, ErrorControl, ImagePath, DisplayName) and Control\\Class\\{guid} with its class filters", () => {
    const { m, log } = busMachine();
    installToaster(m, log);
    const svc = `${CCS}\\Services\\toaster`;
    expect(value(m, svc, "Type")).toEqual([REG_DWORD, 1]);
    expect(value(m, svc, "Start")).toEqual([REG_DWORD, 3]);
    expect(value(m, svc, "ErrorControl")).toEqual([REG_DWORD, 1]);
    expect(value(m, svc, "ImagePath")).toEqual([REG_EXPAND_SZ, "\\SystemRoot\\System32\\drivers\\toaster.sys"]);
    expect(value(m, svc, "DisplayName")).toEqual([REG_SZ, "Toaster Function Driver"]);
    // Filter services get service keys too.
    for (const s of ["upper", "lower", "classupper", "classlower", "testbus"]) expect(value(m, `${CCS}\\Services\\${s}`, "Type")).toEqual([REG_DWORD, 1]);
    expect(value(m, CLASS_TOASTER, "Class")).toEqual([REG_SZ, "Toaster"]);
    expect(value(m, CLASS_TOASTER, "UpperFilters")).toEqual([REG_MULTI_SZ, ["classupper"]]);
    expect(value(m, CLASS_TOASTER, "LowerFilters")).toEqual([REG_MULTI_SZ, ["classlower"]]);
    // A second class filter is appended once, in order.
    m.pnp.installClassFilter(GUID_DEVCLASS_TOASTER, { upper: true, service: "another", DriverEntry: layerDriver("another", log) });
    m.pnp.installClassFilter(GUID_DEVCLASS_TOASTER, { upper: true, service: "another", DriverEntry: layerDriver("another", log) });
    expect(value(m, CLASS_TOASTER, "UpperFilters")).toEqual([REG_MULTI_SZ, ["classupper", "another"]]);
  });

  it("a KMDF package also gets Parameters\\Wdf\\KmdfLibraryVersion (the INF's [*.Wdf] section); a WDM one does not", () => {
    const { m } = busMachine();
    m.installDriverPackage({ service: "kmdfdrv", hardwareIds: [{ id: "root\\kmdfdrv" }], class: "System", framework: "KMDF", DriverEntry: () => STATUS_SUCCESS });
    expect(value(m, `${CCS}\\Services\\kmdfdrv\\Parameters\\Wdf`, "KmdfLibraryVersion")).toEqual([REG_SZ, "1.33"]);
    expect(value(m, `${CCS}\\Services\\testbus\\Parameters\\Wdf`, "KmdfLibraryVersion")).toBeNull();
  });

  it("a device that gets its driver gets its Enum key (IDs, Service, ClassGUID, Driver, device filters) and a software key Control\\Class\\{guid}\\NNNN", () => {
    const { m, bus, log } = busMachine();
    installToaster(m, log);
    bus.plug(m, 1, [TOASTER_HWID], { compatibleIds: [TOASTER_COMPATIBLE] });
    bus.plug(m, 2, [TOASTER_HWID], { compatibleIds: [TOASTER_COMPATIBLE] });
    m.run();
    expect(m.registry.values(ENUM_TOASTER)!.map((v) => [v.name, v.type, v.data])).toEqual([
      ["DeviceDesc", REG_SZ, "Microsoft_Eliyas_Toaster_01"],
      ["LocationInformation", REG_SZ, "Toaster Bus 0"],
      ["HardwareID", REG_MULTI_SZ, [TOASTER_HWID]],
      ["CompatibleIDs", REG_MULTI_SZ, [TOASTER_COMPATIBLE]],
      ["Service", REG_SZ, "toaster"],
      ["ClassGUID", REG_SZ, GUID_DEVCLASS_TOASTER],
      ["Class", REG_SZ, "Toaster"],
      ["Driver", REG_SZ, `${GUID_DEVCLASS_TOASTER}\\0000`],
      ["ConfigFlags", REG_DWORD, 0],
      ["UpperFilters", REG_MULTI_SZ, ["upper"]],
      ["LowerFilters", REG_MULTI_SZ, ["lower"]],
    ]);
    // The MULTI_SZ is Windows' bytes: each string's NUL and one more.
    const bytes = m.registry.queryValueBytes(ENUM_TOASTER, "UpperFilters")!;
    expect(bytes.length).toBe(("upper".length + 2) * 2);
    expect([...bytes.slice(-4)]).toEqual([0, 0, 0, 0]);
    expect(value(m, `${CCS}\\Enum\\${TOASTER_HWID}\\02`, "Driver")).toEqual([REG_SZ, `${GUID_DEVCLASS_TOASTER}\\0001`]);
    expect(m.registry.values(`${CLASS_TOASTER}\\0000`)!.map((v) => [v.name, v.type, v.data])).toEqual([
      ["DriverDesc", REG_SZ, "Microsoft Toaster"],
      ["ProviderName", REG_SZ, "Microsoft"],
      ["MatchingDeviceId", REG_SZ, TOASTER_HWID.toLowerCase()],
      ["InfPath", REG_SZ, "oem_toaster.inf"],
      ["InfSection", REG_SZ, "toaster"],
    ]);
    expect(m.registry.subkeys(CLASS_TOASTER)).toEqual(["0000", "0001"]);
    // The bus, a System-class device, has its keys under GUID_DEVCLASS_SYSTEM.
    expect(value(m, `${CCS}\\Enum\\ROOT\\SYSTEM\\0000`, "Driver")).toEqual([REG_SZ, "{4d36e97d-e325-11ce-bfc1-08002be10318}\\0000"]);
  });

  it("a device with no matching package gets no keys", () => {
    const { m, bus } = busMachine();
    bus.plug(m, 1, ["unknown\\thing"]);
    m.run();
    expect(m.registry.keyExists(`${CCS}\\Enum\\unknown\\thing\\01`)).toBe(false);
  });
});

describe("PnP and the registry: the stack comes from the registry", () => {
  it("class filters are read from Control\\Class\\{guid}: a host's change before the device arrives changes the stack", () => {
    const { m, bus, log } = busMachine();
    installToaster(m, log);
    m.registry.deleteValue(CLASS_TOASTER, "UpperFilters");
    m.registry.setValue(CLASS_TOASTER, "LowerFilters", REG_MULTI_SZ, ["classupper", "classlower"]);
    log.length = 0;
    bus.plug(m, 1, [TOASTER_HWID]);
    m.run();
    expect(added(log)).toEqual(["lower AddDevice", "classupper AddDevice", "classlower AddDevice", "toaster AddDevice", "upper AddDevice"]);
  });

  it("device filters are read from Enum\\<instance>: an installed device keeps the registry's filters when it comes back", () => {
    const { m, bus, log } = busMachine();
    installToaster(m, log);
    bus.plug(m, 1, [TOASTER_HWID]);
    m.run();
    bus.unplug(m, 1);
    m.run();
    m.registry.deleteValue(ENUM_TOASTER, "LowerFilters");
    m.registry.setValue(ENUM_TOASTER, "UpperFilters", REG_MULTI_SZ, ["lower", "upper"]);
    log.length = 0;
    bus.plug(m, 1, [TOASTER_HWID]);
    m.run();
    expect(added(log)).toEqual(["classlower AddDevice", "toaster AddDevice", "lower AddDevice", "upper AddDevice", "classupper AddDevice"]);
  });

  it("a saved registry keeps the Services, Class and Enum keys; the code comes from registerDriverModule", () => {
    const { m, bus, log } = busMachine();
    installToaster(m, log);
    bus.plug(m, 1, [TOASTER_HWID]);
    m.run();
    const saved = m.registry.save();
    const m2 = boot({ seed: 2, registry: saved });
    expect(value(m2, `${CCS}\\Services\\toaster`, "ImagePath")).toEqual([REG_EXPAND_SZ, "\\SystemRoot\\System32\\drivers\\toaster.sys"]);
    expect(value(m2, CLASS_TOASTER, "UpperFilters")).toEqual([REG_MULTI_SZ, ["classupper"]]);
    expect(value(m2, ENUM_TOASTER, "Driver")).toEqual([REG_SZ, `${GUID_DEVCLASS_TOASTER}\\0000`]);
    expect(value(m2, `${CLASS_TOASTER}\\0000`, "DriverDesc")).toEqual([REG_SZ, "Microsoft Toaster"]);
    // No toaster package on the new machine: the device is installed already; its services' code is handed over by name.
    const log2: string[] = [];
    const b2 = busMachine(m2);
    const d = toasterDrivers(log2);
    for (const s of ["toaster", "upper", "lower", "classupper", "classlower"] as const) m2.pnp.registerDriverModule(s, d[s]);
    expect(() => m2.pnp.registerDriverModule("bad\\name", d.toaster)).toThrow(MachineUsageError);
    b2.bus.plug(m2, 1, [TOASTER_HWID]);
    m2.run();
    expect(added(log2)).toEqual(["lower AddDevice", "classlower AddDevice", "toaster AddDevice", "upper AddDevice", "classupper AddDevice"]);
    const n = m2.pnp.node(`${TOASTER_HWID}\\01`)!;
    expect([n.State, n.Service, n.DriverKeyName, n.Package]).toEqual([DeviceNodeStarted, "toaster", `${GUID_DEVCLASS_TOASTER}\\0000`, null]);
    // A second toaster still needs a package (no Enum key names its service): Code 28.
    b2.bus.plug(m2, 2, [TOASTER_HWID]);
    m2.run();
    expect(m2.pnp.node(`${TOASTER_HWID}\\02`)!.Problem).toBe(28);
  });
});

describe("PnP and the registry: IoOpenDeviceRegistryKey and DriverKeyName", () => {
  it("a driver opens its hardware key (Device Parameters) in AddDevice and its software key in START; values written there reach the host, and the host's reach the driver", () => {
    const { m, bus, log } = busMachine();
    const seen: Record<string, unknown> = {};
    m.registry.setValue(`${ENUM_TOASTER}\\Device Parameters`, "Preset", REG_DWORD, 7);
    installToaster(m, log, (drv) => {
      const add = drv.DriverExtension.AddDevice!;
      drv.DriverExtension.AddDevice = (d, pdo) => {
        const h = Out(0);
        seen.openDevice = IoOpenDeviceRegistryKey(pdo, PLUGPLAY_REGKEY_DEVICE, KEY_ALL_ACCESS, h);
        seen.set = ZwSetValueKey(h.value, "FromAddDevice", 0, REG_DWORD, [1, 0, 0, 0], 4);
        const buf = ExAllocatePool2(POOL_FLAG_PAGED, 64, POOL_TAG("test"));
        const len = Out(0);
        seen.query = ZwQueryValueKey(h.value, "Preset", KeyValuePartialInformation, buf, 64, len);
        seen.preset = ReadUlong(buf + 12);
        ExFreePool(buf);
        ZwClose(h.value);
        seen.bad = IoOpenDeviceRegistryKey(pdo, PLUGPLAY_REGKEY_DEVICE | PLUGPLAY_REGKEY_DRIVER, KEY_READ, h);
        return add(d, pdo);
      };
      const pnp = drv.MajorFunction[IRP_MJ_PNP]!;
      drv.MajorFunction[IRP_MJ_PNP] = (d, Irp) => {
        if (IoGetCurrentIrpStackLocation(Irp).MinorFunction === IRP_MN_START_DEVICE) {
          let pdo = d;
          while (pdo.AttachedTo !== null) pdo = pdo.AttachedTo;
          const h = Out(0);
          seen.openDriver = IoOpenDeviceRegistryKey(pdo, PLUGPLAY_REGKEY_DRIVER, KEY_ALL_ACCESS, h);
          ZwSetValueKey(h.value, "FromStart", 0, REG_SZ, "started", 16);
          ZwClose(h.value);
          const buf = ExAllocatePool2(POOL_FLAG_PAGED, 256, POOL_TAG("test"));
          const len = Out(0);
          seen.keyName = [IoGetDeviceProperty(pdo, DevicePropertyDriverKeyName, 256, buf, len), ReadWideString(buf), len.value];
          ExFreePool(buf);
        }
        return pnp(d, Irp);
      };
    });
    bus.plug(m, 1, [TOASTER_HWID]);
    m.run();
    expect(seen).toMatchObject({ openDevice: STATUS_SUCCESS, set: STATUS_SUCCESS, query: STATUS_SUCCESS, preset: 7, bad: STATUS_INVALID_PARAMETER, openDriver: STATUS_SUCCESS });
    const keyName = `${GUID_DEVCLASS_TOASTER}\\0000`;
    expect(seen.keyName).toEqual([STATUS_SUCCESS, keyName, (keyName.length + 1) * 2]);
    expect(value(m, `${ENUM_TOASTER}\\Device Parameters`, "FromAddDevice")).toEqual([REG_DWORD, 1]);
    expect(value(m, `${CLASS_TOASTER}\\0000`, "FromStart")).toEqual([REG_SZ, "started"]);
    // An interface instance has its own key under DeviceClasses.
    const n = m.pnp.node(`${TOASTER_HWID}\\01`)!;
    const link = n.Interfaces![0]!;
    m.runInKernel(() => {
      const h = Out(0);
      expect(IoOpenDeviceInterfaceRegistryKey(link, KEY_ALL_ACCESS, h)).toBe(STATUS_SUCCESS);
      ZwSetValueKey(h.value, "Iface", 0, REG_DWORD, [2, 0, 0, 0], 4);
      ZwClose(h.value);
    });
    const g = GUID_DEVINTERFACE_TOASTER.toLowerCase();
    expect(value(m, `${CCS}\\Control\\DeviceClasses\\${g}\\##?#${TOASTER_HWID.replace(/\\/g, "#")}#01#${g}\\#\\Device Parameters`, "Iface")).toEqual([REG_DWORD, 2]);
  });

  it("a device object that is not a PDO is bug check 0xCA (PNP_DETECTED_FATAL_ERROR, 2)", () => {
    const { m, bus, log } = busMachine();
    installToaster(m, log);
    bus.plug(m, 1, [TOASTER_HWID]);
    m.run();
    const data = expectBugCheck(m, PNP_DETECTED_FATAL_ERROR, () => m.runInKernel(() => IoOpenDeviceRegistryKey(bus.fdo!, PLUGPLAY_REGKEY_DEVICE, KEY_READ, Out(0))));
    expect(data.BugCheckParameter1).toBe(2);
    expect(data.BugCheckParameter2).toBe(bus.fdo!.address);
  });

  it("IoOpenDeviceRegistryKey is PASSIVE_LEVEL only: the checked flavor bug-checks 0xC4 with rule IrqlZwPassive", () => {
    const { m, bus, log } = busMachine(boot({ seed: 1, flavor: "checked" }));
    installToaster(m, log);
    bus.plug(m, 1, [TOASTER_HWID]);
    m.run();
    const pdo = bus.children[0]!.pdo!;
    const data = expectBugCheck(m, DRIVER_VERIFIER_DETECTED_VIOLATION, () =>
      m.runInKernel(() => {
        const old = Out(0);
        KeRaiseIrql(DISPATCH_LEVEL, old);
        IoOpenDeviceRegistryKey(pdo, PLUGPLAY_REGKEY_DEVICE, KEY_READ, Out(0));
        KeLowerIrql(old.value);
      }),
    );
    expect([data.BugCheckParameter1, data.BugCheckParameter2]).toEqual([VF_RULE_IRQL_ZW_PASSIVE, DISPATCH_LEVEL]);
    expect(data.explanation).toMatch(/IoOpenDeviceRegistryKey/);
  });
});
