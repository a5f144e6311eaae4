import { describe, expect, it } from "vitest";
import {
  APC_LEVEL, boot, DISPATCH_LEVEL, DRIVER_VERIFIER_DETECTED_VIOLATION, KeAcquireSpinLock, KeAcquireSpinLockAtDpcLevel, KeAcquireSpinLockRaiseToDpc,
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

  // The spin lock rows of https://learn.microsoft.com/windows-hardware/drivers/debugger/bug-check-0xc4--driver-verifier-detected-violation:
  // 0x40 KeAcquireSpinLockAtDpcLevel below DISPATCH_LEVEL, 0x41 KeReleaseSpinLockFromDpcLevel below it,
  // 0x42 KeAcquireSpinLock above it; P2 the current IRQL, P3 the spin lock (ours: its id), P4 0.
  it("the checked flavor refuses KeAcquireSpinLockAtDpcLevel below DISPATCH_LEVEL (0xC4/0x40)", () => {
    const m = boot({ flavor: "checked" });
    const lock = new KSPIN_LOCK();
    const d = expectBugCheck(m, DRIVER_VERIFIER_DETECTED_VIOLATION, () => m.runInKernel(() => KeAcquireSpinLockAtDpcLevel(lock)));
    expect([d.BugCheckParameter1, d.BugCheckParameter2, d.BugCheckParameter3, d.BugCheckParameter4]).toEqual([0x40, PASSIVE_LEVEL, lock.id, 0]);
  });

  it("the checked flavor refuses KeReleaseSpinLockFromDpcLevel below DISPATCH_LEVEL (0xC4/0x41)", () => {
    const m = boot({ flavor: "checked" });
    const lock = new KSPIN_LOCK();
    const d = expectBugCheck(m, DRIVER_VERIFIER_DETECTED_VIOLATION, () =>
      m.runInKernel(() => {
        const old = Out<KIRQL>(0);
        KeRaiseIrql(DISPATCH_LEVEL, old);
        KeAcquireSpinLockAtDpcLevel(lock);
        KeLowerIrql(APC_LEVEL);
        KeReleaseSpinLockFromDpcLevel(lock);
      }),
    );
    expect([d.BugCheckParameter1, d.BugCheckParameter2, d.BugCheckParameter3, d.BugCheckParameter4]).toEqual([0x41, APC_LEVEL, lock.id, 0]);
  });

  it("the checked flavor refuses KeAcquireSpinLock above DISPATCH_LEVEL (0xC4/0x42)", () => {
    const m = boot({ flavor: "checked" });
    const lock = new KSPIN_LOCK();
    const d = expectBugCheck(m, DRIVER_VERIFIER_DETECTED_VIOLATION, () =>
      m.runInKernel(() => {
        KeRaiseIrql(5, Out<KIRQL>(0));
        KeAcquireSpinLock(lock, Out<KIRQL>(0));
      }),
    );
    expect([d.BugCheckParameter1, d.BugCheckParameter2, d.BugCheckParameter3, d.BugCheckParameter4]).toEqual([0x42, 5, lock.id, 0]);
  });
});
