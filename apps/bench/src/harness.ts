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

export interface BenchCase {
  readonly run: BenchFn;
  /** Releases what setup built; called once after measuring. */
  readonly teardown?: () => void;
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
