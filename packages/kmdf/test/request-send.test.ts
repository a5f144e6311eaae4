import { describe, expect, it } from "vitest";
import {
  boot, BugCheck, IO_STACK_LOCATION, IRP_MJ_DEVICE_CONTROL, MemoryTraceSink, NonPagedPoolNx, Out, STATUS_CANCELLED, STATUS_INVALID_DEVICE_REQUEST, STATUS_INVALID_DEVICE_STATE, STATUS_SUCCESS, WDF_REL_TIMEOUT_IN_MS, WDF_VIOLATION,
} from "@wdfjs/kernel";
import { ERROR_INVALID_FUNCTION, ERROR_IO_PENDING, ERROR_OPERATION_ABORTED, FILE_FLAG_OVERLAPPED, OVERLAPPED } from "@wdfjs/win32";
import {
  STATUS_IO_TIMEOUT, WDF_REQUEST_COMPLETION_PARAMS, WDF_REQUEST_REUSE_NO_FLAGS, WDF_REQUEST_REUSE_PARAMS, WDF_REQUEST_REUSE_PARAMS_INIT, WDF_REQUEST_SEND_OPTIONS,
  WDF_REQUEST_SEND_OPTIONS_INIT, WDF_REQUEST_SEND_OPTIONS_SET_TIMEOUT, WDF_REQUEST_SEND_OPTION_SEND_AND_FORGET, WdfDeviceGetIoTarget, WdfIoTargetFormatRequestForIoctl,
  WdfMemoryCreate, WdfObjectDelete, WdfRequestCancelSentRequest, WdfRequestComplete, WdfRequestCompleteWithInformation, WdfRequestCreate, WdfRequestFormatRequestUsingCurrentType,
  WdfRequestGetCompletionParams, WdfRequestGetIoTarget, WdfRequestGetStatus, WdfRequestReuse, WdfRequestSend, WdfRequestSetCompletionRoutine, WdfRequestTypeDeviceControl, WdfRequestTypeNoFormat, WdfRequestWdmFormatUsingStackLocation,
  type WDFIOTARGET, type WDFMEMORY, type WDFREQUEST, type WDF_IO_QUEUE_CONFIG,
} from "../src/index.js";
import { IOCTL_KLOWER_ECHO, IOCTL_KLOWER_PEND, bytesOf, installLower, newLower, openClient, text, type Upper } from "./target-harness.js";

function filter(configure: (config: WDF_IO_QUEUE_CONFIG, upper: Upper) => void): Upper {
  return { device: null, configure, events: [] };
}

function echo(m: ReturnType<typeof boot>, input: string): { ok: boolean; reply: string; error: number } {
  const { app, h } = openClient(m);
  const inBuf = app.alloc(64);
  const outBuf = app.alloc(64);
  app.WriteMemory(inBuf, bytesOf(input));
  const n = Out(0);
  const ok = app.DeviceIoControl(h, IOCTL_KLOWER_ECHO, inBuf, input.length, outBuf, 64, n, null);
  return { ok, reply: text(app.ReadMemory(outBuf, n.value)), error: ok ? 0 : app.GetLastError() };
}

const forget = new WDF_REQUEST_SEND_OPTIONS();
WDF_REQUEST_SEND_OPTIONS_INIT(forget, WDF_REQUEST_SEND_OPTION_SEND_AND_FORGET);

describe("WdfRequestSend: a filter passing requests down to its default target", () => {
  it("send-and-forget: the IRP goes down with the filter's location skipped; the lower driver's answer reaches the client", () => {
    const m = boot();
    const lower = newLower();
    const upper = filter((config, u) => {
      config.EvtIoDeviceControl = (_q, Request) => {
        u.events.push("forward");
        if (!WdfRequestSend(Request, WdfDeviceGetIoTarget(u.device!)!, forget)) WdfRequestComplete(Request, WdfRequestGetStatus(Request));
      };
    });
    installLower(m, lower, upper);
    expect(echo(m, "hi")).toEqual({ ok: true, reply: "echo:hi", error: 0 });
    expect(upper.events).toEqual(["forward"]);
    expect(lower.seen).toEqual(["echo hi"]);
  });

  it("format with the current type and a completion routine: the routine sees the lower driver's status and information, then completes the request", () => {
    const m = boot();
    const lower = newLower();
    const upper = filter((config, u) => {
      config.EvtIoDeviceControl = (_q, Request) => {
        WdfRequestFormatRequestUsingCurrentType(Request);
        WdfRequestSetCompletionRoutine(Request, (r: WDFREQUEST, target: WDFIOTARGET, params, context) => {
          u.events.push(`completion ${params.IoStatus.Status} ${params.IoStatus.Information} ${context} ${target === WdfDeviceGetIoTarget(u.device!)} ${WdfRequestGetIoTarget(r) === target}`);
          WdfRequestCompleteWithInformation(r, params.IoStatus.Status, params.IoStatus.Information);
        }, "ctx");
        if (!WdfRequestSend(Request, WdfDeviceGetIoTarget(u.device!)!, null)) WdfRequestComplete(Request, WdfRequestGetStatus(Request));
      };
    });
    installLower(m, lower, upper);
    expect(echo(m, "abc")).toEqual({ ok: true, reply: "echo:abc", error: 0 });
    expect(upper.events).toEqual([`completion ${STATUS_SUCCESS} 8 ctx true true`]);
  });

  it("a queue-presented request sent asynchronously without a completion routine is refused: FALSE, STATUS_INVALID_DEVICE_REQUEST", () => {
    const m = boot();
    const lower = newLower();
    const upper = filter((config, u) => {
      config.EvtIoDeviceControl = (_q, Request) => {
        WdfRequestFormatRequestUsingCurrentType(Request);
        const sent = WdfRequestSend(Request, WdfDeviceGetIoTarget(u.device!)!, null);
        u.events.push(`sent ${sent} ${WdfRequestGetStatus(Request) === STATUS_INVALID_DEVICE_REQUEST}`);
        if (!sent) WdfRequestComplete(Request, WdfRequestGetStatus(Request));
      };
    });
    installLower(m, lower, upper);
    expect(echo(m, "x")).toMatchObject({ ok: false, error: ERROR_INVALID_FUNCTION });
    expect(upper.events).toEqual(["sent false true"]);
    expect(lower.seen).toEqual([]);
  });

  it("send-and-forget refuses a request formatted by a target (STATUS_INVALID_DEVICE_REQUEST) and a driver-created one (STATUS_INVALID_DEVICE_STATE)", () => {
    const m = boot();
    const lower = newLower();
    const upper = filter((config, u) => {
      config.EvtIoDeviceControl = (_q, Request) => {
        const target = WdfDeviceGetIoTarget(u.device!)!;
        WdfIoTargetFormatRequestForIoctl(target, Request, IOCTL_KLOWER_ECHO, null, null, null, null);
        u.events.push(`formatted ${WdfRequestSend(Request, target, forget)} ${WdfRequestGetStatus(Request) === STATUS_INVALID_DEVICE_REQUEST}`);
        const mine = Out<WDFREQUEST | null>(null);
        WdfRequestCreate(null, target, mine);
        u.events.push(`created ${WdfRequestSend(mine.value!, target, forget)} ${WdfRequestGetStatus(mine.value!) === STATUS_INVALID_DEVICE_STATE}`);
        WdfObjectDelete(mine.value!);
        WdfRequestComplete(Request, STATUS_INVALID_DEVICE_REQUEST);
      };
    });
    installLower(m, lower, upper);
    echo(m, "x");
    expect(upper.events).toEqual(["formatted false true", "created false true"]);
  });

  it("a pending pass-through is cancelled by its client: the lower driver's cancel reaches the filter's completion routine, which completes the request", () => {
    const m = boot();
    const lower = newLower();
    const upper = filter((config, u) => {
      config.EvtIoDeviceControl = (_q, Request) => {
        WdfRequestFormatRequestUsingCurrentType(Request);
        WdfRequestSetCompletionRoutine(Request, (r: WDFREQUEST, _t, params) => {
          u.events.push(`back ${params.IoStatus.Status}`);
          WdfRequestComplete(r, params.IoStatus.Status);
        }, null);
        if (!WdfRequestSend(Request, WdfDeviceGetIoTarget(u.device!)!, null)) WdfRequestComplete(Request, WdfRequestGetStatus(Request));
      };
    });
    installLower(m, lower, upper);
    const { app, h } = openClient(m, FILE_FLAG_OVERLAPPED);
    const ov = new OVERLAPPED();
    ov.hEvent = app.CreateEvent(null, true, false, null);
    expect(app.DeviceIoControl(h, IOCTL_KLOWER_PEND, 0, 0, 0, 0, null, ov)).toBe(false);
    expect(app.GetLastError()).toBe(ERROR_IO_PENDING);
    expect(lower.seen).toEqual(["pend"]);
    expect(upper.events).toEqual([]);
    expect(app.CancelIoEx(h, ov)).toBe(true);
    m.run();
    expect(lower.seen).toEqual(["pend", "cancelled"]);
    expect(upper.events).toEqual([`back ${STATUS_CANCELLED}`]);
    expect(app.GetOverlappedResult(h, ov, Out(0), true)).toBe(false);
    expect(app.GetLastError()).toBe(ERROR_OPERATION_ABORTED);
  });
});

/** A driver-created request to the filter's default target, in a system thread; returns the test's log. */
function driverRequest(run: (target: WDFIOTARGET, request: WDFREQUEST, memory: WDFMEMORY, log: string[]) => void) {
  const m = boot();
  const lower = newLower();
  const upper = filter((config) => {
    config.EvtIoDefault = () => {};
  });
  installLower(m, lower, upper);
  const log: string[] = [];
  m.runInKernel(() => {
    const target = WdfDeviceGetIoTarget(upper.device!)!;
    const request = Out<WDFREQUEST | null>(null);
    expect(WdfRequestCreate(null, target, request)).toBe(STATUS_SUCCESS);
    const memory = Out<WDFMEMORY | null>(null);
    expect(WdfMemoryCreate(null, NonPagedPoolNx, 0, 16, memory, null)).toBe(STATUS_SUCCESS);
    run(target, request.value!, memory.value!, log);
  });
  return { m, lower, log };
}

function pendIoctl(target: WDFIOTARGET, request: WDFREQUEST, memory: WDFMEMORY, log: string[]): void {
  expect(WdfIoTargetFormatRequestForIoctl(target, request, IOCTL_KLOWER_PEND, memory, null, memory, null)).toBe(STATUS_SUCCESS);
  WdfRequestSetCompletionRoutine(request, (r: WDFREQUEST, _t, params) => {
    const p = new WDF_REQUEST_COMPLETION_PARAMS();
    WdfRequestGetCompletionParams(r, p);
    log.push(`completed ${params.IoStatus.Status} ${p.Type === WdfRequestTypeDeviceControl} ${p.Parameters.Ioctl.IoControlCode === IOCTL_KLOWER_PEND}`);
  }, null);
}

describe("WdfRequestSend: requests the driver created", () => {
  it("WdfRequestCancelSentRequest cancels the sent IRP: the completion routine sees STATUS_CANCELLED", () => {
    let request: WDFREQUEST | null = null;
    const { m, lower, log } = driverRequest((target, r, memory, log) => {
      request = r;
      pendIoctl(target, r, memory, log);
      expect(WdfRequestSend(r, target, null)).toBe(true);
    });
    expect(lower.seen).toEqual(["pend"]);
    expect(log).toEqual([]);
    expect(m.runInKernel(() => WdfRequestCancelSentRequest(request!))).toBe(true);
    expect(lower.seen).toEqual(["pend", "cancelled"]);
    expect(log).toEqual([`completed ${STATUS_CANCELLED} true true`]);
  });

  it("a send with a timeout that passes is cancelled at the timeout: STATUS_IO_TIMEOUT", () => {
    const { m, lower, log } = driverRequest((target, r, memory, log) => {
      pendIoctl(target, r, memory, log);
      const options = new WDF_REQUEST_SEND_OPTIONS();
      WDF_REQUEST_SEND_OPTIONS_INIT(options, 0);
      WDF_REQUEST_SEND_OPTIONS_SET_TIMEOUT(options, WDF_REL_TIMEOUT_IN_MS(50));
      expect(WdfRequestSend(r, target, options)).toBe(true);
    });
    m.runFor(40);
    expect(log).toEqual([]);
    m.runFor(20);
    expect(lower.seen).toEqual(["pend", "cancelled"]);
    expect(log).toEqual([`completed ${STATUS_IO_TIMEOUT} true true`]);
  });

  it("a reused request is sent again; sending it while still pending is WDF_VIOLATION 0x6/0x3 (REQUEST_ALREADY_SENT)", () => {
    let request: WDFREQUEST | null = null;
    const { m, lower, log } = driverRequest((target, r, memory, log) => {
      request = r;
      expect(WdfIoTargetFormatRequestForIoctl(target, r, IOCTL_KLOWER_ECHO, memory, null, memory, null)).toBe(STATUS_SUCCESS);
      WdfRequestSetCompletionRoutine(r, (_r, _t, params) => log.push(`echo ${params.IoStatus.Status} ${params.IoStatus.Information}`), null);
      expect(WdfRequestSend(r, target, null)).toBe(true);
      const reuse = new WDF_REQUEST_REUSE_PARAMS();
      WDF_REQUEST_REUSE_PARAMS_INIT(reuse, WDF_REQUEST_REUSE_NO_FLAGS, STATUS_SUCCESS);
      expect(WdfRequestReuse(r, reuse)).toBe(STATUS_SUCCESS);
      pendIoctl(target, r, memory, log);
      expect(WdfRequestSend(r, target, null)).toBe(true);
    });
    expect(log).toEqual([`echo ${STATUS_SUCCESS} 16`]);
    expect(lower.seen.at(-1)).toBe("pend");
    const target = m.runInKernel(() => WdfRequestGetIoTarget(request!)!);
    expect(() => m.runInKernel(() => WdfRequestSend(request!, target, null))).toThrow(BugCheck);
    expect(m.bugCheckData).toMatchObject({ BugCheckCode: WDF_VIOLATION, BugCheckParameter1: 0x6, BugCheckParameter2: 0x3, BugCheckParameter3: request! });
  });

  it("completing a driver-created request is refused with a trace (WDF breaks); the request is deleted instead", () => {
    const trace = new MemoryTraceSink();
    const m = boot({ trace });
    m.runInKernel(() => {
      const request = Out<WDFREQUEST | null>(null);
      expect(WdfRequestCreate(null, null, request)).toBe(STATUS_SUCCESS);
      WdfRequestComplete(request.value!, STATUS_SUCCESS);
      expect(WdfRequestGetIoTarget(request.value!)).toBe(null);
      WdfObjectDelete(request.value!);
    });
    expect(trace.events.filter((e) => e.kind === "wdf.request-complete-driver-created")).toHaveLength(1);
    expect(m.bugCheckData).toBeNull();
  });

  it("WdfRequestWdmFormatUsingStackLocation: the driver's stack location is what the target device gets", () => {
    let request: WDFREQUEST | null = null;
    const { m, lower, log } = driverRequest((target, r, _memory, log) => {
      request = r;
      const stack = new IO_STACK_LOCATION();
      stack.MajorFunction = IRP_MJ_DEVICE_CONTROL;
      stack.Parameters.DeviceIoControl.IoControlCode = IOCTL_KLOWER_PEND;
      WdfRequestWdmFormatUsingStackLocation(r, stack);
      WdfRequestSetCompletionRoutine(r, (_r, _t, params) => log.push(`completed ${params.IoStatus.Status} ${params.Type === WdfRequestTypeNoFormat}`), null);
      expect(WdfRequestSend(r, target, null)).toBe(true);
    });
    expect(lower.seen).toEqual(["pend"]);
    m.runInKernel(() => WdfRequestCancelSentRequest(request!));
    expect(log).toEqual([`completed ${STATUS_CANCELLED} true`]);
  });
});
