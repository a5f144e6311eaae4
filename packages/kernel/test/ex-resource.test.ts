import { describe, expect, it } from "vitest";
import {
  APC_LEVEL, boot, DISPATCH_LEVEL, DRIVER_VERIFIER_DETECTED_VIOLATION, ERESOURCE, ExAcquireResourceExclusiveLite, ExAcquireResourceSharedLite,
  ExConvertExclusiveToSharedLite, ExDeleteResourceLite, ExGetExclusiveWaiterCount, ExGetSharedWaiterCount, ExInitializeResourceLite,
  ExIsResourceAcquiredExclusiveLite, ExIsResourceAcquiredSharedLite, ExReleaseResourceLite, KeDelayExecutionThread, KeEnterCriticalRegion,
  KeLeaveCriticalRegion, KeLowerIrql, KeRaiseIrql, KernelMode, Out, RESOURCE_NOT_OWNED, STATUS_SUCCESS, VF_DEADLOCK_DELETE_OWNED,
  VF_DEADLOCK_SELF, VF_RESOURCE_ACQUIRE_APCS_ENABLED, VF_RESOURCE_RELEASE_APCS_ENABLED, VF_RULE_IRQL_EX_APC_LTE3, type KIRQL, type Machine,
} from "../src/index.js";
import { expectBugCheck, ms, startThread } from "./helpers.js";

function resource(m: Machine): ERESOURCE {
  return m.runInKernel(() => {
    const r = new ERESOURCE();
    expect(ExInitializeResourceLite(r)).toBe(STATUS_SUCCESS);
    return r;
  });
}

/** A thread that holds `r` (shared or exclusive) from `from` ms for `hold` ms, logging when it gets it. */
function holder(m: Machine, r: ERESOURCE, log: string[], name: string, exclusive: boolean, from: number, hold: number): void {
  startThread(m, function* user() {
    yield* KeDelayExecutionThread(KernelMode, false, ms(from));
    KeEnterCriticalRegion();
    if (exclusive) yield* ExAcquireResourceExclusiveLite(r, true);
    else yield* ExAcquireResourceSharedLite(r, true);
    log.push(`${name}@${m.now}`);
    yield* KeDelayExecutionThread(KernelMode, false, ms(hold));
    ExReleaseResourceLite(r);
    KeLeaveCriticalRegion();
  });
}

describe("Ex: executive resources (ERESOURCE)", () => {
  it("readers share it; a writer waits for them; readers arriving behind a waiting writer wait too, then enter together", () => {
    for (const seed of [1, 2, 3]) {
      const m = boot({ seed, processors: 4 });
      const r = resource(m);
      const log: string[] = [];
      holder(m, r, log, "r1", false, 0, 10);
      holder(m, r, log, "r2", false, 1, 10);
      holder(m, r, log, "w1", true, 2, 5);
      holder(m, r, log, "r3", false, 3, 5);
      holder(m, r, log, "r4", false, 4, 5);
      holder(m, r, log, "w2", true, 5, 5);
      let waiters: number[] = [];
      startThread(m, function* observer() {
        yield* KeDelayExecutionThread(KernelMode, false, ms(6));
        waiters = [ExGetExclusiveWaiterCount(r), ExGetSharedWaiterCount(r), r.ActiveCount];
      });
      m.run();
      // r1 and r2 together; w1 after both (11); the readers that queued behind w1 enter
      // together when it releases (16), before w2, which waited behind them (21).
      expect([...log.slice(0, 3), ...log.slice(3, 5).sort(), log[5]]).toEqual(["r1@0", "r2@1", "w1@11", "r3@16", "r4@16", "w2@21"]);
      expect(waiters).toEqual([2, 2, 2]);
      expect([r.ActiveCount, r.Flag, r.OwnerThreads.length]).toEqual([0, 0, 0]);
    }
  });

  it("is recursive for its owner: exclusive again, and shared after exclusive counts as one more exclusive acquisition", () => {
    const m = boot();
    const r = resource(m);
    const seen: unknown[] = [];
    startThread(m, function* owner() {
      KeEnterCriticalRegion();
      yield* ExAcquireResourceExclusiveLite(r, true);
      yield* ExAcquireResourceExclusiveLite(r, true);
      yield* ExAcquireResourceSharedLite(r, true);
      seen.push(ExIsResourceAcquiredExclusiveLite(r), ExIsResourceAcquiredSharedLite(r), r.ActiveCount);
      ExReleaseResourceLite(r);
      ExReleaseResourceLite(r);
      seen.push(ExIsResourceAcquiredExclusiveLite(r), ExIsResourceAcquiredSharedLite(r));
      ExReleaseResourceLite(r);
      seen.push(ExIsResourceAcquiredExclusiveLite(r), ExIsResourceAcquiredSharedLite(r), r.ActiveCount);
      yield* ExAcquireResourceSharedLite(r, true);
      yield* ExAcquireResourceSharedLite(r, true);
      seen.push(ExIsResourceAcquiredExclusiveLite(r), ExIsResourceAcquiredSharedLite(r), r.ActiveCount);
      ExReleaseResourceLite(r);
      ExReleaseResourceLite(r);
      KeLeaveCriticalRegion();
    });
    m.run();
    expect(seen).toEqual([true, 3, 1, true, 1, false, 0, 0, false, 2, 1]);
  });

  it("with Wait FALSE the acquisitions return a BOOLEAN at once and never block", () => {
    const m = boot();
    const r = resource(m);
    const seen: unknown[] = [];
    holder(m, r, [], "writer", true, 0, 10);
    startThread(m, function* prober() {
      yield* KeDelayExecutionThread(KernelMode, false, ms(5));
      KeEnterCriticalRegion();
      seen.push(ExAcquireResourceSharedLite(r, false), ExAcquireResourceExclusiveLite(r, false), m.now);
      yield* KeDelayExecutionThread(KernelMode, false, ms(10));
      seen.push(ExAcquireResourceSharedLite(r, false), ExAcquireResourceExclusiveLite(r, false), ExAcquireResourceSharedLite(r, false));
      ExReleaseResourceLite(r);
      ExReleaseResourceLite(r);
      seen.push(ExAcquireResourceExclusiveLite(r, false));
      ExReleaseResourceLite(r);
      KeLeaveCriticalRegion();
    });
    m.run();
    // At 15 the prober holds it shared: exclusive is refused (a shared owner cannot be made
    // exclusive), shared again is granted; once it has let go, exclusive is granted.
    expect(seen).toEqual([false, false, 5, true, false, true, true]);
  });

  it("ExConvertExclusiveToSharedLite keeps the owner in, shared, and lets the waiting readers in with it (not the writers)", () => {
    const m = boot();
    const r = resource(m);
    const log: string[] = [];
    startThread(m, function* converter() {
      KeEnterCriticalRegion();
      yield* ExAcquireResourceExclusiveLite(r, true);
      yield* KeDelayExecutionThread(KernelMode, false, ms(10));
      ExConvertExclusiveToSharedLite(r);
      log.push(`converted@${m.now} exclusive:${ExIsResourceAcquiredExclusiveLite(r)} shared:${ExIsResourceAcquiredSharedLite(r)}`);
      yield* KeDelayExecutionThread(KernelMode, false, ms(10));
      ExReleaseResourceLite(r);
      KeLeaveCriticalRegion();
    });
    holder(m, r, log, "reader", false, 1, 5);
    holder(m, r, log, "writer", true, 2, 1);
    m.run();
    expect(log).toEqual(["converted@10 exclusive:false shared:1", "reader@10", "writer@20"]);
  });
});

describe("Ex: resource rules, checked and free", () => {
  it("acquiring without normal kernel APCs disabled: 0xC4, 0x37 in the checked flavor; free Windows lets it happen", () => {
    for (const flavor of ["checked", "free"] as const) {
      const m = boot({ flavor });
      const r = resource(m);
      const log: string[] = [];
      startThread(m, function* careless() {
        yield* ExAcquireResourceExclusiveLite(r, true);
        log.push("acquired");
        ExReleaseResourceLite(r);
      });
      if (flavor === "checked") {
        const d = expectBugCheck(m, DRIVER_VERIFIER_DETECTED_VIOLATION, () => m.run());
        expect([d.BugCheckParameter1, d.BugCheckParameter2, d.BugCheckParameter3, d.BugCheckParameter4]).toEqual([VF_RESOURCE_ACQUIRE_APCS_ENABLED, 0, 0, r.id]);
      } else {
        m.run();
        expect(log).toEqual(["acquired"]);
      }
    }
  });

  it("releasing after KeLeaveCriticalRegion is 0xC4, 0x38 in the checked flavor", () => {
    const m = boot();
    const r = resource(m);
    startThread(m, function* early() {
      KeEnterCriticalRegion();
      yield* ExAcquireResourceSharedLite(r, true);
      KeLeaveCriticalRegion();
      ExReleaseResourceLite(r);
    });
    const d = expectBugCheck(m, DRIVER_VERIFIER_DETECTED_VIOLATION, () => m.run());
    expect(d.BugCheckParameter1).toBe(VF_RESOURCE_RELEASE_APCS_ENABLED);
  });

  it("acquiring above APC_LEVEL is 0xC4, 0x20007 (IrqlExApcLte3) in the checked flavor, even with Wait FALSE", () => {
    const m = boot();
    const r = resource(m);
    startThread(m, function* raised() {
      const old = Out<KIRQL>(0);
      KeRaiseIrql(DISPATCH_LEVEL, old);
      ExAcquireResourceSharedLite(r, false);
      KeLowerIrql(old.value);
    });
    const d = expectBugCheck(m, DRIVER_VERIFIER_DETECTED_VIOLATION, () => m.run());
    expect([d.BugCheckParameter1, d.BugCheckParameter2]).toEqual([VF_RULE_IRQL_EX_APC_LTE3, DISPATCH_LEVEL]);
  });

  it("at APC_LEVEL APCs are off: no critical region is needed", () => {
    const m = boot();
    const r = resource(m);
    const seen: boolean[] = [];
    startThread(m, function* atApcLevel() {
      const old = Out<KIRQL>(0);
      KeRaiseIrql(APC_LEVEL, old);
      seen.push(yield* ExAcquireResourceExclusiveLite(r, true));
      ExReleaseResourceLite(r);
      KeLowerIrql(old.value);
    });
    m.run();
    expect(seen).toEqual([true]);
  });

  it("releasing a resource the thread does not own is RESOURCE_NOT_OWNED (0xE3) in both flavors", () => {
    for (const flavor of ["checked", "free"] as const) {
      const m = boot({ flavor });
      const r = resource(m);
      holder(m, r, [], "owner", true, 0, 10);
      startThread(m, function* intruder() {
        yield* KeDelayExecutionThread(KernelMode, false, ms(1));
        KeEnterCriticalRegion();
        ExReleaseResourceLite(r);
        KeLeaveCriticalRegion();
      });
      const d = expectBugCheck(m, RESOURCE_NOT_OWNED, () => m.run());
      expect(d.BugCheckParameter1).toBe(r.id);
    }
  });

  it("a shared owner asking for exclusive access: the self-deadlock is 0xC4, 0x1000 checked; free Windows waits forever", () => {
    for (const flavor of ["checked", "free"] as const) {
      const m = boot({ flavor });
      const r = resource(m);
      const log: string[] = [];
      startThread(m, function* upgrader() {
        KeEnterCriticalRegion();
        yield* ExAcquireResourceSharedLite(r, true);
        log.push("shared");
        yield* ExAcquireResourceExclusiveLite(r, true);
        log.push("exclusive");
      });
      if (flavor === "checked") {
        const d = expectBugCheck(m, DRIVER_VERIFIER_DETECTED_VIOLATION, () => m.run());
        expect([d.BugCheckParameter1, d.BugCheckParameter2]).toEqual([VF_DEADLOCK_SELF, r.id]);
      } else {
        m.run();
        expect(ExGetExclusiveWaiterCount(r)).toBe(1);
      }
      expect(log).toEqual(["shared"]);
    }
  });

  it("deleting a resource a thread still owns is 0xC4, 0x100B in the checked flavor; free Windows deletes it", () => {
    for (const flavor of ["checked", "free"] as const) {
      const m = boot({ flavor });
      const r = resource(m);
      holder(m, r, [], "owner", false, 0, 10);
      let deleted = -1;
      startThread(m, function* deleter() {
        yield* KeDelayExecutionThread(KernelMode, false, ms(1));
        deleted = ExDeleteResourceLite(r);
      });
      if (flavor === "checked") {
        const d = expectBugCheck(m, DRIVER_VERIFIER_DETECTED_VIOLATION, () => m.run());
        expect([d.BugCheckParameter1, d.BugCheckParameter2]).toEqual([VF_DEADLOCK_DELETE_OWNED, r.id]);
      } else {
        m.run();
        expect(deleted).toBe(STATUS_SUCCESS);
      }
    }
  });
});
