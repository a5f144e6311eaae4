import { describe, expect, it } from "vitest";
import {
  boot, DISPATCH_LEVEL, DRIVER_VERIFIER_DETECTED_VIOLATION, KeAcquireSpinLock, KeAcquireSpinLockAtDpcLevel, KeAcquireSpinLockRaiseToDpc,
  KeGetCurrentIrql, KeInitializeSpinLock, KeLowerIrql, KeRaiseIrql, KeReleaseSpinLock, KeReleaseSpinLockFromDpcLevel, KeTestSpinLock,
  KSPIN_LOCK, Out, PASSIVE_LEVEL, SPIN_LOCK_ALREADY_OWNED, SPIN_LOCK_NOT_OWNED, type KIRQL,
} from "../src/index.js";
import { expectBugCheck } from "./helpers.js";

describe("Ke: spin locks", () => {
  it("KeAcquireSpinLock raises to DISPATCH_LEVEL and KeReleaseSpinLock lowers back", () => {
    const m = boot();
    const r = m.runInKernel(() => {
      const lock = new KSPIN_LOCK();
      KeInitializeSpinLock(lock);
      const free0 = KeTestSpinLock(lock);
      const old = Out<KIRQL>(-1);
      KeAcquireSpinLock(lock, old);
      const held = { irql: KeGetCurrentIrql(), free: KeTestSpinLock(lock), old: old.value };
      KeReleaseSpinLock(lock, old.value);
      return { free0, held, after: KeGetCurrentIrql(), free1: KeTestSpinLock(lock) };
    });
    expect(r).toEqual({ free0: true, held: { irql: DISPATCH_LEVEL, free: false, old: PASSIVE_LEVEL }, after: PASSIVE_LEVEL, free1: true });
  });

  it("KeAcquireSpinLockRaiseToDpc returns the previous IRQL", () => {
    const m = boot();
    const r = m.runInKernel(() => {
      const lock = new KSPIN_LOCK();
      const old = KeAcquireSpinLockRaiseToDpc(lock);
      const irql = KeGetCurrentIrql();
      KeReleaseSpinLock(lock, old);
      return [old, irql, KeGetCurrentIrql()];
    });
    expect(r).toEqual([PASSIVE_LEVEL, DISPATCH_LEVEL, PASSIVE_LEVEL]);
  });

  it("the AtDpcLevel forms take the lock without changing IRQL", () => {
    const m = boot();
    const r = m.runInKernel(() => {
      const lock = new KSPIN_LOCK();
      const old = Out<KIRQL>(0);
      KeRaiseIrql(DISPATCH_LEVEL, old);
      KeAcquireSpinLockAtDpcLevel(lock);
      const during = [KeGetCurrentIrql(), KeTestSpinLock(lock)];
      KeReleaseSpinLockFromDpcLevel(lock);
      const after = [KeGetCurrentIrql(), KeTestSpinLock(lock)];
      KeLowerIrql(old.value);
      return { during, after };
    });
    expect(r).toEqual({ during: [DISPATCH_LEVEL, false], after: [DISPATCH_LEVEL, true] });
  });

  it("acquiring a spin lock the processor already holds is SPIN_LOCK_ALREADY_OWNED (0xF)", () => {
    for (const flavor of ["checked", "free"] as const) {
      const m = boot({ flavor });
      const d = expectBugCheck(m, SPIN_LOCK_ALREADY_OWNED, () =>
        m.runInKernel(() => {
          const lock = new KSPIN_LOCK();
          const old = Out<KIRQL>(0);
          KeAcquireSpinLock(lock, old);
          KeAcquireSpinLock(lock, Out<KIRQL>(0));
        }),
      );
      expect(d.BugCheckCode).toBe(0xf);
      expect(d.explanation).toMatch(/already/);
    }
  });

  it("re-acquiring at DPC level is SPIN_LOCK_ALREADY_OWNED too", () => {
    const m = boot();
    expectBugCheck(m, SPIN_LOCK_ALREADY_OWNED, () =>
      m.runInKernel(() => {
        const lock = new KSPIN_LOCK();
        KeAcquireSpinLock(lock, Out<KIRQL>(0));
        KeAcquireSpinLockAtDpcLevel(lock);
      }),
    );
  });

  it("releasing a spin lock that is not held is SPIN_LOCK_NOT_OWNED (0x10)", () => {
    const m = boot();
    expectBugCheck(m, SPIN_LOCK_NOT_OWNED, () => m.runInKernel(() => KeReleaseSpinLock(new KSPIN_LOCK(), PASSIVE_LEVEL)));
  });

  it("the checked flavor refuses KeAcquireSpinLockAtDpcLevel below DISPATCH_LEVEL", () => {
    const m = boot({ flavor: "checked" });
    const d = expectBugCheck(m, DRIVER_VERIFIER_DETECTED_VIOLATION, () => m.runInKernel(() => KeAcquireSpinLockAtDpcLevel(new KSPIN_LOCK())));
    expect(d.BugCheckParameter1).toBe(0x41);
    expect(d.BugCheckParameter2).toBe(PASSIVE_LEVEL);
  });
});
