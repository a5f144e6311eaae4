/**
 * Kernel routines called while no machine is executing: from a host timer, or after an
 * `await` once the machine has returned. Kernel code runs only inside a machine; such a
 * call throws an Error that names the routine and says what to do instead, and leaves
 * every machine as it was.
 */
import { describe, expect, it } from "vitest";
import {
  boot, BugCheck, IO_STATUS_BLOCK, IRP_MJ_DEVICE_CONTROL, IoCompleteRequest, IoMarkIrpPending, KeGetCurrentIrql, KeInitializeEvent,
  KeReadStateEvent, KeSetEvent, KEVENT, NotificationEvent, NtDeviceIoControlFile, STATUS_PENDING, STATUS_SUCCESS, isInsideMachine,
  type IRP,
} from "../src/index.js";
import { bootWithDriver, complete } from "./helpers.js";

// The kernel's tests compile without the host's type libraries; the host timer is Node's.
declare function setTimeout(callback: () => void, ms: number): unknown;

/** Run `fn` from a host timer (setTimeout 0) and hand back what it threw, or null. */
function fromHostTimer(fn: () => void): Promise<unknown> {
  return new Promise((resolve) => {
    setTimeout(() => {
      try {
        fn();
        resolve(null);
      } catch (e) {
        resolve(e);
      }
    }, 0);
  });
}

function expectOutsideError(e: unknown, routine: string): void {
  expect(e).toBeInstanceOf(Error);
  expect(e).not.toBeInstanceOf(BugCheck);
  const message = (e as Error).message;
  expect(message).toContain(routine);
  expect(message).toMatch(/no machine is executing/);
  // What to do instead: a timer and a DPC inside the machine, or enter it from the host.
  expect(message).toContain("KeSetTimer");
  expect(message).toMatch(/DPC/);
  expect(message).toContain("runInKernel");
}

describe("a kernel routine called while no machine is executing", () => {
  it("KeSetEvent from a host setTimeout throws an Error naming KeSetEvent and the right ways to do it", async () => {
    const m = boot();
    const ev = new KEVENT();
    m.runInKernel(() => KeInitializeEvent(ev, NotificationEvent, false));
    const e = await fromHostTimer(() => KeSetEvent(ev, 0, false));
    expectOutsideError(e, "KeSetEvent");
    // Nothing happened to the event or the machine, and the right way works.
    expect(KeReadStateEvent(ev)).toBe(0);
    expect(m.stopped).toBe(false);
    m.runInKernel(() => KeSetEvent(ev, 0, false));
    expect(KeReadStateEvent(ev)).toBe(1);
  });

  it("KeSetEvent after an await, once the machine has returned, throws the same", async () => {
    const m = boot();
    const ev = new KEVENT();
    const e = await m.runInKernel(async () => {
      KeInitializeEvent(ev, NotificationEvent, false);
      expect(isInsideMachine()).toBe(true);
      await Promise.resolve();
      expect(isInsideMachine()).toBe(false);
      try {
        KeSetEvent(ev, 0, false);
        return null;
      } catch (x) {
        return x;
      }
    });
    expectOutsideError(e, "KeSetEvent");
    expect(m.stopped).toBe(false);
  });

  it("IoCompleteRequest on a pended IRP from a host timer throws naming IoCompleteRequest; the request is still pending and can be completed inside the machine", async () => {
    let held: IRP | null = null;
    const { m, c, h } = bootWithDriver({
      name: "Holder",
      dispatch: { [IRP_MJ_DEVICE_CONTROL]: (_d, Irp) => (IoMarkIrpPending(Irp), (held = Irp), STATUS_PENDING) },
      options: 0,
    });
    const iosb = new IO_STATUS_BLOCK();
    expect(m.syscall(c.thread, () => NtDeviceIoControlFile(h, 0, null, null, iosb, 0x222000, 0, 0, 0, 0))).toBe(STATUS_PENDING);
    const e = await fromHostTimer(() => {
      held!.IoStatus.Status = STATUS_SUCCESS;
      IoCompleteRequest(held!, 0);
    });
    expectOutsideError(e, "IoCompleteRequest");
    expect(iosb.Status).toBe(STATUS_PENDING);
    expect(m.stopped).toBe(false);
    m.runInKernel(() => complete(held!, STATUS_SUCCESS));
    m.run();
    expect(iosb.Status).toBe(STATUS_SUCCESS);
  });

  it("KeGetCurrentIrql between two machines' entries names KeGetCurrentIrql", async () => {
    const a = boot();
    const b = boot();
    a.run();
    b.run();
    const e = await fromHostTimer(() => void KeGetCurrentIrql());
    expectOutsideError(e, "KeGetCurrentIrql");
  });
});
