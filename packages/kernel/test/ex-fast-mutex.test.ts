import { describe, expect, it } from "vitest";
import {
  APC_LEVEL, boot, DISPATCH_LEVEL, DRIVER_VERIFIER_DETECTED_VIOLATION, ExAcquireFastMutex, ExAcquireFastMutexUnsafe, ExInitializeFastMutex,
  ExReleaseFastMutex, ExReleaseFastMutexUnsafe, ExTryToAcquireFastMutex, FAST_MUTEX, IRQL_NOT_LESS_OR_EQUAL, KeDelayExecutionThread,
  KeEnterCriticalRegion, KeGetCurrentIrql, KeLeaveCriticalRegion, KeLowerIrql, KeRaiseIrql, KernelMode, Out, PASSIVE_LEVEL,
  PsGetCurrentThread, VF_DEADLOCK_MISMATCHED_RELEASE, VF_DEADLOCK_SELF, VF_DEADLOCK_WRONG_THREAD, VF_FAST_MUTEX_ACQUIRE_IRQL,
  VF_FAST_MUTEX_RELEASE_IRQL, VF_FAST_MUTEX_UNSAFE_ACQUIRE, WDFJS_WAIT_NOT_YIELDED, type Flavor, type KIRQL, type Machine,
} from "../src/index.js";
import { expectBugCheck, ms, startThread } from "./helpers.js";

function fastMutex(m: Machine): FAST_MUTEX {
  return m.runInKernel(() => {
    const fm = new FAST_MUTEX();
    ExInitializeFastMutex(fm);
    return fm;
  });
}

describe("Ex: fast mutexes", () => {
  it("ExAcquireFastMutex raises to APC_LEVEL and records the owner; ExReleaseFastMutex restores the caller's IRQL", () => {
    const m = boot();
    const fm = fastMutex(m);
    const seen: unknown[] = [];
    startThread(m, function* owner() {
      yield* ExAcquireFastMutex(fm);
      seen.push(KeGetCurrentIrql(), fm.Owner === PsGetCurrentThread(), fm.OldIrql, fm.Count);
      ExReleaseFastMutex(fm);
      seen.push(KeGetCurrentIrql(), fm.Owner, fm.Count);
    });
    m.run();
    expect(seen).toEqual([APC_LEVEL, true, PASSIVE_LEVEL, 0, PASSIVE_LEVEL, null, 1]);
  });

  it("keeps contending threads out of each other's critical section and hands it over in the order they waited", () => {
    for (const seed of [1, 2, 3]) {
      const m = boot({ seed, processors: 4 });
      const fm = fastMutex(m);
      const log: string[] = [];
      let inside = 0;
      let overlap = false;
      for (const [name, arrive] of [["c", 3], ["first", 0], ["a", 1], ["b", 2]] as const) {
        startThread(m, function* contender() {
          yield* KeDelayExecutionThread(KernelMode, false, ms(arrive));
          yield* ExAcquireFastMutex(fm);
          if (++inside > 1) overlap = true;
          log.push(`${name}@${m.now}@${KeGetCurrentIrql()}`);
          // Holding a fast mutex, a thread may still wait (at APC_LEVEL).
          yield* KeDelayExecutionThread(KernelMode, false, ms(10));
          inside--;
          ExReleaseFastMutex(fm);
        });
      }
      m.run();
      expect(overlap).toBe(false);
      expect(log).toEqual([`first@0@${APC_LEVEL}`, `a@10@${APC_LEVEL}`, `b@20@${APC_LEVEL}`, `c@30@${APC_LEVEL}`]);
      expect(fm.Contention).toBe(3);
      expect(fm.Count).toBe(1);
    }
  });

  it("ExTryToAcquireFastMutex takes a free mutex (raising to APC_LEVEL) and returns FALSE at once for an owned one", () => {
    const m = boot();
    const fm = fastMutex(m);
    const seen: unknown[] = [];
    startThread(m, function* holder() {
      yield* ExAcquireFastMutex(fm);
      yield* KeDelayExecutionThread(KernelMode, false, ms(10));
      ExReleaseFastMutex(fm);
    });
    startThread(m, function* trier() {
      yield* KeDelayExecutionThread(KernelMode, false, ms(5));
      seen.push(ExTryToAcquireFastMutex(fm), KeGetCurrentIrql());
      yield* KeDelayExecutionThread(KernelMode, false, ms(10));
      seen.push(ExTryToAcquireFastMutex(fm), KeGetCurrentIrql());
      ExReleaseFastMutex(fm);
    });
    m.run();
    expect(seen).toEqual([false, PASSIVE_LEVEL, true, APC_LEVEL]);
  });

  it("the Unsafe forms leave the IRQL alone and need a critical region (or APC_LEVEL)", () => {
    const m = boot();
    const fm = fastMutex(m);
    const seen: unknown[] = [];
    startThread(m, function* careful() {
      KeEnterCriticalRegion();
      yield* ExAcquireFastMutexUnsafe(fm);
      seen.push(KeGetCurrentIrql(), fm.Owner === PsGetCurrentThread());
      ExReleaseFastMutexUnsafe(fm);
      KeLeaveCriticalRegion();
      seen.push(fm.Count);
    });
    m.run();
    expect(seen).toEqual([PASSIVE_LEVEL, true, 1]);

    const m2 = boot();
    const fm2 = fastMutex(m2);
    startThread(m2, function* careless() {
      yield* ExAcquireFastMutexUnsafe(fm2);
    });
    const d = expectBugCheck(m2, DRIVER_VERIFIER_DETECTED_VIOLATION, () => m2.run());
    expect([d.BugCheckParameter1, d.BugCheckParameter2, d.BugCheckParameter3, d.BugCheckParameter4]).toEqual([VF_FAST_MUTEX_UNSAFE_ACQUIRE, PASSIVE_LEVEL, 0, fm2.id]);
  });

  it("a call not performed with yield* is caught: the thread would have gone on without owning the mutex", () => {
    const m = boot();
    const fm = fastMutex(m);
    startThread(m, function* forgetful() {
      ExAcquireFastMutex(fm);
    });
    const d = expectBugCheck(m, DRIVER_VERIFIER_DETECTED_VIOLATION, () => m.run());
    expect(d.BugCheckParameter1).toBe(WDFJS_WAIT_NOT_YIELDED);
    expect(d.explanation).toMatch(/yield\* ExAcquireFastMutex/);
  });
});

describe("Ex: fast mutex rules, checked and free", () => {
  function atDispatch(flavor: Flavor, contended: boolean) {
    const m = boot({ flavor });
    const fm = fastMutex(m);
    const log: string[] = [];
    if (contended) {
      startThread(m, function* holder() {
        yield* ExAcquireFastMutex(fm);
        yield* KeDelayExecutionThread(KernelMode, false, ms(10));
        ExReleaseFastMutex(fm);
      });
    }
    startThread(m, function* raised() {
      yield* KeDelayExecutionThread(KernelMode, false, ms(1));
      const old = Out<KIRQL>(0);
      KeRaiseIrql(DISPATCH_LEVEL, old);
      yield* ExAcquireFastMutex(fm);
      log.push(`acquired at ${KeGetCurrentIrql()}`);
      ExReleaseFastMutex(fm);
      KeLowerIrql(old.value);
    });
    return { m, fm, log };
  }

  it("acquiring above APC_LEVEL: the checked flavor stops at the call (0xC4, 0x33); free Windows only fails when it must wait", () => {
    const checked = atDispatch("checked", false);
    const d = expectBugCheck(checked.m, DRIVER_VERIFIER_DETECTED_VIOLATION, () => checked.m.run());
    expect([d.BugCheckParameter1, d.BugCheckParameter2, d.BugCheckParameter3]).toEqual([VF_FAST_MUTEX_ACQUIRE_IRQL, DISPATCH_LEVEL, checked.fm.id]);

    const free = atDispatch("free", false);
    free.m.run();
    expect(free.log).toEqual([`acquired at ${DISPATCH_LEVEL}`]);

    const freeContended = atDispatch("free", true);
    expectBugCheck(freeContended.m, IRQL_NOT_LESS_OR_EQUAL, () => freeContended.m.run());
  });

  it("the owner acquiring it again: Driver Verifier reports the self-deadlock (0xC4, 0x1000); free Windows leaves the thread waiting for itself", () => {
    for (const flavor of ["checked", "free"] as const) {
      const m = boot({ flavor });
      const fm = fastMutex(m);
      const log: string[] = [];
      startThread(m, function* recursive() {
        yield* ExAcquireFastMutex(fm);
        log.push("first");
        yield* ExAcquireFastMutex(fm);
        log.push("second");
      });
      if (flavor === "checked") {
        const d = expectBugCheck(m, DRIVER_VERIFIER_DETECTED_VIOLATION, () => m.run());
        expect([d.BugCheckParameter1, d.BugCheckParameter2]).toEqual([VF_DEADLOCK_SELF, fm.id]);
      } else {
        m.run();
        expect(m.stopped).toBe(false);
        expect(fm.Count).toBe(-1);
      }
      expect(log).toEqual(["first"]);
    }
  });

  it("a release by a thread that does not own it: 0xC4 (0x34 at PASSIVE_LEVEL, 0x1004 at APC_LEVEL); free Windows releases it", () => {
    for (const [flavor, raise] of [["checked", false], ["checked", true], ["free", false]] as const) {
      const m = boot({ flavor });
      const fm = fastMutex(m);
      const log: string[] = [];
      startThread(m, function* owner() {
        yield* ExAcquireFastMutex(fm);
        yield* KeDelayExecutionThread(KernelMode, false, ms(10));
        log.push(`owner done@${m.now}`);
        ExReleaseFastMutex(fm);
      });
      startThread(m, function* intruder() {
        yield* KeDelayExecutionThread(KernelMode, false, ms(1));
        const old = Out<KIRQL>(0);
        if (raise) KeRaiseIrql(APC_LEVEL, old);
        ExReleaseFastMutex(fm);
        log.push(`released@${m.now}`);
        if (raise) KeLowerIrql(old.value);
      });
      startThread(m, function* next() {
        yield* KeDelayExecutionThread(KernelMode, false, ms(2));
        yield* ExAcquireFastMutex(fm);
        log.push(`next got it@${m.now}`);
        ExReleaseFastMutex(fm);
      });
      if (flavor === "checked") {
        const d = expectBugCheck(m, DRIVER_VERIFIER_DETECTED_VIOLATION, () => m.run());
        expect(d.BugCheckParameter1).toBe(raise ? VF_DEADLOCK_WRONG_THREAD : VF_FAST_MUTEX_RELEASE_IRQL);
        expect(d.BugCheckParameter2).toBe(raise ? fm.id : PASSIVE_LEVEL);
      } else {
        // Free Windows: the mutex is simply free again, and the next acquirer gets it while the owner still "holds" it.
        m.run();
        expect(log).toEqual(["released@1", "next got it@2", "owner done@10"]);
        // Released twice: the count is off by one, as it would be in Windows.
        expect(fm.Count).toBe(2);
      }
    }
  });

  it("releasing a mutex acquired with ExAcquireFastMutexUnsafe through ExReleaseFastMutex is a mismatched release (0xC4, 0x1009)", () => {
    const m = boot();
    const fm = fastMutex(m);
    startThread(m, function* mismatched() {
      const old = Out<KIRQL>(0);
      KeRaiseIrql(APC_LEVEL, old);
      yield* ExAcquireFastMutexUnsafe(fm);
      ExReleaseFastMutex(fm);
    });
    const d = expectBugCheck(m, DRIVER_VERIFIER_DETECTED_VIOLATION, () => m.run());
    expect(d.BugCheckParameter1).toBe(VF_DEADLOCK_MISMATCHED_RELEASE);
  });
});
