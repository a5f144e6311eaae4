import { describe, expect, it } from "vitest";
import {
  boot, DISPATCH_LEVEL, KDPC, KeCancelTimer, KeGetCurrentIrql, KeGetCurrentProcessorNumber, KeInitializeDpc, KeInitializeTimer,
  KeInsertQueueDpc, KeLowerIrql, KeRaiseIrql, KeReadStateTimer, KeRemoveQueueDpc, KeSetTargetProcessorDpc, KeSetTimer, KeSetTimerEx,
  KTIMER, Out, PASSIVE_LEVEL, PsGetCurrentProcess, type KIRQL, type Machine,
} from "../src/index.js";

/** A DPC that records the machine time (ms) each time it runs. */
function timedDpc(m: Machine, log: number[]): KDPC {
  const dpc = new KDPC();
  m.runInKernel(() => KeInitializeDpc(dpc, () => log.push(m.now), null));
  return dpc;
}

describe("Ke: DPCs", () => {
  it("a DPC runs at DISPATCH_LEVEL with its context and system arguments, in the System process", () => {
    const m = boot();
    const c = m.createProcess("app.exe");
    const seen: unknown[] = [];
    m.syscall(c.threads[0]!, () => {
      const dpc = new KDPC();
      KeInitializeDpc(dpc, (_d, ctx, a1, a2) => seen.push(KeGetCurrentIrql(), ctx, a1, a2, PsGetCurrentProcess().ImageFileName), "ctx");
      KeInsertQueueDpc(dpc, 11, 22);
    });
    m.run();
    expect(seen).toEqual([DISPATCH_LEVEL, "ctx", 11, 22, "System"]);
  });

  it("a DPC queued to the current processor below DISPATCH_LEVEL runs at once, before KeInsertQueueDpc returns", () => {
    const m = boot();
    const log: string[] = [];
    m.runInKernel(() => {
      const dpc = new KDPC();
      KeInitializeDpc(dpc, () => log.push(`dpc@${KeGetCurrentIrql()}`), null);
      KeInsertQueueDpc(dpc, null, null);
      log.push(`returned@${KeGetCurrentIrql()}`);
    });
    expect(log).toEqual([`dpc@${DISPATCH_LEVEL}`, `returned@${PASSIVE_LEVEL}`]);
  });

  it("KeInsertQueueDpc returns FALSE while the DPC is already queued", () => {
    const m = boot();
    const runs: number[] = [];
    const r = m.runInKernel(() => {
      const dpc = new KDPC();
      KeInitializeDpc(dpc, () => runs.push(1), null);
      const old = Out<KIRQL>(0);
      KeRaiseIrql(DISPATCH_LEVEL, old);
      const first = KeInsertQueueDpc(dpc, null, null);
      const second = KeInsertQueueDpc(dpc, null, null);
      KeLowerIrql(old.value);
      const third = KeInsertQueueDpc(dpc, null, null);
      return [first, second, third];
    });
    expect(r).toEqual([true, false, true]);
    m.run();
    expect(runs).toEqual([1, 1]);
  });

  it("a DPC queued at DISPATCH_LEVEL runs when the IRQL drops below DISPATCH_LEVEL", () => {
    const m = boot();
    const log: string[] = [];
    m.runInKernel(() => {
      const dpc = new KDPC();
      KeInitializeDpc(dpc, () => log.push(`dpc@${KeGetCurrentIrql()}`), null);
      const old = Out<KIRQL>(0);
      KeRaiseIrql(DISPATCH_LEVEL, old);
      KeInsertQueueDpc(dpc, null, null);
      log.push("queued");
      KeLowerIrql(old.value);
      log.push(`lowered@${KeGetCurrentIrql()}`);
    });
    expect(log).toEqual(["queued", `dpc@${DISPATCH_LEVEL}`, `lowered@${PASSIVE_LEVEL}`]);
  });

  it("KeRemoveQueueDpc takes a queued DPC out so it never runs", () => {
    const m = boot();
    const runs: number[] = [];
    const r = m.runInKernel(() => {
      const dpc = new KDPC();
      KeInitializeDpc(dpc, () => runs.push(1), null);
      const old = Out<KIRQL>(0);
      KeRaiseIrql(DISPATCH_LEVEL, old);
      KeInsertQueueDpc(dpc, null, null);
      const removed = KeRemoveQueueDpc(dpc);
      const again = KeRemoveQueueDpc(dpc);
      KeLowerIrql(old.value);
      return [removed, again];
    });
    m.run();
    expect(r).toEqual([true, false]);
    expect(runs).toEqual([]);
  });

  it("a DPC targeted at another processor runs on that processor", () => {
    const m = boot({ processors: 4 });
    const ran: number[] = [];
    m.runInKernel(() => {
      for (const n of [3, 1, 2, 0]) {
        const dpc = new KDPC();
        KeInitializeDpc(dpc, () => ran.push(n * 10 + KeGetCurrentProcessorNumber()), null);
        KeSetTargetProcessorDpc(dpc, n);
        const old = Out<KIRQL>(0);
        KeRaiseIrql(DISPATCH_LEVEL, old);
        KeInsertQueueDpc(dpc, null, null);
        KeLowerIrql(old.value);
      }
    });
    m.run();
    expect([...ran].sort((a, b) => a - b)).toEqual([0, 11, 22, 33]);
  });
});

describe("Ke: timers", () => {
  it("KeSetTimer with a relative due time fires its DPC at that virtual time", () => {
    const m = boot();
    const log: number[] = [];
    const dpc = timedDpc(m, log);
    const timer = new KTIMER();
    m.runInKernel(() => {
      KeInitializeTimer(timer);
      KeSetTimer(timer, -25 * 10_000, dpc);
    });
    m.runFor(24);
    expect(log).toEqual([]);
    expect(m.runInKernel(() => KeReadStateTimer(timer))).toBe(false);
    m.runFor(1);
    expect(log).toEqual([25]);
    expect(m.runInKernel(() => KeReadStateTimer(timer))).toBe(true);
  });

  it("m.run() advances virtual time to the next timer", () => {
    const m = boot();
    const log: number[] = [];
    const dpc1 = timedDpc(m, log);
    const dpc2 = timedDpc(m, log);
    m.runInKernel(() => {
      const t1 = new KTIMER();
      const t2 = new KTIMER();
      KeInitializeTimer(t1);
      KeInitializeTimer(t2);
      KeSetTimer(t1, -70 * 10_000, dpc1);
      KeSetTimer(t2, -30 * 10_000, dpc2);
    });
    m.run();
    expect(log).toEqual([30, 70]);
    expect(m.now).toBe(70);
  });

  it("a periodic timer (KeSetTimerEx) fires every period until cancelled", () => {
    const m = boot();
    const log: number[] = [];
    const dpc = timedDpc(m, log);
    const timer = new KTIMER();
    m.runInKernel(() => {
      KeInitializeTimer(timer);
      KeSetTimerEx(timer, -10 * 10_000, 5, dpc);
    });
    m.runFor(27);
    expect(log).toEqual([10, 15, 20, 25]);
    expect(m.runInKernel(() => KeCancelTimer(timer))).toBe(true);
    m.run();
    expect(log).toEqual([10, 15, 20, 25]);
  });

  it("KeCancelTimer returns TRUE for a set timer and its DPC never runs", () => {
    const m = boot();
    const log: number[] = [];
    const dpc = timedDpc(m, log);
    const timer = new KTIMER();
    const r = m.runInKernel(() => {
      KeInitializeTimer(timer);
      const notSet = KeCancelTimer(timer);
      KeSetTimer(timer, -10 * 10_000, dpc);
      return [notSet, KeCancelTimer(timer), KeCancelTimer(timer)];
    });
    expect(r).toEqual([false, true, false]);
    m.runFor(50);
    expect(log).toEqual([]);
  });

  it("KeCancelTimer returns FALSE once the timer has fired", () => {
    const m = boot();
    const log: number[] = [];
    const dpc = timedDpc(m, log);
    const timer = new KTIMER();
    m.runInKernel(() => {
      KeInitializeTimer(timer);
      KeSetTimer(timer, -5 * 10_000, dpc);
    });
    m.run();
    expect(log).toEqual([5]);
    expect(m.runInKernel(() => KeCancelTimer(timer))).toBe(false);
  });

  it("setting a timer that is already set resets its due time and returns TRUE", () => {
    const m = boot();
    const log: number[] = [];
    const dpc = timedDpc(m, log);
    const timer = new KTIMER();
    const r = m.runInKernel(() => {
      KeInitializeTimer(timer);
      const first = KeSetTimer(timer, -10 * 10_000, dpc);
      const second = KeSetTimer(timer, -40 * 10_000, dpc);
      return [first, second];
    });
    expect(r).toEqual([false, true]);
    m.run();
    expect(log).toEqual([40]);
  });
});
