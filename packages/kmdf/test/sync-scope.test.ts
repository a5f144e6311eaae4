import { describe, expect, it } from "vitest";
import {
  boot, CTL_CODE, DISPATCH_LEVEL, FILE_ANY_ACCESS, FILE_DEVICE_UNKNOWN, InterlockedIncrement, KeGetCurrentIrql, METHOD_BUFFERED, Out, PASSIVE_LEVEL, STATUS_SUCCESS,
  type KWAIT_BLOCK, type Machine, type NTSTATUS, type PreemptionOptions,
} from "@wdfjs/kernel";
import { FILE_FLAG_OVERLAPPED, GENERIC_READ, GENERIC_WRITE, INFINITE, OPEN_EXISTING, OVERLAPPED, Win32Process, type Win32ThreadContext } from "@wdfjs/win32";
import {
  WDF_IO_QUEUE_CONFIG, WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE, WDF_OBJECT_ATTRIBUTES, WDF_OBJECT_ATTRIBUTES_INIT, WDF_REL_TIMEOUT_IN_MS, WDF_TIMER_CONFIG,
  WDF_TIMER_CONFIG_INIT_PERIODIC, WdfExecutionLevelPassive, WdfIoQueueCreate, WdfIoQueueDispatchParallel, WdfIoQueueDispatchSequential, WdfRequestComplete, WdfRequestCompleteWithInformation, WdfSynchronizationScopeDevice,
  WdfSynchronizationScopeNone, WdfSynchronizationScopeQueue, WdfTimerCreate, WdfTimerStart, type WDFQUEUE, type WDFREQUEST, type WDFTIMER,
} from "../src/index.js";
import type { WDF_SYNCHRONIZATION_SCOPE } from "@wdfjs/framework";
import { loadControlDriver } from "./control-driver.js";

const IOCTL_WORK = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x800, METHOD_BUFFERED, FILE_ANY_ACCESS);

interface Observed {
  inside: number;
  maxInside: number;
  calls: number;
  irqls: Set<number>;
  ticks: number;
  tickInsideIo: number;
}

/**
 * A parallel default queue whose EvtIoDeviceControl passes scheduling points (interlocked
 * operations) while it counts how many of its invocations are running at once.
 */
function load(m: Machine, scope: WDF_SYNCHRONIZATION_SCOPE, on: "queue" | "device", o: Observed, withTimer = false, passive = false): NTSTATUS {
  return loadControlDriver(m, "SYNC", (device) => {
    const config = new WDF_IO_QUEUE_CONFIG();
    WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(config, WdfIoQueueDispatchParallel);
    const spin = Out(0);
    config.EvtIoDeviceControl = (_q, Request) => {
      o.calls++;
      o.irqls.add(KeGetCurrentIrql());
      if (++o.inside > o.maxInside) o.maxInside = o.inside;
      for (let i = 0; i < 100; i++) InterlockedIncrement(spin);
      o.inside--;
      WdfRequestComplete(Request, STATUS_SUCCESS);
    };
    const attributes = new WDF_OBJECT_ATTRIBUTES();
    WDF_OBJECT_ATTRIBUTES_INIT(attributes);
    if (on === "queue") attributes.SynchronizationScope = scope;
    if (passive) attributes.ExecutionLevel = WdfExecutionLevelPassive;
    const queue = Out<WDFQUEUE | null>(null);
    let status = WdfIoQueueCreate(device, config, attributes, queue);
    if (status !== STATUS_SUCCESS || !withTimer) return status;
    const tc = new WDF_TIMER_CONFIG();
    WDF_TIMER_CONFIG_INIT_PERIODIC(tc, () => {
      o.ticks++;
      if (o.inside > 0) o.tickInsideIo++;
    }, 1);
    const ta = new WDF_OBJECT_ATTRIBUTES();
    WDF_OBJECT_ATTRIBUTES_INIT(ta);
    ta.ParentObject = queue.value!;
    const timer = Out<WDFTIMER | null>(null);
    status = WdfTimerCreate(tc, ta, timer);
    if (status === STATUS_SUCCESS) WdfTimerStart(timer.value!, WDF_REL_TIMEOUT_IN_MS(1));
    return status;
  }, on === "device" ? (a) => (a.SynchronizationScope = scope) : undefined);
}

/** Two client threads, each sending `n` IOCTLs on its own handle. */
function run(m: Machine, n = 15): void {
  const app = Win32Process.create(m, "sync.exe");
  const worker = function* (_p: unknown, t: Win32ThreadContext): Generator<KWAIT_BLOCK, number, NTSTATUS> {
    const h = yield* t.CreateFile("\\\\.\\SYNC", GENERIC_READ | GENERIC_WRITE, 0, null, OPEN_EXISTING, 0, 0);
    let ok = 1;
    for (let i = 0; i < n; i++) {
      // Both threads wake at the same tick, so a request may meet the other thread ready to run.
      yield* t.Sleep(1);
      if (!(yield* t.DeviceIoControl(h, IOCTL_WORK, 0, 0, 0, 0, Out(0), null))) ok = 0;
    }
    yield* t.CloseHandle(h);
    return ok;
  };
  const a = app.CreateThread(null, 0, worker, 0, 0, null);
  const b = app.CreateThread(null, 0, worker, 0, 0, null);
  expect(app.WaitForSingleObject(a, INFINITE)).toBe(0);
  expect(app.WaitForSingleObject(b, INFINITE)).toBe(0);
  for (const t of [a, b]) {
    const code = Out(0);
    app.GetExitCodeThread(t, code);
    expect(code.value).toBe(1);
  }
}

function observed(): Observed {
  return { inside: 0, maxInside: 0, calls: 0, irqls: new Set(), ticks: 0, tickInsideIo: 0 };
}

const seeds = [1, 2, 3, 4, 5, 6, 7, 8];
const random: PreemptionOptions = { mode: "random", probability: 0.03 };

describe("synchronization scope: the framework serializes a queue's callbacks with its callback lock", () => {
  it("with scope None, two requests on a parallel queue run their callbacks at the same time under preemption", () => {
    let overlapped = 0;
    for (const seed of seeds) {
      const m = boot({ seed, processors: 2, preemption: random });
      const o = observed();
      expect(load(m, WdfSynchronizationScopeNone, "queue", o)).toBe(STATUS_SUCCESS);
      run(m);
      expect(o.calls).toBe(30);
      if (o.maxInside > 1) overlapped++;
      // Without a lock the callbacks run at the caller's IRQL (the client's thread: PASSIVE_LEVEL).
      expect(o.irqls.has(PASSIVE_LEVEL)).toBe(true);
    }
    expect(overlapped).toBeGreaterThan(0);
  });

  it.each(["queue", "device"] as const)("with scope Queue (set on the %s), the callbacks never overlap, whatever the seed", (on) => {
    for (const seed of seeds) {
      const m = boot({ seed, processors: 2, preemption: random });
      const o = observed();
      expect(load(m, WdfSynchronizationScopeQueue, on, o)).toBe(STATUS_SUCCESS);
      run(m);
      expect(o.calls).toBe(30);
      expect(o.maxInside).toBe(1);
      // The queue's spin lock is held: the callbacks run at DISPATCH_LEVEL.
      expect([...o.irqls]).toEqual([DISPATCH_LEVEL]);
    }
  });

  it("with scope Device, the callbacks never overlap and a timer parented to the queue never fires inside one", () => {
    for (const seed of seeds) {
      const m = boot({ seed, processors: 2, preemption: random });
      const o = observed();
      expect(load(m, WdfSynchronizationScopeDevice, "device", o, true)).toBe(STATUS_SUCCESS);
      run(m);
      m.runFor(5);
      expect(o.maxInside).toBe(1);
      expect(o.ticks).toBeGreaterThan(0);
      expect(o.tickInsideIo).toBe(0);
    }
  });

  it("a passive-level queue with scope Queue runs its callbacks at PASSIVE_LEVEL, one at a time", () => {
    for (const seed of seeds) {
      const m = boot({ seed, processors: 2, preemption: random });
      const o = observed();
      expect(load(m, WdfSynchronizationScopeQueue, "queue", o, false, true)).toBe(STATUS_SUCCESS);
      run(m);
      expect(o.calls).toBe(30);
      expect(o.maxInside).toBe(1);
      expect([...o.irqls]).toEqual([PASSIVE_LEVEL]);
    }
  });
});

describe("execution level Passive: a callback that would run at DISPATCH_LEVEL is moved to a work item", () => {
  it("a passive-level sequential queue presents the next request at PASSIVE_LEVEL although a timer DPC completed the previous one", () => {
    const m = boot({ seed: 1 });
    const irqls: number[] = [];
    let current: WDFREQUEST | null = null;
    expect(loadControlDriver(m, "PASSIVE", (device) => {
      const config = new WDF_IO_QUEUE_CONFIG();
      WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(config, WdfIoQueueDispatchSequential);
      config.EvtIoWrite = (_q, Request) => {
        irqls.push(KeGetCurrentIrql());
        current = Request;
      };
      const qa = new WDF_OBJECT_ATTRIBUTES();
      WDF_OBJECT_ATTRIBUTES_INIT(qa);
      qa.ExecutionLevel = WdfExecutionLevelPassive;
      let status = WdfIoQueueCreate(device, config, qa, Out<WDFQUEUE | null>(null));
      if (status !== STATUS_SUCCESS) return status;
      const tc = new WDF_TIMER_CONFIG();
      WDF_TIMER_CONFIG_INIT_PERIODIC(tc, () => {
        if (current === null) return;
        const r = current;
        current = null;
        // At DISPATCH_LEVEL: the queue's next presentation must not run here.
        WdfRequestCompleteWithInformation(r, STATUS_SUCCESS, 1);
      }, 5);
      const ta = new WDF_OBJECT_ATTRIBUTES();
      WDF_OBJECT_ATTRIBUTES_INIT(ta);
      ta.ParentObject = device;
      const timer = Out<WDFTIMER | null>(null);
      status = WdfTimerCreate(tc, ta, timer);
      if (status === STATUS_SUCCESS) WdfTimerStart(timer.value!, WDF_REL_TIMEOUT_IN_MS(5));
      return status;
    })).toBe(STATUS_SUCCESS);
    const app = Win32Process.create(m, "passive.exe");
    const h = app.CreateFile("\\\\.\\PASSIVE", GENERIC_READ | GENERIC_WRITE, 0, null, OPEN_EXISTING, FILE_FLAG_OVERLAPPED, 0);
    const buf = app.alloc(8);
    const ovs = [new OVERLAPPED(), new OVERLAPPED(), new OVERLAPPED()];
    for (const ov of ovs) {
      ov.hEvent = app.CreateEvent(null, true, false, null);
      expect(app.WriteFile(h, buf, 8, null, ov)).toBe(false);
    }
    for (const ov of ovs) expect(app.GetOverlappedResult(h, ov, Out(0), true)).toBe(true);
    expect(irqls).toEqual([PASSIVE_LEVEL, PASSIVE_LEVEL, PASSIVE_LEVEL]);
  });
});
