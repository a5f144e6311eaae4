import { describe, expect, it } from "vitest";
import {
  APC_LEVEL, boot, BugCheck, DISPATCH_LEVEL, InterlockedCompareExchange, InterlockedDecrement, InterlockedExchange, InterlockedExchangeAdd,
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

  // https://learn.microsoft.com/windows-hardware/drivers/ddi/wdm/nf-wdm-keflushqueueddpcs: IRQL PASSIVE_LEVEL,
  // and no DDI compliance rule names it, so the verifier's general "A call was made to a Kernel API at the
  // incorrect IRQL" (0xC4/0xE5, P2 the IRQL) of
  // https://learn.microsoft.com/windows-hardware/drivers/debugger/bug-check-0xc4--driver-verifier-detected-violation
  it("KeFlushQueuedDpcs above PASSIVE_LEVEL is a verifier bug check, 0xC4/0xE5 (checked)", () => {
    for (const irql of [APC_LEVEL, DISPATCH_LEVEL]) {
      const m = boot({ flavor: "checked" });
      expect(() =>
        m.runInKernel(() => {
          KeRaiseIrql(irql, Out(0));
          KeFlushQueuedDpcs();
        }),
      ).toThrow(BugCheck);
      const d = m.bugCheckData!;
      expect([d.BugCheckCode, d.BugCheckParameter1, d.BugCheckParameter2, d.BugCheckParameter3, d.BugCheckParameter4]).toEqual([0xc4, 0xe5, irql, 0, 0]);
    }
  });
});
