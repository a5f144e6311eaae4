import { describe, expect, it } from "vitest";
import {
  boot, Executive, KeDelayExecutionThread, KeInitializeEvent, KernelMode, KeSetEvent, KeWaitForSingleObject, KEVENT, NotificationEvent, Out, PsCreateSystemThread,
  RELATIVE_MS, STATUS_TIMEOUT, SynchronizationEvent,
} from "../src/index.js";

describe("waiter lists cost what they hold", () => {
  it("a thread that polls an event with a timeout ten thousand times leaves its waiter list short", () => {
    const m = boot();
    const ev = new KEVENT();
    let timeouts = 0;
    m.runInKernel(() => {
      KeInitializeEvent(ev, SynchronizationEvent, false);
      PsCreateSystemThread(Out(0), 0, null, null, null, function* Poller() {
        for (let i = 0; i < 10_000; i++) {
          if ((yield* KeWaitForSingleObject(ev, Executive, KernelMode, false, RELATIVE_MS(1))) === STATUS_TIMEOUT) timeouts++;
        }
      }, null);
    });
    m.run();
    expect(timeouts).toBe(10_000);
    expect(ev.waiters!.length).toBeLessThan(64);
  });

  it("one KeSetEvent on a notification event releases two thousand waiting threads, each once", () => {
    const m = boot({ processors: 4 });
    const ev = new KEVENT();
    const released: number[] = [];
    m.runInKernel(() => {
      KeInitializeEvent(ev, NotificationEvent, false);
      for (let i = 0; i < 2000; i++) {
        PsCreateSystemThread(Out(0), 0, null, null, null, function* () {
          yield* KeWaitForSingleObject(ev, Executive, KernelMode, false, null);
          released.push(i);
        }, null);
      }
    });
    m.run();
    expect(ev.waiters!.length).toBe(2000);
    m.runInKernel(() => KeSetEvent(ev, 0, false));
    m.run();
    expect(released).toHaveLength(2000);
    expect(new Set(released).size).toBe(2000);
    expect(ev.waiters!.length).toBe(0);
  });
});

describe("the timer heap costs what is live", () => {
  it("two threads that wake each other long before their timeouts, under a live timer, leave the heap small", () => {
    const m = boot();
    const ping = new KEVENT();
    const pong = new KEVENT();
    let rounds = 0;
    m.runInKernel(() => {
      KeInitializeEvent(ping, SynchronizationEvent, false);
      KeInitializeEvent(pong, SynchronizationEvent, false);
      // A live timer due before all those timeouts keeps their stale entries from surfacing.
      PsCreateSystemThread(Out(0), 0, null, null, null, function* Sleeper() {
        yield* KeDelayExecutionThread(KernelMode, false, RELATIVE_MS(60_000));
      }, null);
      PsCreateSystemThread(Out(0), 0, null, null, null, function* Pinger() {
        for (let i = 0; i < 20_000; i++) {
          KeSetEvent(ping, 0, false);
          yield* KeWaitForSingleObject(pong, Executive, KernelMode, false, RELATIVE_MS(3_600_000));
        }
      }, null);
      PsCreateSystemThread(Out(0), 0, null, null, null, function* Ponger() {
        for (let i = 0; i < 20_000; i++) {
          yield* KeWaitForSingleObject(ping, Executive, KernelMode, false, RELATIVE_MS(3_600_000));
          rounds++;
          KeSetEvent(pong, 0, false);
        }
      }, null);
    });
    let maxHeap = 0;
    // Step the machine in slices (the sleeper's timer stays live throughout), looking at the heap between them.
    for (let i = 0; i < 1000 && rounds < 20_000; i++) {
      m.runInKernel(() => {
        for (let k = 0; k < 500; k++) m.scheduler.step();
      });
      maxHeap = Math.max(maxHeap, m.scheduler.timerHeapSize);
    }
    expect(rounds).toBe(20_000);
    expect(maxHeap).toBeLessThan(300);
  });
});
