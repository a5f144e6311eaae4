import { describe, expect, it } from "vitest";
import {
  boot, CTL_CODE, DISPATCH_LEVEL, FILE_ANY_ACCESS, FILE_DEVICE_UNKNOWN, KeLowerIrql, KeRaiseIrql, METHOD_BUFFERED, MemoryTraceSink, Out,
  DO_BUFFERED_IO, DO_DEVICE_INITIALIZING, DO_EXCLUSIVE, NT_SUCCESS, STATUS_INVALID_DEVICE_REQUEST,
  STATUS_INVALID_PARAMETER, STATUS_OBJECT_NAME_COLLISION, STATUS_SUCCESS, type DRIVER_OBJECT, type Machine, type NTSTATUS,
} from "@wdfjs/kernel";
import { ERROR_ACCESS_DENIED, ERROR_FILE_NOT_FOUND, ERROR_INVALID_FUNCTION, GENERIC_READ, GENERIC_WRITE, OPEN_EXISTING, Win32Process } from "@wdfjs/win32";
import { STATUS_DRIVER_INTERNAL_ERROR, STATUS_WDF_PARENT_ASSIGNMENT_NOT_ALLOWED } from "@wdfjs/framework";
import {
  WDF_DECLARE_CONTEXT_TYPE_WITH_NAME, WDF_DRIVER_CONFIG, WDF_DRIVER_CONFIG_INIT, WDF_OBJECT_ATTRIBUTES, WDF_OBJECT_ATTRIBUTES_INIT,
  WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE, WdfControlDeviceInitAllocate, WdfControlFinishInitializing, WdfDeviceCreate, WdfDeviceCreateSymbolicLink,
  WdfDeviceInitAssignName, WdfDeviceInitFree, WdfDeviceInitSetExclusive, WdfDeviceInitSetIoType, WdfDeviceIoBuffered, WdfDeviceWdmGetDeviceObject,
  WdfDriverCreate, WdfDriverGetRegistryPath, WdfDriverInitNonPnpDriver, WdfDriverWdmGetDriverObject, WdfGetDriver, WdfObjectContextGetObject,
  WdfObjectCreate, WdfObjectDelete, type PWDFDEVICE_INIT, type WDFDEVICE, type WDFDRIVER, type WDFOBJECT,
} from "../src/index.js";

/*
 * A KMDF non-PnP driver written as the WDK's nonpnp sample's DriverEntry is (general/ioctl/kmdf/sys/nonpnp.c):
 * WdfDriverCreate with WdfDriverInitNonPnpDriver and an unload callback, then a control device
 * \Device\NONPNP, exclusive, buffered, with a typed context and the link \DosDevices\NONPNP.
 */
class CONTROL_DEVICE_EXTENSION {
  Opened = 0;
}
const ControlGetData = WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(CONTROL_DEVICE_EXTENSION, "ControlGetData");

const IOCTL_NONPNP_METHOD_BUFFERED = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x902, METHOD_BUFFERED, FILE_ANY_ACCESS);

interface Log {
  events: string[];
  driver: WDFDRIVER | null;
  device: WDFDEVICE | null;
  orphan: WDFOBJECT | null;
}

function makeNonPnp(log: Log) {
  function NonPnpEvtDriverUnload(Driver: WDFDRIVER): void {
    log.events.push(`unload ${Driver === log.driver}`);
  }

  function NonPnpDeviceAdd(Driver: WDFDRIVER, DeviceInit: { value: PWDFDEVICE_INIT }): NTSTATUS {
    let status = WdfDeviceInitAssignName(DeviceInit.value, "\\Device\\NONPNP");
    if (!NT_SUCCESS(status)) {
      WdfDeviceInitFree(DeviceInit.value);
      return status;
    }
    WdfDeviceInitSetExclusive(DeviceInit.value, true);
    WdfDeviceInitSetIoType(DeviceInit.value, WdfDeviceIoBuffered);
    const attributes = new WDF_OBJECT_ATTRIBUTES();
    WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(attributes, CONTROL_DEVICE_EXTENSION);
    attributes.EvtCleanupCallback = () => log.events.push("device cleanup");
    const device = Out<WDFDEVICE | null>(null);
    status = WdfDeviceCreate(DeviceInit, attributes, device);
    if (!NT_SUCCESS(status)) {
      WdfDeviceInitFree(DeviceInit.value);
      return status;
    }
    status = WdfDeviceCreateSymbolicLink(device.value!, "\\DosDevices\\NONPNP");
    if (!NT_SUCCESS(status)) {
      WdfObjectDelete(device.value!);
      return status;
    }
    WdfControlFinishInitializing(device.value!);
    log.device = device.value;
    void Driver;
    return STATUS_SUCCESS;
  }

  return function DriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS {
    const config = new WDF_DRIVER_CONFIG();
    WDF_DRIVER_CONFIG_INIT(config, null);
    config.DriverInitFlags |= WdfDriverInitNonPnpDriver;
    config.EvtDriverUnload = NonPnpEvtDriverUnload;
    const attributes = new WDF_OBJECT_ATTRIBUTES();
    WDF_OBJECT_ATTRIBUTES_INIT(attributes);
    attributes.EvtCleanupCallback = () => log.events.push("driver cleanup");
    const driver = Out<WDFDRIVER | null>(null);
    let status = WdfDriverCreate(DriverObject, RegistryPath, attributes, config, driver);
    if (!NT_SUCCESS(status)) return status;
    log.driver = driver.value;

    // An object created without a parent: its default parent is the driver.
    const orphanAttributes = new WDF_OBJECT_ATTRIBUTES();
    WDF_OBJECT_ATTRIBUTES_INIT(orphanAttributes);
    orphanAttributes.EvtCleanupCallback = () => log.events.push("object cleanup");
    const orphan = Out<WDFOBJECT | null>(null);
    WdfObjectCreate(orphanAttributes, orphan);
    log.orphan = orphan.value;

    const init = Out<PWDFDEVICE_INIT>(WdfControlDeviceInitAllocate(driver.value!, "D:P(A;;GA;;;SY)(A;;GA;;;BA)"));
    if (init.value === null) return STATUS_INVALID_PARAMETER;
    status = NonPnpDeviceAdd(driver.value!, init);
    return status;
  };
}

function load(machine: Machine): Log {
  const log: Log = { events: [], driver: null, device: null, orphan: null };
  expect(machine.loadDriver("nonpnp", makeNonPnp(log))).toBe(STATUS_SUCCESS);
  return log;
}

describe("KMDF non-PnP driver with a control device", () => {
  it("opens exclusively, fails I/O without queues, closes", () => {
    const machine = boot({ seed: 1 });
    load(machine);
    const app = Win32Process.create(machine, "nonpnpapp.exe");
    const h = app.CreateFile("\\\\.\\NONPNP", GENERIC_READ | GENERIC_WRITE, 0, null, OPEN_EXISTING, 0, 0);
    expect(h).not.toBe(-1);

    const second = app.CreateFile("\\\\.\\NONPNP", GENERIC_READ | GENERIC_WRITE, 0, null, OPEN_EXISTING, 0, 0);
    expect(second).toBe(-1);
    expect(app.GetLastError()).toBe(ERROR_ACCESS_DENIED);

    const input = app.alloc(200);
    const output = app.alloc(100);
    const bytes = Out(0);
    expect(app.DeviceIoControl(h, IOCTL_NONPNP_METHOD_BUFFERED, input, 200, output, 100, bytes, null)).toBe(false);
    expect(app.GetLastError()).toBe(ERROR_INVALID_FUNCTION);

    expect(app.CloseHandle(h)).toBe(true);
    // Closed: the device may be opened again.
    const again = app.CreateFile("\\\\.\\NONPNP", GENERIC_READ, 0, null, OPEN_EXISTING, 0, 0);
    expect(again).not.toBe(-1);
    expect(app.CloseHandle(again)).toBe(true);
  });

  it("creates the device object as the init said, with the driver's handles reachable", () => {
    const machine = boot({ seed: 2 });
    const log = load(machine);
    machine.runInKernel(() => {
      const d = WdfDeviceWdmGetDeviceObject(log.device!)!;
      expect(d.Flags & (DO_BUFFERED_IO | DO_EXCLUSIVE)).toBe(DO_BUFFERED_IO | DO_EXCLUSIVE);
      expect(d.Flags & DO_DEVICE_INITIALIZING).toBe(0);
      expect(d.DeviceType).toBe(FILE_DEVICE_UNKNOWN);
      const driverObject = WdfDriverWdmGetDriverObject(log.driver!)!;
      expect(driverObject.DriverName).toBe("\\Driver\\nonpnp");
      expect(d.DriverObject).toBe(driverObject);
      expect(WdfDriverGetRegistryPath(log.driver!)).toMatch(/Services\\nonpnp$/i);
      expect(WdfGetDriver()).toBe(log.driver);
      // The typed context: reachable from the handle, and back.
      const context = ControlGetData(log.device!);
      expect(context).toBeInstanceOf(CONTROL_DEVICE_EXTENSION);
      expect(WdfObjectContextGetObject(context)).toBe(log.device);
      // The driver is the framework's: WdfObjectDelete does not delete it.
      WdfObjectDelete(log.driver!);
      expect(WdfDriverWdmGetDriverObject(log.driver!)).toBe(driverObject);
    });
  });

  it("unload: EvtDriverUnload, then cleanup of the orphan object and the device before the driver; the name goes", () => {
    const machine = boot({ seed: 3 });
    const log = load(machine);
    machine.unloadDriver("nonpnp");
    // The driver's children are cleaned up in creation order (the object was made first), all before the driver.
    expect(log.events).toEqual(["unload true", "object cleanup", "device cleanup", "driver cleanup"]);
    const app = Win32Process.create(machine, "nonpnpapp.exe");
    expect(app.CreateFile("\\\\.\\NONPNP", GENERIC_READ, 0, null, OPEN_EXISTING, 0, 0)).toBe(-1);
    expect(app.GetLastError()).toBe(ERROR_FILE_NOT_FOUND);
  });

  it("WdfObjectDelete on the control device removes its link and device object", () => {
    const machine = boot({ seed: 4 });
    const log = load(machine);
    machine.runInKernel(() => WdfObjectDelete(log.device!));
    expect(log.events).toEqual(["device cleanup"]);
    const app = Win32Process.create(machine, "nonpnpapp.exe");
    expect(app.CreateFile("\\\\.\\NONPNP", GENERIC_READ, 0, null, OPEN_EXISTING, 0, 0)).toBe(-1);
    expect(app.GetLastError()).toBe(ERROR_FILE_NOT_FOUND);
    machine.unloadDriver("nonpnp");
    expect(log.events).toEqual(["device cleanup", "unload true", "object cleanup", "driver cleanup"]);
  });

  it("a control device created after DriverEntry cannot be opened until WdfControlFinishInitializing", () => {
    const machine = boot({ seed: 5 });
    let driver: WDFDRIVER | null = null;
    machine.loadDriver("ctl", (DriverObject, RegistryPath) => {
      const config = new WDF_DRIVER_CONFIG();
      WDF_DRIVER_CONFIG_INIT(config, null);
      config.DriverInitFlags = WdfDriverInitNonPnpDriver;
      const out = Out<WDFDRIVER | null>(null);
      const status = WdfDriverCreate(DriverObject, RegistryPath, null, config, out);
      driver = out.value;
      return status;
    });
    // The I/O manager clears DO_DEVICE_INITIALIZING only for devices made in DriverEntry.
    const device = machine.runInKernel(() => {
      const init = Out<PWDFDEVICE_INIT>(WdfControlDeviceInitAllocate(driver!, "D:P"));
      expect(WdfDeviceInitAssignName(init.value, "\\Device\\Ctl")).toBe(STATUS_SUCCESS);
      const out = Out<WDFDEVICE | null>(null);
      expect(WdfDeviceCreate(init, null, out)).toBe(STATUS_SUCCESS);
      expect(init.value).toBeNull(); // consumed
      expect(WdfDeviceCreateSymbolicLink(out.value!, "\\DosDevices\\Ctl")).toBe(STATUS_SUCCESS);
      return out.value!;
    });
    const app = Win32Process.create(machine, "app.exe");
    expect(app.CreateFile("\\\\.\\Ctl", GENERIC_READ, 0, null, OPEN_EXISTING, 0, 0)).toBe(-1);
    machine.runInKernel(() => WdfControlFinishInitializing(device));
    const h = app.CreateFile("\\\\.\\Ctl", GENERIC_READ, 0, null, OPEN_EXISTING, 0, 0);
    expect(h).not.toBe(-1);
    // Not exclusive: a second open succeeds.
    const h2 = app.CreateFile("\\\\.\\Ctl", GENERIC_READ, 0, null, OPEN_EXISTING, 0, 0);
    expect(h2).not.toBe(-1);
    expect(app.CloseHandle(h)).toBe(true);
    expect(app.CloseHandle(h2)).toBe(true);
  });
});

describe("WdfDriverCreate refusals", () => {
  it("a second WdfDriverCreate is STATUS_DRIVER_INTERNAL_ERROR; a non-PnP driver with EvtDriverDeviceAdd is STATUS_INVALID_PARAMETER", () => {
    const machine = boot({ seed: 6 });
    const statuses: NTSTATUS[] = [];
    machine.loadDriver("twice", (DriverObject, RegistryPath) => {
      const bad = new WDF_DRIVER_CONFIG();
      WDF_DRIVER_CONFIG_INIT(bad, () => STATUS_SUCCESS);
      bad.DriverInitFlags = WdfDriverInitNonPnpDriver;
      statuses.push(WdfDriverCreate(DriverObject, RegistryPath, null, bad, null));
      const config = new WDF_DRIVER_CONFIG();
      statuses.push(WdfDriverCreate(DriverObject, RegistryPath, null, config, null)); // Size 0
      WDF_DRIVER_CONFIG_INIT(config, null);
      config.DriverInitFlags = WdfDriverInitNonPnpDriver;
      statuses.push(WdfDriverCreate(DriverObject, RegistryPath, null, config, null));
      statuses.push(WdfDriverCreate(DriverObject, RegistryPath, null, config, null));
      return STATUS_SUCCESS;
    });
    expect(statuses).toEqual([STATUS_INVALID_PARAMETER, 0xc0000004 | 0, STATUS_SUCCESS, STATUS_DRIVER_INTERNAL_ERROR]);
  });
});

describe("WdfDeviceCreate refusals", () => {
  it("a name already taken fails the create without the driver's callbacks and leaves the init to free; a parent is not allowed", () => {
    const machine = boot({ seed: 8 });
    const log = load(machine);
    machine.runInKernel(() => {
      const init = Out<PWDFDEVICE_INIT>(WdfControlDeviceInitAllocate(log.driver!, "D:P"));
      expect(WdfDeviceInitAssignName(init.value, "\\Device\\NONPNP")).toBe(STATUS_SUCCESS);
      const attributes = new WDF_OBJECT_ATTRIBUTES();
      WDF_OBJECT_ATTRIBUTES_INIT(attributes);
      attributes.EvtCleanupCallback = () => log.events.push("failed device cleanup");
      attributes.ParentObject = log.device;
      const device = Out<WDFDEVICE | null>(null);
      expect(WdfDeviceCreate(init, attributes, device)).toBe(STATUS_WDF_PARENT_ASSIGNMENT_NOT_ALLOWED);
      attributes.ParentObject = null;
      expect(WdfDeviceCreate(init, attributes, device)).toBe(STATUS_OBJECT_NAME_COLLISION);
      expect(device.value).toBeNull();
      expect(init.value).not.toBeNull();
      WdfDeviceInitFree(init.value);
    });
    machine.unloadDriver("nonpnp");
    expect(log.events).toEqual(["unload true", "object cleanup", "device cleanup", "driver cleanup"]);
  });
});

describe("IRQL checks (KMDF verifier, checked flavor)", () => {
  it("WdfDeviceCreate above PASSIVE_LEVEL fails with STATUS_INVALID_DEVICE_REQUEST and is traced; the free flavor does not check", () => {
    for (const flavor of ["checked", "free"] as const) {
      const trace = new MemoryTraceSink();
      const machine = boot({ seed: 7, flavor, trace });
      let status: NTSTATUS = -1;
      machine.loadDriver("irql", (DriverObject, RegistryPath) => {
        const config = new WDF_DRIVER_CONFIG();
        WDF_DRIVER_CONFIG_INIT(config, null);
        config.DriverInitFlags = WdfDriverInitNonPnpDriver;
        const driver = Out<WDFDRIVER | null>(null);
        WdfDriverCreate(DriverObject, RegistryPath, null, config, driver);
        const init = Out<PWDFDEVICE_INIT>(WdfControlDeviceInitAllocate(driver.value!, "D:P"));
        const old = Out(0);
        KeRaiseIrql(DISPATCH_LEVEL, old);
        const device = Out<WDFDEVICE | null>(null);
        status = WdfDeviceCreate(init, null, device);
        KeLowerIrql(old.value);
        if (init.value !== null) WdfDeviceInitFree(init.value);
        return STATUS_SUCCESS;
      });
      const traced = trace.events.filter((e) => e.kind === "wdf.wrong-irql");
      if (flavor === "checked") {
        expect(status).toBe(STATUS_INVALID_DEVICE_REQUEST);
        expect(traced.map((e) => e.detail)).toEqual([expect.stringMatching(/^WdfDeviceCreate called at DISPATCH_LEVEL/)]);
      } else {
        expect(status).toBe(STATUS_SUCCESS);
        expect(traced).toEqual([]);
      }
    }
  });
});
