import { describe, expect, it } from "vitest";
import {
  boot, BugCheck, CTL_CODE, FILE_ANY_ACCESS, FILE_DEVICE_UNKNOWN, IoAttachDeviceToDeviceStack, IoBuildDeviceIoControlRequest, IoCallDriver, IoCompleteRequest,
  IoCreateDevice, IoDeleteDevice, IoDetachDevice, IoGetCurrentIrpStackLocation, IO_NO_INCREMENT, IO_STATUS_BLOCK, IRP_MJ_DEVICE_CONTROL, IRP_MJ_MAXIMUM_FUNCTION,
  METHOD_BUFFERED, NonPagedPoolNx, ObGetObjectPointerCount, Out, ReadBytes, STATUS_INVALID_DEVICE_REQUEST, STATUS_INVALID_PARAMETER, STATUS_SUCCESS, WDF_REL_TIMEOUT_IN_MS, WDF_VIOLATION, WriteBytes,
  type DEVICE_OBJECT, type DRIVER_OBJECT, type IRP, type Machine, type NTSTATUS,
} from "@wdfjs/kernel";
import { FxObjectTableOf, WDF_INVALID_HANDLE, WDF_MEMORY_DESCRIPTOR, WDF_MEMORY_DESCRIPTOR_INIT_BUFFER } from "@wdfjs/framework";
import {
  WDF_DRIVER_CONFIG, WDF_DRIVER_CONFIG_INIT, WDF_IO_QUEUE_CONFIG, WDF_IO_QUEUE_CONFIG_INIT, WDF_OBJECT_ATTRIBUTES, WDF_OBJECT_ATTRIBUTES_INIT, WDF_TIMER_CONFIG,
  WDF_TIMER_CONFIG_INIT, WDF_WORKITEM_CONFIG, WDF_WORKITEM_CONFIG_INIT, WdfDeviceGetIoTarget, WdfDeviceMiniportCreate, WdfDeviceWdmGetAttachedDevice,
  WdfDeviceWdmGetDeviceObject, WdfDeviceWdmGetPhysicalDevice, WdfDriverCreate, WdfDriverInitNoDispatchOverride, WdfDriverInitNonPnpDriver, WdfDriverMiniportUnload, WdfDriverWdmGetDriverObject, WdfGetDriver,
  WdfIoQueueCreate, WdfIoQueueDispatchSequential, WdfIoTargetSendIoctlSynchronously, WdfMemoryCreate, WdfObjectDelete, WdfTimerCreate, WdfTimerStart,
  WdfWorkItemCreate, WdfWorkItemEnqueue, WdfWorkItemGetParentObject, WdfDeviceSetAlignmentRequirement, WdfDeviceGetAlignmentRequirement, WdfIoTargetCreate,
  WdfDeviceCreateDeviceInterface, type WDFIOTARGET, type WDFDEVICE, type WDFDRIVER, type WDFMEMORY, type WDFQUEUE, type WDFTIMER, type WDFWORKITEM,
} from "../src/index.js";
import { inThread } from "./target-harness.js";

/*
 * A miniport on KMDF (docs: "Creating KMDF Miniport Drivers"): a WDM-style port library, here a few
 * lines of the test, owns the miniport's DRIVER_OBJECT (its dispatch table and DriverUnload) and
 * creates its device object, attached over a plain WDM "lower" device. The miniport's DriverEntry
 * asks the framework not to touch the dispatch table (WdfDriverInitNoDispatchOverride), wraps the
 * port's device object with WdfDeviceMiniportCreate, and calls WdfDriverMiniportUnload from the
 * unload handler the port calls.
 */
const IOCTL_LOWER_PING = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x810, METHOD_BUFFERED, FILE_ANY_ACCESS);
const IOCTL_PORT_QUERY = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x811, METHOD_BUFFERED, FILE_ANY_ACCESS);
const bytesOf = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (b: Uint8Array): string => new TextDecoder().decode(b);

function complete(Irp: IRP, status: NTSTATUS, information: number): NTSTATUS {
  Irp.IoStatus.Status = status;
  Irp.IoStatus.Information = information;
  IoCompleteRequest(Irp, IO_NO_INCREMENT);
  return status;
}

/** A WDM driver whose one device answers IOCTL_LOWER_PING with "pong:<input>". */
function loadLower(m: Machine): DEVICE_OBJECT {
  let lower: DEVICE_OBJECT | null = null;
  m.loadDriver("mplower", (DriverObject: DRIVER_OBJECT) => {
    const dev = Out<DEVICE_OBJECT | null>(null);
    const status = IoCreateDevice(DriverObject, 0, "\\Device\\MpLower", FILE_DEVICE_UNKNOWN, 0, false, dev);
    lower = dev.value;
    DriverObject.MajorFunction[IRP_MJ_DEVICE_CONTROL] = (_d: DEVICE_OBJECT, Irp: IRP) => {
      const sl = IoGetCurrentIrpStackLocation(Irp);
      const p = sl.Parameters.DeviceIoControl;
      if (p.IoControlCode !== IOCTL_LOWER_PING) return complete(Irp, STATUS_INVALID_DEVICE_REQUEST, 0);
      const reply = bytesOf(`pong:${text(ReadBytes(Irp.AssociatedIrp.SystemBuffer, p.InputBufferLength))}`).subarray(0, p.OutputBufferLength);
      WriteBytes(Irp.AssociatedIrp.SystemBuffer, reply);
      return complete(Irp, STATUS_SUCCESS, reply.length);
    };
    return status;
  });
  return lower!;
}

interface Miniport {
  flags: number;
  events: string[];
  driver: WDFDRIVER | null;
  device: WDFDEVICE | null;
  fdo: DEVICE_OBJECT | null;
  attached: DEVICE_OBJECT | null;
  portExtension: object;
  PortDispatch: (d: DEVICE_OBJECT, Irp: IRP) => NTSTATUS;
  PortUnload: (d: DRIVER_OBJECT) => void;
}

/** The port: sets the miniport's driver object up, makes its device object over `lower`, and calls the miniport's unload handler. */
function loadMiniport(m: Machine, lower: DEVICE_OBJECT, flags = WdfDriverInitNoDispatchOverride): Miniport {
  const mp: Miniport = {
    flags, events: [], driver: null, device: null, fdo: null, attached: null, portExtension: { port: true },
    PortDispatch: (_d, Irp) => {
      mp.events.push("port dispatch");
      return complete(Irp, STATUS_SUCCESS, 7);
    },
    PortUnload: () => {
      mp.events.push("port unload");
      // The miniport's MiniportUnload handler.
      WdfDriverMiniportUnload(mp.driver!);
      if (mp.attached !== null) IoDetachDevice(mp.attached);
      IoDeleteDevice(mp.fdo!);
    },
  };
  expect(m.loadDriver("mini", (DriverObject, RegistryPath) => {
    // What a port library's registration call does, before the miniport's WDF setup.
    for (let mj = 0; mj <= IRP_MJ_MAXIMUM_FUNCTION; mj++) DriverObject.MajorFunction[mj] = mp.PortDispatch;
    DriverObject.DriverUnload = mp.PortUnload;
    const config = new WDF_DRIVER_CONFIG();
    WDF_DRIVER_CONFIG_INIT(config, null);
    config.DriverInitFlags = mp.flags;
    config.EvtDriverUnload = () => mp.events.push("EvtDriverUnload");
    const driver = Out<WDFDRIVER | null>(null);
    const status = WdfDriverCreate(DriverObject, RegistryPath, null, config, driver);
    mp.driver = driver.value;
    const fdo = Out<DEVICE_OBJECT | null>(null);
    IoCreateDevice(DriverObject, () => mp.portExtension, "\\Device\\MpPort", FILE_DEVICE_UNKNOWN, 0, false, fdo);
    mp.fdo = fdo.value;
    mp.attached = IoAttachDeviceToDeviceStack(fdo.value!, lower);
    return status;
  })).toBe(STATUS_SUCCESS);
  return mp;
}

/** The port tells the miniport its device is available: MiniportInitialize. */
function miniportInitialize(m: Machine, mp: Miniport, lower: DEVICE_OBJECT): WDFDEVICE {
  return m.runInKernel(() => {
    const attributes = new WDF_OBJECT_ATTRIBUTES();
    WDF_OBJECT_ATTRIBUTES_INIT(attributes);
    attributes.EvtCleanupCallback = () => mp.events.push("device cleanup");
    const device = Out<WDFDEVICE | null>(null);
    expect(WdfDeviceMiniportCreate(mp.driver!, attributes, mp.fdo!, mp.attached, lower, device)).toBe(STATUS_SUCCESS);
    mp.device = device.value;
    return device.value!;
  });
}

function ioctl(m: Machine, device: DEVICE_OBJECT, code: number): { status: NTSTATUS; information: number } {
  return m.runInKernel(() => {
    const iosb = new IO_STATUS_BLOCK();
    const irp = IoBuildDeviceIoControlRequest(code, device, 0, 0, 0, 0, false, null, iosb)!;
    const status = IoCallDriver(device, irp) as NTSTATUS;
    return { status, information: iosb.Information };
  });
}

function liveObjects(m: Machine): number {
  return m.runInKernel(() => FxObjectTableOf().count);
}

describe("KMDF miniport mode (WdfDeviceMiniportCreate, WdfDriverMiniportUnload)", () => {
  it("WdfDriverInitNoDispatchOverride leaves the port's dispatch table and DriverUnload; its IRPs reach the port", () => {
    const m = boot({ seed: 1 });
    const lower = loadLower(m);
    const mp = loadMiniport(m, lower);
    const drv = m.driver("mini")!;
    expect(drv.MajorFunction.every((f) => f === mp.PortDispatch)).toBe(true);
    expect(drv.DriverUnload).toBe(mp.PortUnload);
    miniportInitialize(m, mp, lower);
    expect(drv.MajorFunction[IRP_MJ_DEVICE_CONTROL]).toBe(mp.PortDispatch);
    expect(mp.fdo!.DeviceExtension).toBe(mp.portExtension);
    expect(ioctl(m, mp.fdo!, IOCTL_PORT_QUERY)).toEqual({ status: STATUS_SUCCESS, information: 7 });
    expect(mp.events).toEqual(["port dispatch"]);
  });

  it("without WdfDriverInitNoDispatchOverride the framework takes the table, and the port's device fails its IRPs", () => {
    const m = boot({ seed: 2 });
    const lower = loadLower(m);
    const mp = loadMiniport(m, lower, 0);
    const drv = m.driver("mini")!;
    expect(drv.MajorFunction[IRP_MJ_DEVICE_CONTROL]).not.toBe(mp.PortDispatch);
    expect(drv.DriverUnload).not.toBe(mp.PortUnload);
    // The framework's dispatch finds no framework device behind the port's device object.
    expect(ioctl(m, mp.fdo!, IOCTL_PORT_QUERY).status).toBe(STATUS_INVALID_DEVICE_REQUEST);
    expect(mp.events).toEqual([]);
  });

  it("the WDFDEVICE reports the port's device object, the attached device and the PDO, and targets the attached device", () => {
    const m = boot({ seed: 3 });
    const lower = loadLower(m);
    const mp = loadMiniport(m, lower);
    const device = miniportInitialize(m, mp, lower);
    m.runInKernel(() => {
      expect(WdfDeviceWdmGetDeviceObject(device)).toBe(mp.fdo);
      expect(WdfDeviceWdmGetAttachedDevice(device)).toBe(lower);
      expect(WdfDeviceWdmGetPhysicalDevice(device)).toBe(lower);
      expect(WdfDeviceGetIoTarget(device)).not.toBeNull();
    });
    const r = inThread(m, function* () {
      const mem = Out<WDFMEMORY | null>(null);
      const buf = Out(0);
      WdfMemoryCreate(null, NonPagedPoolNx, 0, 32, mem, buf);
      WriteBytes(buf.value, bytesOf("mini"));
      const inDesc = new WDF_MEMORY_DESCRIPTOR();
      const outDesc = new WDF_MEMORY_DESCRIPTOR();
      WDF_MEMORY_DESCRIPTOR_INIT_BUFFER(inDesc, buf.value, 4);
      WDF_MEMORY_DESCRIPTOR_INIT_BUFFER(outDesc, buf.value, 32);
      const bytes = Out(0);
      const status: NTSTATUS = yield* WdfIoTargetSendIoctlSynchronously(WdfDeviceGetIoTarget(device)!, null, IOCTL_LOWER_PING, inDesc, outDesc, null, bytes);
      const reply = text(ReadBytes(buf.value, bytes.value));
      WdfObjectDelete(mem.value!);
      return [status, reply];
    });
    expect(r.done).toBe(true);
    expect(r.value).toEqual([STATUS_SUCCESS, "pong:mini"]);
  });

  it("a timer and a work item parented to the device run, and go with it; the device object stays the port's", () => {
    const m = boot({ seed: 4 });
    const lower = loadLower(m);
    const mp = loadMiniport(m, lower);
    const device = miniportInitialize(m, mp, lower);
    m.runInKernel(() => {
      const attributes = new WDF_OBJECT_ATTRIBUTES();
      WDF_OBJECT_ATTRIBUTES_INIT(attributes);
      attributes.ParentObject = device;
      const wiConfig = new WDF_WORKITEM_CONFIG();
      WDF_WORKITEM_CONFIG_INIT(wiConfig, (w: WDFWORKITEM) => {
        mp.events.push(`work item ${WdfWorkItemGetParentObject(w) === device}`);
      });
      const workItem = Out<WDFWORKITEM | null>(null);
      expect(WdfWorkItemCreate(wiConfig, attributes, workItem)).toBe(STATUS_SUCCESS);
      WdfWorkItemEnqueue(workItem.value!);
      const tConfig = new WDF_TIMER_CONFIG();
      WDF_TIMER_CONFIG_INIT(tConfig, () => {
        mp.events.push("timer");
      });
      const timer = Out<WDFTIMER | null>(null);
      expect(WdfTimerCreate(tConfig, attributes, timer)).toBe(STATUS_SUCCESS);
      WdfTimerStart(timer.value!, WDF_REL_TIMEOUT_IN_MS(5));
    });
    m.runFor(10);
    expect(mp.events).toEqual(["work item true", "timer"]);
    const before = liveObjects(m);
    const references = ObGetObjectPointerCount(mp.fdo!);
    m.runInKernel(() => WdfObjectDelete(device));
    // The WDFDEVICE's reference on the port's device object goes with it.
    expect(ObGetObjectPointerCount(mp.fdo!)).toBe(references - 1);
    expect(mp.events).toContain("device cleanup");
    // The device, its default target, the timer and the work item are gone; the driver stays.
    expect(liveObjects(m)).toBe(before - 4);
    // The framework deleted no device object: the port's is still attached over the lower device.
    expect(lower.AttachedDevice).toBe(mp.fdo);
    expect(ioctl(m, mp.fdo!, IOCTL_PORT_QUERY).status).toBe(STATUS_SUCCESS);
  });

  it("WdfIoQueueCreate on a miniport's WDFDEVICE is a WDF_VIOLATION (the handle is not an FX_TYPE_DEVICE)", () => {
    const m = boot({ seed: 5 });
    const lower = loadLower(m);
    const mp = loadMiniport(m, lower);
    const device = miniportInitialize(m, mp, lower);
    expect(() => m.runInKernel(() => {
      const config = new WDF_IO_QUEUE_CONFIG();
      WDF_IO_QUEUE_CONFIG_INIT(config, WdfIoQueueDispatchSequential);
      WdfIoQueueCreate(device, config, null, Out<WDFQUEUE | null>(null));
    })).toThrow(BugCheck);
    expect(m.bugCheckData).toMatchObject({ BugCheckCode: WDF_VIOLATION, BugCheckParameter1: WDF_INVALID_HANDLE, BugCheckParameter2: device });
  });

  it("the other WDFDEVICE functions take only FX_TYPE_DEVICE: a device interface on a miniport's WDFDEVICE is a WDF_VIOLATION; the FX_TYPE_DEVICE_BASE ones (alignment, WDM objects, targets) take it", () => {
    const m = boot({ seed: 6 });
    const lower = loadLower(m);
    const mp = loadMiniport(m, lower);
    const device = miniportInitialize(m, mp, lower);
    const made = m.runInKernel(() => {
      WdfDeviceSetAlignmentRequirement(device, 7);
      const target = Out<WDFIOTARGET | null>(null);
      const status = WdfIoTargetCreate(device, null, target);
      if (target.value !== null) WdfObjectDelete(target.value);
      return [WdfDeviceGetAlignmentRequirement(device), status];
    });
    expect(made).toEqual([7, STATUS_SUCCESS]);
    expect(() => m.runInKernel(() => WdfDeviceCreateDeviceInterface(device, "{6f4c2e8a-0b1d-4c3e-9a5f-7d2e1b3c4a50}", null))).toThrow(BugCheck);
    expect(m.bugCheckData).toMatchObject({ BugCheckCode: WDF_VIOLATION, BugCheckParameter1: WDF_INVALID_HANDLE, BugCheckParameter2: device });
  });

  it("with WdfDriverInitNoDispatchOverride a non-PnP driver may name EvtDriverDeviceAdd (fxdriverapi.cpp skips that check); without it, STATUS_INVALID_PARAMETER", () => {
    const m = boot({ seed: 7 });
    const create = (flags: number) => (DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS => {
      const config = new WDF_DRIVER_CONFIG();
      WDF_DRIVER_CONFIG_INIT(config, () => STATUS_SUCCESS);
      config.DriverInitFlags = flags;
      return WdfDriverCreate(DriverObject, RegistryPath, null, config, null);
    };
    expect(m.loadDriver("nt4", create(WdfDriverInitNonPnpDriver))).toBe(STATUS_INVALID_PARAMETER);
    expect(m.loadDriver("nt4mp", create(WdfDriverInitNonPnpDriver | WdfDriverInitNoDispatchOverride))).toBe(STATUS_SUCCESS);
    // The framework kept no AddDevice for it: that is the port's to set.
    expect(m.driver("nt4mp")!.DriverExtension.AddDevice).toBeNull();
  });

  it("the port's unload: WdfDriverMiniportUnload deletes the driver and its children, runs no EvtDriverUnload, leaves no framework object", () => {
    const m = boot({ seed: 6, flavor: "checked" });
    const lower = loadLower(m);
    const mp = loadMiniport(m, lower);
    miniportInitialize(m, mp, lower);
    m.unloadDriver("mini");
    expect(mp.events).toEqual(["port unload", "device cleanup"]);
    expect(liveObjects(m)).toBe(0);
    expect(m.runInKernel(() => WdfGetDriver())).toBeNull();
    // The WDFDRIVER is stale: the checked flavor's handle check stops the machine.
    expect(() => m.runInKernel(() => WdfDriverWdmGetDriverObject(mp.driver!))).toThrow(BugCheck);
    expect(m.bugCheckData).toMatchObject({ BugCheckCode: WDF_VIOLATION, BugCheckParameter1: WDF_INVALID_HANDLE, BugCheckParameter2: mp.driver });
  });
});
