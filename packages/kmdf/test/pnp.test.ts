import { describe, expect, it } from "vitest";
import {
  boot, CTL_CODE, MemoryTraceSink, DO_BUFFERED_IO, DO_DIRECT_IO, ExFreePool, FILE_ANY_ACCESS, FILE_DEVICE_UNKNOWN, IoGetDeviceInterfaces, METHOD_BUFFERED, NT_SUCCESS, Out, ReadMultiSz,
  STATUS_INSUFFICIENT_RESOURCES, STATUS_SUCCESS, WriteBytes, type DEVICE_OBJECT, type DRIVER_OBJECT, type Machine, type NTSTATUS,
} from "@wdfjs/kernel";
import { FxObjectHandleGetPtr, FX_TYPE_DEVICE, type FxDevice } from "@wdfjs/framework";
import { GENERIC_READ, GENERIC_WRITE, OPEN_EXISTING, Win32Process } from "@wdfjs/win32";
import {
  WDF_DRIVER_CONFIG, WDF_DRIVER_CONFIG_INIT, WDF_IO_QUEUE_CONFIG, WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE, WDF_OBJECT_ATTRIBUTES,
  WDF_OBJECT_ATTRIBUTES_INIT, WDF_PNPPOWER_EVENT_CALLBACKS, WDF_PNPPOWER_EVENT_CALLBACKS_INIT, WdfDevStatePnpFinal, WdfDevStatePnpInit, WdfDevStatePnpEnableInterfaces, WdfDevStatePnpQueryRemovePending, WdfDevStatePnpStartedRemoving,
  WdfDevStatePnpRemovingDisableInterfaces, WdfDevStatePnpRemoved, WdfDevStatePnpFdoRemoved, WdfDevStatePnpQueryRemoveEnsureDeviceAwake, WdfDevStatePnpQueriedRemoving, WdfDevStatePnpRemovedChildrenRemoved,
  WdfDevStatePnpStarted, WdfDeviceCreate, WdfDeviceCreateDeviceInterface, WdfDeviceGetDevicePnpState, WdfDeviceInitSetPnpPowerEventCallbacks,
  WdfDeviceWdmGetAttachedDevice, WdfDeviceWdmGetDeviceObject, WdfDeviceWdmGetPhysicalDevice, WdfDriverCreate, WdfFdoInitSetFilter,
  WdfFdoInitWdmGetPhysicalDevice, WdfIoQueueCreate, WdfIoQueueDispatchSequential, WdfPowerDeviceD3Final, WdfRequestCompleteWithInformation,
  WdfRequestRetrieveOutputBuffer, WdfObjectDelete, type PWDFDEVICE_INIT, type WDFDEVICE, type WDFDRIVER, type WDFQUEUE, type WDFREQUEST,
} from "../src/index.js";

/*
 * A KMDF function driver on a root-enumerated device, written as a WDK KMDF driver is: DriverEntry
 * with WdfDriverCreate and EvtDriverDeviceAdd, which sets the PnP/power callbacks, creates the
 * device, a default queue and a device interface. Installed with framework "WDM": the kernel's
 * driver package knows only that type; the DriverEntry is a KMDF one all the same.
 */
const GUID_DEVINTERFACE_KPNP = "{8a4b5c6d-1111-2222-3333-444455556666}";
const IOCTL_KPNP_HELLO = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x800, METHOD_BUFFERED, FILE_ANY_ACCESS);

interface Log {
  events: string[];
  pdo: DEVICE_OBJECT | null;
  device: WDFDEVICE | null;
  init: PWDFDEVICE_INIT;
  failPrepare?: NTSTATUS;
}

function kmdfFunctionDriver(log: Log, name = "kpnp", filter = false) {
  function respond(Request: WDFREQUEST, text: string): void {
    const buf = Out(0);
    const len = Out(0);
    const st = WdfRequestRetrieveOutputBuffer(Request, 1, buf, len);
    if (!NT_SUCCESS(st)) return WdfRequestCompleteWithInformation(Request, st, 0);
    const bytes = new TextEncoder().encode(text).subarray(0, len.value);
    WriteBytes(buf.value, bytes);
    WdfRequestCompleteWithInformation(Request, STATUS_SUCCESS, bytes.length);
  }

  function EvtDeviceAdd(_Driver: WDFDRIVER, DeviceInit: PWDFDEVICE_INIT): NTSTATUS {
    log.pdo = WdfFdoInitWdmGetPhysicalDevice(DeviceInit);
    log.init = DeviceInit;
    log.events.push(`${name} EvtDriverDeviceAdd`);
    if (filter) WdfFdoInitSetFilter(DeviceInit);
    const pnp = new WDF_PNPPOWER_EVENT_CALLBACKS();
    WDF_PNPPOWER_EVENT_CALLBACKS_INIT(pnp);
    const ev = (what: string) => log.events.push(`${name} ${what}`);
    pnp.EvtDevicePrepareHardware = (d) => (ev(`PrepareHardware ${d === log.device}`), log.failPrepare ?? STATUS_SUCCESS);
    pnp.EvtDeviceD0Entry = (_d, prev) => (ev(`D0Entry ${prev === WdfPowerDeviceD3Final ? "D3Final" : prev}`), STATUS_SUCCESS);
    pnp.EvtDeviceSelfManagedIoInit = () => (ev("SelfManagedIoInit"), STATUS_SUCCESS);
    pnp.EvtDeviceD0Exit = (_d, target) => (ev(`D0Exit ${target === WdfPowerDeviceD3Final ? "D3Final" : target}`), STATUS_SUCCESS);
    pnp.EvtDeviceReleaseHardware = () => (ev("ReleaseHardware"), STATUS_SUCCESS);
    pnp.EvtDeviceSelfManagedIoFlush = () => ev("SelfManagedIoFlush");
    pnp.EvtDeviceSelfManagedIoCleanup = () => ev("SelfManagedIoCleanup");
    pnp.EvtDeviceSurpriseRemoval = () => ev("SurpriseRemoval");
    WdfDeviceInitSetPnpPowerEventCallbacks(DeviceInit, pnp);
    const attributes = new WDF_OBJECT_ATTRIBUTES();
    WDF_OBJECT_ATTRIBUTES_INIT(attributes);
    attributes.EvtCleanupCallback = () => ev("device cleanup");
    const device = Out<WDFDEVICE | null>(null);
    let status = WdfDeviceCreate(Out(DeviceInit), attributes, device);
    if (!NT_SUCCESS(status)) return status;
    log.device = device.value;
    if (filter) return STATUS_SUCCESS;
    const config = new WDF_IO_QUEUE_CONFIG();
    WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(config, WdfIoQueueDispatchSequential);
    config.EvtIoRead = (_q, Request) => respond(Request, `${name} read`);
    config.EvtIoDeviceControl = (_q, Request, _o, _i, code) => respond(Request, code === IOCTL_KPNP_HELLO ? `${name} hello` : "?");
    status = WdfIoQueueCreate(device.value!, config, null, Out<WDFQUEUE | null>(null));
    if (!NT_SUCCESS(status)) return status;
    return WdfDeviceCreateDeviceInterface(device.value!, GUID_DEVINTERFACE_KPNP, null);
  }

  return function DriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS {
    const config = new WDF_DRIVER_CONFIG();
    WDF_DRIVER_CONFIG_INIT(config, EvtDeviceAdd);
    return WdfDriverCreate(DriverObject, RegistryPath, null, config, null);
  };
}

function newLog(): Log {
  return { events: [], pdo: null, device: null, init: null };
}

function install(m: Machine, log: Log, upperFilter?: Log): string {
  if (upperFilter !== undefined) m.pnp.installFilterService({ service: "kfilter", DriverEntry: kmdfFunctionDriver(upperFilter, "kfilter", true) });
  m.installDriverPackage({
    service: "kpnp", hardwareIds: [{ id: "root\\kpnp" }], class: "System", framework: "WDM", DriverEntry: kmdfFunctionDriver(log),
    ...(upperFilter !== undefined ? { upperFilters: ["kfilter"] } : {}),
  });
  return m.pnp.createRootDevice({ hardwareIds: ["root\\kpnp"], class: "System" });
}

function interfaces(m: Machine): string[] {
  return m.runInKernel(() => {
    const list = Out(0);
    expect(IoGetDeviceInterfaces(GUID_DEVINTERFACE_KPNP, null, 0, list)).toBe(STATUS_SUCCESS);
    const r = ReadMultiSz(list.value);
    ExFreePool(list.value);
    return r;
  });
}

function win32Path(link: string): string {
  return link.replace(/^\\\?\?\\/, "\\\\?\\");
}

function readAndIoctl(m: Machine, link: string): string[] {
  const app = Win32Process.create(m, "kpnpapp.exe");
  const h = app.CreateFile(win32Path(link), GENERIC_READ | GENERIC_WRITE, 0, null, OPEN_EXISTING, 0, 0);
  const out = app.alloc(64);
  const n = Out(0);
  expect(app.ReadFile(h, out, 64, n, null)).toBe(true);
  const read = new TextDecoder().decode(app.ReadMemory(out, n.value));
  expect(app.DeviceIoControl(h, IOCTL_KPNP_HELLO, 0, 0, out, 64, n, null)).toBe(true);
  const ioctl = new TextDecoder().decode(app.ReadMemory(out, n.value));
  expect(app.CloseHandle(h)).toBe(true);
  return [read, ioctl];
}

describe("KMDF PnP: a function driver over a root-enumerated PDO", () => {
  it("EvtDriverDeviceAdd gets an FDO init for the PDO; the device is attached over it, started in the reference's order, its interface enabled", () => {
    const m = boot();
    const log = newLog();
    const path = install(m, log);
    const node = m.pnp.node(path)!;
    expect(log.pdo).toBe(node.PhysicalDeviceObject);
    expect(log.events).toEqual(["kpnp EvtDriverDeviceAdd", "kpnp PrepareHardware true", "kpnp D0Entry D3Final", "kpnp SelfManagedIoInit"]);
    const device = log.device!;
    m.runInKernel(() => {
      expect(WdfDeviceWdmGetPhysicalDevice(device)).toBe(node.PhysicalDeviceObject);
      expect(WdfDeviceWdmGetAttachedDevice(device)).toBe(node.PhysicalDeviceObject);
      expect(WdfDeviceWdmGetDeviceObject(device)!.AttachedDevice).toBe(null);
      expect(node.PhysicalDeviceObject.AttachedDevice).toBe(WdfDeviceWdmGetDeviceObject(device));
      expect(WdfDeviceGetDevicePnpState(device)).toBe(WdfDevStatePnpStarted);
    });
    expect(interfaces(m)).toHaveLength(1);
  });

  it("a Win32 client opens the device interface and gets a read and an IOCTL through the default queue", () => {
    const m = boot();
    const log = newLog();
    install(m, log);
    expect(readAndIoctl(m, interfaces(m)[0]!)).toEqual(["kpnp read", "kpnp hello"]);
  });

  it("an orderly removal: D0Exit(D3Final), ReleaseHardware, SelfManagedIoFlush, SelfManagedIoCleanup, then the WDFDEVICE's cleanup; the interface goes", () => {
    const m = boot();
    const log = newLog();
    const path = install(m, log);
    log.events.length = 0;
    expect(m.pnp.removeDevice(path)).toBe(STATUS_SUCCESS);
    expect(log.events).toEqual(["kpnp D0Exit D3Final", "kpnp ReleaseHardware", "kpnp SelfManagedIoFlush", "kpnp SelfManagedIoCleanup", "kpnp device cleanup"]);
    expect(interfaces(m)).toEqual([]);
  });

  it("a surprise removal: EvtDeviceSurpriseRemoval first, then the same teardown; the device is deleted at REMOVE_DEVICE", () => {
    const m = boot();
    const log = newLog();
    const path = install(m, log);
    log.events.length = 0;
    expect(m.pnp.deleteRootDevice(path)).toBe(true);
    expect(log.events).toEqual([
      "kpnp SurpriseRemoval", "kpnp D0Exit D3Final", "kpnp ReleaseHardware", "kpnp SelfManagedIoFlush", "kpnp SelfManagedIoCleanup", "kpnp device cleanup",
    ]);
  });

  it("surprise-removed with a handle open: the teardown runs at once, SelfManagedIoCleanup and the WDFDEVICE's deletion wait for the last close", () => {
    const m = boot();
    const log = newLog();
    const path = install(m, log);
    const app = Win32Process.create(m, "kpnpapp.exe");
    const h = app.CreateFile(win32Path(interfaces(m)[0]!), GENERIC_READ, 0, null, OPEN_EXISTING, 0, 0);
    log.events.length = 0;
    expect(m.pnp.deleteRootDevice(path)).toBe(true);
    expect(log.events).toEqual(["kpnp SurpriseRemoval", "kpnp D0Exit D3Final", "kpnp ReleaseHardware", "kpnp SelfManagedIoFlush"]);
    expect(interfaces(m)).toEqual([]);
    expect(app.CloseHandle(h)).toBe(true);
    m.run();
    expect(log.events.slice(4)).toEqual(["kpnp SelfManagedIoCleanup", "kpnp device cleanup"]);
  });

  it("the PnP state goes Init → … → Started → … → Final, traced on each transition; WdfObjectDelete on a PnP device is refused", () => {
    const trace = new MemoryTraceSink();
    const m = boot({ trace });
    const log = newLog();
    const path = install(m, log);
    const device = log.device!;
    const fx = m.runInKernel(() => {
      WdfObjectDelete(device);
      expect(WdfDeviceGetDevicePnpState(device)).toBe(WdfDevStatePnpStarted);
      return FxObjectHandleGetPtr(device, FX_TYPE_DEVICE) as FxDevice;
    });
    expect(trace.events.filter((e) => e.kind === "wdf.delete-refused")).toHaveLength(1);
    expect(m.pnp.removeDevice(path)).toBe(STATUS_SUCCESS);
    // pnpstatemachine.cpp: QUERY_REMOVE passes the static check, asks the driver, makes sure of D0;
    // REMOVE stops power policy, releases the hardware, then the removed states; the ring keeps the last 8.
    expect(fx.pnp!.history).toEqual([
      WdfDevStatePnpQueryRemoveEnsureDeviceAwake, WdfDevStatePnpQueryRemovePending, WdfDevStatePnpQueriedRemoving,
      WdfDevStatePnpRemovingDisableInterfaces, WdfDevStatePnpRemoved, WdfDevStatePnpRemovedChildrenRemoved, WdfDevStatePnpFdoRemoved, WdfDevStatePnpFinal,
    ]);
    const states = trace.events.filter((e) => e.kind === "wdf.pnp-state").map((e) => (e.detail ?? "").replace(/^.*: /, ""));
    expect(states.slice(0, 5)).toEqual([
      "WdfDevStatePnpObjectCreated -> WdfDevStatePnpInit", "WdfDevStatePnpInit -> WdfDevStatePnpInitStarting",
      "WdfDevStatePnpInitStarting -> WdfDevStatePnpHardwareAvailable", "WdfDevStatePnpHardwareAvailable -> WdfDevStatePnpEnableInterfaces",
      "WdfDevStatePnpEnableInterfaces -> WdfDevStatePnpStarted",
    ]);
    expect(states.at(-1)).toBe("WdfDevStatePnpFdoRemoved -> WdfDevStatePnpFinal");
    expect(WdfDevStatePnpInit).toBe(0x105);
  });
});

describe("KMDF PnP: a start that fails", () => {
  it("EvtDevicePrepareHardware failing fails START_DEVICE: no D0Entry, no interface; the PnP manager removes the device and its cleanup runs", () => {
    const m = boot();
    const log = newLog();
    log.failPrepare = STATUS_INSUFFICIENT_RESOURCES;
    const path = install(m, log);
    expect(log.events).toEqual(["kpnp EvtDriverDeviceAdd", "kpnp PrepareHardware true", "kpnp device cleanup"]);
    expect(m.pnp.node(path)!.Problem).not.toBe(0);
    expect(interfaces(m)).toEqual([]);
  });
});

describe("KMDF PnP: a filter", () => {
  it("a KMDF upper filter made with WdfFdoInitSetFilter is added above the function device and passes create, read, IOCTL and close down to the function driver's queue", () => {
    const m = boot();
    const log = newLog();
    const filterLog = newLog();
    install(m, log, filterLog);
    expect(log.events.slice(0, 1)).toEqual(["kpnp EvtDriverDeviceAdd"]);
    expect(filterLog.events).toEqual(["kfilter EvtDriverDeviceAdd", "kfilter PrepareHardware true", "kfilter D0Entry D3Final", "kfilter SelfManagedIoInit"]);
    m.runInKernel(() => {
      const below = WdfDeviceWdmGetDeviceObject(log.device!)!;
      expect(WdfDeviceWdmGetAttachedDevice(filterLog.device!)).toBe(below);
      expect(WdfDeviceWdmGetDeviceObject(filterLog.device!)!.Flags & (DO_BUFFERED_IO | DO_DIRECT_IO)).toBe(below.Flags & (DO_BUFFERED_IO | DO_DIRECT_IO));
    });
    expect(readAndIoctl(m, interfaces(m)[0]!)).toEqual(["kpnp read", "kpnp hello"]);
  });
});
