import { describe, expect, it } from "vitest";
import {
  boot, Executive, KeInitializeEvent, KernelMode, KeSetEvent, KeWaitForSingleObject, KEVENT, NotificationEvent, Out, PsCreateSystemThread,
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
