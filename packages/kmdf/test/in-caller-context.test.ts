import { describe, expect, it } from "vitest";
import {
  boot, CTL_CODE, FILE_ANY_ACCESS, FILE_DEVICE_UNKNOWN, KeGetCurrentIrql, METHOD_BUFFERED, METHOD_NEITHER, MemoryTraceSink, NT_SUCCESS, Out, PASSIVE_LEVEL,
  PsCreateSystemThread, ReadBytes, STATUS_ACCESS_VIOLATION, STATUS_BUFFER_TOO_SMALL, STATUS_INVALID_DEVICE_REQUEST, STATUS_INVALID_USER_BUFFER, STATUS_SUCCESS,
  UserMode, WriteBytes, type DRIVER_OBJECT, type Machine, type NTSTATUS,
} from "@wdfjs/kernel";
import { ERROR_INVALID_FUNCTION, GENERIC_READ, GENERIC_WRITE, OPEN_EXISTING, Win32Process, type HANDLE } from "@wdfjs/win32";
import {
  WDF_DECLARE_CONTEXT_TYPE_WITH_NAME, WDF_DRIVER_CONFIG, WDF_DRIVER_CONFIG_INIT, WDF_IO_QUEUE_CONFIG, WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE, WDF_OBJECT_ATTRIBUTES,
  WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE, WDF_REQUEST_PARAMETERS, WDF_REQUEST_PARAMETERS_INIT, WdfControlDeviceInitAllocate, WdfControlFinishInitializing,
  WdfDeviceCreate, WdfDeviceCreateSymbolicLink, WdfDeviceEnqueueRequest, WdfDeviceInitAssignName, WdfDeviceInitSetIoInCallerContextCallback, WdfDriverCreate,
  WdfDriverInitNonPnpDriver, WdfIoQueueCreate, WdfIoQueueDispatchSequential, WdfMemoryGetBuffer, WdfObjectAllocateContext, WdfRequestComplete,
  WdfRequestCompleteWithInformation, WdfRequestGetParameters, WdfRequestGetRequestorMode, WdfRequestProbeAndLockUserBufferForRead,
  WdfRequestProbeAndLockUserBufferForWrite, WdfRequestRetrieveInputBuffer, WdfRequestRetrieveUnsafeUserInputBuffer, WdfRequestRetrieveUnsafeUserOutputBuffer,
  WdfRequestTypeDeviceControl, type PWDFDEVICE_INIT, type WDFDEVICE, type WDFDRIVER, type WDFMEMORY, type WDFQUEUE, type WDFREQUEST,
} from "../src/index.js";

/*
 * The nonpnp sample's METHOD_NEITHER path (general/ioctl/kmdf/sys/nonpnp.c, NonPnpEvtDeviceIoInCallerContext):
 * in the caller's context the driver takes the unsafe user buffers, probes and locks them into
 * WDFMEMORY objects kept in a request context, and enqueues the request; EvtIoDeviceControl then
 * uses the locked memory from any context.
 */
const IOCTL_NONPNP_METHOD_NEITHER = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x903, METHOD_NEITHER, FILE_ANY_ACCESS);
const IOCTL_NONPNP_METHOD_BUFFERED = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x902, METHOD_BUFFERED, FILE_ANY_ACCESS);
const DRIVER_STRING = "this String is from Device Driver !!!\0";

class REQUEST_CONTEXT {
  InputMemoryBuffer: WDFMEMORY | null = null;
  OutputMemoryBuffer: WDFMEMORY | null = null;
}
const GetRequestContext = WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(REQUEST_CONTEXT, "GetRequestContext");

interface Driver {
  device: WDFDEVICE | null;
  log: string[];
  statuses: NTSTATUS[];
  held: WDFREQUEST | null;
  /** Probe a bad address instead of the caller's. */
  badProbe: boolean;
}

function makeDriver(d: Driver, withCallback = true) {
  function EvtIoInCallerContext(Device: WDFDEVICE, Request: WDFREQUEST): void {
    d.log.push(`in caller context: passive ${KeGetCurrentIrql() === PASSIVE_LEVEL}, user mode ${WdfRequestGetRequestorMode(Request) === UserMode}`);
    const params = new WDF_REQUEST_PARAMETERS();
    WDF_REQUEST_PARAMETERS_INIT(params);
    WdfRequestGetParameters(Request, params);
    if (params.Type === WdfRequestTypeDeviceControl && params.Parameters.DeviceIoControl.IoControlCode === IOCTL_NONPNP_METHOD_NEITHER) {
      const inBuf = Out(0);
      const inLen = Out(0);
      const outBuf = Out(0);
      const outLen = Out(0);
      let status = WdfRequestRetrieveUnsafeUserInputBuffer(Request, 0, inBuf, inLen);
      if (!NT_SUCCESS(status)) return WdfRequestComplete(Request, status);
      status = WdfRequestRetrieveUnsafeUserOutputBuffer(Request, 0, outBuf, outLen);
      if (!NT_SUCCESS(status)) return WdfRequestComplete(Request, status);
      d.statuses.push(WdfRequestRetrieveUnsafeUserInputBuffer(Request, inLen.value + 1, Out(0), null));
      d.statuses.push(WdfRequestProbeAndLockUserBufferForRead(Request, inBuf.value, 0, Out<WDFMEMORY | null>(null)));
      const attributes = new WDF_OBJECT_ATTRIBUTES();
      WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(attributes, REQUEST_CONTEXT);
      const context = Out<object | null>(null);
      status = WdfObjectAllocateContext(Request, attributes, context);
      if (!NT_SUCCESS(status)) return WdfRequestComplete(Request, status);
      const reqContext = context.value as REQUEST_CONTEXT;
      const memory = Out<WDFMEMORY | null>(null);
      status = WdfRequestProbeAndLockUserBufferForRead(Request, d.badProbe ? 0xffff_8000_0000_0000 : inBuf.value, inLen.value, memory);
      if (!NT_SUCCESS(status)) return WdfRequestComplete(Request, status);
      reqContext.InputMemoryBuffer = memory.value;
      status = WdfRequestProbeAndLockUserBufferForWrite(Request, outBuf.value, outLen.value, memory);
      if (!NT_SUCCESS(status)) return WdfRequestComplete(Request, status);
      reqContext.OutputMemoryBuffer = memory.value;
    }
    const status = WdfDeviceEnqueueRequest(Device, Request);
    if (!NT_SUCCESS(status)) WdfRequestComplete(Request, status);
  }

  function EvtIoDeviceControl(_Queue: WDFQUEUE, Request: WDFREQUEST, OutputBufferLength: number, _InputBufferLength: number, IoControlCode: number): void {
    if (IoControlCode === IOCTL_NONPNP_METHOD_NEITHER) {
      // Outside the caller's context: the unsafe buffers are refused; the locked memory works.
      d.statuses.push(WdfRequestRetrieveUnsafeUserInputBuffer(Request, 0, Out(0), null));
      const status = WdfRequestRetrieveInputBuffer(Request, 0, Out(0), null);
      d.statuses.push(status);
      const reqContext = GetRequestContext(Request) as REQUEST_CONTEXT | null;
      if (reqContext === null) return WdfRequestComplete(Request, status);
      const size = Out(0);
      const input = WdfMemoryGetBuffer(reqContext.InputMemoryBuffer!, size);
      const bytes = ReadBytes(input, size.value);
      d.log.push(new TextDecoder().decode(bytes.subarray(0, bytes.indexOf(0))));
      const output = WdfMemoryGetBuffer(reqContext.OutputMemoryBuffer!, size);
      const data = new TextEncoder().encode(DRIVER_STRING);
      const n = Math.min(OutputBufferLength, data.length);
      WriteBytes(output, data.subarray(0, n));
      WdfRequestCompleteWithInformation(Request, STATUS_SUCCESS, n);
    } else if (IoControlCode === IOCTL_NONPNP_METHOD_BUFFERED) {
      d.log.push("buffered");
      WdfRequestCompleteWithInformation(Request, STATUS_SUCCESS, 0);
    } else {
      d.held = Request;
    }
  }

  return function DriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: string): NTSTATUS {
    const config = new WDF_DRIVER_CONFIG();
    WDF_DRIVER_CONFIG_INIT(config, null);
    config.DriverInitFlags |= WdfDriverInitNonPnpDriver;
    const driver = Out<WDFDRIVER | null>(null);
    let status = WdfDriverCreate(DriverObject, RegistryPath, null, config, driver);
    if (!NT_SUCCESS(status)) return status;
    const init = Out<PWDFDEVICE_INIT>(WdfControlDeviceInitAllocate(driver.value!, "D:P(A;;GA;;;SY)(A;;GA;;;BA)"));
    WdfDeviceInitAssignName(init.value, "\\Device\\NONPNP");
    if (withCallback) WdfDeviceInitSetIoInCallerContextCallback(init.value, EvtIoInCallerContext);
    const device = Out<WDFDEVICE | null>(null);
    status = WdfDeviceCreate(init, null, device);
    if (!NT_SUCCESS(status)) return status;
    d.device = device.value;
    const queueConfig = new WDF_IO_QUEUE_CONFIG();
    WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(queueConfig, WdfIoQueueDispatchSequential);
    queueConfig.EvtIoDeviceControl = EvtIoDeviceControl;
    status = WdfIoQueueCreate(device.value!, queueConfig, null, null);
    if (!NT_SUCCESS(status)) return status;
    status = WdfDeviceCreateSymbolicLink(device.value!, "\\DosDevices\\NONPNP");
    if (!NT_SUCCESS(status)) return status;
    WdfControlFinishInitializing(device.value!);
    return STATUS_SUCCESS;
  };
}

function load(withCallback = true, trace: MemoryTraceSink | null = null): { machine: Machine; d: Driver; app: Win32Process; h: HANDLE } {
  const machine = boot({ seed: 9, trace });
  const d: Driver = { device: null, log: [], statuses: [], held: null, badProbe: false };
  expect(machine.loadDriver("nonpnp", makeDriver(d, withCallback))).toBe(STATUS_SUCCESS);
  const app = Win32Process.create(machine, "nonpnpapp.exe");
  const h = app.CreateFile("\\\\.\\NONPNP", GENERIC_READ | GENERIC_WRITE, 0, null, OPEN_EXISTING, 0, 0);
  expect(h).not.toBe(-1);
  return { machine, d, app, h };
}

describe("EvtIoInCallerContext: METHOD_NEITHER with the unsafe user buffers and probe-and-lock", () => {
  it("the callback runs at PASSIVE_LEVEL for the user's request; the locked buffers carry the data both ways", () => {
    const { machine, d, app, h } = load();
    const input = app.alloc(200, new TextEncoder().encode("this String is from User Application; using METHOD_NEITHER\0"));
    const output = app.alloc(100);
    const bytes = Out(0);
    expect(app.DeviceIoControl(h, IOCTL_NONPNP_METHOD_NEITHER, input, 200, output, 100, bytes, null)).toBe(true);
    expect(bytes.value).toBe(DRIVER_STRING.length);
    expect(new TextDecoder().decode(app.ReadMemory(output, bytes.value))).toBe(DRIVER_STRING);
    expect(d.log).toEqual(["in caller context: passive true, user mode true", "this String is from User Application; using METHOD_NEITHER"]);
    expect(d.statuses).toEqual([STATUS_BUFFER_TOO_SMALL, STATUS_INVALID_USER_BUFFER, STATUS_INVALID_DEVICE_REQUEST, STATUS_INVALID_DEVICE_REQUEST]);
    // Other requests pass through the callback to the queue.
    expect(app.DeviceIoControl(h, IOCTL_NONPNP_METHOD_BUFFERED, input, 8, output, 8, bytes, null)).toBe(true);
    expect(d.log.slice(2)).toEqual(["in caller context: passive true, user mode true", "buffered"]);
    expect(machine.bugCheckData).toBeNull();
  });

  it("probing a kernel address for the user's request fails with STATUS_ACCESS_VIOLATION, which the client sees", () => {
    const { d, app, h } = load();
    d.badProbe = true;
    const input = app.alloc(16);
    const output = app.alloc(16);
    expect(app.DeviceIoControl(h, IOCTL_NONPNP_METHOD_NEITHER, input, 16, output, 16, Out(0), null)).toBe(false);
    expect(app.GetLastError()).toBe(998 /* ERROR_NOACCESS */);
    void STATUS_ACCESS_VIOLATION;
  });

  it("without the callback a METHOD_NEITHER request reaches the queue and its buffer cannot be retrieved (STATUS_INVALID_DEVICE_REQUEST)", () => {
    const { d, app, h } = load(false);
    expect(app.DeviceIoControl(h, IOCTL_NONPNP_METHOD_NEITHER, app.alloc(16), 16, app.alloc(16), 16, Out(0), null)).toBe(false);
    expect(app.GetLastError()).toBe(ERROR_INVALID_FUNCTION);
    expect(d.log).toEqual([]);
    expect(d.statuses).toEqual([STATUS_INVALID_DEVICE_REQUEST, STATUS_INVALID_DEVICE_REQUEST]);
  });

  it("probe-and-lock from another thread than the requester is STATUS_ACCESS_VIOLATION; WdfDeviceEnqueueRequest outside the callback is refused", () => {
    const trace = new MemoryTraceSink();
    const { machine, d, app, h } = load(true, trace);
    // A held request (an IOCTL the queue keeps), touched later from a system thread.
    const hold = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x9a0, METHOD_BUFFERED, FILE_ANY_ACCESS);
    const app2 = Win32Process.create(machine, "second.exe");
    const h2 = app2.CreateFile("\\\\.\\NONPNP", GENERIC_READ | GENERIC_WRITE, 0, null, OPEN_EXISTING, 0x40000000 /* FILE_FLAG_OVERLAPPED */, 0);
    const buf = app2.alloc(8);
    app2.DeviceIoControl(h2, hold, buf, 8, buf, 8, null, null);
    machine.run();
    expect(d.held).not.toBeNull();
    const seen: NTSTATUS[] = [];
    machine.runInKernel(() => {
      PsCreateSystemThread(Out(0), 0, null, null, null, function* () {
        seen.push(WdfRequestProbeAndLockUserBufferForRead(d.held!, buf, 8, Out<WDFMEMORY | null>(null)));
        seen.push(WdfDeviceEnqueueRequest(d.device!, d.held!));
        WdfRequestComplete(d.held!, STATUS_SUCCESS);
        yield* [];
      }, null);
    });
    machine.run();
    expect(seen).toEqual([STATUS_ACCESS_VIOLATION, STATUS_INVALID_DEVICE_REQUEST]);
    expect(trace.events.some((e) => e.kind === "wdf.not-in-caller-context")).toBe(true);
    void app;
    void h;
  });
});
