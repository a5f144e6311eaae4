import { describe, expect, it } from "vitest";
import {
  boot, Executive, KeAreApcsDisabled, KeDelayExecutionThread, KeInitializeEvent, KeInitializeMutex, KeReadStateEvent, KeReadStateMutex,
  KeReleaseMutex, KernelMode, KePulseEvent, KeWaitForSingleObject, KEVENT, KMODE_EXCEPTION_NOT_HANDLED, KMUTEX, NotificationEvent,
  STATUS_MUTANT_NOT_OWNED, STATUS_SUCCESS, STATUS_TIMEOUT, THREAD_TERMINATE_HELD_MUTEX, type Machine,
} from "../src/index.js";
import { atTime, expectBugCheck, ms, startThread } from "./helpers.js";

function mutex(m: Machine): KMUTEX {
  const mx = new KMUTEX();
  m.runInKernel(() => KeInitializeMutex(mx, 0));
  return mx;
}

describe("Ke: kernel mutexes (KMUTEX)", () => {
  it("the owner acquires it again without waiting, and must release it as often before another thread gets it", () => {
    const m = boot();
    const mx = mutex(m);
    const log: string[] = [];
    startThread(m, function* owner() {
      yield* KeWaitForSingleObject(mx, Executive, KernelMode, false, null);
      const again = yield* KeWaitForSingleObject(mx, Executive, KernelMode, false, null);
      log.push(`owner twice:${again} state:${KeReadStateMutex(mx)} apcsDisabled:${KeAreApcsDisabled()}`);
      yield* KeDelayExecutionThread(KernelMode, false, ms(5));
      log.push(`release prev:${KeReleaseMutex(mx, false)}@${m.now}`);
      yield* KeDelayExecutionThread(KernelMode, false, ms(5));
      log.push(`release prev:${KeReleaseMutex(mx, false)}@${m.now} apcsDisabled:${KeAreApcsDisabled()}`);
    });
    startThread(m, function* other() {
      yield* KeDelayExecutionThread(KernelMode, false, ms(1));
      const st = yield* KeWaitForSingleObject(mx, Executive, KernelMode, false, null);
      log.push(`other got:${st}@${m.now}`);
      KeReleaseMutex(mx, false);
    });
    m.run();
    expect(log).toEqual([
      "owner twice:0 state:-1 apcsDisabled:true",
      "release prev:-1@5",
      "release prev:0@10 apcsDisabled:false",
      "other got:0@10",
    ]);
    expect(KeReadStateMutex(mx)).toBe(1);
  });

  it("a thread that does not own it and releases it raises STATUS_MUTANT_NOT_OWNED: unhandled, bug check 0x1E (both flavors)", () => {
    for (const flavor of ["checked", "free"] as const) {
      const m = boot({ flavor });
      const mx = mutex(m);
      startThread(m, function* owner() {
        yield* KeWaitForSingleObject(mx, Executive, KernelMode, false, null);
        yield* KeDelayExecutionThread(KernelMode, false, ms(10));
        KeReleaseMutex(mx, false);
      });
      startThread(m, function* thief() {
        yield* KeDelayExecutionThread(KernelMode, false, ms(1));
        KeReleaseMutex(mx, false);
      });
      const d = expectBugCheck(m, KMODE_EXCEPTION_NOT_HANDLED, () => m.run());
      expect(d.BugCheckParameter1).toBe(STATUS_MUTANT_NOT_OWNED >>> 0);
    }
  });

  it("a thread that ends holding one stops the machine with THREAD_TERMINATE_HELD_MUTEX (0x4000008A)", () => {
    const m = boot({ flavor: "free" });
    const mx = mutex(m);
    startThread(m, function* forgetful() {
      yield* KeWaitForSingleObject(mx, Executive, KernelMode, false, null);
    });
    const d = expectBugCheck(m, THREAD_TERMINATE_HELD_MUTEX, () => m.run());
    expect(d.explanation).toMatch(/forgetful/);
  });

  it("hands the mutex to the waiting threads one at a time, in the order they started waiting", () => {
    for (const seed of [1, 2, 3, 4]) {
      const m = boot({ seed, processors: 4 });
      const mx = mutex(m);
      const log: string[] = [];
      startThread(m, function* owner() {
        yield* KeWaitForSingleObject(mx, Executive, KernelMode, false, null);
        yield* KeDelayExecutionThread(KernelMode, false, ms(10));
        KeReleaseMutex(mx, false);
      });
      for (const [name, arrive] of [["c", 3], ["a", 1], ["b", 2]] as const) {
        startThread(m, function* waiter() {
          yield* KeDelayExecutionThread(KernelMode, false, ms(arrive));
          yield* KeWaitForSingleObject(mx, Executive, KernelMode, false, null);
          log.push(`${name}@${m.now}`);
          yield* KeDelayExecutionThread(KernelMode, false, ms(5));
          KeReleaseMutex(mx, false);
        });
      }
      m.run();
      expect(log).toEqual(["a@10", "b@15", "c@20"]);
    }
  });
});

describe("Ke: KePulseEvent", () => {
  it("wakes the threads waiting at that moment and leaves the event not signalled for later waiters", () => {
    const m = boot();
    const ev = new KEVENT();
    m.runInKernel(() => KeInitializeEvent(ev, NotificationEvent, false));
    const log: string[] = [];
    for (const name of ["a", "b"]) {
      startThread(m, function* early() {
        const st = yield* KeWaitForSingleObject(ev, Executive, KernelMode, false, null);
        log.push(`${name}:${st === STATUS_SUCCESS ? "woke" : st}@${m.now}`);
      });
    }
    startThread(m, function* late() {
      yield* KeDelayExecutionThread(KernelMode, false, ms(6));
      const st = yield* KeWaitForSingleObject(ev, Executive, KernelMode, false, ms(10));
      log.push(`late:${st === STATUS_TIMEOUT ? "timeout" : st}@${m.now}`);
    });
    let prev = -1;
    atTime(m, 5, () => {
      prev = KePulseEvent(ev, 0, false);
    });
    m.run();
    expect(prev).toBe(0);
    expect(log.slice(0, 2).sort()).toEqual(["a:woke@5", "b:woke@5"]);
    expect(log[2]).toBe("late:timeout@16");
    expect(KeReadStateEvent(ev)).toBe(0);
  });
});
