import { describe, expect, it } from "vitest";
import {
  boot, BugCheck, CTL_CODE, PsCreateSystemThread, DRIVER_VERIFIER_IOMANAGER_VIOLATION, FILE_ANY_ACCESS, FILE_DEVICE_UNKNOWN, METHOD_BUFFERED, NT_SUCCESS, Out, STATUS_INVALID_DEVICE_REQUEST, STATUS_INVALID_DEVICE_STATE,
  STATUS_CANCELLED, STATUS_INVALID_PARAMETER, STATUS_NO_MORE_ENTRIES, STATUS_SUCCESS, type DRIVER_OBJECT, type Machine, type NTSTATUS,
} from "@wdfjs/kernel";
import {
  ERROR_BAD_COMMAND, ERROR_IO_INCOMPLETE, ERROR_IO_PENDING, ERROR_OPERATION_ABORTED, FILE_FLAG_OVERLAPPED, GENERIC_READ, GENERIC_WRITE, OPEN_EXISTING,
  OVERLAPPED, Win32Process, type HANDLE,
} from "@wdfjs/win32";
import { STATUS_WDF_BUSY, STATUS_WDF_PAUSED } from "@wdfjs/framework";
import {
  WDF_DRIVER_CONFIG, WDF_DRIVER_CONFIG_INIT, WDF_IO_QUEUE_CONFIG, WDF_IO_QUEUE_CONFIG_INIT, WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE,
  WdfControlDeviceInitAllocate, WdfControlFinishInitializing, WdfDeviceConfigureRequestDispatching, WdfDeviceCreate, WdfDeviceCreateSymbolicLink,
  WdfDeviceInitAssignName, WdfDeviceInitSetIoType, WdfDeviceIoBuffered, WdfDriverCreate, WdfDriverInitNonPnpDriver, WdfIoQueueAcceptRequests,
  WdfIoQueueCreate, WdfIoQueueDispatchManual, WdfIoQueueDispatchParallel, WdfIoQueueDispatchRequests, WdfIoQueueDispatchSequential, WdfIoQueueDrain,
  WdfIoQueueDriverNoRequests, WdfIoQueueGetState, WdfIoQueueNoRequests, WdfIoQueuePurge, WdfIoQueuePurgeSynchronously, WdfIoQueueRetrieveNextRequest, WdfIoQueueStart,
  WdfIoQueueStop, WdfRequestComplete, WdfRequestCompleteWithInformation, WdfRequestForwardToIoQueue, WdfRequestIsCanceled, WdfRequestMarkCancelable, WdfRequestMarkCancelableEx, WdfRequestTypeCreate,
  WdfRequestUnmarkCancelable, WdfRequestTypeDeviceControl,
  WdfRequestTypeOther, WdfRequestTypeRead, WdfRequestTypeWrite, type PWDFDEVICE_INIT, type WDFDEVICE, type WDFDRIVER, type WDFQUEUE, type WDFREQUEST,
} from "../src/index.js";

/*
 * A control device in the nonpnp sample's shape with three queues: the default (parallel) queue
 * takes IOCTLs; a sequential queue configured for reads holds each read until the test completes
 * it; a manual queue keeps the IOCTL_PARK requests the default queue forwards to it, and
 * IOCTL_UNPARK retrieves and completes them all.
 */
const IOCTL_PARK = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x990, METHOD_BUFFERED, FILE_ANY_ACCESS);
const IOCTL_UNPARK = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x991, METHOD_BUFFERED, FILE_ANY_ACCESS);
const IOCTL_HOLD = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x992, METHOD_BUFFERED, FILE_ANY_ACCESS);
/** Held, marked cancelable; the cancel callback completes it unless `deferCancel`. */
const IOCTL_CANCELABLE = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x993, METHOD_BUFFERED, FILE_ANY_ACCESS);

interface Driver {
  device: WDFDEVICE | null;
  defaultQueue: WDFQUEUE | null;
  readQueue: WDFQUEUE | null;
  manualQueue: WDFQUEUE | null;
  reads: WDFREQUEST[];
  held: WDFREQUEST[];
  seen: string[];
  configure: NTSTATUS[];
  canceled: number;
  cancels: string[];
  deferCancel: boolean;
}

function makeDriver(d: Driver) {
  function EvtIoDeviceControl(_Queue: WDFQUEUE, Request: WDFREQUEST, _Out: number, _In: number, IoControlCode: number): void {
    if (IoControlCode === IOCTL_PARK) {
      const status = WdfRequestForwardToIoQueue(Request, d.manualQueue!);
      d.seen.push(`park ${status}`);
      if (!NT_SUCCESS(status)) WdfRequestComplete(Request, status);
    } else if (IoControlCode === IOCTL_UNPARK) {
      const parked = Out<WDFREQUEST | null>(null);
      let n = 0;
      let status: NTSTATUS;
      while ((status = WdfIoQueueRetrieveNextRequest(d.manualQueue!, parked)) === STATUS_SUCCESS) {
        WdfRequestCompleteWithInformation(parked.value!, STATUS_SUCCESS, ++n);
      }
      d.seen.push(`unpark ${n} ${status === STATUS_NO_MORE_ENTRIES ? "empty" : status}`);
      WdfRequestComplete(Request, STATUS_SUCCESS);
    } else if (IoControlCode === IOCTL_CANCELABLE) {
      d.held.push(Request);
      WdfRequestMarkCancelable(Request, (Canceled: WDFREQUEST) => {
        d.cancels.push(`EvtRequestCancel ${WdfRequestIsCanceled(Canceled)}`);
        if (!d.deferCancel) WdfRequestComplete(Canceled, STATUS_CANCELLED);
      });
    } else if (IoControlCode === IOCTL_HOLD) {
      d.seen.push("hold");
      d.held.push(Request);
    } else {
      WdfRequestComplete(Request, STATUS_INVALID_DEVICE_REQUEST);
    }
  }

  function EvtIoRead(_Queue: WDFQUEUE, Request: WDFREQUEST, Length: number): void {
    d.seen.push(`read ${Length}`);
    d.reads.push(Request);
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
    WdfDeviceInitAssignName(init.value, "\\Device\\QDISPATCH");
    WdfDeviceInitSetIoType(init.value, WdfDeviceIoBuffered);
    const device = Out<WDFDEVICE | null>(null);
    status = WdfDeviceCreate(init, null, device);
    if (!NT_SUCCESS(status)) return status;
    d.device = device.value;
    const queue = Out<WDFQUEUE | null>(null);
    const defaultConfig = new WDF_IO_QUEUE_CONFIG();
    WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(defaultConfig, WdfIoQueueDispatchParallel);
    defaultConfig.EvtIoDeviceControl = EvtIoDeviceControl;
    status = WdfIoQueueCreate(device.value!, defaultConfig, null, queue);
    if (!NT_SUCCESS(status)) return status;
    d.defaultQueue = queue.value;
    const readConfig = new WDF_IO_QUEUE_CONFIG();
    WDF_IO_QUEUE_CONFIG_INIT(readConfig, WdfIoQueueDispatchSequential);
    readConfig.EvtIoRead = EvtIoRead;
    status = WdfIoQueueCreate(device.value!, readConfig, null, queue);
    if (!NT_SUCCESS(status)) return status;
    d.readQueue = queue.value;
    const manualConfig = new WDF_IO_QUEUE_CONFIG();
    WDF_IO_QUEUE_CONFIG_INIT(manualConfig, WdfIoQueueDispatchManual);
    // A parked request the client cancels is presented here, for the driver to complete.
    manualConfig.EvtIoCanceledOnQueue = (_Queue: WDFQUEUE, Request: WDFREQUEST) => {
      d.canceled++;
      WdfRequestComplete(Request, STATUS_CANCELLED);
    };
    status = WdfIoQueueCreate(device.value!, manualConfig, null, queue);
    if (!NT_SUCCESS(status)) return status;
    d.manualQueue = queue.value;
    // The refusals first, then the one that routes reads.
    d.configure.push(WdfDeviceConfigureRequestDispatching(device.value!, d.readQueue!, WdfRequestTypeOther));
    d.configure.push(WdfDeviceConfigureRequestDispatching(device.value!, d.readQueue!, WdfRequestTypeWrite));
    d.configure.push(WdfDeviceConfigureRequestDispatching(device.value!, d.defaultQueue!, WdfRequestTypeDeviceControl));
    d.configure.push(WdfDeviceConfigureRequestDispatching(device.value!, d.readQueue!, WdfRequestTypeCreate));
    d.configure.push(WdfDeviceConfigureRequestDispatching(device.value!, d.readQueue!, WdfRequestTypeRead));
    d.configure.push(WdfDeviceConfigureRequestDispatching(device.value!, d.manualQueue!, WdfRequestTypeRead));
    status = WdfDeviceCreateSymbolicLink(device.value!, "\\DosDevices\\QDISPATCH");
    if (!NT_SUCCESS(status)) return status;
    WdfControlFinishInitializing(device.value!);
    d.configure.push(WdfDeviceConfigureRequestDispatching(device.value!, d.manualQueue!, WdfRequestTypeWrite));
    return STATUS_SUCCESS;
  };
}

function load(seed = 5, preemption: "off" | "random" = "off"): { machine: Machine; d: Driver; app: Win32Process; h: HANDLE } {
  const machine = boot({ seed, flavor: "checked", preemption });
  const d: Driver = { device: null, defaultQueue: null, readQueue: null, manualQueue: null, reads: [], held: [], seen: [], configure: [], canceled: 0, cancels: [], deferCancel: false };
  expect(machine.loadDriver("qdispatch", makeDriver(d))).toBe(STATUS_SUCCESS);
  const app = Win32Process.create(machine, "qdispatch.exe");
  const h = app.CreateFile("\\\\.\\QDISPATCH", GENERIC_READ | GENERIC_WRITE, 0, null, OPEN_EXISTING, FILE_FLAG_OVERLAPPED, 0);
  expect(h).not.toBe(-1);
  return { machine, d, app, h };
}

function pendingIoctl(app: Win32Process, h: HANDLE, code: number): OVERLAPPED {
  const ov = new OVERLAPPED();
  ov.hEvent = app.CreateEvent(null, true, false, null);
  const buf = app.alloc(8);
  expect(app.DeviceIoControl(h, code, buf, 8, buf, 8, null, ov)).toBe(false);
  expect(app.GetLastError()).toBe(ERROR_IO_PENDING);
  return ov;
}

function pendingRead(app: Win32Process, h: HANDLE, length: number): OVERLAPPED {
  const ov = new OVERLAPPED();
  ov.hEvent = app.CreateEvent(null, true, false, null);
  expect(app.ReadFile(h, app.alloc(length), length, null, ov)).toBe(false);
  expect(app.GetLastError()).toBe(ERROR_IO_PENDING);
  return ov;
}

/** The overlapped result: the bytes transferred, or the Win32 error. */
function result(app: Win32Process, h: HANDLE, ov: OVERLAPPED): number | string {
  const n = Out(0);
  return app.GetOverlappedResult(h, ov, n, false) ? n.value : `error ${app.GetLastError()}`;
}

describe("WdfDeviceConfigureRequestDispatching", () => {
  it("the read queue gets the reads while IOCTLs go to the default queue; the refusals are WDF's", () => {
    const { machine, d, app, h } = load();
    expect(d.configure).toEqual([
      STATUS_INVALID_PARAMETER, // not a type a queue can take
      STATUS_INVALID_DEVICE_REQUEST, // the read queue has no EvtIoWrite
      STATUS_INVALID_DEVICE_REQUEST, // the default queue
      STATUS_INVALID_DEVICE_REQUEST, // creates need a queue with EvtIoDefault (FxPkgGeneral::ConfigureForwarding)
      STATUS_SUCCESS,
      STATUS_WDF_BUSY, // reads already go to the read queue
      STATUS_INVALID_DEVICE_STATE, // after WdfControlFinishInitializing
    ]);
    const r1 = pendingRead(app, h, 10);
    const r2 = pendingRead(app, h, 20);
    const io = pendingIoctl(app, h, IOCTL_HOLD);
    // Sequential: the second read waits; the IOCTL is presented by the default queue meanwhile.
    expect(d.seen).toEqual(["read 10", "hold"]);
    const queued = Out(0);
    const owned = Out(0);
    machine.runInKernel(() => {
      expect(WdfIoQueueGetState(d.readQueue!, queued, owned)).toBe(WdfIoQueueAcceptRequests | WdfIoQueueDispatchRequests);
      expect([queued.value, owned.value]).toEqual([1, 1]);
      WdfRequestCompleteWithInformation(d.reads[0]!, STATUS_SUCCESS, 4);
    });
    expect(d.seen).toEqual(["read 10", "hold", "read 20"]);
    machine.runInKernel(() => {
      WdfRequestCompleteWithInformation(d.reads[1]!, STATUS_SUCCESS, 7);
      WdfRequestComplete(d.held[0]!, STATUS_SUCCESS);
      expect(WdfIoQueueGetState(d.readQueue!, null, null)).toBe(
        WdfIoQueueAcceptRequests | WdfIoQueueDispatchRequests | WdfIoQueueNoRequests | WdfIoQueueDriverNoRequests);
    });
    machine.run();
    expect([result(app, h, r1), result(app, h, r2), result(app, h, io)]).toEqual([4, 7, 0]);
    expect(machine.bugCheckData).toBeNull();
  });
});

describe("manual queues, WdfRequestForwardToIoQueue and WdfIoQueueRetrieveNextRequest", () => {
  it("forwarded IOCTLs wait in the manual queue until a later IOCTL retrieves and completes them", () => {
    const { machine, d, app, h } = load();
    const parked = [pendingIoctl(app, h, IOCTL_PARK), pendingIoctl(app, h, IOCTL_PARK)];
    expect(d.seen).toEqual(["park 0", "park 0"]);
    expect(result(app, h, parked[0]!)).toBe(`error ${ERROR_IO_INCOMPLETE}`);
    const queued = Out(0);
    machine.runInKernel(() => expect(WdfIoQueueGetState(d.manualQueue!, queued, null) & WdfIoQueueNoRequests).toBe(0));
    expect(queued.value).toBe(2);
    const buf = app.alloc(8);
    expect(app.DeviceIoControl(h, IOCTL_UNPARK, buf, 8, buf, 8, null, new OVERLAPPED())).toBe(true);
    expect(d.seen).toEqual(["park 0", "park 0", "unpark 2 empty"]);
    machine.run();
    // FIFO: the first parked request was retrieved first.
    expect(parked.map((ov) => result(app, h, ov))).toEqual([1, 2]);
    expect(machine.bugCheckData).toBeNull();
  });

  it("a stopped manual queue is STATUS_WDF_PAUSED to retrieval; a parallel queue cannot be retrieved from; forwarding refusals", () => {
    const { machine, d, app, h } = load();
    const parked = pendingIoctl(app, h, IOCTL_PARK);
    const held = pendingIoctl(app, h, IOCTL_HOLD);
    const out = Out<WDFREQUEST | null>(null);
    machine.runInKernel(() => {
      WdfIoQueueStop(d.manualQueue!, null, null);
      expect(WdfIoQueueRetrieveNextRequest(d.manualQueue!, out)).toBe(STATUS_WDF_PAUSED);
      expect(out.value).toBeNull();
      WdfIoQueueStart(d.manualQueue!);
      expect(WdfIoQueueRetrieveNextRequest(d.defaultQueue!, out)).toBe(STATUS_INVALID_DEVICE_STATE);
      expect(WdfIoQueueRetrieveNextRequest(d.manualQueue!, out)).toBe(STATUS_SUCCESS);
      // A request waiting in a queue is not the driver's to forward; nor may it go to its own queue.
      const waiting = out.value!;
      expect(WdfRequestForwardToIoQueue(d.held[0]!, d.defaultQueue!)).toBe(STATUS_INVALID_DEVICE_REQUEST);
      expect(WdfRequestForwardToIoQueue(waiting, d.manualQueue!)).toBe(STATUS_INVALID_DEVICE_REQUEST);
      // A purged queue does not accept: the driver keeps the request.
      WdfIoQueuePurge(d.readQueue!, null, null);
      expect(WdfRequestForwardToIoQueue(waiting, d.readQueue!)).toBe(STATUS_INVALID_DEVICE_STATE);
      WdfRequestComplete(waiting, STATUS_SUCCESS);
      WdfRequestComplete(d.held[0]!, STATUS_SUCCESS);
    });
    machine.run();
    expect([result(app, h, parked), result(app, h, held)]).toEqual([0, 0]);
    expect(machine.bugCheckData).toBeNull();
  });
});

describe("WdfIoQueueStop, Start, Purge and Drain, as the client sees them", () => {
  it("a stopped queue keeps new reads; Start presents them", () => {
    const { machine, d, app, h } = load();
    const stopped: string[] = [];
    machine.runInKernel(() => WdfIoQueueStop(d.readQueue!, (_Queue, Context) => stopped.push(String(Context)), "ctx"));
    // No request is the driver's: StopComplete runs at once.
    expect(stopped).toEqual(["ctx"]);
    const r = pendingRead(app, h, 5);
    expect(d.seen).toEqual([]);
    expect(result(app, h, r)).toBe(`error ${ERROR_IO_INCOMPLETE}`);
    machine.runInKernel(() => WdfIoQueueStart(d.readQueue!));
    expect(d.seen).toEqual(["read 5"]);
    machine.runInKernel(() => WdfRequestCompleteWithInformation(d.reads[0]!, STATUS_SUCCESS, 5));
    machine.run();
    expect(result(app, h, r)).toBe(5);
  });

  it("StopComplete waits for the request the driver owns", () => {
    const { machine, d, app, h } = load();
    const stopped: string[] = [];
    const r = pendingRead(app, h, 5);
    machine.runInKernel(() => WdfIoQueueStop(d.readQueue!, () => stopped.push("stopped"), null));
    expect(stopped).toEqual([]);
    machine.runInKernel(() => WdfRequestComplete(d.reads[0]!, STATUS_SUCCESS));
    expect(stopped).toEqual(["stopped"]);
    machine.run();
    expect(result(app, h, r)).toBe(0);
  });

  it("purge: waiting reads complete ERROR_OPERATION_ABORTED, new ones ERROR_BAD_COMMAND; PurgeComplete after the driver's read completes", () => {
    const { machine, d, app, h } = load();
    const purged: string[] = [];
    const r1 = pendingRead(app, h, 1);
    const r2 = pendingRead(app, h, 2);
    const r3 = pendingRead(app, h, 3);
    machine.runInKernel(() => WdfIoQueuePurge(d.readQueue!, () => purged.push("purged"), null));
    machine.run();
    expect([result(app, h, r2), result(app, h, r3)]).toEqual([`error ${ERROR_OPERATION_ABORTED}`, `error ${ERROR_OPERATION_ABORTED}`]);
    expect(result(app, h, r1)).toBe(`error ${ERROR_IO_INCOMPLETE}`);
    expect(purged).toEqual([]);
    // The purged queue does not accept: STATUS_INVALID_DEVICE_STATE.
    const n = Out(0);
    expect(app.ReadFile(h, app.alloc(4), 4, n, new OVERLAPPED())).toBe(false);
    expect(app.GetLastError()).toBe(ERROR_BAD_COMMAND);
    machine.runInKernel(() => WdfRequestCompleteWithInformation(d.reads[0]!, STATUS_SUCCESS, 1));
    expect(purged).toEqual(["purged"]);
    machine.runInKernel(() => WdfIoQueueStart(d.readQueue!));
    pendingRead(app, h, 9);
    expect(d.seen).toEqual(["read 1", "read 9"]);
    machine.run();
    expect(result(app, h, r1)).toBe(1);
  });

  it("drain: new reads are refused, the waiting one is still presented; DrainComplete when none is left", () => {
    const { machine, d, app, h } = load();
    const drained: string[] = [];
    const r1 = pendingRead(app, h, 1);
    const r2 = pendingRead(app, h, 2);
    machine.runInKernel(() => WdfIoQueueDrain(d.readQueue!, () => drained.push("drained"), null));
    expect(app.ReadFile(h, app.alloc(4), 4, null, new OVERLAPPED())).toBe(false);
    expect(app.GetLastError()).toBe(ERROR_BAD_COMMAND);
    machine.runInKernel(() => WdfRequestComplete(d.reads[0]!, STATUS_SUCCESS));
    expect(d.seen).toEqual(["read 1", "read 2"]);
    expect(drained).toEqual([]);
    machine.runInKernel(() => WdfRequestComplete(d.reads[1]!, STATUS_SUCCESS));
    expect(drained).toEqual(["drained"]);
    machine.run();
    expect([result(app, h, r1), result(app, h, r2)]).toEqual([0, 0]);
  });
});

describe("cancellation of a waiting request", () => {
  for (const seed of [1, 2, 3, 4]) {
    it(`CancelIoEx on a waiting read: ERROR_OPERATION_ABORTED, the read the driver owns is untouched (seed ${seed}, random preemption)`, () => {
      const { machine, d, app, h } = load(seed, "random");
      const r1 = pendingRead(app, h, 1);
      const r2 = pendingRead(app, h, 2);
      expect(app.CancelIoEx(h, r2)).toBe(true);
      machine.run();
      expect(result(app, h, r2)).toBe(`error ${ERROR_OPERATION_ABORTED}`);
      expect(result(app, h, r1)).toBe(`error ${ERROR_IO_INCOMPLETE}`);
      const queued = Out(0);
      machine.runInKernel(() => {
        expect(WdfIoQueueGetState(d.readQueue!, queued, null) & WdfIoQueueNoRequests).toBe(WdfIoQueueNoRequests);
        WdfRequestCompleteWithInformation(d.reads[0]!, STATUS_SUCCESS, 1);
      });
      machine.run();
      expect(result(app, h, r1)).toBe(1);
      // The cancelled read was never presented.
      expect(d.seen).toEqual(["read 1"]);
      expect(machine.bugCheckData).toBeNull();
    });
  }

  it("CancelIoEx on a parked IOCTL: EvtIoCanceledOnQueue gets it and completes it; the other stays parked", () => {
    const { machine, d, app, h } = load();
    const parked = [pendingIoctl(app, h, IOCTL_PARK), pendingIoctl(app, h, IOCTL_PARK)];
    expect(app.CancelIoEx(h, parked[0]!)).toBe(true);
    machine.run();
    expect(d.canceled).toBe(1);
    expect(result(app, h, parked[0]!)).toBe(`error ${ERROR_OPERATION_ABORTED}`);
    const buf = app.alloc(8);
    expect(app.DeviceIoControl(h, IOCTL_UNPARK, buf, 8, buf, 8, null, new OVERLAPPED())).toBe(true);
    expect(d.seen.at(-1)).toBe("unpark 1 empty");
    machine.run();
    expect(result(app, h, parked[1]!)).toBe(1);
    expect(machine.bugCheckData).toBeNull();
  });
});

describe("WdfRequestMarkCancelable, UnmarkCancelable and IsCanceled", () => {
  for (const seed of [1, 2, 3]) {
    it(`CancelIoEx on a cancelable request runs EvtRequestCancel, which completes it (seed ${seed}, random preemption)`, () => {
      const { machine, d, app, h } = load(seed, "random");
      const ov = pendingIoctl(app, h, IOCTL_CANCELABLE);
      machine.runInKernel(() => expect(WdfRequestIsCanceled(d.held[0]!)).toBe(false));
      expect(app.CancelIoEx(h, ov)).toBe(true);
      machine.run();
      expect(d.cancels).toEqual(["EvtRequestCancel true"]);
      expect(result(app, h, ov)).toBe(`error ${ERROR_OPERATION_ABORTED}`);
      expect(machine.bugCheckData).toBeNull();
    });
  }

  it("UnmarkCancelable after the cancel is STATUS_CANCELLED: the cancel callback, not the driver, completes it", () => {
    const { machine, d, app, h } = load();
    d.deferCancel = true;
    const ov = pendingIoctl(app, h, IOCTL_CANCELABLE);
    expect(app.CancelIoEx(h, ov)).toBe(true);
    machine.runInKernel(() => {
      expect(WdfRequestUnmarkCancelable(d.held[0]!)).toBe(STATUS_CANCELLED);
      WdfRequestComplete(d.held[0]!, STATUS_CANCELLED);
    });
    machine.run();
    expect(result(app, h, ov)).toBe(`error ${ERROR_OPERATION_ABORTED}`);
    expect(machine.bugCheckData).toBeNull();
  });

  it("UnmarkCancelable before any cancel succeeds and the driver completes normally; marking twice is refused (checked)", () => {
    const { machine, d, app, h } = load();
    const ov = pendingIoctl(app, h, IOCTL_CANCELABLE);
    machine.runInKernel(() => {
      expect(WdfRequestMarkCancelableEx(d.held[0]!, () => {})).toBe(STATUS_INVALID_DEVICE_REQUEST);
      // A cancelable request cannot be forwarded.
      expect(WdfRequestForwardToIoQueue(d.held[0]!, d.manualQueue!)).toBe(STATUS_INVALID_DEVICE_REQUEST);
      expect(WdfRequestUnmarkCancelable(d.held[0]!)).toBe(STATUS_SUCCESS);
      expect(WdfRequestUnmarkCancelable(d.held[0]!)).toBe(STATUS_INVALID_DEVICE_REQUEST);
      WdfRequestCompleteWithInformation(d.held[0]!, STATUS_SUCCESS, 2);
    });
    machine.run();
    expect(result(app, h, ov)).toBe(2);
    expect(d.cancels).toEqual([]);
  });

  it("MarkCancelableEx on a request already cancelled is STATUS_CANCELLED; the driver completes it", () => {
    const { machine, d, app, h } = load();
    const ov = pendingIoctl(app, h, IOCTL_HOLD);
    expect(app.CancelIoEx(h, ov)).toBe(true);
    machine.runInKernel(() => {
      expect(WdfRequestIsCanceled(d.held[0]!)).toBe(true);
      expect(WdfRequestMarkCancelableEx(d.held[0]!, () => d.cancels.push("never"))).toBe(STATUS_CANCELLED);
      WdfRequestComplete(d.held[0]!, STATUS_CANCELLED);
    });
    machine.run();
    expect(result(app, h, ov)).toBe(`error ${ERROR_OPERATION_ABORTED}`);
    expect(d.cancels).toEqual([]);
  });

  it("completing a request still marked cancelable: the IRP reaches IoCompleteRequest with its cancel routine set (checked: 0xC9/0x7)", () => {
    const { machine, d, app, h } = load();
    pendingIoctl(app, h, IOCTL_CANCELABLE);
    expect(() => machine.runInKernel(() => WdfRequestComplete(d.held[0]!, STATUS_SUCCESS))).toThrow(BugCheck);
    expect(machine.bugCheckData?.BugCheckCode).toBe(DRIVER_VERIFIER_IOMANAGER_VIOLATION);
    expect(machine.bugCheckData?.BugCheckParameter1).toBe(0x7);
  });
});

describe("WdfIoQueuePurgeSynchronously", () => {
  it("a purge cancels the requests the driver marked cancelable: EvtRequestCancel completes them", () => {
    const { machine, d, app, h } = load();
    const cancelable = pendingIoctl(app, h, IOCTL_CANCELABLE);
    const held = pendingIoctl(app, h, IOCTL_HOLD);
    const purged: string[] = [];
    machine.runInKernel(() => WdfIoQueuePurge(d.defaultQueue!, () => purged.push("purged"), null));
    expect(d.cancels).toEqual(["EvtRequestCancel true"]);
    expect(purged).toEqual([]);
    machine.runInKernel(() => WdfRequestComplete(d.held[1]!, STATUS_SUCCESS));
    expect(purged).toEqual(["purged"]);
    machine.run();
    expect([result(app, h, cancelable), result(app, h, held)]).toEqual([`error ${ERROR_OPERATION_ABORTED}`, 0]);
    expect(machine.bugCheckData).toBeNull();
  });

  it("a PASSIVE_LEVEL thread waits until the driver completes the read it owns; the waiting read is cancelled", () => {
    const { machine, d, app, h } = load();
    const r1 = pendingRead(app, h, 1);
    const r2 = pendingRead(app, h, 2);
    const log: string[] = [];
    machine.runInKernel(() => {
      PsCreateSystemThread(Out(0), 0, null, null, null, function* () {
        log.push("purging");
        yield* WdfIoQueuePurgeSynchronously(d.readQueue!);
        log.push("purged");
      }, null);
    });
    machine.run();
    expect(log).toEqual(["purging"]);
    expect(result(app, h, r2)).toBe(`error ${ERROR_OPERATION_ABORTED}`);
    machine.runInKernel(() => WdfRequestCompleteWithInformation(d.reads[0]!, STATUS_SUCCESS, 1));
    machine.run();
    expect(log).toEqual(["purging", "purged"]);
    expect(result(app, h, r1)).toBe(1);
  });
});
