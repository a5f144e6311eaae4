import { describe, expect, it } from "vitest";
import {
  boot, DPC_WATCHDOG_VIOLATION, DRIVER_VERIFIER_DETECTED_VIOLATION, IoAcquireCancelSpinLock, IoReleaseCancelSpinLock, KDPC,
  KeAcquireSpinLock, KeAcquireSpinLockAtDpcLevel, KeGetCurrentProcessorNumber, KeInitializeDpc, KeInitializeSpinLock, KeInsertQueueDpc,
  KeLowerIrql, KeReleaseSpinLock, KeReleaseSpinLockFromDpcLevel, KeSetTargetProcessorDpc, KSPIN_LOCK, Out, PsCreateSystemThread, SPIN_LOCK_ALREADY_OWNED, STATUS_SUCCESS,
  VF_DEADLOCK_DETECTED, type Flavor, type KIRQL, type Machine,
} from "../src/index.js";
import { client, expectBugCheck, tinyDriver } from "./helpers.js";

/** Take `first`, then `second` inside it, then release both (a correct nested acquisition). */
function nested(first: KSPIN_LOCK, second: KSPIN_LOCK): void {
  const old = Out<KIRQL>(0);
  KeAcquireSpinLock(first, old);
  KeAcquireSpinLockAtDpcLevel(second);
  KeReleaseSpinLockFromDpcLevel(second);
  KeReleaseSpinLock(first, old.value);
}

function locks(m: Machine, n: number): KSPIN_LOCK[] {
  return m.runInKernel(() =>
    Array.from({ length: n }, () => {
      const l = new KSPIN_LOCK();
      KeInitializeSpinLock(l);
      return l;
    }),
  );
}

describe("Driver Verifier deadlock detection: spin lock order (checked flavor)", () => {
  it("A then B on one path and B then A on another is 0xC4/0x1001, though the two paths never overlapped", () => {
    const m = boot({ flavor: "checked" });
    const [a, b] = locks(m, 2) as [KSPIN_LOCK, KSPIN_LOCK];
    m.runInKernel(() => nested(a, b));
    m.run();
    const d = expectBugCheck(m, DRIVER_VERIFIER_DETECTED_VIOLATION, () => m.runInKernel(() => nested(b, a)));
    // Parameter 2: the lock whose acquisition closed the cycle; 3 and 4 are reserved.
    expect([d.BugCheckParameter1, d.BugCheckParameter2, d.BugCheckParameter3, d.BugCheckParameter4]).toEqual([VF_DEADLOCK_DETECTED, a.id, 0, 0]);
    expect(d.explanation).toMatch(new RegExp(`#${b.id} is held while acquiring #${a.id}.*#${a.id} was held while acquiring #${b.id}`));
  });

  it("the orders may come from different drivers' code, threads and DPCs on different processors", () => {
    const m = boot({ flavor: "checked", processors: 2, seed: 5 });
    let a!: KSPIN_LOCK;
    let b!: KSPIN_LOCK;
    const drv = tinyDriver({
      name: "Locks",
      init: () => {
        a = new KSPIN_LOCK();
        b = new KSPIN_LOCK();
        // A system thread takes A then B.
        PsCreateSystemThread(Out(0), 0, null, null, null, function* () {
          nested(a, b);
        }, null);
      },
    });
    expect(m.loadDriver("Locks", drv.DriverEntry)).toBe(STATUS_SUCCESS);
    m.run();
    // A DPC on the other processor takes B then A.
    const d = expectBugCheck(m, DRIVER_VERIFIER_DETECTED_VIOLATION, () => {
      m.runInKernel(() => {
        const dpc = new KDPC();
        KeInitializeDpc(dpc, () => {
          KeAcquireSpinLockAtDpcLevel(b);
          KeAcquireSpinLockAtDpcLevel(a);
          KeReleaseSpinLockFromDpcLevel(a);
          KeReleaseSpinLockFromDpcLevel(b);
        }, null);
        KeSetTargetProcessorDpc(dpc, (KeGetCurrentProcessorNumber() + 1) % 2);
        KeInsertQueueDpc(dpc, null, null);
      });
      m.run();
    });
    expect([d.BugCheckParameter1, d.BugCheckParameter2]).toEqual([VF_DEADLOCK_DETECTED, a.id]);
    expect(d.explanation).toMatch(/a DPC in .*thread .* in Locks\.sys/);
  });

  it("a longer cycle counts too: A before B, B before C, then C before A", () => {
    const m = boot({ flavor: "checked" });
    const [a, b, c] = locks(m, 3) as [KSPIN_LOCK, KSPIN_LOCK, KSPIN_LOCK];
    m.runInKernel(() => {
      nested(a, b);
      nested(b, c);
    });
    const d = expectBugCheck(m, DRIVER_VERIFIER_DETECTED_VIOLATION, () => m.runInKernel(() => nested(c, a)));
    expect([d.BugCheckParameter1, d.BugCheckParameter2]).toEqual([VF_DEADLOCK_DETECTED, a.id]);
    expect(d.explanation).toMatch(/3 locks/);
  });

  it("one order used everywhere, however often, is fine; so are locks taken one at a time in any order", () => {
    const m = boot({ flavor: "checked" });
    const [a, b, c] = locks(m, 3) as [KSPIN_LOCK, KSPIN_LOCK, KSPIN_LOCK];
    m.runInKernel(() => {
      for (let i = 0; i < 3; i++) {
        nested(a, b);
        nested(b, c);
        nested(a, c);
      }
      for (const l of [c, b, a]) {
        const old = Out<KIRQL>(0);
        KeAcquireSpinLock(l, old);
        KeReleaseSpinLock(l, old.value);
      }
      // Released out of order: what counts is what is held at each acquisition.
      const old = Out<KIRQL>(0);
      KeAcquireSpinLock(a, old);
      KeAcquireSpinLockAtDpcLevel(b);
      KeReleaseSpinLockFromDpcLevel(a);
      KeAcquireSpinLockAtDpcLevel(c);
      KeReleaseSpinLockFromDpcLevel(c);
      KeReleaseSpinLock(b, old.value);
    });
    expect(m.stopped).toBe(false);
  });

  it("the kernel's own locks take part: a driver lock held around IoAcquireCancelSpinLock, and the cancel lock around it elsewhere", () => {
    const m = boot({ flavor: "checked" });
    const [queue] = locks(m, 1) as [KSPIN_LOCK];
    m.runInKernel(() => {
      const old = Out<KIRQL>(0);
      KeAcquireSpinLock(queue, old);
      const cancel = Out<KIRQL>(0);
      IoAcquireCancelSpinLock(cancel);
      IoReleaseCancelSpinLock(cancel.value);
      KeReleaseSpinLock(queue, old.value);
    });
    const d = expectBugCheck(m, DRIVER_VERIFIER_DETECTED_VIOLATION, () =>
      m.runInKernel(() => {
        const cancel = Out<KIRQL>(0);
        IoAcquireCancelSpinLock(cancel);
        KeAcquireSpinLockAtDpcLevel(queue);
      }),
    );
    expect([d.BugCheckParameter1, d.BugCheckParameter2]).toEqual([VF_DEADLOCK_DETECTED, queue.id]);
  });

  it("the free flavor keeps no lock order: the same inverted orders run on", () => {
    const m = boot({ flavor: "free" });
    const [a, b] = locks(m, 2) as [KSPIN_LOCK, KSPIN_LOCK];
    m.runInKernel(() => {
      nested(a, b);
      nested(b, a);
    });
    expect(m.stopped).toBe(false);
    expect(m.deadlockDatabase).toBeNull();
  });

  it("a lock made outside any machine gets a number when it is first tracked", () => {
    const a = new KSPIN_LOCK();
    const b = new KSPIN_LOCK();
    expect([a.id, b.id]).toEqual([0, 0]);
    const m = boot({ flavor: "checked" });
    m.runInKernel(() => nested(a, b));
    expect(a.id).toBeGreaterThan(0);
    expect(b.id).toBeGreaterThan(a.id);
    const d = expectBugCheck(m, DRIVER_VERIFIER_DETECTED_VIOLATION, () => m.runInKernel(() => nested(b, a)));
    expect(d.BugCheckParameter2).toBe(a.id);
  });
});

describe("a spin lock another processor holds", () => {
  /**
   * A host call on some processor takes `lock` and lowers the IRQL instead of releasing it
   * (a real bug: the lock stays held by that processor, and nothing will release it).
   */
  function leaked(flavor: Flavor) {
    const m = boot({ flavor, processors: 2, seed: 2 });
    const [lock] = locks(m, 1) as [KSPIN_LOCK];
    const holder = m.runInKernel(() => {
      const old = Out<KIRQL>(0);
      KeAcquireSpinLock(lock, old);
      KeLowerIrql(old.value);
      return KeGetCurrentProcessorNumber();
    });
    return { m, lock, holder, other: (holder + 1) % 2 };
  }

  for (const flavor of ["checked", "free"] as const) {
    it(`is contention: with a holder that can never run again, a DPC spins until the DPC watchdog's bug check 0x133 (${flavor})`, () => {
      const { m, lock, holder, other } = leaked(flavor);
      const d = expectBugCheck(m, DPC_WATCHDOG_VIOLATION, () => {
        m.runInKernel(() => {
          const dpc = new KDPC();
          KeInitializeDpc(dpc, () => KeAcquireSpinLockAtDpcLevel(lock), null);
          KeSetTargetProcessorDpc(dpc, other);
          KeInsertQueueDpc(dpc, null, null);
        });
        m.run();
      });
      // From a DPC: that single DPC ran past its time allotment (Parameter 1 = 0; count > allotment).
      expect(d.BugCheckParameter1).toBe(0);
      expect(d.BugCheckParameter2).toBeGreaterThan(d.BugCheckParameter3);
      expect(d.explanation).toMatch(new RegExp(`Processor ${other} spins on spin lock #${lock.id}, which processor ${holder} holds`));
    });
  }

  it("from a thread (KeAcquireSpinLock at PASSIVE_LEVEL), the watchdog reports too long at DISPATCH_LEVEL (Parameter 1 = 1)", () => {
    const { m, lock, other } = leaked("checked");
    let app = client(m);
    while (app.thread.IdealProcessor !== other) app = client(m);
    const d = expectBugCheck(m, DPC_WATCHDOG_VIOLATION, () =>
      m.syscall(app.thread, () => {
        const old = Out<KIRQL>(0);
        KeAcquireSpinLock(lock, old);
        return STATUS_SUCCESS;
      }),
    );
    expect(d.BugCheckParameter1).toBe(1);
  });

  it("on the holder's own processor it is still SPIN_LOCK_ALREADY_OWNED (0xF)", () => {
    const { m, lock, holder } = leaked("checked");
    let app = client(m);
    while (app.thread.IdealProcessor !== holder) app = client(m);
    expectBugCheck(m, SPIN_LOCK_ALREADY_OWNED, () =>
      m.syscall(app.thread, () => {
        KeAcquireSpinLock(lock, Out<KIRQL>(0));
        return STATUS_SUCCESS;
      }),
    );
  });
});
