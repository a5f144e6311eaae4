import { describe, expect, it } from "vitest";
import {
  boot, BugCheck, CTL_CODE, FILE_ANY_ACCESS, FILE_DEVICE_UNKNOWN, METHOD_BUFFERED, MemoryTraceSink, NT_SUCCESS, Out, ReadBytes, STATUS_INVALID_DEVICE_REQUEST,
  STATUS_INVALID_DEVICE_STATE, STATUS_INVALID_PARAMETER, STATUS_SUCCESS, STATUS_UNSUCCESSFUL, WDF_VIOLATION, WriteBytes, type BugCheckData,
  type DRIVER_OBJECT, type Machine, type NTSTATUS,
} from "@wdfjs/kernel";
import {
  ERROR_INVALID_FUNCTION, ERROR_INVALID_PARAMETER, ERROR_IO_INCOMPLETE, ERROR_IO_PENDING, ERROR_OPERATION_ABORTED, FILE_FLAG_OVERLAPPED, GENERIC_READ, GENERIC_WRITE, OPEN_EXISTING, OVERLAPPED,
  Win32Process, type HANDLE,
} from "@wdfjs/win32";
import {
  STATUS_WDF_NO_CALLBACK, WDF_INVALID_HANDLE, WDF_REQUEST_FATAL_ERROR, WDF_REQUEST_FATAL_ERROR_INFORMATION_LENGTH_MISMATCH,
} from "@wdfjs/framework";
import {
  WDF_DRIVER_CONFIG, WDF_DRIVER_CONFIG_INIT, WDF_IO_QUEUE_CONFIG, WDF_IO_QUEUE_CONFIG_INIT, WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE, WDF_REQUEST_PARAMETERS,
  WDF_REQUEST_PARAMETERS_INIT, WdfControlDeviceInitAllocate, WdfControlFinishInitializing, WdfDeviceCreate, WdfDeviceCreateSymbolicLink,
  WdfDeviceInitAssignName, WdfDeviceInitSetExclusive, WdfDeviceInitSetIoType, WdfDeviceIoBuffered, WdfDriverCreate, WdfDriverInitNonPnpDriver,
  WdfIoQueueCreate, WdfIoQueueDispatchParallel, WdfIoQueueDispatchSequential, WdfIoQueueGetDevice, WdfObjectDelete, WdfRequestComplete,
  WdfRequestCompleteWithInformation, WdfRequestGetInformation, WdfRequestGetIoQueue, WdfRequestGetParameters, WdfRequestGetStatus,
  WdfRequestRetrieveInputBuffer, WdfRequestRetrieveOutputBuffer, WdfRequestSetInformation, WdfRequestTypeDeviceControl, WdfRequestTypeWrite,
  type PWDFDEVICE_INIT, type WDFDEVICE, type WDFDRIVER, type WDFQUEUE, type WDFREQUEST, type WDF_IO_QUEUE_DISPATCH_TYPE,
} from "../src/index.js";

/*
 * The KMDF nonpnp sample's control device (general/ioctl/kmdf/sys/nonpnp.c) with its default queue:
 * FileEvtIoDeviceControl's METHOD_BUFFERED IOCTL, and a read/write pair kept in driver memory
 * (the sample's go to a file). IOCTL_HOLD is this test's own: the driver keeps the request to
 * complete it later.
 */
const IOCTL_NONPNP_METHOD_BUFFERED = CTL_CODE(40001, 0x902, METHOD_BUFFERED, FILE_ANY_ACCESS);
const IOCTL_HOLD = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x980, METHOD_BUFFERED, FILE_ANY_ACCESS);
const DRIVER_STRING = "this String is from Device Driver !!!";

interface Nonpnp {
  device: WDFDEVICE | null;
  queue: WDFQUEUE | null;
  held: WDFREQUEST[];
  seen: string[];
  stored: Uint8Array;
  overReport: boolean;
  statuses: NTSTATUS[];
}

function makeNonpnp(q: Nonpnp, dispatchType: WDF_IO_QUEUE_DISPATCH_TYPE) {
  function FileEvtIoDeviceControl(Queue: WDFQUEUE, Request: WDFREQUEST, OutputBufferLength: number, InputBufferLength: number, IoControlCode: number): void {
    expect(WdfRequestGetIoQueue(Request)).toBe(Queue);
    expect(WdfIoQueueGetDevice(Queue)).toBe(q.device);
    const params = new WDF_REQUEST_PARAMETERS();
    WDF_REQUEST_PARAMETERS_INIT(params);
    WdfRequestGetParameters(Request, params);
    expect([params.Type, params.Parameters.DeviceIoControl.IoControlCode]).toEqual([WdfRequestTypeDeviceControl, IoControlCode]);
    if (IoControlCode === IOCTL_HOLD) {
      q.seen.push(`hold ${q.held.length}`);
      q.held.push(Request);
      return;
    }
    if (InputBufferLength === 0 || OutputBufferLength === 0) {
      WdfRequestComplete(Request, STATUS_INVALID_PARAMETER);
      return;
    }
    if (IoControlCode !== IOCTL_NONPNP_METHOD_BUFFERED) {
      WdfRequestComplete(Request, STATUS_INVALID_DEVICE_REQUEST);
      return;
    }
    const inBuf = Out(0);
    const inLen = Out(0);
    let status = WdfRequestRetrieveInputBuffer(Request, InputBufferLength, inBuf, inLen);
    if (!NT_SUCCESS(status)) return WdfRequestComplete(Request, status);
    const bytes = ReadBytes(inBuf.value, inLen.value);
    q.seen.push(new TextDecoder().decode(bytes.subarray(0, bytes.indexOf(0) < 0 ? bytes.length : bytes.indexOf(0))));
    const outBuf = Out(0);
    status = WdfRequestRetrieveOutputBuffer(Request, OutputBufferLength, outBuf, null);
    if (!NT_SUCCESS(status)) return WdfRequestComplete(Request, status);
    // METHOD_BUFFERED: the input and output are one system buffer.
    expect(outBuf.value).toBe(inBuf.value);
    const data = new TextEncoder().encode(DRIVER_STRING + "\0");
    const n = Math.min(OutputBufferLength, data.length);
    WriteBytes(outBuf.value, data.subarray(0, n));
    WdfRequestCompleteWithInformation(Request, STATUS_SUCCESS, n);
  }

  function FileEvtIoWrite(_Queue: WDFQUEUE, Request: WDFREQUEST, Length: number): void {
    const buf = Out(0);
    // A write has no output buffer.
    q.statuses.push(WdfRequestRetrieveOutputBuffer(Request, 0, Out(0), null));
    const status = WdfRequestRetrieveInputBuffer(Request, 0, buf, null);
    if (!NT_SUCCESS(status)) return WdfRequestComplete(Request, status);
    q.stored = ReadBytes(buf.value, Length).slice();
    q.seen.push(`write ${Length}`);
    WdfRequestSetInformation(Request, Length);
    expect(WdfRequestGetInformation(Request)).toBe(Length);
    WdfRequestComplete(Request, STATUS_SUCCESS);
  }

  function FileEvtIoRead(_Queue: WDFQUEUE, Request: WDFREQUEST, Length: number): void {
    const buf = Out(0);
    q.statuses.push(WdfRequestRetrieveInputBuffer(Request, 0, Out(0), null));
    q.statuses.push(WdfRequestRetrieveOutputBuffer(Request, Length + 1, Out(0), null));
    const status = WdfRequestRetrieveOutputBuffer(Request, Length, buf, null);
    if (!NT_SUCCESS(status)) return WdfRequestComplete(Request, status);
    const n = Math.min(Length, q.stored.length);
    WriteBytes(buf.value, q.stored.subarray(0, n));
    q.seen.push(`read ${Length}`);
    WdfRequestCompleteWithInformation(Request, STATUS_SUCCESS, q.overReport ? Length + 1 : n);
  }

  return function DriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS {
    const config = new WDF_DRIVER_CONFIG();
    WDF_DRIVER_CONFIG_INIT(config, null);
    config.DriverInitFlags |= WdfDriverInitNonPnpDriver;
    config.EvtDriverUnload = () => {};
    const driver = Out<WDFDRIVER | null>(null);
    let status = WdfDriverCreate(DriverObject, RegistryPath, null, config, driver);
    if (!NT_SUCCESS(status)) return status;
    const init = Out<PWDFDEVICE_INIT>(WdfControlDeviceInitAllocate(driver.value!, "D:P(A;;GA;;;SY)(A;;GA;;;BA)"));
    WdfDeviceInitAssignName(init.value, "\\Device\\NONPNP");
    WdfDeviceInitSetExclusive(init.value, true);
    WdfDeviceInitSetIoType(init.value, WdfDeviceIoBuffered);
    const device = Out<WDFDEVICE | null>(null);
    status = WdfDeviceCreate(init, null, device);
    if (!NT_SUCCESS(status)) return status;
    q.device = device.value;
    const queueConfig = new WDF_IO_QUEUE_CONFIG();
    WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(queueConfig, dispatchType);
    queueConfig.EvtIoRead = FileEvtIoRead;
    queueConfig.EvtIoWrite = FileEvtIoWrite;
    queueConfig.EvtIoDeviceControl = FileEvtIoDeviceControl;
    const queue = Out<WDFQUEUE | null>(null);
    status = WdfIoQueueCreate(device.value!, queueConfig, null, queue);
    if (!NT_SUCCESS(status)) return status;
    q.queue = queue.value;
    status = WdfDeviceCreateSymbolicLink(device.value!, "\\DosDevices\\NONPNP");
    if (!NT_SUCCESS(status)) return status;
    WdfControlFinishInitializing(device.value!);
    return STATUS_SUCCESS;
  };
}

function load(dispatchType: WDF_IO_QUEUE_DISPATCH_TYPE, flavor: "checked" | "free" = "checked", trace: MemoryTraceSink | null = null): { machine: Machine; q: Nonpnp } {
  const machine = boot({ seed: 11, flavor, trace });
  const q: Nonpnp = { device: null, queue: null, held: [], seen: [], stored: new Uint8Array(0), overReport: false, statuses: [] };
  expect(machine.loadDriver("nonpnp", makeNonpnp(q, dispatchType))).toBe(STATUS_SUCCESS);
  return { machine, q };
}

function open(app: Win32Process, flags = 0): HANDLE {
  const h = app.CreateFile("\\\\.\\NONPNP", GENERIC_READ | GENERIC_WRITE, 0, null, OPEN_EXISTING, flags, 0);
  expect(h).not.toBe(-1);
  return h;
}

function expectBugCheck(m: Machine, fn: () => unknown): BugCheckData {
  expect(fn).toThrow(BugCheck);
  expect(m.bugCheckData?.BugCheckCode).toBe(WDF_VIOLATION);
  return m.bugCheckData!;
}

describe("nonpnp default queue: the sample's IOCTL, read and write through Win32", () => {
  it("IOCTL_NONPNP_METHOD_BUFFERED returns the driver's 38 bytes; the driver saw the application's string", () => {
    const { machine, q } = load(WdfIoQueueDispatchParallel);
    const app = Win32Process.create(machine, "nonpnpapp.exe");
    const h = open(app);
    const input = app.alloc(200, new TextEncoder().encode("this String is from User Application; using METHOD_BUFFERED\0"));
    const output = app.alloc(100);
    const bytes = Out(0);
    expect(app.DeviceIoControl(h, IOCTL_NONPNP_METHOD_BUFFERED, input, 200, output, 100, bytes, null)).toBe(true);
    expect(bytes.value).toBe(38);
    expect(new TextDecoder().decode(app.ReadMemory(output, 38))).toBe(DRIVER_STRING + "\0");
    expect(q.seen).toEqual(["this String is from User Application; using METHOD_BUFFERED"]);
    // A 10-byte output buffer gets 10 bytes.
    expect(app.DeviceIoControl(h, IOCTL_NONPNP_METHOD_BUFFERED, input, 200, output, 10, bytes, null)).toBe(true);
    expect(bytes.value).toBe(10);
    expect(machine.bugCheckData).toBeNull();
  });

  it("zero-length input or output is ERROR_INVALID_PARAMETER; an unknown IOCTL is ERROR_INVALID_FUNCTION", () => {
    const { machine } = load(WdfIoQueueDispatchParallel);
    const app = Win32Process.create(machine, "nonpnpapp.exe");
    const h = open(app);
    const input = app.alloc(200);
    const output = app.alloc(100);
    const bytes = Out(0);
    expect(app.DeviceIoControl(h, IOCTL_NONPNP_METHOD_BUFFERED, input, 0, output, 100, bytes, null)).toBe(false);
    expect(app.GetLastError()).toBe(ERROR_INVALID_PARAMETER);
    expect(app.DeviceIoControl(h, IOCTL_NONPNP_METHOD_BUFFERED, input, 200, output, 0, bytes, null)).toBe(false);
    expect(app.GetLastError()).toBe(ERROR_INVALID_PARAMETER);
    expect(app.DeviceIoControl(h, CTL_CODE(40001, 0x9ff, METHOD_BUFFERED, FILE_ANY_ACCESS), input, 200, output, 100, bytes, null)).toBe(false);
    expect(app.GetLastError()).toBe(ERROR_INVALID_FUNCTION);
  });

  it("WriteFile then ReadFile returns the same bytes; a write has no output buffer and a read no input buffer", () => {
    const { machine, q } = load(WdfIoQueueDispatchParallel);
    const app = Win32Process.create(machine, "nonpnpapp.exe");
    const h = open(app);
    const data = new Uint8Array(77).map((_, i) => (i * 7 + 3) & 0xff);
    const n = Out(0);
    expect(app.WriteFile(h, app.alloc(77, data), 77, n, null)).toBe(true);
    expect(n.value).toBe(77);
    const buf = app.alloc(77);
    expect(app.ReadFile(h, buf, 77, n, null)).toBe(true);
    expect(n.value).toBe(77);
    expect(app.ReadMemory(buf, 77)).toEqual(data);
    expect(q.statuses).toEqual([STATUS_INVALID_DEVICE_REQUEST, STATUS_INVALID_DEVICE_REQUEST, 0xc0000023 | 0 /* STATUS_BUFFER_TOO_SMALL */]);
    // Zero-length reads and writes are completed by the framework; the driver never sees them.
    expect(app.ReadFile(h, buf, 0, n, null)).toBe(true);
    expect(app.WriteFile(h, buf, 0, n, null)).toBe(true);
    expect(n.value).toBe(0);
    expect(q.seen).toEqual(["write 77", "read 77"]);
  });
});

describe("dispatch types and the request's lifetime", () => {
  it("a sequential queue presents the second request only after the first completes", () => {
    const { machine, q } = load(WdfIoQueueDispatchSequential);
    const app = Win32Process.create(machine, "nonpnpapp.exe");
    const h = open(app, FILE_FLAG_OVERLAPPED);
    const ovs = [new OVERLAPPED(), new OVERLAPPED()];
    const out = app.alloc(16);
    for (const ov of ovs) {
      ov.hEvent = app.CreateEvent(null, true, false, null);
      expect(app.DeviceIoControl(h, IOCTL_HOLD, out, 16, out, 16, null, ov)).toBe(false);
      expect(app.GetLastError()).toBe(ERROR_IO_PENDING);
    }
    expect(q.seen).toEqual(["hold 0"]);
    machine.runInKernel(() => {
      expect(WdfRequestGetStatus(q.held[0]!)).toBe(STATUS_SUCCESS);
      WdfRequestCompleteWithInformation(q.held[0]!, STATUS_SUCCESS, 5);
    });
    expect(q.seen).toEqual(["hold 0", "hold 1"]);
    machine.runInKernel(() => WdfRequestComplete(q.held[1]!, STATUS_INVALID_PARAMETER));
    machine.run();
    const n = Out(0);
    expect(app.GetOverlappedResult(h, ovs[0]!, n, true)).toBe(true);
    expect(n.value).toBe(5);
    expect(app.GetOverlappedResult(h, ovs[1]!, n, true)).toBe(false);
    expect(app.GetLastError()).toBe(ERROR_INVALID_PARAMETER);
  });

  it("deleting the device cancels what waits in its queue; the presented request is still the driver's to complete", () => {
    const { machine, q } = load(WdfIoQueueDispatchSequential);
    const app = Win32Process.create(machine, "nonpnpapp.exe");
    const h = open(app, FILE_FLAG_OVERLAPPED);
    const out = app.alloc(16);
    const ovs = [new OVERLAPPED(), new OVERLAPPED()];
    for (const ov of ovs) expect(app.DeviceIoControl(h, IOCTL_HOLD, out, 16, out, 16, null, ov)).toBe(false);
    machine.runInKernel(() => WdfObjectDelete(q.device!));
    machine.run();
    const n = Out(0);
    expect(app.GetOverlappedResult(h, ovs[1]!, n, false)).toBe(false);
    expect(app.GetLastError()).toBe(ERROR_OPERATION_ABORTED);
    expect(app.GetOverlappedResult(h, ovs[0]!, n, false)).toBe(false);
    expect(app.GetLastError()).toBe(ERROR_IO_INCOMPLETE);
    machine.runInKernel(() => WdfRequestCompleteWithInformation(q.held[0]!, STATUS_SUCCESS, 3));
    machine.run();
    expect(app.GetOverlappedResult(h, ovs[0]!, n, true)).toBe(true);
    expect(n.value).toBe(3);
    expect(q.seen).toEqual(["hold 0"]);
    expect(machine.bugCheckData).toBeNull();
  });

  it("a parallel queue presents both at once", () => {
    const { machine, q } = load(WdfIoQueueDispatchParallel);
    const app = Win32Process.create(machine, "nonpnpapp.exe");
    const h = open(app, FILE_FLAG_OVERLAPPED);
    const out = app.alloc(16);
    for (let i = 0; i < 2; i++) {
      const ov = new OVERLAPPED();
      expect(app.DeviceIoControl(h, IOCTL_HOLD, out, 16, out, 16, null, ov)).toBe(false);
    }
    expect(q.seen).toEqual(["hold 0", "hold 1"]);
    machine.runInKernel(() => q.held.forEach((r) => WdfRequestComplete(r, STATUS_SUCCESS)));
  });

  it("checked: a request completed twice is WDF_VIOLATION (its handle is stale: WDF_INVALID_HANDLE), as is any use after completion", () => {
    const { machine, q } = load(WdfIoQueueDispatchParallel);
    const app = Win32Process.create(machine, "nonpnpapp.exe");
    const h = open(app, FILE_FLAG_OVERLAPPED);
    const out = app.alloc(16);
    expect(app.DeviceIoControl(h, IOCTL_HOLD, out, 16, out, 16, null, new OVERLAPPED())).toBe(false);
    const request = q.held[0]!;
    machine.runInKernel(() => WdfRequestComplete(request, STATUS_SUCCESS));
    const data = expectBugCheck(machine, () => machine.runInKernel(() => WdfRequestComplete(request, STATUS_SUCCESS)));
    expect([data.BugCheckParameter1, data.BugCheckParameter2]).toEqual([WDF_INVALID_HANDLE, request]);
  });

  it("checked: a stale request handle passed to any request DDI is WDF_INVALID_HANDLE", () => {
    const { machine, q } = load(WdfIoQueueDispatchParallel);
    const app = Win32Process.create(machine, "nonpnpapp.exe");
    const h = open(app, FILE_FLAG_OVERLAPPED);
    const out = app.alloc(16);
    expect(app.DeviceIoControl(h, IOCTL_HOLD, out, 16, out, 16, null, new OVERLAPPED())).toBe(false);
    const request = q.held[0]!;
    machine.runInKernel(() => WdfRequestComplete(request, STATUS_SUCCESS));
    const data = expectBugCheck(machine, () => machine.runInKernel(() => WdfRequestGetInformation(request)));
    expect(data.BugCheckParameter1).toBe(WDF_INVALID_HANDLE);
  });

  it("free: a second completion is traced and does nothing", () => {
    const trace = new MemoryTraceSink();
    const { machine, q } = load(WdfIoQueueDispatchParallel, "free", trace);
    const app = Win32Process.create(machine, "nonpnpapp.exe");
    const h = open(app, FILE_FLAG_OVERLAPPED);
    const out = app.alloc(16);
    expect(app.DeviceIoControl(h, IOCTL_HOLD, out, 16, out, 16, null, new OVERLAPPED())).toBe(false);
    const request = q.held[0]!;
    machine.runInKernel(() => WdfRequestComplete(request, STATUS_SUCCESS));
    machine.runInKernel(() => WdfRequestComplete(request, STATUS_SUCCESS));
    expect(machine.bugCheckData).toBeNull();
    expect(trace.events.filter((e) => e.kind === "wdf.request-completed")).toHaveLength(1);
  });

  it("checked: Information larger than a read's buffer is WDF_VIOLATION 0x6/0x4", () => {
    const { machine, q } = load(WdfIoQueueDispatchParallel);
    const app = Win32Process.create(machine, "nonpnpapp.exe");
    const h = open(app);
    q.overReport = true;
    const data = expectBugCheck(machine, () => app.ReadFile(h, app.alloc(8), 8, Out(0), null));
    expect([data.BugCheckParameter1, data.BugCheckParameter2]).toEqual([WDF_REQUEST_FATAL_ERROR, WDF_REQUEST_FATAL_ERROR_INFORMATION_LENGTH_MISMATCH]);
  });
});

describe("WdfIoQueueCreate refusals", () => {
  it("no callback, a second default queue, a default queue after WdfControlFinishInitializing", () => {
    const { machine, q } = load(WdfIoQueueDispatchParallel);
    machine.runInKernel(() => {
      const config = new WDF_IO_QUEUE_CONFIG();
      WDF_IO_QUEUE_CONFIG_INIT(config, WdfIoQueueDispatchSequential);
      expect(WdfIoQueueCreate(q.device!, config, null, Out<WDFQUEUE | null>(null))).toBe(STATUS_WDF_NO_CALLBACK);
      config.EvtIoDefault = () => {};
      config.Settings.Parallel.NumberOfPresentedRequests = 2;
      expect(WdfIoQueueCreate(q.device!, config, null, Out<WDFQUEUE | null>(null))).toBe(STATUS_INVALID_PARAMETER);
      WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(config, WdfIoQueueDispatchParallel);
      config.EvtIoDefault = () => {};
      expect(WdfIoQueueCreate(q.device!, config, null, null)).toBe(STATUS_INVALID_DEVICE_STATE);
      WDF_IO_QUEUE_CONFIG_INIT(config, WdfIoQueueDispatchParallel);
      config.EvtIoDefault = () => {};
      expect(WdfIoQueueCreate(q.device!, config, null, null)).toBe(0xc00000f2 | 0);
      const queue = Out<WDFQUEUE | null>(null);
      expect(WdfIoQueueCreate(q.device!, config, null, queue)).toBe(STATUS_SUCCESS);
      expect(WdfIoQueueGetDevice(queue.value!)).toBe(q.device);
    });
  });
});

describe("queues built in DriverEntry", () => {
  /** A non-PnP driver whose control device \Device\Q gets the queue `setup` makes before WdfControlFinishInitializing. */
  function loadWith(setup: (device: WDFDEVICE) => void): Machine {
    const machine = boot({ seed: 12 });
    expect(machine.loadDriver("q", (DriverObject, RegistryPath) => {
      const config = new WDF_DRIVER_CONFIG();
      WDF_DRIVER_CONFIG_INIT(config, null);
      config.DriverInitFlags = WdfDriverInitNonPnpDriver;
      const driver = Out<WDFDRIVER | null>(null);
      WdfDriverCreate(DriverObject, RegistryPath, null, config, driver);
      const init = Out<PWDFDEVICE_INIT>(WdfControlDeviceInitAllocate(driver.value!, "D:P"));
      WdfDeviceInitAssignName(init.value, "\\Device\\Q");
      const device = Out<WDFDEVICE | null>(null);
      expect(WdfDeviceCreate(init, null, device)).toBe(STATUS_SUCCESS);
      setup(device.value!);
      WdfDeviceCreateSymbolicLink(device.value!, "\\DosDevices\\Q");
      WdfControlFinishInitializing(device.value!);
      return STATUS_SUCCESS;
    })).toBe(STATUS_SUCCESS);
    return machine;
  }

  it("a second default queue is STATUS_UNSUCCESSFUL; EvtIoDefault takes what has no callback of its own", () => {
    const seen: string[] = [];
    const machine = loadWith((device) => {
      const config = new WDF_IO_QUEUE_CONFIG();
      WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(config, WdfIoQueueDispatchParallel);
      config.EvtIoDefault = (_Queue: WDFQUEUE, Request: WDFREQUEST) => {
        const params = new WDF_REQUEST_PARAMETERS();
        WDF_REQUEST_PARAMETERS_INIT(params);
        WdfRequestGetParameters(Request, params);
        seen.push(`default ${params.Type} ${params.Parameters.Write.Length}`);
        WdfRequestCompleteWithInformation(Request, STATUS_SUCCESS, params.Parameters.Write.Length);
      };
      expect(WdfIoQueueCreate(device, config, null, null)).toBe(STATUS_SUCCESS);
      expect(WdfIoQueueCreate(device, config, null, null)).toBe(STATUS_UNSUCCESSFUL);
    });
    const app = Win32Process.create(machine, "app.exe");
    const h = app.CreateFile("\\\\.\\Q", GENERIC_READ | GENERIC_WRITE, 0, null, OPEN_EXISTING, 0, 0);
    const n = Out(0);
    expect(app.WriteFile(h, app.alloc(9), 9, n, null)).toBe(true);
    expect(n.value).toBe(9);
    // Zero-length: completed by the framework even on the way to EvtIoDefault.
    expect(app.WriteFile(h, app.alloc(1), 0, n, null)).toBe(true);
    expect(seen).toEqual([`default ${WdfRequestTypeWrite} 9`]);
  });

  it("a parallel queue with NumberOfPresentedRequests 2 holds the third request; AllowZeroLengthRequests presents a zero-length read", () => {
    const held: WDFREQUEST[] = [];
    const lengths: number[] = [];
    const machine = loadWith((device) => {
      const config = new WDF_IO_QUEUE_CONFIG();
      WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(config, WdfIoQueueDispatchParallel);
      config.Settings.Parallel.NumberOfPresentedRequests = 2;
      config.AllowZeroLengthRequests = true;
      config.EvtIoRead = (_Queue: WDFQUEUE, Request: WDFREQUEST, Length: number) => {
        lengths.push(Length);
        held.push(Request);
      };
      expect(WdfIoQueueCreate(device, config, null, null)).toBe(STATUS_SUCCESS);
    });
    const app = Win32Process.create(machine, "app.exe");
    const h = app.CreateFile("\\\\.\\Q", GENERIC_READ, 0, null, OPEN_EXISTING, FILE_FLAG_OVERLAPPED, 0);
    const buf = app.alloc(8);
    for (const length of [0, 4, 8]) expect(app.ReadFile(h, buf, length, null, new OVERLAPPED())).toBe(false);
    expect(lengths).toEqual([0, 4]);
    machine.runInKernel(() => WdfRequestComplete(held[0]!, STATUS_SUCCESS));
    expect(lengths).toEqual([0, 4, 8]);
    machine.runInKernel(() => held.slice(1).forEach((r) => WdfRequestComplete(r, STATUS_SUCCESS)));
    expect(machine.bugCheckData).toBeNull();
  });
});
