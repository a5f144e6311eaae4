import { cur, isInsideMachine } from "../context.js";
import type { Machine } from "../machine.js";
import { SeededRandom } from "./random.js";

/**
 * How the scheduler preempts at scheduling points (every DDI a driver calls):
 * - `off`: never (the default; benchmarks run here);
 * - `random`: at each point, with `probability`, the seed decides;
 * - `pct`: probabilistic concurrency testing: `depth - 1` change points chosen by the seed
 *   among the first `points` scheduling points; at each, other work runs nested. A bug that
 *   needs d - 1 preemptions in the right places is found with probability at least
 *   1 / (n · k^(d-1)) per run (n units, k points).
 */
export type PreemptionOptions =
  | "off"
  | "random"
  | "pct"
  | { readonly mode: "off" }
  | { readonly mode: "random"; readonly probability?: number }
  | { readonly mode: "pct"; readonly depth?: number; readonly points?: number };

/** The preemption state of one machine (null on the machine when preemption is off). */
export class Preemption {
  readonly mode: "random" | "pct";
  private readonly random: SeededRandom;
  private readonly probability: number;
  /** PCT: the scheduling points (1-based) at which to preempt, ascending. */
  private readonly changePoints: number[] = [];
  private nextChange = 0;
  /** Scheduling points passed so far. */
  points = 0;
  /** Nested runs so far (for tests and reports). */
  preemptions = 0;
  /** How deep nested runs may go (a nested unit may itself be preempted once more). */
  maxNesting = 2;
  nesting = 0;

  constructor(
    private readonly m: Machine,
    options: Exclude<PreemptionOptions, "off" | { readonly mode: "off" }>,
    seed: number,
  ) {
    const o = typeof options === "string" ? { mode: options } : options;
    this.mode = o.mode;
    // Its own generator, so the seed's other choices are the same with preemption or without.
    this.random = new SeededRandom((seed ^ 0x5eed) >>> 0 || 1);
    this.probability = o.mode === "random" ? ((o as { probability?: number }).probability ?? 0.05) : 0;
    if (o.mode === "pct") {
      const depth = Math.max(1, Math.floor((o as { depth?: number }).depth ?? 3));
      const k = Math.max(1, Math.floor((o as { points?: number }).points ?? 400));
      for (let i = 1; i < depth; i++) this.changePoints.push(1 + this.random.below(k));
      // Ascending without sort: insertion into this short list.
      for (let i = 1; i < this.changePoints.length; i++) {
        const v = this.changePoints[i]!;
        let j = i - 1;
        while (j >= 0 && this.changePoints[j]! > v) {
          this.changePoints[j + 1] = this.changePoints[j]!;
          j--;
        }
        this.changePoints[j + 1] = v;
      }
    }
  }

  /** A scheduling point: maybe run other work nested, here, while the caller is paused. */
  point(): void {
    const n = ++this.points;
    let go: boolean;
    if (this.mode === "random") {
      go = this.random.below(1_000_000) < this.probability * 1_000_000;
    } else {
      go = false;
      while (this.nextChange < this.changePoints.length && this.changePoints[this.nextChange]! <= n) {
        this.nextChange++;
        go = true;
      }
    }
    if (!go || this.nesting >= this.maxNesting) return;
    const m = this.m;
    // Sound by construction: nothing nests while any processor holds a spin lock.
    for (const c of m.processors) if (c.spinLocksHeld !== 0) return;
    this.nesting++;
    try {
      if (m.scheduler.runNested(this.random)) this.preemptions++;
    } finally {
      this.nesting--;
    }
  }
}

/**
 * A scheduling point: the DDIs drivers call pass here. With preemption off it costs one
 * test; otherwise the machine's preemption strategy may run other work nested (another
 * processor's DPCs, another thread's step, a work item, or this processor's DPCs below
 * DISPATCH_LEVEL) before the caller goes on.
 */
export function KiSchedulingPoint(): void {
  // Interlocked operations on plain boxes work outside any machine too.
  if (!isInsideMachine()) return;
  const p = cur.preemption;
  if (p !== null) p.point();
}
