import { floor } from "./benches/floor.js";
import { kmdfIoctlChecked, kmdfIoctlFree, kmdfIoctlFreeCompletion } from "./benches/kmdf-ioctl.js";
import { wdmIoctlChecked, wdmIoctlCheckedPct, wdmIoctlCheckedRandom, wdmIoctlFree } from "./benches/wdm-ioctl.js";
import { copy64, kernelIoctl0, kernelIoctl64, poolAllocFree } from "./benches/breakdown.js";
import { growthBenches } from "./benches/growth.js";
import { pnpEnumerateStart10000 } from "./benches/pnp.js";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { runCli, type Isolate } from "./cli.js";
import type { BenchDefinition, BenchResult } from "./harness.js";

// To add a benchmark: write src/benches/<name>.ts exporting a BenchDefinition
// (see benches/floor.ts), import it above and add it to this list.
const benches: readonly BenchDefinition[] = [
  wdmIoctlFree,
  kmdfIoctlFree,
  kmdfIoctlFreeCompletion,
  wdmIoctlChecked,
  kmdfIoctlChecked,
  wdmIoctlCheckedRandom,
  wdmIoctlCheckedPct,
  floor,
  kernelIoctl64,
  kernelIoctl0,
  poolAllocFree,
  copy64,
  ...growthBenches,
  pnpEnumerateStart10000,
];

/**
 * Each benchmark in fresh node processes: its own JIT feedback, its own heap. V8's
 * optimizing compiler runs in the background and its inlining choices vary from process
 * to process, so one benchmark can settle at quite different speeds in two processes. We
 * run PROCESSES of them and report the median process; every process's figure is kept in
 * `processNsPerOp`.
 */
// Five: on a shared machine one process in three or four lands on a slow memory layout (some
// 10% off the others); the median of five is seldom one of those.
const PROCESSES = 5;
/** Growth curves time a few long runs each; one process is enough (and keeps `pnpm bench` to minutes). */
const GROWTH_PROCESSES = 1;

function runChild(name: string, minTimeMs: number | undefined): BenchResult {
  // --expose-gc: fixed-size runs read the heap after a full collection.
  const args = ["--expose-gc", fileURLToPath(import.meta.url), "--child", name, "--json"];
  if (minTimeMs !== undefined) args.push("--min-time", String(minTimeMs));
  const r = spawnSync(process.execPath, args, { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  if (r.status !== 0) throw new Error(`bench: ${name} failed in its child process (exit ${r.status})`);
  const line = r.stdout.trim().split("\n").pop()!;
  return (JSON.parse(line) as { results: BenchResult[] }).results[0]!;
}

/**
 * The processes run in rounds, one of each benchmark per round, so that figures compared as ratios
 * (KMDF over WDM) were measured under the same load: on a shared machine the load changes over a
 * run, and running all of one benchmark's processes before the next one's would put that change
 * into the ratio.
 */
const isolate: Isolate = (names, minTimeMs, progress) => {
  const processes = names.map((name) => (growthBenches.some((b) => b.name === name) ? GROWTH_PROCESSES : PROCESSES));
  const runs = names.map((): BenchResult[] => []);
  const rounds = Math.max(...processes);
  for (let round = 0; round < rounds; round++) {
    progress(`round ${round + 1} of ${rounds}: ${names.filter((_, i) => round < processes[i]!).length} benchmark(s)...\n`);
    names.forEach((name, i) => {
      if (round < processes[i]!) runs[i]!.push(runChild(name, minTimeMs));
    });
  }
  return runs.map((r) => {
    r.sort((a, b) => a.nsPerOp - b.nsPerOp);
    const median = r[r.length >> 1]!;
    return { ...median, processNsPerOp: r.map((x) => Math.round(x.nsPerOp * 10) / 10) };
  });
};

process.exitCode = runCli(process.argv.slice(2), benches, undefined, {}, isolate);
