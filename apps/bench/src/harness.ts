/**
 * A small batch-timing harness. Benchmarks live outside the kernel, so they
 * measure real wall time, not the emulator's virtual clock.
 */

/** The timed body: runs the operation `iterations` times. */
export type BenchFn = (iterations: number) => void;

/** What a benchmark module in `src/benches/` exports. */
export interface BenchDefinition {
  readonly name: string;
  readonly description?: string;
  /**
   * Builds whatever the timed loop needs (a booted machine, an open handle,
   * buffers) and returns the timed body. Setup is not timed.
   */
  setup(): BenchCase;
}

/** What setup returns: a body timed in batches, or a fixed-size run (a growth-curve point). */
export type BenchCase = BatchCase | FixedCase;

export interface BatchCase {
  readonly run: BenchFn;
  /** Releases what setup built; called once after measuring. */
  readonly teardown?: () => void;
}

/**
 * A fixed-size benchmark: one run does `ops` operations (boots N machines, closes N
 * handles, drains N IRPs), too costly to repeat in batches for a second, and whose cost
 * per operation is the point: measured at several sizes it is a growth curve, flat when
 * the cost grows linearly. The harness times a few runs and reports per operation.
 */
export interface FixedCase {
  /** Operations one run does: every figure is per operation. */
  readonly ops: number;
  /** Untimed, before each run: builds what the run consumes (opens the handles it closes). */
  readonly prepare?: () => void;
  /**
   * One run. What it returns stays reachable until the heap has been measured, so a run
   * that builds things (machines) reports the heap they hold.
   */
  readonly once: () => unknown;
  /** Timed runs (default 3); the headline is the median. */
  readonly runs?: number;
  /** Untimed runs first, so the JIT has compiled the path (default 1). */
  readonly warmupRuns?: number;
  readonly teardown?: () => void;
  /** The operations are devices: also report `seconds` (per run) and `heapBytesPerDevice`. */
  readonly perDevice?: boolean;
}

export interface BenchOptions {
  /** Wall time spent running the body before measuring, in ms. */
  readonly warmupMs?: number;
  /** Measured wall time to reach before stopping, in ms. */
  readonly minTimeMs?: number;
  /** Wall time one batch should take, in ms; sets the batch size. */
  readonly batchMs?: number;
  /** Fewest batches to measure, whatever the time. */
  readonly minSamples?: number;
  /** Most batches to measure, whatever the time. */
  readonly maxSamples?: number;
  /** Monotonic clock in nanoseconds; the default is process.hrtime.bigint(). */
  readonly now?: () => bigint;
  /** Bytes of JavaScript heap in use (fixed-size runs); the default is process.memoryUsage().heapUsed. */
  readonly heapUsed?: () => number;
  /** A full garbage collection before each heap reading, if the runtime offers one (node --expose-gc). */
  readonly collect?: () => void;
}

export interface BenchResult {
  readonly name: string;
  /** Operations per second of the median batch. */
  readonly opsPerSec: number;
  /** Nanoseconds per operation of the median batch. */
  readonly nsPerOp: number;
  /** Over all measured operations (total time / iterations). */
  readonly meanNsPerOp: number;
  /** Of the fastest batch. */
  readonly minNsPerOp: number;
  /** When run in several fresh processes: each process's ns/op (the headline is the median process). */
  readonly processNsPerOp?: readonly number[];
  /** Operations measured in total (warm-up excluded). */
  readonly iterations: number;
  /** Batches measured. */
  readonly samples: number;
  /** Relative margin of error of the per-batch ns/op, in percent, at 95 %. */
  readonly rme?: number;
  /** Measured wall time, in ms. */
  readonly totalMs: number;
  /** Fixed-size runs: JavaScript heap held after a run, per operation, in bytes (median run). */
  readonly heapBytesPerOp?: number;
  /** Fixed-size runs whose operations are devices (pnp-enumerate-start-10000): one run's wall time, in seconds (median run). */
  readonly seconds?: number;
  /** ...and the heap each started device node holds (= heapBytesPerOp). */
  readonly heapBytesPerDevice?: number;
}

const DEFAULTS = {
  warmupMs: 250,
  minTimeMs: 1000,
  batchMs: 50,
  minSamples: 10,
  maxSamples: 10_000,
} as const;

const MAX_BATCH = 1 << 30;

export function runBench(name: string, fn: BenchFn, opts: BenchOptions = {}): BenchResult {
  const now = opts.now ?? hrtimeNs;
  const warmupNs = msToNs(opts.warmupMs ?? DEFAULTS.warmupMs);
  const minTimeNs = msToNs(opts.minTimeMs ?? DEFAULTS.minTimeMs);
  const batchNs = msToNs(opts.batchMs ?? DEFAULTS.batchMs);
  const minSamples = Math.max(1, opts.minSamples ?? DEFAULTS.minSamples);
  const maxSamples = Math.max(minSamples, opts.maxSamples ?? DEFAULTS.maxSamples);

  // Warm up (so the JIT has compiled the body) and size the batch so that one
  // batch is long enough for the clock's resolution not to matter.
  let batch = 1;
  let warmedNs = 0n;
  for (;;) {
    const elapsed = timeBatch(fn, batch, now);
    warmedNs += elapsed;
    if (elapsed < batchNs && batch < MAX_BATCH) {
      batch = nextBatchSize(batch, elapsed, batchNs);
      continue;
    }
    if (warmedNs >= warmupNs) break;
  }

  const perOp: number[] = [];
  let totalNs = 0n;
  let iterations = 0;
  while (perOp.length < maxSamples && (perOp.length < minSamples || totalNs < minTimeNs)) {
    const elapsed = timeBatch(fn, batch, now);
    totalNs += elapsed;
    iterations += batch;
    perOp.push(Number(elapsed) / batch);
  }

  // The headline is the median batch: on a shared machine another process can slow a
  // batch down, never speed it up, so the median (and the minimum) resist interference
  // that the mean does not.
  const sorted = [...perOp].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const nsPerOp = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  const rme = relativeMarginOfError(perOp);
  return {
    name,
    opsPerSec: nsPerOp > 0 ? 1e9 / nsPerOp : Number.POSITIVE_INFINITY,
    nsPerOp,
    meanNsPerOp: Number(totalNs) / iterations,
    minNsPerOp: sorted[0]!,
    iterations,
    samples: perOp.length,
    ...(rme === undefined ? {} : { rme }),
    totalMs: Number(totalNs) / 1e6,
  };
}

/** Times a fixed-size benchmark: a few runs, each `ops` operations; figures per operation. */
export function runFixed(name: string, c: FixedCase, opts: BenchOptions = {}): BenchResult {
  const now = opts.now ?? hrtimeNs;
  const heapUsed = opts.heapUsed ?? (() => process.memoryUsage().heapUsed);
  const collect = opts.collect ?? defaultCollect;
  const runs = Math.max(1, c.runs ?? 3);
  const ops = c.ops;
  for (let i = c.warmupRuns ?? 1; i > 0; i--) {
    c.prepare?.();
    c.once();
  }
  const perOp: number[] = [];
  const heapPerOp: number[] = [];
  let totalNs = 0n;
  for (let r = 0; r < runs; r++) {
    c.prepare?.();
    collect();
    const h0 = heapUsed();
    const start = now();
    const kept: unknown = c.once();
    const elapsed = now() - start;
    collect();
    heapPerOp.push((heapUsed() - h0) / ops);
    // Only now may what the run built go (the comparison keeps it reachable until here).
    if (kept === heldForever) console.error("unreachable");
    totalNs += elapsed;
    perOp.push(Number(elapsed) / ops);
  }
  const nsPerOp = median(perOp);
  const rme = relativeMarginOfError(perOp);
  return {
    name,
    opsPerSec: nsPerOp > 0 ? 1e9 / nsPerOp : Number.POSITIVE_INFINITY,
    nsPerOp,
    meanNsPerOp: Number(totalNs) / (runs * ops),
    minNsPerOp: Math.min(...perOp),
    iterations: runs * ops,
    samples: runs,
    ...(rme === undefined ? {} : { rme }),
    totalMs: Number(totalNs) / 1e6,
    heapBytesPerOp: median(heapPerOp),
    ...(c.perDevice ? { seconds: (nsPerOp * ops) / 1e9, heapBytesPerDevice: median(heapPerOp) } : {}),
  };
}

const heldForever = Symbol("never returned by a run");

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function defaultCollect(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function timeBatch(fn: BenchFn, iterations: number, now: () => bigint): bigint {
  const start = now();
  fn(iterations);
  return now() - start;
}

function nextBatchSize(batch: number, elapsedNs: bigint, targetNs: bigint): number {
  // Aim straight for the target once a batch is measurable; otherwise grow tenfold.
  const elapsed = Number(elapsedNs);
  const scaled = elapsed > 0 ? Math.ceil((batch * Number(targetNs)) / elapsed) : batch * 10;
  return Math.min(MAX_BATCH, Math.max(batch * 2, Math.min(scaled, batch * 100)));
}

function msToNs(ms: number): bigint {
  return BigInt(Math.round(ms * 1e6));
}

/** Two-sided 95 % Student t critical values for df = 1..30; normal beyond. */
const T_95 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145,
  2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045,
  2.042,
];

export function relativeMarginOfError(samples: readonly number[]): number | undefined {
  const n = samples.length;
  if (n < 2) return undefined;
  let sum = 0;
  for (const x of samples) sum += x;
  const mean = sum / n;
  if (mean === 0) return undefined;
  let squares = 0;
  for (const x of samples) squares += (x - mean) ** 2;
  const standardError = Math.sqrt(squares / (n - 1)) / Math.sqrt(n);
  const t = T_95[n - 2] ?? 1.96;
  return ((t * standardError) / mean) * 100;
}

function hrtimeNs(): bigint {
  return process.hrtime.bigint();
}
