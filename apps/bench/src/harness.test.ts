import { describe, expect, it } from "vitest";
import { relativeMarginOfError, runBench, runFixed } from "./harness.js";

/** A clock that only moves when the benchmark body runs: each op costs `nsPerOp`. */
function fakeMachine(nsPerOp: bigint) {
  let t = 0n;
  let calls = 0;
  return {
    now: () => t,
    fn: (iterations: number) => {
      calls++;
      t += BigInt(iterations) * nsPerOp;
    },
    calls: () => calls,
  };
}

describe("runBench", () => {
  it("reports the per-operation cost the clock observed", () => {
    const m = fakeMachine(250n);
    const r = runBench("fake", m.fn, { now: m.now });
    expect(r.name).toBe("fake");
    expect(r.nsPerOp).toBe(250);
    expect(r.opsPerSec).toBe(4_000_000);
    expect(r.rme).toBe(0);
  });

  it("reports the median batch, so one slowed batch does not move the headline", () => {
    let t = 0n;
    let batch = 0;
    const now = () => t;
    // Every batch costs 100 ns/op except every fifth, slowed fivefold by "another process".
    const fn = (iterations: number) => {
      batch++;
      t += BigInt(iterations) * (batch % 5 === 0 ? 500n : 100n);
    };
    const r = runBench("noisy", fn, { now, warmupMs: 0, minTimeMs: 10, batchMs: 1, minSamples: 10 });
    expect(r.nsPerOp).toBe(100);
    expect(r.minNsPerOp).toBe(100);
    expect(r.meanNsPerOp).toBeGreaterThan(100);
  });

  it("measures batches until the minimum time and sample count are reached", () => {
    const m = fakeMachine(1000n);
    const r = runBench("fake", m.fn, { now: m.now, minTimeMs: 1000, batchMs: 50, minSamples: 5 });
    expect(r.totalMs).toBeGreaterThanOrEqual(1000);
    expect(r.samples).toBeGreaterThanOrEqual(5);
    expect(r.iterations * 1000).toBe(r.totalMs * 1e6);
  });

  it("takes at least minSamples batches even when they are slow", () => {
    const m = fakeMachine(1_000_000_000n);
    const r = runBench("slow", m.fn, { now: m.now, warmupMs: 0, minTimeMs: 1, minSamples: 3 });
    expect(r.samples).toBe(3);
    expect(r.iterations).toBe(3);
  });
});

describe("relativeMarginOfError", () => {
  it("is undefined for a single sample and grows with spread", () => {
    expect(relativeMarginOfError([10])).toBeUndefined();
    const tight = relativeMarginOfError([10, 10.1, 9.9, 10, 10])!;
    const loose = relativeMarginOfError([5, 15, 8, 12, 10])!;
    expect(tight).toBeGreaterThan(0);
    expect(loose).toBeGreaterThan(tight);
  });
});

describe("runFixed", () => {
  it("times each run of a fixed-size benchmark and reports per operation, the median run first", () => {
    let t = 0n;
    let heap = 1_000_000;
    let run = 0;
    const prepared: number[] = [];
    // Runs cost 2, 1 and 3 ms for 1,000 operations; each leaves 64 bytes an operation on the heap.
    const costs = [5_000_000n, 2_000_000n, 1_000_000n, 3_000_000n];
    const r = runFixed(
      "curve",
      {
        ops: 1000,
        runs: 3,
        warmupRuns: 1,
        prepare: () => prepared.push(run),
        once: () => {
          t += costs[run++]!;
          heap += 64 * 1000;
          return null;
        },
      },
      { now: () => t, heapUsed: () => heap, collect: () => {} },
    );
    expect(run).toBe(4);
    expect(prepared).toEqual([0, 1, 2, 3]);
    expect(r.nsPerOp).toBe(2000);
    expect(r.minNsPerOp).toBe(1000);
    expect(r.meanNsPerOp).toBe(2000);
    expect(r.samples).toBe(3);
    expect(r.iterations).toBe(3000);
    expect(r.totalMs).toBe(6);
    expect(r.heapBytesPerOp).toBe(64);
  });

  it("keeps what a run returns until the heap is read after it", () => {
    const held: object[] = [];
    let reads = 0;
    runFixed(
      "keeps",
      { ops: 1, runs: 1, warmupRuns: 0, once: () => ({ big: true }) },
      {
        heapUsed: () => reads++,
        collect: () => held.push({}),
      },
    );
    // A collection before the run and one after it, each followed by a heap reading.
    expect(held).toHaveLength(2);
    expect(reads).toBe(2);
  });
});
