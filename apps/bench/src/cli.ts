import { runBench, runFixed, type BenchDefinition, type BenchOptions, type BenchResult } from "./harness.js";

export interface CliArgs {
  readonly json: boolean;
  /** Run only the benchmark of this exact name, in this process (what each child does). */
  readonly child?: string;
  /** Run every benchmark in this process instead of one child process each. */
  readonly inProcess?: boolean;
  readonly list: boolean;
  readonly help: boolean;
  readonly filter?: string;
  readonly minTimeMs?: number;
}

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

const USAGE = `usage: bench [--json] [--filter <substring>] [--min-time <ms>] [--list] [--in-process]

  --json              print one line holding {"results":[...]} and nothing else on stdout
  --filter <text>     run only benchmarks whose name contains <text>
  --min-time <ms>     measured wall time per benchmark (default 1000)
  --list              print the benchmark names and exit
  --in-process        run all benchmarks in this process (by default each gets a fresh
                      child process, so one benchmark's JIT feedback cannot slow another)
`;

/**
 * Runs the named benchmarks somewhere else (child processes) and returns one result per name, in
 * order. The runner may interleave them (one process of each in turn), so that a machine whose
 * load changes during the run slows every benchmark alike and their ratios hold.
 */
export type Isolate = (names: readonly string[], minTimeMs: number | undefined, progress: (text: string) => void) => BenchResult[];

export class UsageError extends Error {}

export function parseArgs(argv: readonly string[]): CliArgs {
  let json = false;
  let list = false;
  let help = false;
  let filter: string | undefined;
  let minTimeMs: number | undefined;
  let child: string | undefined;
  let inProcess = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.startsWith("--") && arg.includes("=") ? splitOnce(arg) : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case "--":
        // pnpm forwards the separator it was given; it carries no meaning here.
        break;
      case "--json":
        json = true;
        break;
      case "--list":
        list = true;
        break;
      case "--child":
        child = value();
        break;
      case "--in-process":
        inProcess = true;
        break;
      case "-h":
      case "--help":
        help = true;
        break;
      case "--filter":
        filter = value();
        break;
      case "--min-time": {
        const raw = value();
        const ms = Number(raw);
        if (!Number.isFinite(ms) || ms <= 0) throw new UsageError(`--min-time wants a positive number of ms, got ${raw}`);
        minTimeMs = ms;
        break;
      }
      default:
        throw new UsageError(`unknown argument ${arg}`);
    }
  }
  return {
    json,
    list,
    help,
    ...(filter === undefined ? {} : { filter }),
    ...(minTimeMs === undefined ? {} : { minTimeMs }),
    ...(child === undefined ? {} : { child }),
    ...(inProcess ? { inProcess } : {}),
  };
}

function splitOnce(arg: string): [string, string] {
  const at = arg.indexOf("=");
  return [arg.slice(0, at), arg.slice(at + 1)];
}

export function selectBenches(benches: readonly BenchDefinition[], filter?: string): BenchDefinition[] {
  return filter === undefined ? [...benches] : benches.filter((b) => b.name.includes(filter));
}

export function formatJson(results: readonly BenchResult[]): string {
  return `${JSON.stringify({ results })}\n`;
}

export function formatTable(results: readonly BenchResult[]): string {
  const header = ["benchmark", "ops/sec", "ns/op", "min ns/op", "±rme", "samples", "iterations", "heap B/op", "per process"];
  // ops/sec and ns/op are the median batch's; the ratio to bare-js-floor is ns/op over its ns/op.
  const rows = results.map((r) => [
    r.name,
    formatNumber(r.opsPerSec, 0),
    formatNumber(r.nsPerOp, r.nsPerOp < 100 ? 2 : 1),
    formatNumber(r.minNsPerOp, r.minNsPerOp < 100 ? 2 : 1),
    r.rme === undefined ? "-" : `${r.rme.toFixed(2)}%`,
    String(r.samples),
    formatNumber(r.iterations, 0),
    r.heapBytesPerOp === undefined ? "-" : formatNumber(r.heapBytesPerOp, 0),
    r.processNsPerOp ? r.processNsPerOp.map((v) => formatNumber(v, 0)).join(" / ") : "-",
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c]!.length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!)))
      .join("  ")
      .trimEnd();
  const rule = widths.map((w) => "-".repeat(w)).join("  ");
  return [line(header), rule, ...rows.map(line)].join("\n") + "\n" + formatRatios(results);
}

/**
 * Each KMDF figure over the WDM figure of the same round trip measured in the same run (the
 * framework's cost as a ratio, which a noisy machine moves less than the figures): `kmdf-X`
 * and `kmdf-X-completion` over `wdm-X`. Empty when the run has no such pair.
 */
export function formatRatios(results: readonly BenchResult[]): string {
  const byName = new Map(results.map((r) => [r.name, r]));
  const lines: string[] = [];
  for (const r of results) {
    if (!r.name.startsWith("kmdf-")) continue;
    const wdm = byName.get(r.name.replace(/^kmdf-/, "wdm-").replace(/-completion$/, ""));
    if (wdm === undefined) continue;
    lines.push(`${r.name} / ${wdm.name} = ${(r.nsPerOp / wdm.nsPerOp).toFixed(2)}x`);
  }
  return lines.length === 0 ? "" : `\nKMDF over WDM, same run (median process):\n${lines.map((l) => `  ${l}\n`).join("")}`;
}

function formatNumber(value: number, digits: number): string {
  return value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

const defaultIo: CliIo = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
};

/** Runs the selected benchmarks and prints them; returns the process exit code. */
export function runCli(
  argv: readonly string[],
  benches: readonly BenchDefinition[],
  io: CliIo = defaultIo,
  benchOptions: BenchOptions = {},
  isolate?: Isolate,
): number {
  let args: CliArgs;
  try {
    args = parseArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`bench: ${error.message}\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    io.stderr(USAGE);
    return 0;
  }

  const selected = args.child !== undefined ? benches.filter((b) => b.name === args.child) : selectBenches(benches, args.filter);
  if (args.list) {
    io.stdout(selected.map((b) => `${b.name}${b.description ? `  ${b.description}` : ""}\n`).join(""));
    return 0;
  }
  if (selected.length === 0) {
    io.stderr(`bench: no benchmark matches --filter ${JSON.stringify(args.filter)}\n`);
    return 1;
  }

  const options: BenchOptions = args.minTimeMs === undefined ? benchOptions : { ...benchOptions, minTimeMs: args.minTimeMs };
  const results: BenchResult[] = [];
  if (isolate !== undefined && args.child === undefined && !args.inProcess) {
    results.push(...isolate(selected.map((b) => b.name), args.minTimeMs, (text) => void (args.json || io.stderr(text))));
    io.stdout(args.json ? formatJson(results) : formatTable(results));
    return 0;
  }
  for (const bench of selected) {
    if (!args.json) io.stderr(`running ${bench.name}...\n`);
    const benchCase = bench.setup();
    try {
      results.push("once" in benchCase ? runFixed(bench.name, benchCase, options) : runBench(bench.name, benchCase.run, options));
    } finally {
      benchCase.teardown?.();
    }
  }

  io.stdout(args.json ? formatJson(results) : formatTable(results));
  return 0;
}
