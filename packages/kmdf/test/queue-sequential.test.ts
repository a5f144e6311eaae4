import { describe, expect, it } from "vitest";
import { boot, Out, STATUS_SUCCESS, type KWAIT_BLOCK, type Machine, type NTSTATUS } from "@wdfjs/kernel";
import { FILE_FLAG_OVERLAPPED, GENERIC_READ, GENERIC_WRITE, INFINITE, OPEN_EXISTING, OVERLAPPED, Win32Process, type Win32ThreadContext } from "@wdfjs/win32";
import {
  WDF_IO_QUEUE_CONFIG, WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE, WDF_OBJECT_ATTRIBUTES, WDF_OBJECT_ATTRIBUTES_INIT, WDF_REL_TIMEOUT_IN_MS, WDF_TIMER_CONFIG,
  WDF_TIMER_CONFIG_INIT_PERIODIC, WdfIoQueueCreate, WdfIoQueueDispatchParallel, WdfIoQueueDispatchSequential, WdfRequestCompleteWithInformation, WdfTimerCreate, WdfTimerStart,
  type WDFQUEUE, type WDFREQUEST, type WDFTIMER,
} from "../src/index.js";
import { loadControlDriver } from "./control-driver.js";

interface Held {
  /** The reads the driver has and has not completed yet. */
  held: WDFREQUEST[];
  /** The most it ever had at once. */
  maxHeld: number;
  presented: number;
}

/**
 * The echo sample's shape, without its locks: a sequential default queue (scope None; or a
 * parallel one with NumberOfPresentedRequests `limit`) whose
 * EvtIoRead keeps the request, and a periodic timer that completes what the driver has. Each
 * completion (in the timer's DPC) lets the queue present the next read while the client threads
 * keep queuing new ones: dispatches on two processors that preemption interleaves.
 */
function load(m: Machine, h: Held, limit: number): NTSTATUS {
  return loadControlDriver(m, "SEQ", (device) => {
    const config = new WDF_IO_QUEUE_CONFIG();
    WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(config, limit === 1 ? WdfIoQueueDispatchSequential : WdfIoQueueDispatchParallel);
    if (limit > 1) config.Settings.Parallel.NumberOfPresentedRequests = limit;
    config.EvtIoRead = (_Queue: WDFQUEUE, Request: WDFREQUEST) => {
      h.presented++;
      h.held.push(Request);
      if (h.held.length > h.maxHeld) h.maxHeld = h.held.length;
    };
    const queue = Out<WDFQUEUE | null>(null);
    let status = WdfIoQueueCreate(device, config, null, queue);
    if (status !== STATUS_SUCCESS) return status;
    const tc = new WDF_TIMER_CONFIG();
    WDF_TIMER_CONFIG_INIT_PERIODIC(tc, () => {
      // All of them: a second request presented too early must not be left behind.
      const mine = h.held;
      h.held = [];
      for (const r of mine) WdfRequestCompleteWithInformation(r, STATUS_SUCCESS, 1);
    }, 1);
    const ta = new WDF_OBJECT_ATTRIBUTES();
    WDF_OBJECT_ATTRIBUTES_INIT(ta);
    ta.ParentObject = queue.value!;
    const timer = Out<WDFTIMER | null>(null);
    status = WdfTimerCreate(tc, ta, timer);
    if (status === STATUS_SUCCESS) WdfTimerStart(timer.value!, WDF_REL_TIMEOUT_IN_MS(1));
    return status;
  });
}

/** Two client threads, each with its own overlapped handle, keep `depth` reads in flight for `rounds` rounds. */
function run(m: Machine, rounds: number, depth: number): void {
  const app = Win32Process.create(m, "seq.exe");
  const worker = function* (_p: unknown, t: Win32ThreadContext): Generator<KWAIT_BLOCK, number, NTSTATUS> {
    const h = yield* t.CreateFile("\\\\.\\SEQ", GENERIC_READ | GENERIC_WRITE, 0, null, OPEN_EXISTING, FILE_FLAG_OVERLAPPED, 0);
    const buf = t.VirtualAlloc(0, depth * 8, 0x3000, 0x04);
    let ok = 1;
    for (let round = 0; round < rounds; round++) {
      const ovs: OVERLAPPED[] = [];
      for (let i = 0; i < depth; i++) {
        const ov = new OVERLAPPED();
        ov.hEvent = t.CreateEvent(null, true, false, null);
        yield* t.ReadFile(h, buf + i * 8, 8, null, ov);
        ovs.push(ov);
      }
      for (const ov of ovs) {
        const n = Out(0);
        if (!(yield* t.GetOverlappedResult(h, ov, n, true)) || n.value !== 1) ok = 0;
        t.CloseHandle(ov.hEvent);
      }
    }
    yield* t.CloseHandle(h);
    return ok;
  };
  const threads = [app.CreateThread(null, 0, worker, 0, 0, null), app.CreateThread(null, 0, worker, 0, 0, null)];
  for (const th of threads) {
    expect(app.WaitForSingleObject(th, INFINITE)).toBe(0);
    const code = Out(0);
    app.GetExitCodeThread(th, code);
    expect(code.value).toBe(1);
  }
}

// Without the queue lock around presentation, seeds 12, 19, 21, 26 and 37 presented two reads at once.
describe("presentation limits under preemption", () => {
  it.each([
    ["a sequential queue presents one request at a time", 1],
    ["a parallel queue presents at most NumberOfPresentedRequests", 2],
  ] as const)("%s, although completions and new requests dispatch on two processors at once", (_name, limit) => {
    for (let seed = 1; seed <= 40; seed++) {
      const m = boot({ seed, processors: 2, preemption: { mode: "random", probability: 0.2 } });
      const h: Held = { held: [], maxHeld: 0, presented: 0 };
      expect(load(m, h, limit)).toBe(STATUS_SUCCESS);
      run(m, 3, 4);
      expect({ seed, maxHeld: h.maxHeld, presented: h.presented }).toEqual({ seed, maxHeld: limit, presented: 24 });
      expect(m.bugCheckData).toBeNull();
    }
  });
});
