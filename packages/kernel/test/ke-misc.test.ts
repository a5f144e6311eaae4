import { describe, expect, it } from "vitest";
import {
  boot, BugCheck, DISPATCH_LEVEL, InterlockedCompareExchange, InterlockedDecrement, InterlockedExchange, InterlockedExchangeAdd,
  InterlockedIncrement, KDPC, KeFlushQueuedDpcs, KeInitializeDpc, KeInsertQueueDpc, KeQueryPerformanceCounter, KeRaiseIrql,
  KeSetTargetProcessorDpc, KeStallExecutionProcessor, Out,
} from "../src/index.js";

describe("interlocked operations", () => {
  it("return what the WDK says and wrap as a LONG", () => {
    const v = Out(0x7fffffff);
    expect(InterlockedIncrement(v)).toBe(-0x80000000);
    expect(InterlockedDecrement(v)).toBe(0x7fffffff);
    expect(InterlockedExchange(v, 5)).toBe(0x7fffffff);
    expect(InterlockedExchangeAdd(v, 3)).toBe(5);
    expect(v.value).toBe(8);
    expect(InterlockedCompareExchange(v, 1, 7)).toBe(8);
    expect(v.value).toBe(8);
    expect(InterlockedCompareExchange(v, 1, 8)).toBe(8);
    expect(v.value).toBe(1);
  });
});

describe("time and DPC flushing", () => {
  it("KeStallExecutionProcessor moves virtual time by the stall; the performance counter follows it", () => {
    const m = boot();
    m.runInKernel(() => {
      const f = Out(0);
      const t0 = KeQueryPerformanceCounter(f);
      expect(f.value).toBe(10_000_000);
      KeStallExecutionProcessor(50);
      expect(KeQueryPerformanceCounter(null) - t0).toBe(500);
    });
  });

  it("KeFlushQueuedDpcs runs every DPC queued on any processor before returning", () => {
    const m = boot({ processors: 2 });
    const ran: number[] = [];
    m.runInKernel(() => {
      const d = new KDPC();
      KeInitializeDpc(d, () => ran.push(m.cpu.Number), null);
      // Queued to the other processor: it does not run until that processor drains its queue.
      const other = (m.cpu.Number + 1) % 2;
      KeSetTargetProcessorDpc(d, other);
      KeInsertQueueDpc(d, null, null);
      expect(ran).toEqual([]);
      KeFlushQueuedDpcs();
      expect(ran).toEqual([other]);
    });
  });

  it("KeFlushQueuedDpcs at DISPATCH_LEVEL is a verifier bug check (checked)", () => {
    const m = boot({ flavor: "checked" });
    expect(() =>
      m.runInKernel(() => {
        KeRaiseIrql(DISPATCH_LEVEL, Out(0));
        KeFlushQueuedDpcs();
      }),
    ).toThrow(BugCheck);
    expect(m.bugCheckData!.BugCheckParameter2).toBe(DISPATCH_LEVEL);
  });
});
