import { describe, expect, it } from "vitest";
import {
  boot, BugCheck, DISPATCH_LEVEL, STATUS_INFO_LENGTH_MISMATCH, STATUS_INVALID_PARAMETER, KeGetCurrentIrql, KeLowerIrql, KeRaiseIrql, MemoryTraceSink, NonPagedPoolNx, Out, PASSIVE_LEVEL, ReadBytes, STATUS_INVALID_DEVICE_REQUEST,
  STATUS_SUCCESS, WDF_REL_TIMEOUT_IN_MS, WDF_VIOLATION, WriteBytes, type KWAIT, type NTSTATUS,
} from "@wdfjs/kernel";
import {
  STATUS_IO_TIMEOUT, WDF_MEMORY_DESCRIPTOR, WDF_MEMORY_DESCRIPTOR_INIT_BUFFER, WDF_MEMORY_DESCRIPTOR_INIT_HANDLE, WDF_REQUEST_SEND_OPTIONS, WDF_REQUEST_SEND_OPTIONS_INIT,
  WDF_REQUEST_SEND_OPTIONS_SET_TIMEOUT, WDF_REQUEST_SEND_OPTION_SYNCHRONOUS, WDF_REQUEST_SEND_OPTION_SEND_AND_FORGET, WDF_REQUEST_SEND_OPTION_TIMEOUT, WDFMEMORY_OFFSET, WdfDeviceGetIoTarget, WdfIoTargetFormatRequestForIoctl,
  WdfIoTargetSendIoctlSynchronously, WdfIoTargetSendReadSynchronously, WdfIoTargetSendWriteSynchronously, WdfMemoryCreate, WdfMemoryGetBuffer,
  WdfRequestCompleteWithInformation, WdfRequestCreate, WdfRequestGetStatus, WdfRequestRetrieveInputMemory, WdfRequestRetrieveOutputMemory, WdfRequestSend,
  WdfRequestSetCompletionRoutine, WDF_IO_QUEUE_CONFIG, WDF_IO_QUEUE_CONFIG_INIT, WdfIoQueueCreate, WdfIoQueueDispatchParallel, WdfRequestForwardToIoQueue,
  type WDFMEMORY, type WDFQUEUE, type WDFREQUEST,
} from "../src/index.js";
import { FILE_FLAG_OVERLAPPED, OVERLAPPED } from "@wdfjs/win32";
import { IOCTL_KLOWER_ECHO, IOCTL_KLOWER_PEND, bytesOf, inThread, installLower, newLower, openClient, text, type Upper } from "./target-harness.js";

function stack(configure: Upper["configure"] = (config) => { config.EvtIoDefault = () => {}; }, trace?: MemoryTraceSink) {
  const m = trace === undefined ? boot() : boot({ trace });
  const lower = newLower();
  const upper: Upper = { device: null, configure, events: [] };
  installLower(m, lower, upper);
  const target = m.runInKernel(() => WdfDeviceGetIoTarget(upper.device!)!);
  return { m, lower, upper, target };
}

function memory(size: number, content = ""): WDFMEMORY {
  const mem = Out<WDFMEMORY | null>(null);
  const buf = Out(0);
  expect(WdfMemoryCreate(null, NonPagedPoolNx, 0, size, mem, buf)).toBe(STATUS_SUCCESS);
  WriteBytes(buf.value, bytesOf(content));
  return mem.value!;
}

describe("synchronous sends from PASSIVE_LEVEL driver code", () => {
  it("an EvtIoDeviceControl that waits: yield* WdfIoTargetSendIoctlSynchronously with the request's own memory, then completes with the bytes returned", () => {
    const { m, lower, upper } = stack((config, u) => {
      config.EvtIoDeviceControl = function* (_q: WDFQUEUE, Request: WDFREQUEST, _o: number, _i: number, code: number) {
        const input = Out<WDFMEMORY | null>(null);
        const output = Out<WDFMEMORY | null>(null);
        WdfRequestRetrieveInputMemory(Request, input);
        WdfRequestRetrieveOutputMemory(Request, output);
        const inDesc = new WDF_MEMORY_DESCRIPTOR();
        const outDesc = new WDF_MEMORY_DESCRIPTOR();
        WDF_MEMORY_DESCRIPTOR_INIT_HANDLE(inDesc, input.value!, null);
        WDF_MEMORY_DESCRIPTOR_INIT_HANDLE(outDesc, output.value!, null);
        const bytes = Out(0);
        u.events.push(`irql ${KeGetCurrentIrql()}`);
        const status: NTSTATUS = yield* WdfIoTargetSendIoctlSynchronously(WdfDeviceGetIoTarget(u.device!)!, null, code, inDesc, outDesc, null, bytes);
        u.events.push(`sent ${status} ${bytes.value}`);
        WdfRequestCompleteWithInformation(Request, status, bytes.value);
      } as never;
    });
    const { app, h } = openClient(m);
    const buf = app.alloc(32);
    app.WriteMemory(buf, bytesOf("sync"));
    const n = Out(0);
    expect(app.DeviceIoControl(h, IOCTL_KLOWER_ECHO, buf, 4, buf, 32, n, null)).toBe(true);
    expect(text(app.ReadMemory(buf, n.value))).toBe("echo:sync");
    expect(upper.events).toEqual([`irql ${PASSIVE_LEVEL}`, `sent ${STATUS_SUCCESS} 9`]);
    expect(lower.seen).toEqual(["echo sync"]);
  });

  it("a system thread writes a raw buffer and reads into a WDFMEMORY window: BytesWritten and BytesRead are the lower driver's Information", () => {
    const { m, lower, target } = stack();
    const r = inThread(m, function* () {
      const wbuf = memory(16, "hello");
      const wdesc = new WDF_MEMORY_DESCRIPTOR();
      WDF_MEMORY_DESCRIPTOR_INIT_BUFFER(wdesc, WdfMemoryGetBuffer(wbuf, null), 5);
      const written = Out(0);
      const ws = yield* WdfIoTargetSendWriteSynchronously(target, null, wdesc, null, null, written);
      const rbuf = memory(32);
      const offsets = new WDFMEMORY_OFFSET();
      offsets.BufferOffset = 4;
      offsets.BufferLength = 20;
      const rdesc = new WDF_MEMORY_DESCRIPTOR();
      WDF_MEMORY_DESCRIPTOR_INIT_HANDLE(rdesc, rbuf, offsets);
      const read = Out(0);
      const rs = yield* WdfIoTargetSendReadSynchronously(target, null, rdesc, null, null, read);
      return [ws, written.value, rs, read.value, text(ReadBytes(WdfMemoryGetBuffer(rbuf, null) + 4, read.value))];
    });
    expect(r.value).toEqual([STATUS_SUCCESS, 5, STATUS_SUCCESS, 10, "lower read"]);
    expect(lower.seen).toEqual(["write hello", "read 20"]);
  });

  it("a synchronous send whose timeout passes is cancelled and returns STATUS_IO_TIMEOUT", () => {
    const { m, lower, target } = stack();
    const options = new WDF_REQUEST_SEND_OPTIONS();
    WDF_REQUEST_SEND_OPTIONS_INIT(options, 0);
    WDF_REQUEST_SEND_OPTIONS_SET_TIMEOUT(options, WDF_REL_TIMEOUT_IN_MS(100));
    const r = inThread(m, function* () {
      return yield* WdfIoTargetSendIoctlSynchronously(target, null, IOCTL_KLOWER_PEND, null, null, options, null);
    });
    expect(r).toEqual({ value: STATUS_IO_TIMEOUT, done: true });
    expect(lower.seen).toEqual(["pend", "cancelled"]);
  });

  it("WdfRequestSend with WDF_REQUEST_SEND_OPTION_SYNCHRONOUS waits for the driver-created request; its status is then the lower driver's", () => {
    const { m, target } = stack();
    const options = new WDF_REQUEST_SEND_OPTIONS();
    WDF_REQUEST_SEND_OPTIONS_INIT(options, WDF_REQUEST_SEND_OPTION_SYNCHRONOUS);
    const r = inThread(m, function* () {
      const request = Out<WDFREQUEST | null>(null);
      WdfRequestCreate(null, target, request);
      const mem = memory(16, "again");
      WdfIoTargetFormatRequestForIoctl(target, request.value!, IOCTL_KLOWER_ECHO, mem, null, mem, null);
      const sent = yield* (WdfRequestSend(request.value!, target, options) as KWAIT<boolean>);
      return [sent, WdfRequestGetStatus(request.value!), text(ReadBytes(WdfMemoryGetBuffer(mem, null), 10))];
    });
    expect(r.value).toEqual([true, STATUS_SUCCESS, "echo:again"]);
  });
});

describe("a waiting queue callback presented at DISPATCH_LEVEL", () => {
  it("runs in a system worker thread at PASSIVE_LEVEL: a request forwarded from DISPATCH_LEVEL to a queue whose EvtIoDeviceControl sends synchronously", () => {
    const held: WDFREQUEST[] = [];
    let second: WDFQUEUE | null = null;
    const { m, upper } = stack((config, u) => {
      config.EvtIoDeviceControl = (_q, Request) => void held.push(Request);
      u.events.push("configured");
    });
    m.runInKernel(() => {
      const config = new WDF_IO_QUEUE_CONFIG();
      WDF_IO_QUEUE_CONFIG_INIT(config, WdfIoQueueDispatchParallel);
      config.EvtIoDeviceControl = function* (_q: WDFQUEUE, Request: WDFREQUEST, _o: number, _i: number, code: number) {
        upper.events.push(`presented, runs at ${KeGetCurrentIrql()}`);
        const output = Out<WDFMEMORY | null>(null);
        WdfRequestRetrieveOutputMemory(Request, output);
        const outDesc = new WDF_MEMORY_DESCRIPTOR();
        WDF_MEMORY_DESCRIPTOR_INIT_HANDLE(outDesc, output.value!, null);
        const bytes = Out(0);
        const status: NTSTATUS = yield* WdfIoTargetSendIoctlSynchronously(WdfDeviceGetIoTarget(upper.device!)!, null, code, null, outDesc, null, bytes);
        WdfRequestCompleteWithInformation(Request, status, bytes.value);
      } as never;
      const q = Out<WDFQUEUE | null>(null);
      expect(WdfIoQueueCreate(upper.device!, config, null, q)).toBe(STATUS_SUCCESS);
      second = q.value;
    });
    const { app, h } = openClient(m, FILE_FLAG_OVERLAPPED);
    const ov = new OVERLAPPED();
    ov.hEvent = app.CreateEvent(null, true, false, null);
    const out = app.alloc(32);
    expect(app.DeviceIoControl(h, IOCTL_KLOWER_ECHO, 0, 0, out, 32, null, ov)).toBe(false);
    expect(held).toHaveLength(1);
    m.runInKernel(() => {
      const old = Out(0);
      KeRaiseIrql(DISPATCH_LEVEL, old);
      expect(WdfRequestForwardToIoQueue(held[0]!, second!)).toBe(STATUS_SUCCESS);
      KeLowerIrql(old.value);
    });
    m.run();
    const n = Out(0);
    expect(app.GetOverlappedResult(h, ov, n, true)).toBe(true);
    expect(text(app.ReadMemory(out, n.value))).toBe("echo:");
    expect(upper.events).toEqual(["configured", `presented, runs at ${PASSIVE_LEVEL}`]);
  });
});

describe("synchronous sends: the rules", () => {
  it("called above PASSIVE_LEVEL: STATUS_INVALID_DEVICE_REQUEST and a trace, nothing is sent (checked flavor)", () => {
    const trace = new MemoryTraceSink();
    const { m, lower, target } = stack(undefined, trace);
    const status = m.runInKernel(() => {
      const old = Out(0);
      KeRaiseIrql(DISPATCH_LEVEL, old);
      const call = WdfIoTargetSendIoctlSynchronously(target, null, IOCTL_KLOWER_ECHO, null, null, null, null);
      KeLowerIrql(old.value);
      return call[Symbol.iterator]().next().value;
    });
    expect(status).toBe(STATUS_INVALID_DEVICE_REQUEST);
    expect(lower.seen).toEqual([]);
    expect(trace.events.some((e) => e.kind === "wdf.wrong-irql" && (e.detail ?? "").startsWith("WdfIoTargetSendIoctlSynchronously"))).toBe(true);
  });

  it("send options are validated as FxValidateRequestOptions does: another Size is STATUS_INFO_LENGTH_MISMATCH, unknown flags or SEND_AND_FORGET with another flag STATUS_INVALID_PARAMETER; WdfRequestSend reports any of them as STATUS_INVALID_PARAMETER", () => {
    const { m, lower, target } = stack();
    const options = (Size: number, Flags: number) => {
      const o = new WDF_REQUEST_SEND_OPTIONS();
      WDF_REQUEST_SEND_OPTIONS_INIT(o, Flags);
      o.Size = Size;
      return o;
    };
    const r = inThread(m, function* () {
      const sync = (o: WDF_REQUEST_SEND_OPTIONS) => WdfIoTargetSendIoctlSynchronously(target, null, IOCTL_KLOWER_ECHO, null, null, o, null);
      const out: unknown[] = [];
      const init = new WDF_REQUEST_SEND_OPTIONS();
      WDF_REQUEST_SEND_OPTIONS_INIT(init, 0);
      out.push(yield* sync(options(init.Size + 8, 0)));
      out.push(yield* sync(options(init.Size, 0x100)));
      out.push(yield* sync(options(init.Size, WDF_REQUEST_SEND_OPTION_SEND_AND_FORGET | WDF_REQUEST_SEND_OPTION_TIMEOUT)));
      const request = Out<WDFREQUEST | null>(null);
      WdfRequestCreate(null, target, request);
      WdfIoTargetFormatRequestForIoctl(target, request.value!, IOCTL_KLOWER_ECHO, null, null, null, null);
      out.push(WdfRequestSend(request.value!, target, options(init.Size - 4, 0)), WdfRequestGetStatus(request.value!));
      return out;
    });
    expect(r.value).toEqual([STATUS_INFO_LENGTH_MISMATCH, STATUS_INVALID_PARAMETER, STATUS_INVALID_PARAMETER, false, STATUS_INVALID_PARAMETER]);
    expect(lower.seen).toEqual([]);
  });

  it("sending synchronously a request the driver already sent is WDF_VIOLATION 0x6/0x3", () => {
    const { m, target } = stack();
    let request: WDFREQUEST | null = null;
    m.runInKernel(() => {
      const r = Out<WDFREQUEST | null>(null);
      WdfRequestCreate(null, target, r);
      request = r.value;
      WdfIoTargetFormatRequestForIoctl(target, r.value!, IOCTL_KLOWER_PEND, null, null, null, null);
      WdfRequestSetCompletionRoutine(r.value!, () => {}, null);
      expect(WdfRequestSend(r.value!, target, null)).toBe(true);
    });
    expect(() => inThread(m, function* () {
      return yield* WdfIoTargetSendIoctlSynchronously(target, request, IOCTL_KLOWER_ECHO, null, null, null, null);
    })).toThrow(BugCheck);
    expect(m.bugCheckData).toMatchObject({ BugCheckCode: WDF_VIOLATION, BugCheckParameter1: 0x6, BugCheckParameter2: 0x3, BugCheckParameter3: request! });
  });
});

