import type { PreemptionOptions } from "./preempt.js";

export interface ExploreOptions {
  /** How many seeds to try (default 200). */
  readonly seeds?: number;
  /** The first seed (default 1). */
  readonly first?: number;
  /** The strategy for each run (default PCT with depth 3). */
  readonly preemption?: PreemptionOptions;
}

export interface ExploreResult {
  /** The first seed whose run failed, or null if every run passed. */
  readonly failingSeed: number | null;
  /** How many seeds ran (up to and including the failing one). */
  readonly tried: number;
  /** What the failing run threw (a BugCheck, a MachineDeadlock, a failed assertion). */
  readonly error: unknown;
  /** The boot options that replay the failing run, byte for byte, as code. */
  readonly replay: string | null;
}

/**
 * Systematic concurrency testing: run `body` once per seed, each time with a machine the
 * body boots from the options it is given (`boot({ ...options })`), until a run throws.
 * Preemption at scheduling points makes races show up; the seed makes each run replayable.
 *
 * ```ts
 * const r = exploreSeeds((o) => runMyWorkload(boot({ flavor: "checked", ...o })), { seeds: 500 });
 * if (r.failingSeed !== null) throw new Error(`race found; replay with ${r.replay}`);
 * ```
 */
export function exploreSeeds(body: (options: { readonly seed: number; readonly preemption: PreemptionOptions }) => void, options: ExploreOptions = {}): ExploreResult {
  const seeds = options.seeds ?? 200;
  const first = options.first ?? 1;
  const preemption = options.preemption ?? { mode: "pct", depth: 3 };
  for (let i = 0; i < seeds; i++) {
    const seed = first + i;
    try {
      body({ seed, preemption });
    } catch (error) {
      return { failingSeed: seed, tried: i + 1, error, replay: `boot({ seed: ${seed}, preemption: ${JSON.stringify(preemption)} })` };
    }
  }
  return { failingSeed: null, tried: seeds, error: null, replay: null };
}
