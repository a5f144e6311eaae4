import { describe, expect, it } from "vitest";
import {
  boot, CTL_CODE, ExFreePool, FILE_ANY_ACCESS, FILE_DEVICE_UNKNOWN, IoGetDeviceInterfaces, METHOD_BUFFERED, NT_SUCCESS, Out, ReadMultiSz, STATUS_INFO_LENGTH_MISMATCH,
  STATUS_INVALID_DEVICE_REQUEST, STATUS_INVALID_DEVICE_STATE, STATUS_NOT_FOUND, STATUS_SUCCESS, type DRIVER_OBJECT, type Machine, type NTSTATUS,
} from "@wdfjs/kernel";
import { ERROR_INVALID_FUNCTION, GENERIC_READ, GENERIC_WRITE, OPEN_EXISTING, Win32Process } from "@wdfjs/win32";
import {
  WDF_DRIVER_CONFIG, WDF_DRIVER_CONFIG_INIT, WDF_FILEOBJECT_CONFIG, WDF_FILEOBJECT_CONFIG_INIT, WDF_IO_QUEUE_CONFIG, WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE,
  WDF_PNPPOWER_EVENT_CALLBACKS, WDF_PNPPOWER_EVENT_CALLBACKS_INIT, WDF_REQUEST_FORWARD_OPTIONS, WDF_REQUEST_FORWARD_OPTIONS_INIT, WdfDeviceCreate, WdfDeviceInitSetPnpPowerEventCallbacks, WdfDeviceCreateDeviceInterface, WdfDeviceInitSetFileObjectConfig, WdfDriverCreate,
  WdfFdoAddStaticChild, WdfFileObjectGetInitiatorProcessId, WdfIoQueueCreate, WdfIoQueueDispatchParallel, WdfIoTargetCreate, WdfObjectQuery,
  WdfPdoInitAllocate, WdfPdoInitAllowForwardingRequestToParent, WdfPdoInitAssignDeviceID, WdfPdoInitAssignInstanceID, WdfFdoInitSetFilter,
  WdfPdoInitAddHardwareID, WdfRequestAllocateTimer, WdfRequestChangeTarget, WdfRequestComplete, WdfRequestCompleteWithInformation, WdfRequestForwardToParentDeviceIoQueue,
  WdfRequestGetFileObject, WdfRequestGetRequestorProcessId, WdfRequestIsReserved, type PWDFDEVICE_INIT, type WDFDEVICE, type WDFDRIVER, type WDFIOTARGET,
  type WDFQUEUE, type WDFREQUEST,
} from "../src/index.js";
import { loadControlDriver } from "./control-driver.js";

const IOCTL_ASK = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x8c0, METHOD_BUFFERED, FILE_ANY_ACCESS);

describe("what a driver learns about a request and its file", () => {
  it("the requestor's process id is the client's; the file was not opened on behalf of another process; no request is reserved", () => {
    const m = boot({ flavor: "checked" });
    const seen: unknown[] = [];
    let device: WDFDEVICE | null = null;
    expect(loadControlDriver(m, "RMORE", (d) => {
      device = d;
      const config = new WDF_IO_QUEUE_CONFIG();
      WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(config, WdfIoQueueDispatchParallel);
      config.EvtIoDeviceControl = (_q: WDFQUEUE, Request: WDFREQUEST) => {
        seen.push(WdfRequestGetRequestorProcessId(Request), WdfFileObjectGetInitiatorProcessId(WdfRequestGetFileObject(Request)!), WdfRequestIsReserved(Request));
        seen.push(WdfRequestAllocateTimer(Request), WdfRequestAllocateTimer(Request));
        // A target that was never opened has no device to send to.
        const target = Out<WDFIOTARGET | null>(null);
        WdfIoTargetCreate(device!, null, target);
        seen.push(WdfRequestChangeTarget(Request, target.value!));
        seen.push(WdfObjectQuery(Request, "{6fde7547-1b65-48ae-b628-80be62016026}", 4, 0));
        WdfRequestComplete(Request, STATUS_SUCCESS);
      };
      return WdfIoQueueCreate(d, config, null, Out<WDFQUEUE | null>(null));
    }, undefined, (init) => {
      const fileConfig = new WDF_FILEOBJECT_CONFIG();
      WDF_FILEOBJECT_CONFIG_INIT(fileConfig, null, null, null);
      WdfDeviceInitSetFileObjectConfig(init, fileConfig, null);
    })).toBe(STATUS_SUCCESS);
    const app = Win32Process.create(m, "rmore.exe");
    const h = app.CreateFile("\\\\.\\RMORE", GENERIC_READ | GENERIC_WRITE, 0, null, OPEN_EXISTING, 0, 0);
    const buf = app.alloc(4);
    expect(app.DeviceIoControl(h, IOCTL_ASK, buf, 4, buf, 4, null, null)).toBe(true);
    expect(seen).toEqual([app.process.UniqueProcessId, 0, false, STATUS_SUCCESS, STATUS_SUCCESS, STATUS_INVALID_DEVICE_STATE, STATUS_NOT_FOUND]);
    expect(app.process.UniqueProcessId).not.toBe(0);
    expect(m.bugCheckData).toBeNull();
  });
});

/*
 * A KMDF bus driver with two static children (under a pass-through function driver), each with a device interface and a default
 * queue whose reads go up to the bus FDO's queue; only the first child was allowed to forward.
 */
const GUID_CHILD = ["{8a0d1f00-0000-4000-8000-000000000001}", "{8a0d1f00-0000-4000-8000-000000000002}"];

interface Bus { log: string[]; fdoQueue: WDFQUEUE | null; badOptions: NTSTATUS | null }

function busDriver(bus: Bus) {
  function childQueue(child: WDFDEVICE, i: number): NTSTATUS {
    const config = new WDF_IO_QUEUE_CONFIG();
    WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(config, WdfIoQueueDispatchParallel);
    config.EvtIoRead = (_q: WDFQUEUE, Request: WDFREQUEST) => {
      if (bus.badOptions === null) bus.badOptions = WdfRequestForwardToParentDeviceIoQueue(Request, bus.fdoQueue!, new WDF_REQUEST_FORWARD_OPTIONS());
      const options = new WDF_REQUEST_FORWARD_OPTIONS();
      WDF_REQUEST_FORWARD_OPTIONS_INIT(options);
      const status = WdfRequestForwardToParentDeviceIoQueue(Request, bus.fdoQueue!, options);
      bus.log.push(`child${i} forward ${status === STATUS_SUCCESS ? "ok" : status}`);
      if (!NT_SUCCESS(status)) WdfRequestComplete(Request, status);
    };
    return WdfIoQueueCreate(child, config, null, Out<WDFQUEUE | null>(null));
  }
  function EvtDeviceAdd(_Driver: WDFDRIVER, DeviceInit: PWDFDEVICE_INIT): NTSTATUS {
    const fdo = Out<WDFDEVICE | null>(null);
    let status = WdfDeviceCreate(Out(DeviceInit), null, fdo);
    if (!NT_SUCCESS(status)) return status;
    const config = new WDF_IO_QUEUE_CONFIG();
    WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(config, WdfIoQueueDispatchParallel);
    config.EvtIoRead = (_q: WDFQUEUE, Request: WDFREQUEST, Length: number) => {
      bus.log.push(`bus read ${Length}`);
      WdfRequestCompleteWithInformation(Request, STATUS_SUCCESS, Length);
    };
    const queue = Out<WDFQUEUE | null>(null);
    status = WdfIoQueueCreate(fdo.value!, config, null, queue);
    if (!NT_SUCCESS(status)) return status;
    bus.fdoQueue = queue.value;
    for (let i = 0; i < 2; i++) {
      const init = WdfPdoInitAllocate(fdo.value!);
      WdfPdoInitAssignDeviceID(init, "KFWD\\Child");
      WdfPdoInitAssignInstanceID(init, `${i}`);
      WdfPdoInitAddHardwareID(init, "KFWD\\Child");
      if (i === 0) WdfPdoInitAllowForwardingRequestToParent(init);
      // The interface is registered once the PnP manager knows the PDO (it is enabled at start).
      const callbacks = new WDF_PNPPOWER_EVENT_CALLBACKS();
      WDF_PNPPOWER_EVENT_CALLBACKS_INIT(callbacks);
      callbacks.EvtDevicePrepareHardware = (Device: WDFDEVICE) => WdfDeviceCreateDeviceInterface(Device, GUID_CHILD[i]!, null);
      WdfDeviceInitSetPnpPowerEventCallbacks(init, callbacks);
      const child = Out<WDFDEVICE | null>(null);
      status = WdfDeviceCreate(Out(init), null, child);
      if (!NT_SUCCESS(status)) return status;
      status = childQueue(child.value!, i);
      if (NT_SUCCESS(status)) status = WdfFdoAddStaticChild(fdo.value!, child.value!);
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

/** The children's function driver: a KMDF filter-mode device with no queue, so their I/O goes on down to the PDOs. */
function passThroughDriver(DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS {
  const config = new WDF_DRIVER_CONFIG();
  WDF_DRIVER_CONFIG_INIT(config, (_d: WDFDRIVER, DeviceInit: PWDFDEVICE_INIT) => {
    WdfFdoInitSetFilter(DeviceInit);
    return WdfDeviceCreate(Out(DeviceInit), null, Out<WDFDEVICE | null>(null));
  });
  return WdfDriverCreate(DriverObject, RegistryPath, null, config, null);
}

function openChild(m: Machine, app: Win32Process, i: number): number {
  const link = m.runInKernel(() => {
    const list = Out(0);
    IoGetDeviceInterfaces(GUID_CHILD[i]!, null, 0, list);
    const r = ReadMultiSz(list.value);
    ExFreePool(list.value);
    return r[0]!;
  });
  return app.CreateFile(link.replace(/^\\\?\?\\/, "\\\\?\\"), GENERIC_READ | GENERIC_WRITE, 0, null, OPEN_EXISTING, 0, 0);
}

describe("WdfRequestForwardToParentDeviceIoQueue", () => {
  it("a PDO allowed to forward hands its read to the bus FDO's queue, which completes it; another PDO is refused", () => {
    const m = boot({ flavor: "checked" });
    const bus: Bus = { log: [], fdoQueue: null, badOptions: null };
    m.installDriverPackage({ service: "kfwd", hardwareIds: [{ id: "root\\kfwd" }], class: "System", framework: "WDM", DriverEntry: busDriver(bus) });
    m.installDriverPackage({ service: "kfwdchild", hardwareIds: [{ id: "KFWD\\Child" }], class: "System", framework: "WDM", DriverEntry: passThroughDriver });
    m.pnp.createRootDevice({ hardwareIds: ["root\\kfwd"], class: "System" });
    const app = Win32Process.create(m, "fwd.exe");
    const read = Out(0);
    const h0 = openChild(m, app, 0);
    expect(app.ReadFile(h0, app.alloc(16), 16, read, null)).toBe(true);
    expect(read.value).toBe(16);
    const h1 = openChild(m, app, 1);
    expect(app.ReadFile(h1, app.alloc(8), 8, read, null)).toBe(false);
    expect(app.GetLastError()).toBe(ERROR_INVALID_FUNCTION);
    expect(bus.badOptions).toBe(STATUS_INFO_LENGTH_MISMATCH);
    // The bus queue presents the forwarded read before the forward returns.
    expect(bus.log).toEqual(["bus read 16", "child0 forward ok", `child1 forward ${STATUS_INVALID_DEVICE_REQUEST}`]);
    expect(m.bugCheckData).toBeNull();
  });
});
