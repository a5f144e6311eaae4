import { describe, expect, it } from "vitest";
import {
  APC_LEVEL, boot, DISPATCH_LEVEL, DRIVER_VERIFIER_DETECTED_VIOLATION, IRQL_NOT_LESS_OR_EQUAL, KeGetCurrentIrql,
  KeGetCurrentProcessorNumber, KeLowerIrql, KeQueryActiveProcessorCount, KeRaiseIrql, KeRaiseIrqlToDpcLevel, Out, PASSIVE_LEVEL,
  type KIRQL,
} from "../src/index.js";
import { expectBugCheck } from "./helpers.js";

describe("Ke: IRQL", () => {
  it("kernel code entered from outside runs at PASSIVE_LEVEL", () => {
    const m = boot();
    expect(m.runInKernel(() => KeGetCurrentIrql())).toBe(PASSIVE_LEVEL);
  });

  it("KeRaiseIrql returns the old level and KeLowerIrql restores it", () => {
    const m = boot();
    const seen = m.runInKernel(() => {
      const old = Out<KIRQL>(-1);
      KeRaiseIrql(APC_LEVEL, old);
      const a = [old.value, KeGetCurrentIrql()];
      const old2 = Out<KIRQL>(-1);
      KeRaiseIrql(DISPATCH_LEVEL, old2);
      const b = [old2.value, KeGetCurrentIrql()];
      KeLowerIrql(old2.value);
      const c = KeGetCurrentIrql();
      KeLowerIrql(old.value);
      return { a, b, c, d: KeGetCurrentIrql() };
    });
    expect(seen).toEqual({ a: [PASSIVE_LEVEL, APC_LEVEL], b: [APC_LEVEL, DISPATCH_LEVEL], c: APC_LEVEL, d: PASSIVE_LEVEL });
  });

  it("KeRaiseIrqlToDpcLevel raises to DISPATCH_LEVEL and returns the previous level", () => {
    const m = boot();
    const r = m.runInKernel(() => {
      const old = KeRaiseIrqlToDpcLevel();
      const now = KeGetCurrentIrql();
      KeLowerIrql(old);
      return [old, now];
    });
    expect(r).toEqual([PASSIVE_LEVEL, DISPATCH_LEVEL]);
  });

  it("IRQL is per processor: raising on one leaves the others at PASSIVE_LEVEL", () => {
    const m = boot({ processors: 4 });
    expect(m.runInKernel(() => KeQueryActiveProcessorCount())).toBe(4);
    const r = m.runInKernel(() => {
      const old = Out<KIRQL>(0);
      KeRaiseIrql(DISPATCH_LEVEL, old);
      const me = KeGetCurrentProcessorNumber();
      const others = m.processors.filter((p) => p.Number !== me).map((p) => p.Irql);
      const mine = m.processors[me]!.Irql;
      KeLowerIrql(old.value);
      return { mine, others };
    });
    expect(r.mine).toBe(DISPATCH_LEVEL);
    expect(r.others).toEqual([PASSIVE_LEVEL, PASSIVE_LEVEL, PASSIVE_LEVEL]);
  });

  // https://learn.microsoft.com/windows-hardware/drivers/debugger/bug-check-0xc4--driver-verifier-detected-violation
  // (0x31: P2 the current IRQL, P3 the requested one, P4 0 "New IRQL is bad").
  it("checked: KeLowerIrql to a higher level is Driver Verifier's 0xC4/0x31", () => {
    const m = boot({ flavor: "checked" });
    const d = expectBugCheck(m, DRIVER_VERIFIER_DETECTED_VIOLATION, () => m.runInKernel(() => KeLowerIrql(DISPATCH_LEVEL)));
    expect([d.BugCheckParameter1, d.BugCheckParameter2, d.BugCheckParameter3, d.BugCheckParameter4]).toEqual([0x31, PASSIVE_LEVEL, DISPATCH_LEVEL, 0]);
  });

  // The checked HAL's KfLowerIrql bug-checks a "lower" to a higher level with IRQL_NOT_LESS_OR_EQUAL (ReactOS
  // hal/halx86 KfLowerIrql, `#if DBG`); its raise to a lower level is IRQL_NOT_GREATER_OR_EQUAL.
  // https://learn.microsoft.com/windows-hardware/drivers/debugger/bug-check-0xa--irql-not-less-or-equal (P2 the IRQL)
  it("free: KeLowerIrql to a higher level is IRQL_NOT_LESS_OR_EQUAL (0xA), as the checked HAL stops", () => {
    const m = boot({ flavor: "free" });
    const d = expectBugCheck(m, IRQL_NOT_LESS_OR_EQUAL, () => m.runInKernel(() => KeLowerIrql(DISPATCH_LEVEL)));
    expect(d.BugCheckCode).toBe(0xa);
    expect([d.BugCheckParameter1, d.BugCheckParameter2, d.BugCheckParameter3, d.BugCheckParameter4]).toEqual([0, PASSIVE_LEVEL, 0, 0]);
    expect(d.explanation).toMatch(/KeLowerIrql .* up to DISPATCH_LEVEL/);
  });

  // https://learn.microsoft.com/windows-hardware/drivers/debugger/bug-check-0xc4--driver-verifier-detected-violation
  // (0x30: P2 the current IRQL, P3 the requested one).
  it("the checked flavor refuses KeRaiseIrql to a lower level (0xC4/0x30)", () => {
    const m = boot({ flavor: "checked" });
    const d = expectBugCheck(m, DRIVER_VERIFIER_DETECTED_VIOLATION, () =>
      m.runInKernel(() => {
        const old = Out<KIRQL>(0);
        KeRaiseIrql(DISPATCH_LEVEL, old);
        KeRaiseIrql(APC_LEVEL, old);
      }),
    );
    expect([d.BugCheckParameter1, d.BugCheckParameter2, d.BugCheckParameter3]).toEqual([0x30, DISPATCH_LEVEL, APC_LEVEL]);
  });

  it("returning from a system call above PASSIVE_LEVEL bug-checks (0x4A)", () => {
    const m = boot();
    const c = m.createProcess("app.exe");
    const d = expectBugCheck(m, 0x4a, () => m.syscall(c.threads[0]!, () => KeRaiseIrql(DISPATCH_LEVEL, Out<KIRQL>(0))));
    expect(d.BugCheckParameter2).toBe(DISPATCH_LEVEL);
  });

  it("a stopped machine refuses every later entry with the same bug check", () => {
    const m = boot({ flavor: "free" });
    expectBugCheck(m, IRQL_NOT_LESS_OR_EQUAL, () => m.runInKernel(() => KeLowerIrql(DISPATCH_LEVEL)));
    expect(m.stopped).toBe(true);
    let again: unknown = null;
    try {
      m.runInKernel(() => 1);
    } catch (e) {
      again = e;
    }
    expect((again as { data: unknown }).data).toBe(m.bugCheckData);
    expect(() => m.run()).toThrow(/IRQL_NOT_LESS_OR_EQUAL/);
  });
});
