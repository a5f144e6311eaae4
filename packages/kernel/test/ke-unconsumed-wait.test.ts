/**
 * Waits that cannot happen as written. In C a thread waits when it calls
 * KeWaitForSingleObject; here a waiting DDI returns something to `yield*`, so a call left
 * unconsumed, a `yield` without the star or an `async` routine would silently go on as if
 * it had waited. Each is bug check 0xC4 with one of wdfjs's own subcodes, in both flavors,
 * with an explanation that says how to write it.
 */
import { describe, expect, it } from "vitest";
import {
  boot, DelayedWorkQueue, DISPATCH_LEVEL, KeLowerIrql, KeRaiseIrql, KeSetEvent, STATUS_TIMEOUT, STATUS_WAIT_0, DRIVER_VERIFIER_DETECTED_VIOLATION, Executive, IO_STATUS_BLOCK, IoAllocateWorkItem, IoQueueWorkItem,
  IRP_MJ_DEVICE_CONTROL, KeDelayExecutionThread, KeInitializeEvent, KernelMode, KeWaitForMultipleObjects, KeWaitForSingleObject, KEVENT,
  NotificationEvent, NtDeviceIoControlFile, Out, PsCreateSystemThread, STATUS_SUCCESS, WaitAny, WDFJS_ROUTINE_RETURNED_PROMISE,
  WDFJS_WAIT_NOT_YIELDED, WDFJS_YIELDED_NOT_A_WAIT, type BugCheckData, type DRIVER_DISPATCH, type DRIVER_INITIALIZE, type Flavor,
  type IRP, type KTHREAD, type Machine, type NTSTATUS,
} from "../src/index.js";
import { bootWithDriver, client, complete, expectBugCheck, tinyDriver } from "./helpers.js";

const FLAVORS: Flavor[] = ["checked", "free"];
const ms = (n: number) => -n * 10_000;

/** A notification event nobody sets (a wait on it would block). */
function unsignalled(): KEVENT {
  const ev = new KEVENT();
  KeInitializeEvent(ev, NotificationEvent, false);
  return ev;
}

/** The IOCTL a client sends to the tiny driver, synchronously. */
function ioctl(m: Machine, c: { thread: KTHREAD }, h: number): NTSTATUS {
  return m.syscall(c.thread, () => NtDeviceIoControlFile(h, 0, null, null, new IO_STATUS_BLOCK(), 0x222000, 0, 0, 0, 0));
}

function expectWaitNotYielded(d: BugCheckData, ddi: string, driver: string | null): void {
  expect(d.BugCheckCode).toBe(DRIVER_VERIFIER_DETECTED_VIOLATION);
  expect(d.BugCheckParameter1).toBe(WDFJS_WAIT_NOT_YIELDED);
  expect(d.BugCheckParameter1).toBe(0xf001);
  expect(d.explanation).toContain(ddi);
  expect(d.explanation).toContain("yield*");
  expect(d.driver).toBe(driver);
}

describe.each(FLAVORS)("a wait called and never performed (yield* forgotten) is 0xC4/0xF001 (%s)", (flavor) => {
  it("in a dispatch routine written as a generator", () => {
    const { m, c, h } = bootWithDriver({
      flavor,
      name: "Forgot",
      dispatch: {
        [IRP_MJ_DEVICE_CONTROL]: function* (_d, Irp) {
          KeWaitForSingleObject(unsignalled(), Executive, KernelMode, false, null);
          return complete(Irp, STATUS_SUCCESS);
        },
      },
    });
    expectWaitNotYielded(expectBugCheck(m, DRIVER_VERIFIER_DETECTED_VIOLATION, () => ioctl(m, c, h)), "KeWaitForSingleObject", "Forgot.sys");
  });

  it("in a generator dispatch routine that also performs another wait later", () => {
    const { m, c, h } = bootWithDriver({
      flavor,
      name: "Forgot2",
      dispatch: {
        [IRP_MJ_DEVICE_CONTROL]: function* (_d, Irp) {
          KeWaitForSingleObject(unsignalled(), Executive, KernelMode, false, null);
          yield* KeDelayExecutionThread(KernelMode, false, ms(1));
          return complete(Irp, STATUS_SUCCESS);
        },
      },
    });
    expectWaitNotYielded(expectBugCheck(m, DRIVER_VERIFIER_DETECTED_VIOLATION, () => ioctl(m, c, h)), "KeWaitForSingleObject", "Forgot2.sys");
  });

  it("in the rest of a generator dispatch routine, after a real wait", () => {
    const { m, c, h } = bootWithDriver({
      flavor,
      name: "Forgot3",
      dispatch: {
        [IRP_MJ_DEVICE_CONTROL]: function* (_d, Irp) {
          yield* KeDelayExecutionThread(KernelMode, false, ms(2));
          KeWaitForSingleObject(unsignalled(), Executive, KernelMode, false, null);
          return complete(Irp, STATUS_SUCCESS);
        },
      },
    });
    expectWaitNotYielded(expectBugCheck(m, DRIVER_VERIFIER_DETECTED_VIOLATION, () => ioctl(m, c, h)), "KeWaitForSingleObject", "Forgot3.sys");
    expect(m.now).toBe(2);
  });

  it("in a plain (non-generator) dispatch routine, even on a signalled event", () => {
    for (const signalled of [false, true]) {
      const { m, c, h } = bootWithDriver({
        flavor,
        name: "Plain",
        dispatch: {
          [IRP_MJ_DEVICE_CONTROL]: (_d, Irp) => {
            const ev = unsignalled();
            if (signalled) ev.SignalState = 1;
            KeWaitForSingleObject(ev, Executive, KernelMode, false, null);
            return complete(Irp, STATUS_SUCCESS);
          },
        },
      });
      expectWaitNotYielded(expectBugCheck(m, DRIVER_VERIFIER_DETECTED_VIOLATION, () => ioctl(m, c, h)), "KeWaitForSingleObject", "Plain.sys");
    }
  });

  it("in a system thread (a generator start routine and a plain one)", () => {
    const bodies: Record<string, () => unknown> = {
      generator: function* () {
        KeWaitForMultipleObjects(1, [unsignalled()], WaitAny, Executive, KernelMode, false, null, null);
      },
      plain: () => {
        KeDelayExecutionThread(KernelMode, false, ms(5));
      },
    };
    for (const [kind, body] of Object.entries(bodies)) {
      const m = boot({ flavor });
      const drv = tinyDriver({ name: "Threader", init: () => void PsCreateSystemThread(Out(0), 0, null, null, null, body as () => void, null) });
      expect(m.loadDriver("threader", drv.DriverEntry), kind).toBe(STATUS_SUCCESS);
      const d = expectBugCheck(m, DRIVER_VERIFIER_DETECTED_VIOLATION, () => m.run());
      expectWaitNotYielded(d, kind === "generator" ? "KeWaitForMultipleObjects" : "KeDelayExecutionThread", "threader.sys");
    }
  });

  it("in DriverEntry (a plain one and a generator)", () => {
    const entries: Record<string, DRIVER_INITIALIZE> = {
      plain: () => {
        KeWaitForSingleObject(unsignalled(), Executive, KernelMode, false, null);
        return STATUS_SUCCESS;
      },
      generator: function* () {
        KeWaitForSingleObject(unsignalled(), Executive, KernelMode, false, null);
        return STATUS_SUCCESS;
      },
    };
    for (const [kind, entry] of Object.entries(entries)) {
      const m = boot({ flavor });
      const d = expectBugCheck(m, DRIVER_VERIFIER_DETECTED_VIOLATION, () => m.loadDriver(`entry_${kind}`, entry));
      expectWaitNotYielded(d, "KeWaitForSingleObject", `entry_${kind}.sys`);
    }
  });

  it("in a work item routine", () => {
    const m = boot({ flavor });
    const drv = tinyDriver({ name: "Worker" });
    expect(m.loadDriver("worker", drv.DriverEntry)).toBe(STATUS_SUCCESS);
    m.runInKernel(() => IoQueueWorkItem(IoAllocateWorkItem(drv.device!), () => {
      KeWaitForSingleObject(unsignalled(), Executive, KernelMode, false, null);
    }, DelayedWorkQueue, null));
    expectWaitNotYielded(expectBugCheck(m, DRIVER_VERIFIER_DETECTED_VIOLATION, () => m.run()), "KeWaitForSingleObject", "worker.sys");
  });

  it("in kernel code a host runs: a client thread's system call", () => {
    const m = boot({ flavor });
    const c = client(m);
    const d = expectBugCheck(m, DRIVER_VERIFIER_DETECTED_VIOLATION, () => m.syscall(c.thread, () => {
      KeWaitForSingleObject(unsignalled(), Executive, KernelMode, false, null);
    }));
    expectWaitNotYielded(d, "KeWaitForSingleObject", null);
  });

  it("a zero-timeout wait never suspends: it is performed when called (legal in plain code and at DISPATCH_LEVEL), its outcome in Status", () => {
    const m = boot({ flavor });
    const r = m.runInKernel(() => {
      const ev = unsignalled();
      const before = KeWaitForSingleObject(ev, Executive, KernelMode, false, 0).Status;
      KeSetEvent(ev, 0, false);
      const old = Out(0);
      KeRaiseIrql(DISPATCH_LEVEL, old);
      const atDispatch = KeWaitForSingleObject(ev, Executive, KernelMode, false, 0).Status;
      KeLowerIrql(old.value);
      return [before, atDispatch];
    });
    expect(r).toEqual([STATUS_TIMEOUT, STATUS_WAIT_0]);
    expect(m.stopped).toBe(false);
  });

  it("a second wait called while the first is unconsumed is caught at the second call", () => {
    const m = boot({ flavor });
    const c = client(m);
    const reached: string[] = [];
    const d = expectBugCheck(m, DRIVER_VERIFIER_DETECTED_VIOLATION, () => m.syscall(c.thread, () => {
      KeDelayExecutionThread(KernelMode, false, ms(1));
      reached.push("between");
      KeWaitForSingleObject(unsignalled(), Executive, KernelMode, false, null);
      reached.push("after");
    }));
    expect(reached).toEqual(["between"]);
    expectWaitNotYielded(d, "KeDelayExecutionThread", null);
  });
});

describe.each(FLAVORS)("`yield` without the star is 0xC4/0xF003 (%s)", (flavor) => {
  it("in a dispatch routine", () => {
    const { m, c, h } = bootWithDriver({
      flavor,
      name: "NoStar",
      dispatch: {
        [IRP_MJ_DEVICE_CONTROL]: function* (_d, Irp): Generator<any, NTSTATUS, NTSTATUS> {
          yield KeWaitForSingleObject(unsignalled(), Executive, KernelMode, false, null);
          return complete(Irp, STATUS_SUCCESS);
        },
      },
    });
    const d = expectBugCheck(m, DRIVER_VERIFIER_DETECTED_VIOLATION, () => ioctl(m, c, h));
    expect(d.BugCheckParameter1).toBe(WDFJS_YIELDED_NOT_A_WAIT);
    expect(d.BugCheckParameter1).toBe(0xf003);
    expect(d.explanation).toContain("yield*");
    expect(d.explanation).toContain("KeWaitForSingleObject");
    expect(d.driver).toBe("NoStar.sys");
  });

  it("in a system thread", () => {
    const m = boot({ flavor });
    const drv = tinyDriver({
      name: "NoStarThread",
      init: () => void PsCreateSystemThread(Out(0), 0, null, null, null, function* (): Generator<any, void, NTSTATUS> {
        yield KeDelayExecutionThread(KernelMode, false, ms(2));
      }, null),
    });
    expect(m.loadDriver("nostarthread", drv.DriverEntry)).toBe(STATUS_SUCCESS);
    const d = expectBugCheck(m, DRIVER_VERIFIER_DETECTED_VIOLATION, () => m.run());
    expect(d.BugCheckParameter1).toBe(WDFJS_YIELDED_NOT_A_WAIT);
    expect(d.explanation).toContain("yield*");
    expect(d.explanation).toContain("KeDelayExecutionThread");
  });

  it("yielding something that is not a wait at all", () => {
    const { m, c, h } = bootWithDriver({
      flavor,
      name: "YieldJunk",
      dispatch: {
        [IRP_MJ_DEVICE_CONTROL]: function* (_d, Irp): Generator<any, NTSTATUS, NTSTATUS> {
          yield 42;
          return complete(Irp, STATUS_SUCCESS);
        },
      },
    });
    const d = expectBugCheck(m, DRIVER_VERIFIER_DETECTED_VIOLATION, () => ioctl(m, c, h));
    expect(d.BugCheckParameter1).toBe(WDFJS_YIELDED_NOT_A_WAIT);
    expect(d.explanation).toContain("yield*");
  });
});

describe.each(FLAVORS)("an async routine (it returns a Promise) is 0xC4/0xF002 (%s)", (flavor) => {
  function expectPromise(d: BugCheckData, driver: string | null): void {
    expect(d.BugCheckCode).toBe(DRIVER_VERIFIER_DETECTED_VIOLATION);
    expect(d.BugCheckParameter1).toBe(WDFJS_ROUTINE_RETURNED_PROMISE);
    expect(d.BugCheckParameter1).toBe(0xf002);
    expect(d.explanation).toMatch(/async/);
    expect(d.explanation).toMatch(/Promise/);
    expect(d.explanation).toContain("yield*");
    expect(d.driver).toBe(driver);
  }

  it("an async dispatch routine", () => {
    const dispatch = (async (_d: unknown, Irp: IRP) => complete(Irp, STATUS_SUCCESS)) as unknown as DRIVER_DISPATCH;
    const { m, c, h } = bootWithDriver({ flavor, name: "Async", dispatch: { [IRP_MJ_DEVICE_CONTROL]: dispatch } });
    expectPromise(expectBugCheck(m, DRIVER_VERIFIER_DETECTED_VIOLATION, () => ioctl(m, c, h)), "Async.sys");
  });

  it("an async DriverEntry", () => {
    const m = boot({ flavor });
    const entry = (async () => STATUS_SUCCESS) as unknown as DRIVER_INITIALIZE;
    expectPromise(expectBugCheck(m, DRIVER_VERIFIER_DETECTED_VIOLATION, () => m.loadDriver("asyncentry", entry)), "asyncentry.sys");
  });

  it("an async system thread start routine", () => {
    const m = boot({ flavor });
    const drv = tinyDriver({ name: "AsyncThread", init: () => void PsCreateSystemThread(Out(0), 0, null, null, null, (async () => {}) as unknown as () => void, null) });
    expect(m.loadDriver("asyncthread", drv.DriverEntry)).toBe(STATUS_SUCCESS);
    const d = expectBugCheck(m, DRIVER_VERIFIER_DETECTED_VIOLATION, () => m.run());
    expect(d.BugCheckParameter1).toBe(WDFJS_ROUTINE_RETURNED_PROMISE);
    expect(d.explanation).toMatch(/async/);
  });

  it("an async work item routine", () => {
    const m = boot({ flavor });
    const drv = tinyDriver({ name: "AsyncWork" });
    expect(m.loadDriver("asyncwork", drv.DriverEntry)).toBe(STATUS_SUCCESS);
    m.runInKernel(() => IoQueueWorkItem(IoAllocateWorkItem(drv.device!), (async () => {}) as unknown as () => void, DelayedWorkQueue, null));
    expectPromise(expectBugCheck(m, DRIVER_VERIFIER_DETECTED_VIOLATION, () => m.run()), "asyncwork.sys");
  });

  it("an async DriverUnload", () => {
    const m = boot({ flavor });
    const drv = tinyDriver({ name: "AsyncUnload", init: (DriverObject) => void (DriverObject.DriverUnload = (async () => {}) as unknown as () => void) });
    expect(m.loadDriver("asyncunload", drv.DriverEntry)).toBe(STATUS_SUCCESS);
    expectPromise(expectBugCheck(m, DRIVER_VERIFIER_DETECTED_VIOLATION, () => m.unloadDriver("asyncunload")), "asyncunload.sys");
  });

  it("an async AddDevice called through callDriverRoutine", () => {
    const m = boot({ flavor });
    const drv = tinyDriver({ name: "AsyncAdd" });
    expect(m.loadDriver("asyncadd", drv.DriverEntry)).toBe(STATUS_SUCCESS);
    const d = expectBugCheck(m, DRIVER_VERIFIER_DETECTED_VIOLATION, () => m.callDriverRoutine(drv.driver, "AddDevice", (async () => STATUS_SUCCESS) as unknown as () => NTSTATUS));
    expect(d.BugCheckParameter1).toBe(WDFJS_ROUTINE_RETURNED_PROMISE);
  });
});
