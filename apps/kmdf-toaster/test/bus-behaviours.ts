/**
 * §3.2's bus behaviours, the same for the KMDF dynamic and static toaster buses, through enum.exe
 * and toast.exe (the WDM toaster's clients) over the KMDF simple function driver.
 */
import { expect, it } from "vitest";
import { boot, DeviceNodeStarted, MemoryTraceSink, PowerDeviceD1, PowerDeviceD2, PowerSystemSleeping3, PowerSystemWorking } from "@wdfjs/kernel";
import { ERROR_ACCESS_DENIED, ERROR_INVALID_PARAMETER, FILE_SHARE_READ, GENERIC_READ, INVALID_HANDLE_VALUE, OPEN_EXISTING, Win32Process } from "@wdfjs/win32";
import {
  BUS_HARDWARE_ID, BUSENUM_COMPATIBLE_ID, enumMain, GetDevicePaths, GUID_DEVCLASS_TOASTER, GUID_DEVINTERFACE_BUSENUM_TOASTER, GUID_DEVINTERFACE_TOASTER, toastMain,
} from "@wdfjs/sample-wdm-toaster";
import { Out, REG_DWORD, STATUS_SUCCESS, type DRIVER_OBJECT, type KWAIT_GENERATOR, type NTSTATUS } from "@wdfjs/kernel";
import {
  WDF_DRIVER_CONFIG, WDF_DRIVER_CONFIG_INIT, WDF_PNPPOWER_EVENT_CALLBACKS, WDF_PNPPOWER_EVENT_CALLBACKS_INIT, WdfDeviceCreate,
  WdfDeviceInitSetPnpPowerEventCallbacks, WdfDriverCreate, WdfFdoQueryForInterface, type PWDFDEVICE_INIT, type WDFDEVICE, type WDFDRIVER,
} from "@wdfjs/kmdf";
import { BUSENUM_ROOT_HWID } from "@wdfjs/sample-wdm-toaster";
import {
  BusDynamicDriverEntry, BusStaticDriverEntry, GUID_TOASTER_INTERFACE_STANDARD, installKmdfToaster, KmdfToasterLog, TOASTER_INTERFACE_STANDARD,
  TOASTER_INTERFACE_STANDARD_SIZE, type KmdfToasterBus,
} from "../src/index.js";

/**
 * The bus with a function driver that, like the featured toaster's SelfManagedIoInit, asks its
 * PDO for GUID_TOASTER_INTERFACE_STANDARD and calls the three routines.
 */
function queryInterfaceRig(bus: KmdfToasterBus) {
  const m = boot({ flavor: "checked" });
  const seen: string[] = [];
  function* SelfManagedIoInit(Device: WDFDEVICE): KWAIT_GENERATOR<NTSTATUS> {
    const iface = new TOASTER_INTERFACE_STANDARD();
    const status = yield* WdfFdoQueryForInterface(Device, GUID_TOASTER_INTERFACE_STANDARD, iface, TOASTER_INTERFACE_STANDARD_SIZE, 1, null);
    seen.push(`query ${status}`);
    if (status !== STATUS_SUCCESS) return STATUS_SUCCESS;
    const level = Out(0);
    seen.push(`get ${iface.GetCrispinessLevel!(iface.Context, level)} ${level.value}`);
    seen.push(`set ${iface.SetCrispinessLevel!(iface.Context, 8)}`);
    seen.push(`lock ${iface.IsSafetyLockEnabled!(iface.Context)}`);
    iface.InterfaceDereference!(iface.Context);
    return STATUS_SUCCESS;
  }
  function EvtDeviceAdd(_Driver: WDFDRIVER, DeviceInit: PWDFDEVICE_INIT): NTSTATUS {
    const cb = new WDF_PNPPOWER_EVENT_CALLBACKS();
    WDF_PNPPOWER_EVENT_CALLBACKS_INIT(cb);
    cb.EvtDeviceSelfManagedIoInit = SelfManagedIoInit;
    WdfDeviceInitSetPnpPowerEventCallbacks(DeviceInit, cb);
    return WdfDeviceCreate(Out(DeviceInit), null, Out<WDFDEVICE | null>(null));
  }
  const log = new KmdfToasterLog(false);
  m.installDriverPackage({
    service: "kmdfbus", hardwareIds: [{ id: BUSENUM_ROOT_HWID }], class: "System", framework: "KMDF",
    DriverEntry: bus === "dynamic" ? BusDynamicDriverEntry(log) : BusStaticDriverEntry(log),
  });
  m.installDriverPackage({
    service: "qitoaster", hardwareIds: [{ id: BUS_HARDWARE_ID }], class: "Toaster", classGuid: GUID_DEVCLASS_TOASTER, framework: "KMDF",
    DriverEntry: (DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS => {
      const config = new WDF_DRIVER_CONFIG();
      WDF_DRIVER_CONFIG_INIT(config, EvtDeviceAdd);
      return WdfDriverCreate(DriverObject, RegistryPath, null, config, null);
    },
  });
  m.registry.setValue("HKLM\\SYSTEM\\CurrentControlSet\\Enum\\ROOT\\SYSTEM\\0000\\Device Parameters", "NumberOfToasters", REG_DWORD, 1);
  m.pnp.createRootDevice({ hardwareIds: [BUSENUM_ROOT_HWID], class: "System" });
  m.run();
  return seen;
}

export function setUpBus(bus: KmdfToasterBus, numberOfToasters?: number, seed = 1) {
  const trace = new MemoryTraceSink();
  const m = boot({ seed, flavor: "checked", trace });
  const t = installKmdfToaster(m, { bus, numberOfToasters });
  const app = Win32Process.create(m, "enum.exe");
  const run = (...argv: string[]) => {
    const r = enumMain(app, argv);
    m.run();
    return r;
  };
  const toasters = () => {
    const out: string[] = [];
    for (let c = m.pnp.node(t.busInstance)!.Child; c !== null; c = c.Sibling) out.push(c.InstanceId);
    return out;
  };
  /** How many WDFDEVICEs entered a PnP state since the last call (the wdf.pnp-state trace). */
  let seen = 0;
  const entered = (state: string) => {
    let n = 0;
    for (; seen < trace.events.length; seen++) {
      const e = trace.events[seen]!;
      if (e.kind === "wdf.pnp-state" && (e.detail ?? "").endsWith(`-> ${state}`)) n++;
    }
    return n;
  };
  return { m, log: t.log, app, run, toasters, entered, busInstance: t.busInstance };
}

export function busBehaviours(bus: KmdfToasterBus) {
  it("enum -p 1: one PDO with instance 01, the KMDF function driver loads on it, the toaster interface appears, toast reads 0 bytes", () => {
    const { m, log, app, run, toasters } = setUpBus(bus);
    expect(run("-p", "1").output.at(-1)).toBe("Success!!!");
    expect(toasters()).toEqual(["01"]);
    expect(m.pnp.node(`${BUS_HARDWARE_ID}\\01`)!.State).toBe(DeviceNodeStarted);
    expect(log.lines).toContain("toaster ToasterEvtDeviceAdd");
    expect(GetDevicePaths(app, GUID_DEVINTERFACE_TOASTER)).toHaveLength(1);
    const r = toastMain(app, [], 1);
    expect(r.exitCode).toBe(0);
    expect(r.output.filter((l) => l.startsWith("Read"))).toEqual(["Read Successful (0 bytes)"]);
  });

  it("the PDO's IDs, device text and capabilities are the sample's", () => {
    const { m, run } = setUpBus(bus);
    run("-p", "3");
    const n = m.pnp.node(`${BUS_HARDWARE_ID}\\03`)!;
    expect(n.DeviceId).toBe(BUS_HARDWARE_ID);
    expect(n.InstanceId).toBe("03");
    expect(n.HardwareIds).toEqual([BUS_HARDWARE_ID]);
    expect(n.CompatibleIds).toEqual([BUSENUM_COMPATIBLE_ID]);
    expect(n.DeviceDescription).toBe("Microsoft_Eliyas_Toaster_03");
    expect(n.LocationInformation).toBe("Toaster Bus 0");
    expect(n.BusTypeGuid.toUpperCase()).toBe(GUID_DEVCLASS_TOASTER.toUpperCase());
    const caps = n.Capabilities!;
    expect([caps.Removable, caps.EjectSupported, caps.SurpriseRemovalOK, caps.Address, caps.UINumber]).toEqual([true, true, true, 3, 3]);
    expect([caps.DeviceD1, caps.WakeFromD1, caps.DeviceWake]).toEqual([true, true, PowerDeviceD1]);
    expect([caps.DeviceState[PowerSystemWorking], caps.DeviceState[PowerSystemSleeping3]]).toEqual([PowerDeviceD1, PowerDeviceD2]);
  });

  it("plugging serial 1 twice is ERROR_INVALID_PARAMETER; the first toaster stays", () => {
    const { run, toasters } = setUpBus(bus);
    run("-p", "1");
    const again = run("-p", "1");
    expect(again.exitCode).toBe(1);
    expect(again.output.at(-1)).toBe(`PlugIn failed:0x${ERROR_INVALID_PARAMETER.toString(16)}`);
    expect(toasters()).toEqual(["01"]);
  });

  it("unplug 1 surprise-removes the toaster (the function driver's FDO goes) and its interface; unplug 0 removes all", () => {
    const { app, run, toasters, entered } = setUpBus(bus);
    run("-p", "1");
    run("-p", "2");
    run("-p", "3");
    expect(toasters()).toEqual(["01", "02", "03"]);
    entered("");
    expect(run("-u", "1").exitCode).toBe(0);
    expect(toasters()).toEqual(["02", "03"]);
    // The KMDF function device and the KMDF PDO both took the surprise-removal path.
    expect(entered("WdfDevStatePnpSurpriseRemoveIoStarted")).toBe(2);
    expect(GetDevicePaths(app, GUID_DEVINTERFACE_TOASTER)).toHaveLength(2);
    expect(run("-u", "0").exitCode).toBe(0);
    expect(toasters()).toEqual([]);
    expect(GetDevicePaths(app, GUID_DEVINTERFACE_TOASTER)).toEqual([]);
  });

  it("eject 2 when absent is ERROR_INVALID_PARAMETER; eject 1 removes the toaster; eject 0 removes them all", () => {
    const { run, toasters } = setUpBus(bus);
    run("-p", "1");
    const r = run("-e", "2");
    expect(r.exitCode).toBe(1);
    expect(r.output.at(-1)).toContain(`0x${ERROR_INVALID_PARAMETER.toString(16)}`);
    expect(run("-e", "1").exitCode).toBe(0);
    expect(toasters()).toEqual([]);
    run("-p", "2");
    run("-p", "3");
    expect(run("-e", "0").exitCode).toBe(0);
    expect(toasters()).toEqual([]);
  });

  it("the bus FDO is exclusive: a second CreateFile while one handle is open is ERROR_ACCESS_DENIED", () => {
    const { app } = setUpBus(bus);
    const path = GetDevicePaths(app, GUID_DEVINTERFACE_BUSENUM_TOASTER)[0]!;
    const h = app.CreateFile(path, GENERIC_READ, 0, null, OPEN_EXISTING, 0, 0);
    expect(h).not.toBe(INVALID_HANDLE_VALUE);
    expect(app.CreateFile(path, GENERIC_READ, FILE_SHARE_READ, null, OPEN_EXISTING, 0, 0)).toBe(INVALID_HANDLE_VALUE);
    expect(app.GetLastError()).toBe(ERROR_ACCESS_DENIED);
    app.CloseHandle(h);
    const again = app.CreateFile(path, GENERIC_READ, 0, null, OPEN_EXISTING, 0, 0);
    expect(again).not.toBe(INVALID_HANDLE_VALUE);
    app.CloseHandle(again);
  });

  it("NumberOfToasters in the bus's device key plugs in that many toasters when the bus is added (at most 10)", () => {
    const two = setUpBus(bus, 2);
    expect(two.toasters()).toEqual(["01", "02"]);
    expect(GetDevicePaths(two.app, GUID_DEVINTERFACE_TOASTER)).toHaveLength(2);
    const many = setUpBus(bus, 12);
    expect(many.log.lines).toContain("bus Enumerating 10 toaster devices");
    expect(many.toasters()).toHaveLength(10);
    const none = setUpBus(bus);
    expect(none.toasters()).toEqual([]);
  });
}


export function queryInterfaceBehaviour(bus: KmdfToasterBus) {
  it("the toaster PDO answers GUID_TOASTER_INTERFACE_STANDARD: crispiness 10, set accepted, safety lock on", () => {
    expect(queryInterfaceRig(bus)).toEqual([`query ${STATUS_SUCCESS}`, "get true 10", "set true", "lock true"]);
  });

  it("a toaster unplugged can be plugged in again with the same serial", () => {
    const { run, toasters } = setUpBus(bus);
    run("-p", "4");
    expect(run("-u", "4").exitCode).toBe(0);
    expect(toasters()).toEqual([]);
    expect(run("-p", "4").exitCode).toBe(0);
    expect(toasters()).toEqual(["04"]);
  });
}
