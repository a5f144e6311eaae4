import { describe, expect, it } from "vitest";
import {
  boot, DISPATCH_LEVEL, ExAllocatePool2, ExFreePoolWithTag, KDPC, KeAcquireSpinLock, KeGetCurrentIrql, KeGetCurrentProcessorNumber,
  KeInitializeDpc, KeInitializeSpinLock, KeInsertQueueDpc, KeLowerIrql, KeRaiseIrql, KeReleaseSpinLock, KernelMode, KeDelayExecutionThread,
  KeSetTargetProcessorDpc, KeStallExecutionProcessor, KSPIN_LOCK, MemoryTraceSink, Out, POOL_FLAG_NON_PAGED, POOL_TAG, PsCreateSystemThread,
  ReadUlong, RELATIVE_MS, WriteUlong, exploreSeeds, type Machine, type PreemptionOptions,
} from "../src/index.js";

const TAG = POOL_TAG("Prmt");

/**
 * A system thread and DPCs aimed at the other processors each add 1 to one ULONG, 20 times,
 * read–stall–write; with `locked` both sides hold a spin lock around it. Returns the count.
 */
function counterRace(seed: number, preemption: PreemptionOptions, locked: boolean): number {
  const m = boot({ seed, processors: 4, preemption });
  const lock = new KSPIN_LOCK();
  let counter = 0;
  let result = -1;
  const bump = (): void => {
    const v = ReadUlong(counter);
    KeStallExecutionProcessor(1);
    WriteUlong(counter, v + 1);
  };
  m.runInKernel(() => {
    KeInitializeSpinLock(lock);
    counter = ExAllocatePool2(POOL_FLAG_NON_PAGED, 4, TAG);
    const dpcs: KDPC[] = [];
    for (let i = 0; i < 20; i++) {
      const d = new KDPC();
      KeInitializeDpc(d, () => {
        if (locked) {
          const old = Out(0);
          KeAcquireSpinLock(lock, old);
          bump();
          KeReleaseSpinLock(lock, old.value);
        } else {
          bump();
        }
      }, null);
      KeSetTargetProcessorDpc(d, 1 + (i % 3));
      dpcs.push(d);
    }
    PsCreateSystemThread(Out(0), 0, null, null, null, function* Bumper() {
      for (let i = 0; i < 20; i++) {
        if (i < dpcs.length) KeInsertQueueDpc(dpcs[i]!, null, null);
        if (locked) {
          const old = Out(0);
          KeAcquireSpinLock(lock, old);
          bump();
          KeReleaseSpinLock(lock, old.value);
        } else {
          bump();
        }
        if (i % 5 === 4) yield* KeDelayExecutionThread(KernelMode, false, RELATIVE_MS(1));
      }
    }, null);
  });
  m.run();
  m.runInKernel(() => {
    result = ReadUlong(counter);
    ExFreePoolWithTag(counter, TAG);
  });
  return result;
}

describe("preemption at scheduling points", () => {
  it("off: an unprotected read-stall-write never loses an update (the race cannot show up)", () => {
    for (let seed = 1; seed <= 100; seed++) expect(counterRace(seed, "off", false)).toBe(40);
  });

  it("random and pct: the lost update shows up within a bounded number of seeds, and replays from its seed", () => {
    for (const preemption of ["random", { mode: "pct", depth: 3 }] as PreemptionOptions[]) {
      const r = exploreSeeds(({ seed, preemption: p }) => expect(counterRace(seed, p, false)).toBe(40), { seeds: 200, preemption });
      expect(r.failingSeed).not.toBeNull();
      expect(r.tried).toBeLessThanOrEqual(200);
      expect(r.replay).toContain(`seed: ${r.failingSeed}`);
      // The same seed and mode give the same run: the same lost updates.
      const again = counterRace(r.failingSeed!, preemption, false);
      expect(again).toBe(counterRace(r.failingSeed!, preemption, false));
      expect(again).toBeLessThan(40);
    }
  });

  it("nothing nests while a spin lock is held: the locked counter survives 300 seeds of each strategy", () => {
    for (const preemption of ["random", { mode: "pct", depth: 3 }] as PreemptionOptions[]) {
      const r = exploreSeeds(({ seed, preemption: p }) => expect(counterRace(seed, p, true)).toBe(40), { seeds: 300, preemption });
      expect(r.failingSeed).toBeNull();
    }
  });

  it("a DPC queued to this processor by another preempts code running here below DISPATCH_LEVEL, never code at DISPATCH_LEVEL", () => {
    const run = (seed: number, preemption: PreemptionOptions): string[] => {
      const m = boot({ seed, processors: 2, preemption });
      const events: string[] = [];
      m.runInKernel(() => {
        PsCreateSystemThread(Out(0), 0, null, null, null, function* Worker() {
          const me = KeGetCurrentProcessorNumber();
          const other = 1 - me;
          // A DPC on the other processor queues one to this processor (as an interrupt's DPC might).
          const chain = (name: string): KDPC => {
            const mine = new KDPC();
            KeInitializeDpc(mine, () => events.push(`${name} ran`), null);
            KeSetTargetProcessorDpc(mine, me);
            const kick = new KDPC();
            KeInitializeDpc(kick, () => KeInsertQueueDpc(mine, null, null), null);
            KeSetTargetProcessorDpc(kick, other);
            return kick;
          };
          const old = Out(0);
          KeRaiseIrql(DISPATCH_LEVEL, old);
          KeInsertQueueDpc(chain("at-dispatch"), null, null);
          for (let i = 0; i < 8; i++) KeStallExecutionProcessor(1);
          events.push("dispatch phase over");
          KeLowerIrql(old.value);
          KeInsertQueueDpc(chain("at-passive"), null, null);
          for (let i = 0; i < 8; i++) KeStallExecutionProcessor(1);
          events.push("passive phase over");
          yield* KeDelayExecutionThread(KernelMode, false, RELATIVE_MS(1));
        }, null);
      });
      m.run();
      return events;
    };
    const before = (events: string[], a: string, b: string) => events.indexOf(a) >= 0 && events.indexOf(a) < events.indexOf(b);
    let preemptedBelow = 0;
    for (let seed = 1; seed <= 80; seed++) {
      const e = run(seed, { mode: "random", probability: 0.5 });
      // At DISPATCH_LEVEL nothing of this processor's runs in between.
      expect(before(e, "at-dispatch ran", "dispatch phase over")).toBe(false);
      if (before(e, "at-passive ran", "passive phase over")) preemptedBelow++;
      // Without preemption the DPC waits until this code stops.
      expect(before(run(seed, "off"), "at-passive ran", "passive phase over")).toBe(false);
    }
    expect(preemptedBelow).toBeGreaterThan(0);
  });

  it("the same seed and mode give the same trace; other seeds interleave a multi-threaded workload differently", () => {
    const run = (seed: number): string[] => {
      const trace = new MemoryTraceSink();
      const m: Machine = boot({ seed, processors: 3, preemption: { mode: "random", probability: 0.2 }, trace });
      const order: string[] = [];
      m.runInKernel(() => {
        for (const name of ["a", "b", "c"]) {
          PsCreateSystemThread(Out(0), 0, null, null, null, function* () {
            for (let i = 0; i < 6; i++) {
              KeStallExecutionProcessor(1);
              order.push(`${name}${i}`);
              KeStallExecutionProcessor(1);
            }
            yield* KeDelayExecutionThread(KernelMode, false, RELATIVE_MS(1));
          }, null);
        }
      });
      m.run();
      return [...order, ...trace.events.map((e) => `${e.time} ${e.cpu} ${e.irql} ${e.kind} ${e.detail ?? ""}`)];
    };
    const a = run(5);
    expect(run(5)).toEqual(a);
    const orders = new Set<string>();
    for (let seed = 1; seed <= 20; seed++) orders.add(run(seed).slice(0, 18).join(","));
    expect(orders.size).toBeGreaterThan(3);
  });

  it("is off by default, in both flavors: no scheduling point does anything", () => {
    expect(boot().preemption).toBeNull();
    expect(boot({ flavor: "free" }).preemption).toBeNull();
    expect(boot({ preemption: "pct" }).preemption).not.toBeNull();
  });
});
