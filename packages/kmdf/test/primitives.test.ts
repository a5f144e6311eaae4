import { describe, expect, it } from "vitest";
import {
  boot, BugCheck, DISPATCH_LEVEL, KeLowerIrql, KeRaiseIrqlToDpcLevel, KeDelayExecutionThread, KeGetCurrentIrql, KernelMode, Out, PASSIVE_LEVEL, STATUS_INVALID_DEVICE_REQUEST,
  SPIN_LOCK_ALREADY_OWNED, STATUS_INVALID_PARAMETER, STATUS_NOT_SUPPORTED, STATUS_SUCCESS, STATUS_TIMEOUT, WDF_VIOLATION, type KWAIT_GENERATOR, type Machine,
} from "@wdfjs/kernel";
import { STATUS_WDF_INCOMPATIBLE_EXECUTION_LEVEL, STATUS_WDF_PARENT_NOT_SPECIFIED, WDF_INVALID_LOCK_OPERATION } from "@wdfjs/framework";
import {
  WDF_DPC_CONFIG, WDF_DPC_CONFIG_INIT, WDF_IO_QUEUE_CONFIG, WDF_IO_QUEUE_CONFIG_INIT, WDF_OBJECT_ATTRIBUTES, WDF_OBJECT_ATTRIBUTES_INIT, WDF_REL_TIMEOUT_IN_MS,
  WDF_REL_TIMEOUT_IN_SEC, WDF_REL_TIMEOUT_IN_US, WDF_ABS_TIMEOUT_IN_MS, WDF_TIMER_CONFIG, WDF_TIMER_CONFIG_INIT, WDF_TIMER_CONFIG_INIT_PERIODIC, WDF_WORKITEM_CONFIG,
  WDF_WORKITEM_CONFIG_INIT, WdfDpcCancel, WdfDpcCreate, WdfDpcEnqueue, WdfDpcGetParentObject, WdfDpcWdmGetDpc, WdfExecutionLevelPassive, WdfIoQueueCreate,
  WdfIoQueueDispatchManual, WdfObjectAcquireLock, WdfObjectDelete, WdfObjectReleaseLock, WdfSpinLockAcquire, WdfSpinLockCreate, WdfSpinLockRelease,
  WdfSynchronizationScopeQueue, WdfTimerCreate, WdfTimerGetParentObject, WdfTimerStart, WdfTimerStop, WdfWaitLockAcquire, WdfWaitLockCreate, WdfWaitLockRelease,
  WdfWorkItemCreate, WdfWorkItemEnqueue, WdfWorkItemFlush, WdfWorkItemGetParentObject, type WDFDEVICE, type WDFDPC, type WDFDRIVER, type WDFOBJECT, type WDFQUEUE,
  type WDFSPINLOCK, type WDFTIMER, type WDFWAITLOCK, type WDFWORKITEM,
} from "../src/index.js";
import { loadControlDriver } from "./control-driver.js";

interface Fixture {
  m: Machine;
  device: WDFDEVICE;
  driver: WDFDRIVER;
  /** A manual queue with scope Queue (its own spin lock). */
  queue: WDFQUEUE;
}

function setup(flavor: "checked" | "free" = "checked"): Fixture {
  const m = boot({ flavor });
  const f = { m } as Fixture;
  expect(loadControlDriver(m, "PRIM", (device, driver) => {
    f.device = device;
    f.driver = driver;
    const config = new WDF_IO_QUEUE_CONFIG();
    WDF_IO_QUEUE_CONFIG_INIT(config, WdfIoQueueDispatchManual);
    const a = new WDF_OBJECT_ATTRIBUTES();
    WDF_OBJECT_ATTRIBUTES_INIT(a);
    a.SynchronizationScope = WdfSynchronizationScopeQueue;
    const q = Out<WDFQUEUE | null>(null);
    const status = WdfIoQueueCreate(device, config, a, q);
    f.queue = q.value!;
    return status;
  })).toBe(STATUS_SUCCESS);
  return f;
}

function parented(parent: WDFOBJECT | null, passive = false): WDF_OBJECT_ATTRIBUTES {
  const a = new WDF_OBJECT_ATTRIBUTES();
  WDF_OBJECT_ATTRIBUTES_INIT(a);
  a.ParentObject = parent;
  if (passive) a.ExecutionLevel = WdfExecutionLevelPassive;
  return a;
}

function timer(f: Fixture, fn: (t: WDFTIMER) => void, Period = 0, parent: WDFOBJECT | null = f.device, passive = false): WDFTIMER {
  const c = new WDF_TIMER_CONFIG();
  WDF_TIMER_CONFIG_INIT_PERIODIC(c, fn, Period);
  const t = Out<WDFTIMER | null>(null);
  expect(f.m.runInKernel(() => WdfTimerCreate(c, parented(parent, passive), t))).toBe(STATUS_SUCCESS);
  return t.value!;
}

function workItem(f: Fixture, fn: (w: WDFWORKITEM) => void | KWAIT_GENERATOR<void>, parent: WDFOBJECT = f.device): WDFWORKITEM {
  const c = new WDF_WORKITEM_CONFIG();
  WDF_WORKITEM_CONFIG_INIT(c, fn);
  c.AutomaticSerialization = false;
  const w = Out<WDFWORKITEM | null>(null);
  expect(f.m.runInKernel(() => WdfWorkItemCreate(c, parented(parent), w))).toBe(STATUS_SUCCESS);
  return w.value!;
}

describe("WDFTIMER", () => {
  it("the wdfcore.h timeouts are 100 ns counts, negative relative and positive absolute", () => {
    expect([WDF_REL_TIMEOUT_IN_MS(5), WDF_REL_TIMEOUT_IN_SEC(2), WDF_REL_TIMEOUT_IN_US(7), WDF_ABS_TIMEOUT_IN_MS(3)]).toEqual([-50_000, -20_000_000, -70, 30_000]);
  });

  it("WdfTimerCreate refuses a missing parent, a parent outside a device, a period above MAXLONG, a periodic passive timer and a lock of the other level", () => {
    const f = setup();
    const c = new WDF_TIMER_CONFIG();
    WDF_TIMER_CONFIG_INIT(c, () => {});
    const t = Out<WDFTIMER | null>(null);
    f.m.runInKernel(() => {
      expect(WdfTimerCreate(c, null, t)).toBe(STATUS_WDF_PARENT_NOT_SPECIFIED);
      expect(WdfTimerCreate(c, parented(null), t)).toBe(STATUS_WDF_PARENT_NOT_SPECIFIED);
      expect(WdfTimerCreate(c, parented(f.driver), t)).toBe(STATUS_INVALID_DEVICE_REQUEST);
      c.Period = 0x80000000;
      expect(WdfTimerCreate(c, parented(f.device), t)).toBe(STATUS_INVALID_PARAMETER);
      c.Period = 10;
      expect(WdfTimerCreate(c, parented(f.device, true), t)).toBe(STATUS_NOT_SUPPORTED);
      c.Period = 0;
      // The queue's lock is a spin lock: a passive-level timer cannot be serialized with it.
      expect(WdfTimerCreate(c, parented(f.queue, true), t)).toBe(STATUS_WDF_INCOMPATIBLE_EXECUTION_LEVEL);
      expect(t.value).toBeNull();
    });
  });

  it("a one-shot timer fires once at its due time, at DISPATCH_LEVEL; its parent is the object given", () => {
    const f = setup();
    const fired: [number, number][] = [];
    const t = timer(f, () => fired.push([f.m.now, KeGetCurrentIrql()]));
    const t0 = f.m.now;
    expect(f.m.runInKernel(() => WdfTimerStart(t, WDF_REL_TIMEOUT_IN_MS(30)))).toBe(false);
    f.m.runFor(100);
    expect(fired).toEqual([[t0 + 30, DISPATCH_LEVEL]]);
    expect(f.m.runInKernel(() => WdfTimerGetParentObject(t))).toBe(f.device);
  });

  it("a periodic timer fires every Period ms until WdfTimerStop, which says whether it was set", () => {
    const f = setup();
    const fired: number[] = [];
    const t = timer(f, () => fired.push(f.m.now), 10);
    const t0 = f.m.now;
    f.m.runInKernel(() => WdfTimerStart(t, WDF_REL_TIMEOUT_IN_MS(5)));
    f.m.runFor(36);
    expect(fired.map((x) => x - t0)).toEqual([5, 15, 25, 35]);
    expect(f.m.runInKernel(() => WdfTimerStop(t, true))).toBe(true);
    f.m.runFor(50);
    expect(fired.length).toBe(4);
    expect(f.m.runInKernel(() => WdfTimerStop(t, false))).toBe(false);
  });

  it("WdfTimerStop with Wait from the timer's own callback returns FALSE and stops nothing (it would deadlock)", () => {
    const f = setup();
    const results: boolean[] = [];
    let self: WDFTIMER | null = null;
    self = timer(f, () => results.push(WdfTimerStop(self!, true)), 0, f.device, true);
    f.m.runInKernel(() => WdfTimerStart(self!, WDF_REL_TIMEOUT_IN_MS(1)));
    f.m.runFor(5);
    expect(results).toEqual([false]);
  });

  it("a passive-level timer's callback runs at PASSIVE_LEVEL", () => {
    const f = setup();
    const irqls: number[] = [];
    const t = timer(f, () => irqls.push(KeGetCurrentIrql()), 0, f.device, true);
    f.m.runInKernel(() => WdfTimerStart(t, WDF_REL_TIMEOUT_IN_MS(1)));
    f.m.runFor(10);
    expect(irqls).toEqual([PASSIVE_LEVEL]);
  });

  it("a timer parented to a Queue-scope queue holds the queue's lock in its callback; deleting the timer stops it", () => {
    const f = setup();
    let lockHeld = false;
    const t = timer(f, () => {
      // The lock is the queue's: acquiring it again here would be recursion, so it is held.
      lockHeld = KeGetCurrentIrql() === DISPATCH_LEVEL;
    }, 5, f.queue);
    f.m.runInKernel(() => WdfTimerStart(t, WDF_REL_TIMEOUT_IN_MS(5)));
    f.m.runFor(6);
    expect(lockHeld).toBe(true);
    let after = 0;
    const t2 = timer(f, () => after++, 5);
    f.m.runInKernel(() => {
      WdfTimerStart(t2, WDF_REL_TIMEOUT_IN_MS(5));
      WdfObjectDelete(t2);
    });
    f.m.runFor(20);
    expect(after).toBe(0);
  });
});

describe("WDFDPC and WDFWORKITEM", () => {
  it("WdfDpcEnqueue queues once; the DPC runs at DISPATCH_LEVEL; WdfDpcCancel removes a queued one", () => {
    const f = setup();
    const ran: number[] = [];
    const c = new WDF_DPC_CONFIG();
    WDF_DPC_CONFIG_INIT(c, () => ran.push(KeGetCurrentIrql()));
    const d = Out<WDFDPC | null>(null);
    f.m.runInKernel(() => {
      expect(WdfDpcCreate(c, parented(f.queue), d)).toBe(STATUS_SUCCESS);
      expect(WdfDpcGetParentObject(d.value!)).toBe(f.queue);
      expect(WdfDpcWdmGetDpc(d.value!)).toBeTruthy();
    });
    // At DISPATCH_LEVEL the DPC waits until the processor drops below it.
    f.m.runInKernel(() => {
      const old = KeRaiseIrqlToDpcLevel();
      expect(WdfDpcEnqueue(d.value!)).toBe(true);
      expect(WdfDpcEnqueue(d.value!)).toBe(false);
      expect(ran).toEqual([]);
      KeLowerIrql(old);
      expect(ran).toEqual([DISPATCH_LEVEL]);
      KeRaiseIrqlToDpcLevel();
      expect(WdfDpcEnqueue(d.value!)).toBe(true);
      expect(WdfDpcCancel(d.value!, false)).toBe(true);
      KeLowerIrql(old);
    });
    f.m.runFor(1);
    expect(ran.length).toBe(1);
  });

  it("a work item runs once at PASSIVE_LEVEL however often it was enqueued; its callback may wait; WdfWorkItemFlush waits for it", () => {
    const f = setup();
    const log: string[] = [];
    const slow = workItem(f, function* (): KWAIT_GENERATOR<void> {
      log.push(`slow start ${KeGetCurrentIrql()}`);
      yield* KeDelayExecutionThread(KernelMode, false, WDF_REL_TIMEOUT_IN_MS(20));
      log.push("slow end");
    });
    const flusher = workItem(f, function* (): KWAIT_GENERATOR<void> {
      yield* WdfWorkItemFlush(slow);
      log.push("flushed");
    });
    expect(f.m.runInKernel(() => WdfWorkItemGetParentObject(slow))).toBe(f.device);
    f.m.runInKernel(() => {
      WdfWorkItemEnqueue(slow);
      WdfWorkItemEnqueue(slow);
      WdfWorkItemEnqueue(flusher);
    });
    f.m.runFor(50);
    expect(log).toEqual([`slow start ${PASSIVE_LEVEL}`, "slow end", "flushed"]);
  });
});

describe("WDFSPINLOCK, WDFWAITLOCK and the object lock", () => {
  it("WdfSpinLockAcquire raises to DISPATCH_LEVEL and WdfSpinLockRelease returns to the caller's IRQL", () => {
    const f = setup();
    f.m.runInKernel(() => {
      const l = Out<WDFSPINLOCK | null>(null);
      expect(WdfSpinLockCreate(null, l)).toBe(STATUS_SUCCESS);
      WdfSpinLockAcquire(l.value!);
      expect(KeGetCurrentIrql()).toBe(DISPATCH_LEVEL);
      WdfSpinLockRelease(l.value!);
      expect(KeGetCurrentIrql()).toBe(PASSIVE_LEVEL);
    });
  });

  it("releasing a spin lock the caller does not hold is WDF_VIOLATION 0xB with P3 1", () => {
    const f = setup();
    const l = Out<WDFSPINLOCK | null>(null);
    f.m.runInKernel(() => WdfSpinLockCreate(null, l));
    expect(() => f.m.runInKernel(() => WdfSpinLockRelease(l.value!))).toThrow(BugCheck);
    expect(f.m.bugCheckData?.BugCheckCode).toBe(WDF_VIOLATION);
    const b = f.m.bugCheckData!;
    expect([b.BugCheckParameter1, b.BugCheckParameter2, b.BugCheckParameter3]).toEqual([WDF_INVALID_LOCK_OPERATION, l.value, 1]);
  });

  it("acquiring a WDFSPINLOCK the processor already holds is the kernel's SPIN_LOCK_ALREADY_OWNED", () => {
    const f = setup();
    const l = Out<WDFSPINLOCK | null>(null);
    f.m.runInKernel(() => WdfSpinLockCreate(null, l));
    expect(() => f.m.runInKernel(() => {
      WdfSpinLockAcquire(l.value!);
      WdfSpinLockAcquire(l.value!);
    })).toThrow(BugCheck);
    expect(f.m.bugCheckData?.BugCheckCode).toBe(SPIN_LOCK_ALREADY_OWNED);
  });

  it("a wait lock: a held lock times out (STATUS_TIMEOUT), a released one is acquired", () => {
    const f = setup();
    const statuses: number[] = [];
    const l = Out<WDFWAITLOCK | null>(null);
    f.m.runInKernel(() => WdfWaitLockCreate(null, l));
    const w = workItem(f, function* (): KWAIT_GENERATOR<void> {
      statuses.push(yield* WdfWaitLockAcquire(l.value!, null));
      statuses.push(yield* WdfWaitLockAcquire(l.value!, 0));
      statuses.push(yield* WdfWaitLockAcquire(l.value!, WDF_REL_TIMEOUT_IN_MS(5)));
      WdfWaitLockRelease(l.value!);
      statuses.push(yield* WdfWaitLockAcquire(l.value!, 0));
      WdfWaitLockRelease(l.value!);
    });
    f.m.runInKernel(() => WdfWorkItemEnqueue(w));
    f.m.runFor(20);
    expect(statuses).toEqual([STATUS_SUCCESS, STATUS_TIMEOUT, STATUS_TIMEOUT, STATUS_SUCCESS]);
  });

  it("WdfObjectAcquireLock takes a Queue-scope queue's lock; an object without one is WDF_VIOLATION 0xB with P3 0", () => {
    const f = setup();
    f.m.runInKernel(() => {
      WdfObjectAcquireLock(f.queue);
      expect(KeGetCurrentIrql()).toBe(DISPATCH_LEVEL);
      WdfObjectReleaseLock(f.queue);
      expect(KeGetCurrentIrql()).toBe(PASSIVE_LEVEL);
    });
    expect(() => f.m.runInKernel(() => WdfObjectAcquireLock(f.device))).toThrow(BugCheck);
    const b = f.m.bugCheckData!;
    expect(b.BugCheckCode).toBe(WDF_VIOLATION);
    expect([b.BugCheckParameter1, b.BugCheckParameter2, b.BugCheckParameter3]).toEqual([WDF_INVALID_LOCK_OPERATION, f.device, 0]);
  });
});
