import { describe, expect, it } from "vitest";
import {
  boot, DISPATCH_LEVEL, HighImportance, KDPC, KeFlushQueuedDpcs, KeGetCurrentIrql, KeGetCurrentProcessorNumber, KeInitializeDpc,
  KeInitializeThreadedDpc, KeInitializeTimer, KeInsertQueueDpc, KeLowerIrql, KeQuerySystemTime, KeRaiseIrql, KeRemoveQueueDpc,
  KeSetImportanceDpc, KeSetTargetProcessorDpc, KeSetTimer, KTIMER, LowImportance, MediumHighImportance, MediumImportance, Out,
  PASSIVE_LEVEL, PsCreateSystemThread, PsGetCurrentProcess, PsGetCurrentThread, STATUS_SUCCESS, type Flavor, type KIRQL, type Machine,
} from "../src/index.js";
import { client } from "./helpers.js";

const flavors: Flavor[] = ["checked", "free"];

/** A DPC that logs `name` (and where it ran) when it runs. */
function loggingDpc(log: string[], name: string, importance = MediumImportance, target = -1): KDPC {
  const dpc = new KDPC();
  KeInitializeDpc(dpc, () => log.push(`${name}@${KeGetCurrentIrql()}/cpu${KeGetCurrentProcessorNumber()}`), null);
  KeSetImportanceDpc(dpc, importance);
  if (target >= 0) KeSetTargetProcessorDpc(dpc, target);
  return dpc;
}

/** Queue DPCs at DISPATCH_LEVEL (so none runs while they are queued), then lower. */
function queueRaised(dpcs: KDPC[]): void {
  const old = Out<KIRQL>(0);
  KeRaiseIrql(DISPATCH_LEVEL, old);
  for (const d of dpcs) KeInsertQueueDpc(d, null, null);
  KeLowerIrql(old.value);
}

describe("Ke: a processor's DPCs run before passive work is put on it", () => {
  /**
   * A DPC aimed at processor 1 from processor 0 (Medium importance: it does not interrupt
   * processor 1), and four system threads the seed spreads over both processors.
   */
  function spread(m: Machine): string[] {
    const log: string[] = [];
    m.runInKernel(() => {
      for (let t = 0; t < 4; t++) {
        PsCreateSystemThread(Out(0), 0, null, null, null, function* () {
          log.push(`T${t}/cpu${KeGetCurrentProcessorNumber()}`);
        }, null);
      }
      const old = Out<KIRQL>(0);
      KeRaiseIrql(DISPATCH_LEVEL, old);
      KeInsertQueueDpc(loggingDpc(log, "D", MediumImportance, 1), null, null);
      KeLowerIrql(old.value);
    });
    m.run();
    return log;
  }

  it("no thread starts on a processor while a DPC queued to it waits, whatever the seed", () => {
    let threadsOnCpu1 = 0;
    let threadsBeforeDpc = 0;
    for (const flavor of flavors) {
      for (let seed = 1; seed <= 40; seed++) {
        const log = spread(boot({ flavor, processors: 2, seed }));
        const d = log.indexOf(`D@${DISPATCH_LEVEL}/cpu1`);
        expect(d, log.join(" ")).toBeGreaterThanOrEqual(0);
        log.forEach((e, i) => {
          if (e.endsWith("/cpu1") && e.startsWith("T")) {
            threadsOnCpu1++;
            expect(i, `seed ${seed}: ${log.join(" ")}`).toBeGreaterThan(d);
          }
          if (e.startsWith("T") && i < d) threadsBeforeDpc++;
        });
      }
    }
    // The rule was exercised, and it is per processor: processor 0 does not wait for processor 1's DPC.
    expect(threadsOnCpu1).toBeGreaterThan(10);
    expect(threadsBeforeDpc).toBeGreaterThan(0);
  });

  it("a system call entering a processor runs after the DPCs queued to it", () => {
    for (const flavor of flavors) {
      const m = boot({ flavor, processors: 4, seed: 3 });
      const c = client(m);
      const ideal = c.thread.IdealProcessor;
      const log: string[] = [];
      m.runInKernel(() => queueRaised([loggingDpc(log, "D", MediumImportance, ideal)]));
      m.syscall(c.thread, () => {
        log.push(`call/cpu${KeGetCurrentProcessorNumber()}`);
        return STATUS_SUCCESS;
      });
      expect(log).toEqual([`D@${DISPATCH_LEVEL}/cpu${ideal}`, `call/cpu${ideal}`]);
    }
  });
});

describe("Ke: DPC importance (KeSetImportanceDpc)", () => {
  it("a High-importance DPC goes to the head of the queue, any other to the tail", () => {
    const m = boot();
    const log: string[] = [];
    m.runInKernel(() =>
      queueRaised([
        loggingDpc(log, "medium", MediumImportance),
        loggingDpc(log, "low", LowImportance),
        loggingDpc(log, "high", HighImportance),
        loggingDpc(log, "mediumHigh", MediumHighImportance),
      ]),
    );
    expect(log.map((e) => e.split("@")[0])).toEqual(["high", "medium", "low", "mediumHigh"]);
  });

  it("a Low-importance DPC queued to the current processor does not run at once: it waits for the queue to drain", () => {
    for (const flavor of flavors) {
      const m = boot({ flavor, processors: 1 });
      const log: string[] = [];
      m.runInKernel(() => {
        KeInsertQueueDpc(loggingDpc(log, "low", LowImportance), null, null);
        log.push("returned");
        // No DISPATCH interrupt was requested, so lowering the IRQL does not fire one either.
        const old = Out<KIRQL>(0);
        KeRaiseIrql(DISPATCH_LEVEL, old);
        KeLowerIrql(old.value);
        log.push("lowered");
        // A Medium one requests the interrupt: the whole queue drains, the Low one first.
        KeInsertQueueDpc(loggingDpc(log, "medium", MediumImportance), null, null);
        log.push("returned again");
      });
      expect(log).toEqual(["returned", "lowered", `low@${DISPATCH_LEVEL}/cpu0`, `medium@${DISPATCH_LEVEL}/cpu0`, "returned again"]);
    }
  });

  it("a Low-importance DPC left queued runs when the processor next gets to its queue", () => {
    const m = boot({ processors: 1 });
    const log: string[] = [];
    m.runInKernel(() => KeInsertQueueDpc(loggingDpc(log, "low", LowImportance), null, null));
    expect(log).toEqual([]);
    m.run();
    expect(log).toEqual([`low@${DISPATCH_LEVEL}/cpu0`]);
  });

  it("Low-importance DPCs request the interrupt once the queue is four deep (the maximum queue depth)", () => {
    const m = boot({ processors: 1 });
    const log: string[] = [];
    m.runInKernel(() => {
      for (let i = 1; i <= 4; i++) {
        KeInsertQueueDpc(loggingDpc(log, `low${i}`, LowImportance), null, null);
        log.push(`queued ${i}`);
      }
    });
    expect(log.map((e) => e.split("@")[0])).toEqual(["queued 1", "queued 2", "queued 3", "low1", "low2", "low3", "low4", "queued 4"]);
  });
});

describe("Ke: timer DPCs", () => {
  function timerDpcCpus(seed: number, target: number): number[] {
    const m = boot({ processors: 4, seed });
    const cpus: number[] = [];
    m.runInKernel(() => {
      for (let i = 0; i < 6; i++) {
        const dpc = new KDPC();
        KeInitializeDpc(dpc, () => cpus.push(KeGetCurrentProcessorNumber()), null);
        if (target >= 0) KeSetTargetProcessorDpc(dpc, target);
        const t = new KTIMER();
        KeInitializeTimer(t);
        KeSetTimer(t, -(i + 1) * 10_000, dpc);
      }
    });
    m.run();
    return cpus;
  }

  it("a timer's DPC runs on the processor KeSetTargetProcessorDpc names, whatever the seed", () => {
    for (let seed = 1; seed <= 10; seed++) expect(timerDpcCpus(seed, 2)).toEqual([2, 2, 2, 2, 2, 2]);
  });

  it("an untargeted timer DPC runs on the processor that took the clock interrupt, which the seed picks", () => {
    const seen = new Set<number>();
    for (let seed = 1; seed <= 10; seed++) for (const c of timerDpcCpus(seed, -1)) seen.add(c);
    expect(seen.size).toBeGreaterThan(1);
  });

  it("a timer's DPC gets the system time, low and high 32 bits, as SystemArgument1 and SystemArgument2", () => {
    for (const due of [25 * 10_000, 5_000_000_000]) {
      const m = boot();
      const seen: number[] = [];
      m.runInKernel(() => {
        const dpc = new KDPC();
        KeInitializeDpc(dpc, (_d, _c, a1: number, a2: number) => {
          const now = Out(0);
          KeQuerySystemTime(now);
          seen.push(a1, a2, now.value);
        }, null);
        const t = new KTIMER();
        KeInitializeTimer(t);
        KeSetTimer(t, due, dpc); // absolute
      });
      m.run();
      expect(seen).toEqual([due % 2 ** 32, Math.floor(due / 2 ** 32), due]);
    }
  });
});

describe("Ke: threaded DPCs (KeInitializeThreadedDpc)", () => {
  function threadedDpc(log: string[], name: string, target = -1): KDPC {
    const dpc = new KDPC();
    KeInitializeThreadedDpc(dpc, () => {
      const t = PsGetCurrentThread();
      log.push(`${name}@${KeGetCurrentIrql()}/cpu${KeGetCurrentProcessorNumber()}/${t === null ? "no thread" : t.name}/${PsGetCurrentProcess().ImageFileName}`);
    }, null);
    if (target >= 0) KeSetTargetProcessorDpc(dpc, target);
    return dpc;
  }

  it("a threaded DPC runs at PASSIVE_LEVEL in its processor's DPC thread, in the System process, preempting the caller", () => {
    for (const flavor of flavors) {
      const m = boot({ flavor, processors: 1 });
      const c = client(m);
      const log: string[] = [];
      m.syscall(c.thread, () => {
        KeInsertQueueDpc(threadedDpc(log, "threaded"), null, null);
        log.push(`caller/${PsGetCurrentThread()!.name}`);
        return STATUS_SUCCESS;
      });
      expect(log).toEqual([`threaded@${PASSIVE_LEVEL}/cpu0/DPC thread 0/System`, "caller/main"]);
    }
  });

  it("ordinary DPCs preempt a threaded DPC: one it queues to its processor runs before it goes on", () => {
    const m = boot({ processors: 1 });
    const log: string[] = [];
    m.runInKernel(() => {
      const dpc = new KDPC();
      KeInitializeThreadedDpc(dpc, () => {
        log.push(`threaded@${KeGetCurrentIrql()}`);
        KeInsertQueueDpc(loggingDpc(log, "ordinary"), null, null);
        log.push(`threaded again@${KeGetCurrentIrql()}`);
      }, null);
      KeInsertQueueDpc(dpc, null, null);
    });
    expect(log).toEqual([`threaded@${PASSIVE_LEVEL}`, `ordinary@${DISPATCH_LEVEL}/cpu0`, `threaded again@${PASSIVE_LEVEL}`]);
  });

  it("queued at DISPATCH_LEVEL, a threaded DPC runs when the IRQL drops, after the ordinary DPCs", () => {
    const m = boot({ processors: 1 });
    const log: string[] = [];
    m.runInKernel(() => queueRaised([threadedDpc(log, "threaded"), loggingDpc(log, "ordinary")]));
    expect(log.map((e) => e.split("@")[0])).toEqual(["ordinary", "threaded"]);
  });

  it("with threaded DPCs disabled (ThreadDpcEnable = 0) a threaded DPC runs as an ordinary DPC, at DISPATCH_LEVEL", () => {
    const m = boot({ processors: 1, threadDpcEnable: false });
    const log: string[] = [];
    m.runInKernel(() => KeInsertQueueDpc(threadedDpc(log, "threaded"), null, null));
    expect(log).toEqual([`threaded@${DISPATCH_LEVEL}/cpu0/no thread/System`]);
  });

  it("a threaded DPC aimed at another processor runs there; KeFlushQueuedDpcs waits for it; KeRemoveQueueDpc takes one out", () => {
    const m = boot({ processors: 2 });
    const log: string[] = [];
    m.runInKernel(() => {
      const other = (KeGetCurrentProcessorNumber() + 1) % 2;
      const kept = threadedDpc(log, "kept", other);
      const removed = threadedDpc(log, "removed", other);
      KeInsertQueueDpc(kept, null, null);
      KeInsertQueueDpc(removed, null, null);
      expect(log).toEqual([]);
      expect([KeRemoveQueueDpc(removed), KeRemoveQueueDpc(removed)]).toEqual([true, false]);
      KeFlushQueuedDpcs();
      expect(log).toEqual([`kept@${PASSIVE_LEVEL}/cpu${other}/DPC thread ${other}/System`]);
    });
    m.run();
    expect(log).toHaveLength(1);
  });

  it("a timer's threaded DPC runs at PASSIVE_LEVEL on its target processor", () => {
    const m = boot({ processors: 4, seed: 9 });
    const log: string[] = [];
    m.runInKernel(() => {
      const t = new KTIMER();
      KeInitializeTimer(t);
      KeSetTimer(t, -10_000, threadedDpc(log, "timer", 3));
    });
    m.run();
    expect(log).toEqual([`timer@${PASSIVE_LEVEL}/cpu3/DPC thread 3/System`]);
  });
});
