import { describe, expect, it } from "vitest";
import {
  boot, CTL_CODE, FILE_ANY_ACCESS, FILE_DEVICE_UNKNOWN, METHOD_BUFFERED, NT_SUCCESS, Out, PsCreateSystemThread, STATUS_INFO_LENGTH_MISMATCH, STATUS_INVALID_DEVICE_REQUEST,
  STATUS_INVALID_PARAMETER, STATUS_NO_MORE_ENTRIES, STATUS_NOT_FOUND, STATUS_SUCCESS, type Machine, type NTSTATUS,
} from "@wdfjs/kernel";
import { ERROR_IO_INCOMPLETE, ERROR_IO_PENDING, ERROR_OPERATION_ABORTED, FILE_FLAG_OVERLAPPED, GENERIC_READ, GENERIC_WRITE, OPEN_EXISTING, OVERLAPPED, Win32Process, type HANDLE } from "@wdfjs/win32";
import {
  STATUS_INVALID_PARAMETER_4, WDF_FILEOBJECT_CONFIG, WDF_FILEOBJECT_CONFIG_INIT, WdfDeviceInitSetFileObjectConfig, WDF_IO_QUEUE_CONFIG, WDF_IO_QUEUE_CONFIG_INIT, WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE, WDF_IO_QUEUE_FORWARD_PROGRESS_POLICY,
  WDF_IO_QUEUE_FORWARD_PROGRESS_POLICY_DEFAULT_INIT, WDF_IO_QUEUE_FORWARD_PROGRESS_POLICY_EXAMINE_INIT, WDF_REQUEST_PARAMETERS, WDF_REQUEST_PARAMETERS_INIT,
  WdfDeviceConfigureRequestDispatching, WdfIoQueueAcceptRequests, WdfIoQueueAssignForwardProgressPolicy, WdfIoQueueCreate,
  WdfIoQueueDispatchManual, WdfIoQueueDispatchParallel, WdfIoQueueFindRequest, WdfIoQueueGetState, WdfIoQueueReadyNotify, WdfIoQueueRetrieveFoundRequest,
  WdfIoQueueRetrieveNextRequest, WdfIoQueueRetrieveRequestByFileObject, WdfIoQueueStart, WdfIoQueueStop, WdfIoQueueStopAndPurge, WdfIoQueueStopAndPurgeSynchronously,
  WdfIoQueueDispatchRequests, WdfObjectDereference, WdfRequestComplete, WdfRequestCompleteWithInformation, WdfRequestGetFileObject, WdfRequestRequeue,
  WdfRequestTypeRead, type WDFQUEUE, type WDFREQUEST,
} from "../src/index.js";
import { loadControlDriver } from "./control-driver.js";

/*
 * A control device whose reads go to a manual queue; IOCTLs go to the default (parallel) queue:
 * IOCTL_TAKE_MINE retrieves and completes the reads of its own handle, IOCTL_HOLD is kept.
 */
const IOCTL_TAKE_MINE = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x9a0, METHOD_BUFFERED, FILE_ANY_ACCESS);
const IOCTL_HOLD = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x9a1, METHOD_BUFFERED, FILE_ANY_ACCESS);

interface Driver { manual: WDFQUEUE | null; parallel: WDFQUEUE | null; held: WDFREQUEST[]; log: string[] }

function load(): { machine: Machine; d: Driver; app: Win32Process; h1: HANDLE; h2: HANDLE } {
  const machine = boot({ seed: 3, flavor: "checked" });
  const d: Driver = { manual: null, parallel: null, held: [], log: [] };
  const status = loadControlDriver(machine, "QFIND", (device) => {
    const queue = Out<WDFQUEUE | null>(null);
    const config = new WDF_IO_QUEUE_CONFIG();
    WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(config, WdfIoQueueDispatchParallel);
    config.EvtIoDeviceControl = (_Queue: WDFQUEUE, Request: WDFREQUEST, _O: number, _I: number, IoControlCode: number) => {
      if (IoControlCode === IOCTL_HOLD) {
        d.held.push(Request);
        return;
      }
      const mine = Out<WDFREQUEST | null>(null);
      let n = 0;
      while (WdfIoQueueRetrieveRequestByFileObject(d.manual!, WdfRequestGetFileObject(Request)!, mine) === STATUS_SUCCESS) {
        WdfRequestCompleteWithInformation(mine.value!, STATUS_SUCCESS, ++n);
      }
      WdfRequestCompleteWithInformation(Request, STATUS_SUCCESS, 0);
    };
    let s: NTSTATUS = WdfIoQueueCreate(device, config, null, queue);
    if (!NT_SUCCESS(s)) return s;
    d.parallel = queue.value;
    const manual = new WDF_IO_QUEUE_CONFIG();
    WDF_IO_QUEUE_CONFIG_INIT(manual, WdfIoQueueDispatchManual);
    s = WdfIoQueueCreate(device, manual, null, queue);
    if (!NT_SUCCESS(s)) return s;
    d.manual = queue.value;
    return WdfDeviceConfigureRequestDispatching(device, d.manual!, WdfRequestTypeRead);
  }, undefined, (init) => {
    // A WDFFILEOBJECT per handle, for WdfRequestGetFileObject.
    const fileConfig = new WDF_FILEOBJECT_CONFIG();
    WDF_FILEOBJECT_CONFIG_INIT(fileConfig, null, null, null);
    WdfDeviceInitSetFileObjectConfig(init, fileConfig, null);
  });
  expect(status).toBe(STATUS_SUCCESS);
  const app = Win32Process.create(machine, "qfind.exe");
  const open = () => app.CreateFile("\\\\.\\QFIND", GENERIC_READ | GENERIC_WRITE, 0, null, OPEN_EXISTING, FILE_FLAG_OVERLAPPED, 0);
  const h1 = open();
  const h2 = open();
  expect(h1).not.toBe(-1);
  expect(h2).not.toBe(-1);
  return { machine, d, app, h1, h2 };
}

function pendingRead(app: Win32Process, h: HANDLE, length: number): OVERLAPPED {
  const ov = new OVERLAPPED();
  ov.hEvent = app.CreateEvent(null, true, false, null);
  expect(app.ReadFile(h, app.alloc(length), length, null, ov)).toBe(false);
  expect(app.GetLastError()).toBe(ERROR_IO_PENDING);
  return ov;
}

function ioctl(app: Win32Process, h: HANDLE, code: number): OVERLAPPED {
  const ov = new OVERLAPPED();
  ov.hEvent = app.CreateEvent(null, true, false, null);
  const buf = app.alloc(8);
  app.DeviceIoControl(h, code, buf, 8, buf, 8, null, ov);
  return ov;
}

function result(app: Win32Process, h: HANDLE, ov: OVERLAPPED): number | string {
  const n = Out(0);
  return app.GetOverlappedResult(h, ov, n, false) ? n.value : `error ${app.GetLastError()}`;
}

describe("WdfIoQueueFindRequest and WdfIoQueueRetrieveFoundRequest", () => {
  it("find walks the waiting requests after each tag, with their parameters, and leaves them queued", () => {
    const { machine, d, app, h1, h2 } = load();
    const reads = [pendingRead(app, h1, 1), pendingRead(app, h2, 2), pendingRead(app, h1, 3)];
    const lengths: number[] = [];
    const statuses: NTSTATUS[] = [];
    machine.runInKernel(() => {
      const params = new WDF_REQUEST_PARAMETERS();
      WDF_REQUEST_PARAMETERS_INIT(params);
      const found = Out<WDFREQUEST | null>(null);
      const tags: WDFREQUEST[] = [];
      let tag: WDFREQUEST | null = null;
      let status: NTSTATUS;
      while ((status = WdfIoQueueFindRequest(d.manual!, tag, null, params, found)) === STATUS_SUCCESS) {
        lengths.push(params.Parameters.Read.Length);
        tag = found.value!;
        tags.push(tag);
      }
      statuses.push(status);
      // Only the file object's requests: h1's two reads.
      const fo = Out<WDFREQUEST | null>(null);
      expect(WdfIoQueueFindRequest(d.manual!, tags[0]!, null, null, fo)).toBe(STATUS_SUCCESS);
      WdfObjectDereference(fo.value!);
      const queued = Out(0);
      WdfIoQueueGetState(d.manual!, queued, null);
      statuses.push(queued.value);
      for (const t of tags) WdfObjectDereference(t);
    });
    expect(lengths).toEqual([1, 2, 3]);
    expect(statuses).toEqual([STATUS_NO_MORE_ENTRIES, 3]);
    expect(reads.map((ov) => result(app, h1, ov))).toEqual([`error ${ERROR_IO_INCOMPLETE}`, `error ${ERROR_IO_INCOMPLETE}`, `error ${ERROR_IO_INCOMPLETE}`]);
    expect(machine.bugCheckData).toBeNull();
  });

  it("a found request retrieved becomes the driver's; a tag that left the queue is STATUS_NOT_FOUND", () => {
    const { machine, d, app, h1 } = load();
    const r1 = pendingRead(app, h1, 4);
    const r2 = pendingRead(app, h1, 5);
    const got: NTSTATUS[] = [];
    let second: WDFREQUEST | null = null;
    machine.runInKernel(() => {
      const found = Out<WDFREQUEST | null>(null);
      const out = Out<WDFREQUEST | null>(null);
      expect(WdfIoQueueFindRequest(d.manual!, null, null, null, found)).toBe(STATUS_SUCCESS);
      const tag = found.value!;
      got.push(WdfIoQueueRetrieveFoundRequest(d.manual!, tag, out));
      expect(out.value).toBe(tag);
      WdfRequestCompleteWithInformation(out.value!, STATUS_SUCCESS, 4);
      // The reference Find took keeps the handle valid after completion; it is no longer queued.
      got.push(WdfIoQueueRetrieveFoundRequest(d.manual!, tag, out));
      got.push(WdfIoQueueFindRequest(d.manual!, tag, null, null, found));
      WdfObjectDereference(tag);
      expect(WdfIoQueueFindRequest(d.manual!, null, null, null, found)).toBe(STATUS_SUCCESS);
      second = found.value;
    });
    machine.run();
    expect(result(app, h1, r1)).toBe(4);
    // The client cancels the second read while the driver only holds its tag.
    expect(app.CancelIoEx(h1, r2)).toBe(true);
    machine.run();
    machine.runInKernel(() => {
      got.push(WdfIoQueueRetrieveFoundRequest(d.manual!, second!, Out<WDFREQUEST | null>(null)));
      WdfObjectDereference(second!);
    });
    expect(got).toEqual([STATUS_SUCCESS, STATUS_NOT_FOUND, STATUS_NOT_FOUND, STATUS_NOT_FOUND]);
    expect(result(app, h1, r2)).toBe(`error ${ERROR_OPERATION_ABORTED}`);
    expect(machine.bugCheckData).toBeNull();
  });

  it("find is for manual queues only, and refuses a WDF_REQUEST_PARAMETERS without its size", () => {
    const { machine, d } = load();
    machine.runInKernel(() => {
      const found = Out<WDFREQUEST | null>(null);
      expect(WdfIoQueueFindRequest(d.parallel!, null, null, null, found)).toBe(STATUS_INVALID_DEVICE_REQUEST);
      expect(WdfIoQueueFindRequest(d.manual!, null, null, new WDF_REQUEST_PARAMETERS(), found)).toBe(STATUS_INVALID_PARAMETER_4);
      expect(WdfIoQueueFindRequest(d.manual!, null, null, null, found)).toBe(STATUS_NO_MORE_ENTRIES);
      expect(found.value).toBeNull();
    });
    expect(machine.bugCheckData).toBeNull();
  });
});

describe("WdfIoQueueRetrieveRequestByFileObject", () => {
  it("an IOCTL on one handle completes only that handle's waiting reads, oldest first", () => {
    const { machine, app, h1, h2 } = load();
    const a = pendingRead(app, h1, 8);
    const b = pendingRead(app, h2, 8);
    const c = pendingRead(app, h2, 8);
    const take = ioctl(app, h2, IOCTL_TAKE_MINE);
    machine.run();
    expect(result(app, h2, take)).toBe(0);
    expect([result(app, h1, a), result(app, h2, b), result(app, h2, c)]).toEqual([`error ${ERROR_IO_INCOMPLETE}`, 1, 2]);
    expect(machine.bugCheckData).toBeNull();
  });
});

describe("WdfIoQueueReadyNotify", () => {
  it("the callback runs when the manual queue goes from empty to non-empty, not for each request", () => {
    const { machine, d, app, h1 } = load();
    const ready: string[] = [];
    machine.runInKernel(() => expect(WdfIoQueueReadyNotify(d.manual!, (_Queue, Context) => ready.push(String(Context)), "ready")).toBe(STATUS_SUCCESS));
    pendingRead(app, h1, 1);
    pendingRead(app, h1, 2);
    expect(ready).toEqual(["ready"]);
    machine.runInKernel(() => {
      const out = Out<WDFREQUEST | null>(null);
      while (WdfIoQueueRetrieveNextRequest(d.manual!, out) === STATUS_SUCCESS) WdfRequestComplete(out.value!, STATUS_SUCCESS);
    });
    pendingRead(app, h1, 3);
    expect(ready).toEqual(["ready", "ready"]);
    expect(machine.bugCheckData).toBeNull();
  });

  it("requests already waiting are reported when the callback is registered", () => {
    const { machine, d, app, h1 } = load();
    pendingRead(app, h1, 1);
    const ready: number[] = [];
    machine.runInKernel(() => WdfIoQueueReadyNotify(d.manual!, () => ready.push(1), null));
    expect(ready).toEqual([1]);
  });

  it("refusals: not a manual queue, a second registration, a cancel while dispatching or with none", () => {
    const { machine, d } = load();
    const noop = (): void => {};
    machine.runInKernel(() => {
      expect(WdfIoQueueReadyNotify(d.parallel!, noop, null)).toBe(STATUS_INVALID_DEVICE_REQUEST);
      expect(WdfIoQueueReadyNotify(d.manual!, null, null)).toBe(STATUS_INVALID_DEVICE_REQUEST);
      expect(WdfIoQueueReadyNotify(d.manual!, noop, null)).toBe(STATUS_SUCCESS);
      expect(WdfIoQueueReadyNotify(d.manual!, noop, null)).toBe(STATUS_INVALID_DEVICE_REQUEST);
      expect(WdfIoQueueReadyNotify(d.manual!, null, null)).toBe(STATUS_INVALID_DEVICE_REQUEST);
      WdfIoQueueStop(d.manual!, null, null);
      expect(WdfIoQueueReadyNotify(d.manual!, null, null)).toBe(STATUS_SUCCESS);
    });
  });
});

describe("WdfIoQueueStopAndPurge", () => {
  it("waiting requests are cancelled, the driver keeps its own, new ones wait; the callback once the driver owns none", () => {
    const { machine, d, app, h1 } = load();
    const owned = pendingRead(app, h1, 1);
    const waiting = pendingRead(app, h1, 2);
    const done: string[] = [];
    let mine: WDFREQUEST | null = null;
    machine.runInKernel(() => {
      const out = Out<WDFREQUEST | null>(null);
      expect(WdfIoQueueRetrieveNextRequest(d.manual!, out)).toBe(STATUS_SUCCESS);
      mine = out.value;
      WdfIoQueueStopAndPurge(d.manual!, (_Queue, Context) => done.push(String(Context)), "stopped+purged");
    });
    machine.run();
    expect(result(app, h1, waiting)).toBe(`error ${ERROR_OPERATION_ABORTED}`);
    expect(done).toEqual([]);
    const later = pendingRead(app, h1, 3);
    machine.runInKernel(() => {
      const state = WdfIoQueueGetState(d.manual!, null, null);
      expect(state & (WdfIoQueueAcceptRequests | WdfIoQueueDispatchRequests)).toBe(WdfIoQueueAcceptRequests);
      WdfRequestCompleteWithInformation(mine!, STATUS_SUCCESS, 1);
    });
    expect(done).toEqual(["stopped+purged"]);
    machine.runInKernel(() => {
      WdfIoQueueStart(d.manual!);
      const out = Out<WDFREQUEST | null>(null);
      expect(WdfIoQueueRetrieveNextRequest(d.manual!, out)).toBe(STATUS_SUCCESS);
      WdfRequestCompleteWithInformation(out.value!, STATUS_SUCCESS, 3);
    });
    machine.run();
    expect([result(app, h1, owned), result(app, h1, later)]).toEqual([1, 3]);
    expect(machine.bugCheckData).toBeNull();
  });

  it("the synchronous form returns once the driver completed the requests it owns", () => {
    const { machine, d, app, h1 } = load();
    const held = ioctl(app, h1, IOCTL_HOLD);
    const log: string[] = [];
    machine.runInKernel(() => {
      PsCreateSystemThread(Out(0), 0, null, null, null, function* () {
        log.push("stopping");
        yield* WdfIoQueueStopAndPurgeSynchronously(d.parallel!);
        log.push("stopped");
      }, null);
    });
    machine.run();
    expect(log).toEqual(["stopping"]);
    machine.runInKernel(() => WdfRequestComplete(d.held[0]!, STATUS_SUCCESS));
    machine.run();
    expect(log).toEqual(["stopping", "stopped"]);
    expect(result(app, h1, held)).toBe(0);
  });
});

describe("WdfRequestRequeue", () => {
  it("a request retrieved from a manual queue goes back to its head; another queue's is STATUS_INVALID_DEVICE_REQUEST", () => {
    const { machine, d, app, h1 } = load();
    pendingRead(app, h1, 1);
    pendingRead(app, h1, 2);
    ioctl(app, h1, IOCTL_HOLD);
    const seen: unknown[] = [];
    machine.runInKernel(() => {
      const out = Out<WDFREQUEST | null>(null);
      expect(WdfIoQueueRetrieveNextRequest(d.manual!, out)).toBe(STATUS_SUCCESS);
      const first = out.value!;
      seen.push(WdfRequestRequeue(first));
      expect(WdfIoQueueRetrieveNextRequest(d.manual!, out)).toBe(STATUS_SUCCESS);
      seen.push(out.value === first);
      seen.push(WdfRequestRequeue(d.held[0]!));
    });
    expect(seen).toEqual([STATUS_SUCCESS, true, STATUS_INVALID_DEVICE_REQUEST]);
    expect(machine.bugCheckData).toBeNull();
  });
});

describe("WdfIoQueueAssignForwardProgressPolicy", () => {
  it("a valid policy is accepted once; a wrong size, no reserved requests or an examine policy without its callback are refused", () => {
    const { machine, d } = load();
    const statuses: NTSTATUS[] = [];
    machine.runInKernel(() => {
      const policy = new WDF_IO_QUEUE_FORWARD_PROGRESS_POLICY();
      statuses.push(WdfIoQueueAssignForwardProgressPolicy(d.manual!, policy));
      WDF_IO_QUEUE_FORWARD_PROGRESS_POLICY_DEFAULT_INIT(policy, 0);
      statuses.push(WdfIoQueueAssignForwardProgressPolicy(d.manual!, policy));
      WDF_IO_QUEUE_FORWARD_PROGRESS_POLICY_EXAMINE_INIT(policy, null!, 2);
      statuses.push(WdfIoQueueAssignForwardProgressPolicy(d.manual!, policy));
      WDF_IO_QUEUE_FORWARD_PROGRESS_POLICY_DEFAULT_INIT(policy, 4);
      statuses.push(WdfIoQueueAssignForwardProgressPolicy(d.manual!, policy));
      statuses.push(WdfIoQueueAssignForwardProgressPolicy(d.manual!, policy));
    });
    expect(statuses).toEqual([STATUS_INFO_LENGTH_MISMATCH, STATUS_INVALID_PARAMETER, STATUS_INVALID_PARAMETER, STATUS_SUCCESS, STATUS_INVALID_PARAMETER]);
  });
});
