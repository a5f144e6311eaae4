import { describe, expect, it } from "vitest";
import {
  boot, KeInitializeTimerEx, NotificationTimer, SynchronizationTimer, DISPATCH_LEVEL, DRIVER_VERIFIER_DETECTED_VIOLATION, Executive, IoAllocateWorkItem, IoQueueWorkItem, IRQL_NOT_LESS_OR_EQUAL,
  DelayedWorkQueue, KDPC, KeDelayExecutionThread, KeGetCurrentIrql, KeInitializeDpc, KeInitializeEvent, KeInitializeTimer,
  KeInsertQueueDpc, KeLowerIrql, KeRaiseIrql, KeReadStateEvent, KeResetEvent, KernelMode, KeSetEvent, KeSetTimer,
  KeWaitForMultipleObjects, KeWaitForSingleObject, KEVENT, KTIMER, NotificationEvent, ObReferenceObjectByHandle, ObDereferenceObject,
  Out, PASSIVE_LEVEL, PsCreateSystemThread, PsGetCurrentProcess, PsGetCurrentThread, PsTerminateSystemThread, STATUS_SUCCESS,
  STATUS_TIMEOUT, STATUS_WAIT_0, SynchronizationEvent, WaitAll, WaitAny, ZwClose, type KIRQL, type KTHREAD, type Machine,
  type NTSTATUS,
} from "../src/index.js";
import { expectBugCheck, runNow, tinyDriver } from "./helpers.js";

const ms = (n: number) => -n * 10_000;

/** Start a system thread from kernel code; returns its handle. */
function thread(m: Machine, body: () => Generator<any, void, NTSTATUS>): number {
  return m.runInKernel(() => {
    const h = Out(0);
    expect(PsCreateSystemThread(h, 0, null, null, null, body, null)).toBe(STATUS_SUCCESS);
    return h.value;
  });
}

/** A timer whose DPC sets `ev` at `at` ms. */
function setEventAt(m: Machine, ev: KEVENT, at: number): void {
  m.runInKernel(() => {
    const dpc = new KDPC();
    KeInitializeDpc(dpc, () => KeSetEvent(ev, 0, false), null);
    const t = new KTIMER();
    KeInitializeTimer(t);
    KeSetTimer(t, ms(at), dpc);
  });
}

describe("Ke: events", () => {
  it("a zero-timeout wait reports the event's state without blocking", () => {
    const m = boot();
    const r = m.runInKernel(() => {
      const ev = new KEVENT();
      KeInitializeEvent(ev, NotificationEvent, false);
      const before = runNow(KeWaitForSingleObject(ev, Executive, KernelMode, false, 0));
      KeSetEvent(ev, 0, false);
      const after = runNow(KeWaitForSingleObject(ev, Executive, KernelMode, false, 0));
      return [before, after];
    });
    expect(r).toEqual([STATUS_TIMEOUT, STATUS_WAIT_0]);
  });

  it("a notification event stays signalled after a satisfied wait; a synchronization event resets", () => {
    const m = boot();
    const r = m.runInKernel(() => {
      const n = new KEVENT();
      const s = new KEVENT();
      KeInitializeEvent(n, NotificationEvent, true);
      KeInitializeEvent(s, SynchronizationEvent, true);
      const w = (e: KEVENT) => runNow(KeWaitForSingleObject(e, Executive, KernelMode, false, 0));
      return { n: [w(n), w(n), KeReadStateEvent(n)], s: [w(s), w(s), KeReadStateEvent(s)] };
    });
    expect(r.n).toEqual([STATUS_WAIT_0, STATUS_WAIT_0, 1]);
    expect(r.s).toEqual([STATUS_WAIT_0, STATUS_TIMEOUT, 0]);
  });

  it("KeSetEvent returns the previous state and KeResetEvent clears it", () => {
    const m = boot();
    const r = m.runInKernel(() => {
      const e = new KEVENT();
      KeInitializeEvent(e, NotificationEvent, false);
      return [KeSetEvent(e, 0, false), KeSetEvent(e, 0, false), KeResetEvent(e), KeReadStateEvent(e)];
    });
    expect(r).toEqual([0, 1, 1, 0]);
  });

  it("setting a notification event releases every waiting thread", () => {
    const m = boot();
    const ev = new KEVENT();
    m.runInKernel(() => KeInitializeEvent(ev, NotificationEvent, false));
    const woke: string[] = [];
    for (const name of ["a", "b", "c"]) {
      thread(m, function* () {
        const st = yield* KeWaitForSingleObject(ev, Executive, KernelMode, false, null);
        woke.push(`${name}:${st}@${m.now}`);
      });
    }
    setEventAt(m, ev, 10);
    m.run();
    expect(woke.sort()).toEqual(["a:0@10", "b:0@10", "c:0@10"]);
  });

  it("setting a synchronization event releases exactly one waiting thread", () => {
    const m = boot();
    const ev = new KEVENT();
    m.runInKernel(() => KeInitializeEvent(ev, SynchronizationEvent, false));
    const woke: string[] = [];
    for (const name of ["a", "b", "c"]) {
      thread(m, function* () {
        const st = yield* KeWaitForSingleObject(ev, Executive, KernelMode, false, ms(100));
        woke.push(`${name}:${st === STATUS_TIMEOUT ? "timeout" : "set"}@${m.now}`);
      });
    }
    setEventAt(m, ev, 10);
    m.run();
    expect(woke.filter((w) => w.endsWith("set@10"))).toHaveLength(1);
    expect(woke.filter((w) => w.endsWith("timeout@100"))).toHaveLength(2);
    expect(KeReadStateEvent(ev)).toBe(0);
  });
});

describe("Ke: waits from system threads", () => {
  it("KeWaitForSingleObject blocks a system thread until a DPC sets the event", () => {
    const m = boot();
    const ev = new KEVENT();
    m.runInKernel(() => KeInitializeEvent(ev, NotificationEvent, false));
    const log: string[] = [];
    thread(m, function* () {
      log.push(`wait@${m.now}@${KeGetCurrentIrql()}`);
      const st = yield* KeWaitForSingleObject(ev, Executive, KernelMode, false, null);
      log.push(`woke:${st}@${m.now}@${KeGetCurrentIrql()}`);
    });
    setEventAt(m, ev, 42);
    m.run();
    expect(log).toEqual([`wait@0@${PASSIVE_LEVEL}`, `woke:${STATUS_WAIT_0}@42@${PASSIVE_LEVEL}`]);
  });

  it("a wait with a timeout returns STATUS_TIMEOUT at the right virtual time", () => {
    const m = boot();
    const ev = new KEVENT();
    m.runInKernel(() => KeInitializeEvent(ev, NotificationEvent, false));
    const log: string[] = [];
    thread(m, function* () {
      const st = yield* KeWaitForSingleObject(ev, Executive, KernelMode, false, ms(15));
      log.push(`${st === STATUS_TIMEOUT ? "timeout" : st}@${m.now}`);
    });
    m.run();
    expect(log).toEqual(["timeout@15"]);
  });

  it("KeDelayExecutionThread sleeps for the interval", () => {
    const m = boot();
    const log: number[] = [];
    thread(m, function* () {
      yield* KeDelayExecutionThread(KernelMode, false, ms(3));
      log.push(m.now);
      yield* KeDelayExecutionThread(KernelMode, false, ms(4));
      log.push(m.now);
    });
    m.run();
    expect(log).toEqual([3, 7]);
  });

  it("KeWaitForMultipleObjects: WaitAny returns the index of the signalled object, WaitAll waits for all", () => {
    const m = boot();
    const a = new KEVENT();
    const b = new KEVENT();
    m.runInKernel(() => {
      KeInitializeEvent(a, NotificationEvent, false);
      KeInitializeEvent(b, NotificationEvent, false);
    });
    const log: string[] = [];
    thread(m, function* () {
      const any = yield* KeWaitForMultipleObjects(2, [a, b], WaitAny, Executive, KernelMode, false, null, null);
      log.push(`any:${any - STATUS_WAIT_0}@${m.now}`);
      const all = yield* KeWaitForMultipleObjects(2, [a, b], WaitAll, Executive, KernelMode, false, null, null);
      log.push(`all:${all}@${m.now}`);
    });
    setEventAt(m, b, 5);
    setEventAt(m, a, 9);
    m.run();
    expect(log).toEqual(["any:1@5", "all:0@9"]);
  });

  it("waiting at DISPATCH_LEVEL with a non-zero timeout bug-checks", () => {
    for (const [flavor, code] of [["checked", DRIVER_VERIFIER_DETECTED_VIOLATION], ["free", IRQL_NOT_LESS_OR_EQUAL]] as const) {
      const m = boot({ flavor });
      const ev = new KEVENT();
      m.runInKernel(() => KeInitializeEvent(ev, NotificationEvent, false));
      thread(m, function* () {
        const old = Out<KIRQL>(0);
        KeRaiseIrql(DISPATCH_LEVEL, old);
        yield* KeWaitForSingleObject(ev, Executive, KernelMode, false, ms(10));
        KeLowerIrql(old.value);
      });
      const d = expectBugCheck(m, code, () => m.run());
      expect(d.BugCheckParameter2).toBe(DISPATCH_LEVEL);
    }
  });

  it("a zero-timeout wait at DISPATCH_LEVEL is allowed", () => {
    const m = boot();
    const r = m.runInKernel(() => {
      const ev = new KEVENT();
      KeInitializeEvent(ev, NotificationEvent, false);
      const old = Out<KIRQL>(0);
      KeRaiseIrql(DISPATCH_LEVEL, old);
      const st = runNow(KeWaitForSingleObject(ev, Executive, KernelMode, false, 0));
      KeLowerIrql(old.value);
      return st;
    });
    expect(r).toBe(STATUS_TIMEOUT);
    expect(m.stopped).toBe(false);
  });
});

describe("Ps: system threads", () => {
  it("a system thread runs at PASSIVE_LEVEL in the System process", () => {
    const m = boot();
    const seen: unknown[] = [];
    thread(m, function* () {
      seen.push(KeGetCurrentIrql(), PsGetCurrentProcess().ImageFileName, PsGetCurrentThread() !== null);
    });
    expect(seen).toEqual([]);
    m.run();
    expect(seen).toEqual([PASSIVE_LEVEL, "System", true]);
  });

  it("waiting on a thread's object (through its handle) returns when the thread ends", () => {
    const m = boot();
    const log: string[] = [];
    const child = thread(m, function* () {
      yield* KeDelayExecutionThread(KernelMode, false, ms(7));
      log.push(`child done@${m.now}`);
      PsTerminateSystemThread(0x1234);
    });
    let exit = -1;
    thread(m, function* () {
      const obj = Out<KTHREAD | null>(null);
      const st = ObReferenceObjectByHandle(child, 0, null, KernelMode, obj, null);
      log.push(`ref:${st}`);
      const w = yield* KeWaitForSingleObject(obj.value!, Executive, KernelMode, false, null);
      log.push(`parent woke:${w}@${m.now}`);
      exit = obj.value!.ExitStatus;
      ObDereferenceObject(obj.value!);
      log.push(`close:${ZwClose(child)}`);
    });
    m.run();
    expect(log).toEqual(["ref:0", "child done@7", "parent woke:0@7", "close:0"]);
    expect(exit).toBe(0x1234);
  });

  it("a bad thread handle gives STATUS_INVALID_HANDLE", () => {
    const m = boot();
    const st = m.runInKernel(() => ObReferenceObjectByHandle(0x7ffc, 0, null, KernelMode, Out<unknown>(null), null));
    expect(st).toBe(0xc0000008 | 0);
  });
});

describe("Io: work items", () => {
  it("IoQueueWorkItem runs the routine later at PASSIVE_LEVEL in the System process, even when queued from a DPC", () => {
    const m = boot();
    const drv = tinyDriver({ name: "Wi" });
    expect(m.loadDriver("wi", drv.DriverEntry)).toBe(0);
    const seen: unknown[] = [];
    const c = m.createProcess("app.exe");
    // Queue it from a DPC, with a client thread's context on the processor.
    m.syscall(c.threads[0]!, () => {
      const dpc = new KDPC();
      KeInitializeDpc(dpc, () => {
        seen.push(`dpc@${KeGetCurrentIrql()}`);
        const wi = IoAllocateWorkItem(drv.device!);
        IoQueueWorkItem(wi, (dev, ctx) => {
          seen.push(`work@${KeGetCurrentIrql()}`, PsGetCurrentProcess().ImageFileName, dev === drv.device, ctx);
        }, DelayedWorkQueue, "ctx");
      }, null);
      KeInsertQueueDpc(dpc, null, null);
    });
    expect(seen).toEqual([`dpc@${DISPATCH_LEVEL}`]);
    m.run();
    expect(seen).toEqual([`dpc@${DISPATCH_LEVEL}`, `work@${PASSIVE_LEVEL}`, "System", true, "ctx"]);
  });

  it("a work item routine written as a generator may wait", () => {
    const m = boot();
    const drv = tinyDriver({ name: "Wi2" });
    expect(m.loadDriver("wi2", drv.DriverEntry)).toBe(0);
    const log: number[] = [];
    m.runInKernel(() => {
      IoQueueWorkItem(IoAllocateWorkItem(drv.device!), function* () {
        log.push(m.now);
        yield* KeDelayExecutionThread(KernelMode, false, ms(12));
        log.push(m.now);
      }, DelayedWorkQueue, null);
    });
    m.run();
    expect(log).toEqual([0, 12]);
  });
});

describe("dispatcher header types", () => {
  it("follow the kind the initializer gave: notification/synchronization events 0/1, notification/synchronization timers 8/9", () => {
    const m = boot();
    const r = m.runInKernel(() => {
      const n = new KEVENT();
      const s = new KEVENT();
      KeInitializeEvent(n, NotificationEvent, false);
      KeInitializeEvent(s, SynchronizationEvent, false);
      const nt = new KTIMER();
      const st = new KTIMER();
      KeInitializeTimerEx(nt, NotificationTimer);
      KeInitializeTimerEx(st, SynchronizationTimer);
      return [n.Type, s.Type, nt.Type, st.Type];
    });
    expect(r).toEqual([0, 1, 8, 9]);
  });
});
