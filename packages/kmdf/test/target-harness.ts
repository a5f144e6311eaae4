import {
  CTL_CODE, ExFreePool, PsCreateSystemThread, FILE_ANY_ACCESS, FILE_DEVICE_UNKNOWN, IoGetDeviceInterfaces, METHOD_BUFFERED, NT_SUCCESS, Out, ReadBytes, ReadMultiSz, STATUS_CANCELLED,
  STATUS_INVALID_DEVICE_REQUEST, STATUS_SUCCESS, WriteBytes, type DRIVER_OBJECT, type KWAIT_GENERATOR, type Machine, type NTSTATUS,
} from "@wdfjs/kernel";
import { GENERIC_READ, GENERIC_WRITE, OPEN_EXISTING, Win32Process } from "@wdfjs/win32";
import {
  WDF_DRIVER_CONFIG, WDF_DRIVER_CONFIG_INIT, WDF_IO_QUEUE_CONFIG, WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE, WdfDeviceCreate, WdfDeviceCreateDeviceInterface, WdfDriverCreate,
  WdfFdoInitSetFilter, WdfIoQueueCreate, WdfIoQueueDispatchParallel, WdfRequestComplete, WdfRequestCompleteWithInformation, WdfRequestMarkCancelable,
  WdfRequestRetrieveInputBuffer, WdfRequestRetrieveOutputBuffer, type PWDFDEVICE_INIT, type WDFDEVICE, type WDFDRIVER, type WDFQUEUE, type WDFREQUEST,
} from "../src/index.js";

/*
 * The stacks the I/O target tests drive: a KMDF function driver ("klower") on a root-enumerated
 * PDO, which answers reads, writes and two IOCTLs (one it keeps pending, cancelable), an
 * optional KMDF upper filter whose queue callbacks the test supplies, and a KMDF "monitor"
 * device on another root PDO, the owner of remote targets.
 */
export const GUID_DEVINTERFACE_KLOWER = "{5b0a1c2d-7777-4444-8888-0123456789ab}";
export const IOCTL_KLOWER_ECHO = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x800, METHOD_BUFFERED, FILE_ANY_ACCESS);
export const IOCTL_KLOWER_PEND = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x801, METHOD_BUFFERED, FILE_ANY_ACCESS);

export interface Lower {
  device: WDFDEVICE | null;
  /** Requests it holds (IOCTL_KLOWER_PEND), cancelable. */
  pended: WDFREQUEST[];
  /** What it saw, in order. */
  seen: string[];
}

export const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
export const bytesOf = (s: string): Uint8Array => new TextEncoder().encode(s);

function answer(Request: WDFREQUEST, reply: string): void {
  const buf = Out(0);
  const len = Out(0);
  const st = WdfRequestRetrieveOutputBuffer(Request, 1, buf, len);
  if (!NT_SUCCESS(st)) return WdfRequestCompleteWithInformation(Request, st, 0);
  const b = bytesOf(reply).subarray(0, len.value);
  WriteBytes(buf.value, b);
  WdfRequestCompleteWithInformation(Request, STATUS_SUCCESS, b.length);
}

function inputText(Request: WDFREQUEST): string {
  const buf = Out(0);
  const len = Out(0);
  return NT_SUCCESS(WdfRequestRetrieveInputBuffer(Request, 0, buf, len)) ? text(ReadBytes(buf.value, len.value)) : "";
}

function lowerDriver(lower: Lower) {
  function EvtDeviceAdd(_Driver: WDFDRIVER, DeviceInit: PWDFDEVICE_INIT): NTSTATUS {
    const device = Out<WDFDEVICE | null>(null);
    let status = WdfDeviceCreate(Out(DeviceInit), null, device);
    if (!NT_SUCCESS(status)) return status;
    lower.device = device.value;
    const config = new WDF_IO_QUEUE_CONFIG();
    WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(config, WdfIoQueueDispatchParallel);
    config.EvtIoRead = (_q, Request, Length) => {
      lower.seen.push(`read ${Length}`);
      answer(Request, "lower read");
    };
    config.EvtIoWrite = (_q, Request, Length) => {
      lower.seen.push(`write ${inputText(Request)}`);
      WdfRequestCompleteWithInformation(Request, STATUS_SUCCESS, Length);
    };
    config.EvtIoDeviceControl = (_q, Request, _o, _i, code) => {
      if (code === IOCTL_KLOWER_ECHO) {
        const input = inputText(Request);
        lower.seen.push(`echo ${input}`);
        answer(Request, `echo:${input}`);
      } else if (code === IOCTL_KLOWER_PEND) {
        lower.seen.push("pend");
        lower.pended.push(Request);
        WdfRequestMarkCancelable(Request, (r: WDFREQUEST) => {
          lower.seen.push("cancelled");
          lower.pended.splice(lower.pended.indexOf(r), 1);
          WdfRequestComplete(r, STATUS_CANCELLED);
        });
      } else {
        WdfRequestComplete(Request, STATUS_INVALID_DEVICE_REQUEST);
      }
    };
    status = WdfIoQueueCreate(device.value!, config, null, Out<WDFQUEUE | null>(null));
    if (!NT_SUCCESS(status)) return status;
    return WdfDeviceCreateDeviceInterface(device.value!, GUID_DEVINTERFACE_KLOWER, null);
  }
  return function DriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS {
    const config = new WDF_DRIVER_CONFIG();
    WDF_DRIVER_CONFIG_INIT(config, EvtDeviceAdd);
    return WdfDriverCreate(DriverObject, RegistryPath, null, config, null);
  };
}

/** An upper filter: the test fills the queue configuration (its callbacks get the filter's device in `upper.device`). */
export interface Upper {
  device: WDFDEVICE | null;
  configure: (config: WDF_IO_QUEUE_CONFIG, upper: Upper) => void;
  events: string[];
}

function upperDriver(upper: Upper) {
  function EvtDeviceAdd(_Driver: WDFDRIVER, DeviceInit: PWDFDEVICE_INIT): NTSTATUS {
    WdfFdoInitSetFilter(DeviceInit);
    const device = Out<WDFDEVICE | null>(null);
    const status = WdfDeviceCreate(Out(DeviceInit), null, device);
    if (!NT_SUCCESS(status)) return status;
    upper.device = device.value;
    const config = new WDF_IO_QUEUE_CONFIG();
    WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(config, WdfIoQueueDispatchParallel);
    upper.configure(config, upper);
    return WdfIoQueueCreate(device.value!, config, null, Out<WDFQUEUE | null>(null));
  }
  return function DriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS {
    const config = new WDF_DRIVER_CONFIG();
    WDF_DRIVER_CONFIG_INIT(config, EvtDeviceAdd);
    return WdfDriverCreate(DriverObject, RegistryPath, null, config, null);
  };
}

/** A KMDF function driver with a bare device: the owner of remote targets. */
function monitorDriver(mon: { device: WDFDEVICE | null }) {
  return function DriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS {
    const config = new WDF_DRIVER_CONFIG();
    WDF_DRIVER_CONFIG_INIT(config, (_d, DeviceInit) => {
      const device = Out<WDFDEVICE | null>(null);
      const status = WdfDeviceCreate(Out(DeviceInit), null, device);
      mon.device = device.value;
      return status;
    });
    return WdfDriverCreate(DriverObject, RegistryPath, null, config, null);
  };
}

export function newLower(): Lower {
  return { device: null, pended: [], seen: [] };
}

/** Installs klower on a new root device (with the upper filter over it, if given); returns the device's instance path. */
export function installLower(m: Machine, lower: Lower, upper?: Upper): string {
  if (upper !== undefined) m.pnp.installFilterService({ service: "kupper", DriverEntry: upperDriver(upper) });
  m.installDriverPackage({
    service: "klower", hardwareIds: [{ id: "root\\klower" }], class: "System", framework: "WDM", DriverEntry: lowerDriver(lower),
    ...(upper !== undefined ? { upperFilters: ["kupper"] } : {}),
  });
  return m.pnp.createRootDevice({ hardwareIds: ["root\\klower"], class: "System" });
}

/** Installs the monitor device; returns its WDFDEVICE. */
export function installMonitor(m: Machine): WDFDEVICE {
  const mon = { device: null as WDFDEVICE | null };
  m.installDriverPackage({ service: "kmon", hardwareIds: [{ id: "root\\kmon" }], class: "System", framework: "WDM", DriverEntry: monitorDriver(mon) });
  m.pnp.createRootDevice({ hardwareIds: ["root\\kmon"], class: "System" });
  return mon.device!;
}

/** klower's device interface link (\??\...). */
export function lowerInterface(m: Machine): string {
  return m.runInKernel(() => {
    const list = Out(0);
    IoGetDeviceInterfaces(GUID_DEVINTERFACE_KLOWER, null, 0, list);
    const r = ReadMultiSz(list.value);
    ExFreePool(list.value);
    return r[0]!;
  });
}

/** A Win32 client with klower's interface open. */
export function openClient(m: Machine, Flags = 0): { app: Win32Process; h: number } {
  const app = Win32Process.create(m, "client.exe");
  const h = app.CreateFile(lowerInterface(m).replace(/^\\\?\?\\/, "\\\\?\\"), GENERIC_READ | GENERIC_WRITE, 0, null, OPEN_EXISTING, Flags, 0);
  return { app, h };
}

/** Runs a PASSIVE_LEVEL body in a new system thread and the machine until idle; returns what the body returned. */
export function inThread<T>(m: Machine, body: () => KWAIT_GENERATOR<T>): { value: T | undefined; done: boolean } {
  const out: { value: T | undefined; done: boolean } = { value: undefined, done: false };
  m.runInKernel(() => {
    PsCreateSystemThreadFor(function* () {
      out.value = yield* body();
      out.done = true;
    });
  });
  m.run();
  return out;
}

function PsCreateSystemThreadFor(fn: () => KWAIT_GENERATOR<void>): void {
  PsCreateSystemThread(Out(0), 0, null, null, null, fn, null);
}
