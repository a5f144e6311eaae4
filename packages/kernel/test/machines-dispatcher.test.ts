/**
 * Dispatcher objects shared by two machines that share nothing else: a signal wakes the
 * waiters in the machine they wait in, whichever machine's code is executing, and they
 * run when their own machine runs, as their own machine's threads.
 */
import { describe, expect, it } from "vitest";
import {
  boot, currentMachine, Executive, KDPC, KeDelayExecutionThread, KeInitializeDpc, KeInitializeEvent, KeInitializeTimer, KernelMode,
  KeSetEvent, KeSetTimer, KeWaitForSingleObject, KEVENT, KTIMER, NotificationEvent, Out, PsCreateSystemThread, PsGetCurrentProcess,
  STATUS_SUCCESS, STATUS_WAIT_0, SynchronizationEvent, type EVENT_TYPE, type Machine, type NTSTATUS,
} from "../src/index.js";

const ms = (n: number) => -n * 10_000;

function event(type: EVENT_TYPE = NotificationEvent): KEVENT {
  const ev = new KEVENT();
  KeInitializeEvent(ev, type, false);
  return ev;
}

/** A system thread of `m` (it starts when `m` runs) that waits on `ev`, 100 ms at most, and logs who it woke as. */
function waiter(m: Machine, name: string, ev: KEVENT, log: string[]): void {
  m.runInKernel(() => {
    expect(PsCreateSystemThread(Out(0), 0, null, null, null, function* () {
      const st: NTSTATUS = yield* KeWaitForSingleObject(ev, Executive, KernelMode, false, ms(100));
      const me = currentMachine();
      log.push(`${name} woke ${st === STATUS_WAIT_0 ? "signalled" : "timed out"} in ${me === m ? "its machine" : "the other"} (${PsGetCurrentProcess() === m.systemProcess ? "its" : "another"} System process) @${me.now}`);
    }, null)).toBe(STATUS_SUCCESS);
  });
}

describe("dispatcher objects between two machines", () => {
  it("a KEVENT that machine A's thread waits on, set by code running in machine B, wakes A's thread when A runs", () => {
    const a = boot({ seed: 1 });
    const b = boot({ seed: 2 });
    const ev = event();
    const log: string[] = [];
    waiter(a, "A's thread", ev, log);
    a.runFor(1); // A's thread is now waiting
    expect(log).toEqual([]);
    // B's own system thread sets it at B's time 3.
    b.runInKernel(() => PsCreateSystemThread(Out(0), 0, null, null, null, function* () {
      yield* KeDelayExecutionThread(KernelMode, false, ms(3));
      KeSetEvent(ev, 0, false);
      log.push(`B set the event @${currentMachine().now}`);
    }, null));
    b.run();
    // Running B ran only B's code: A's thread is ready in A, not run by B.
    expect(log).toEqual(["B set the event @3"]);
    expect(b.now).toBe(3);
    expect(b.scheduler.idle).toBe(true);
    expect(b.scheduler.describeWaits()).not.toMatch(/A's|waits on/);
    expect(a.now).toBe(1);
    a.run();
    expect(log).toEqual(["B set the event @3", "A's thread woke signalled in its machine (its System process) @1"]);
    // The 100 ms timeout never fired: the wait was satisfied in A at A's time 1.
    expect(a.now).toBe(1);
    expect(b.now).toBe(3);
    expect(a.stopped || b.stopped).toBe(false);
  });

  it("set from B's runInKernel, the same", () => {
    const a = boot();
    const b = boot();
    const ev = event();
    const log: string[] = [];
    waiter(a, "A's thread", ev, log);
    a.runFor(1);
    b.runInKernel(() => KeSetEvent(ev, 0, false));
    b.run();
    expect(log).toEqual([]);
    a.run();
    expect(log).toEqual(["A's thread woke signalled in its machine (its System process) @1"]);
  });

  it("the other direction: A's timer DPC sets an event B's thread waits on; the thread runs in B, at B's time", () => {
    const a = boot();
    const b = boot();
    const ev = event();
    const log: string[] = [];
    waiter(b, "B's thread", ev, log);
    b.runFor(2);
    a.runInKernel(() => {
      const dpc = new KDPC();
      KeInitializeDpc(dpc, () => KeSetEvent(ev, 0, false), null);
      const t = new KTIMER();
      KeInitializeTimer(t);
      KeSetTimer(t, ms(7), dpc);
    });
    a.run();
    expect(a.now).toBe(7);
    expect(log).toEqual([]);
    b.run();
    expect(log).toEqual(["B's thread woke signalled in its machine (its System process) @2"]);
  });

  it("a synchronization event with a waiter in each machine: each set releases one, in wait order", () => {
    const a = boot();
    const b = boot();
    const ev = event(SynchronizationEvent);
    const log: string[] = [];
    waiter(a, "A's thread", ev, log);
    a.runFor(1);
    waiter(b, "B's thread", ev, log);
    b.runFor(1);
    b.runInKernel(() => KeSetEvent(ev, 0, false));
    a.runFor(1);
    b.runFor(1);
    expect(log).toEqual(["A's thread woke signalled in its machine (its System process) @1"]);
    a.runInKernel(() => KeSetEvent(ev, 0, false));
    a.run();
    b.runFor(1);
    expect(log).toEqual([
      "A's thread woke signalled in its machine (its System process) @1",
      "B's thread woke signalled in its machine (its System process) @2",
    ]);
    expect(ev.SignalState).toBe(0);
  });

  it("a signal from code of A nested inside B's entry still wakes the waiter in its own machine", () => {
    const a = boot();
    const b = boot();
    const ev = event();
    const log: string[] = [];
    waiter(a, "A's thread", ev, log);
    a.runFor(1);
    // B's DPC enters A to set the event: the signal happens while A executes, nested in B.
    b.runInKernel(() => {
      const dpc = new KDPC();
      KeInitializeDpc(dpc, () => a.runInKernel(() => KeSetEvent(ev, 0, false)), null);
      const t = new KTIMER();
      KeInitializeTimer(t);
      KeSetTimer(t, ms(4), dpc);
    });
    b.run();
    expect(log).toEqual([]);
    a.run();
    expect(log).toEqual(["A's thread woke signalled in its machine (its System process) @1"]);
  });
});
