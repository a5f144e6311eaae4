import { describe, expect, it } from "vitest";
import { formatRatios, formatTable, parseArgs, runCli, UsageError } from "./cli.js";
import type { BenchDefinition, BenchOptions } from "./harness.js";

function fakeBench(name: string, nsPerOp: bigint, clock: { t: bigint }): BenchDefinition {
  return {
    name,
    setup: () => ({
      run: (iterations: number) => {
        clock.t += BigInt(iterations) * nsPerOp;
      },
    }),
  };
}

function harness() {
  const clock = { t: 0n };
  const out: string[] = [];
  const err: string[] = [];
  const io = { stdout: (s: string) => void out.push(s), stderr: (s: string) => void err.push(s) };
  const options: BenchOptions = { now: () => clock.t };
  const benches = [fakeBench("alpha-free", 100n, clock), fakeBench("alpha-checked", 400n, clock), fakeBench("beta", 10n, clock)];
  return { io, options, benches, out, err };
}

describe("parseArgs", () => {
  it("reads --json, --filter in both spellings and ignores a forwarded --", () => {
    expect(parseArgs(["--", "--json", "--filter", "free"])).toEqual({ json: true, list: false, help: false, filter: "free" });
    expect(parseArgs(["--filter=checked"]).filter).toBe("checked");
  });

  it("rejects unknown arguments and a missing filter value", () => {
    expect(() => parseArgs(["--bogus"])).toThrow(UsageError);
    expect(() => parseArgs(["--filter"])).toThrow(UsageError);
  });
});

describe("runCli", () => {
  it("hands each benchmark to the isolating runner unless --in-process; a child runs just its own", () => {
    const h = harness();
    const asked: string[] = [];
    const isolate = (names: readonly string[]) => {
      asked.push(...names);
      return names.map((name) => ({ name, opsPerSec: 1, nsPerOp: 1e9, meanNsPerOp: 1e9, minNsPerOp: 1e9, iterations: 1, samples: 1, totalMs: 1000 }));
    };
    runCli(["--json"], h.benches, h.io, h.options, isolate);
    expect(asked).toEqual(["alpha-free", "alpha-checked", "beta"]);
    asked.length = 0;
    runCli(["--json", "--in-process"], h.benches, h.io, h.options, isolate);
    runCli(["--json", "--child", "beta"], h.benches, h.io, h.options, isolate);
    expect(asked).toEqual([]);
    const last = JSON.parse(h.out.at(-1)!) as { results: { name: string }[] };
    expect(last.results.map((r) => r.name)).toEqual(["beta"]);
  });

  it("prints exactly one line of JSON with --json", () => {
    const h = harness();
    expect(runCli(["--json"], h.benches, h.io, h.options)).toBe(0);
    const stdout = h.out.join("");
    expect(stdout.endsWith("\n")).toBe(true);
    expect(stdout.trimEnd().split("\n")).toHaveLength(1);
    const doc = JSON.parse(stdout) as { results: { name: string; nsPerOp: number; opsPerSec: number }[] };
    expect(doc.results.map((r) => r.name)).toEqual(["alpha-free", "alpha-checked", "beta"]);
    expect(doc.results[1]!.nsPerOp).toBe(400);
    expect(h.err).toEqual([]);
  });

  it("runs only the benchmarks whose name contains the filter", () => {
    const h = harness();
    runCli(["--json", "--filter", "alpha"], h.benches, h.io, h.options);
    const doc = JSON.parse(h.out.join("")) as { results: { name: string }[] };
    expect(doc.results.map((r) => r.name)).toEqual(["alpha-free", "alpha-checked"]);
  });

  it("fails without printing results when the filter matches nothing", () => {
    const h = harness();
    expect(runCli(["--filter", "gamma"], h.benches, h.io, h.options)).toBe(1);
    expect(h.out).toEqual([]);
  });

  it("prints an aligned table by default", () => {
    const h = harness();
    runCli([], h.benches, h.io, h.options);
    const lines = h.out.join("").trimEnd().split("\n");
    expect(lines).toHaveLength(2 + 3);
    expect(new Set(lines.map((l) => l.length)).size).toBe(1);
    expect(lines[2]).toMatch(/^alpha-free\s+10,000,000\s+100\.0\s/);
  });
});

describe("fixed-size benchmarks", () => {
  it("are timed by runs, not batches, and print their heap per operation", () => {
    let t = 0n;
    const out: string[] = [];
    const fixed: BenchDefinition = {
      name: "curve-1k",
      setup: () => ({
        ops: 1000,
        runs: 3,
        warmupRuns: 0,
        once: () => {
          t += 1_000_000n;
        },
      }),
    };
    runCli(["--json"], [fixed], { stdout: (s) => out.push(s), stderr: () => {} }, { now: () => t, heapUsed: () => 0, collect: () => {} });
    const doc = JSON.parse(out.join("")) as { results: { name: string; nsPerOp: number; samples: number; heapBytesPerOp: number }[] };
    expect(doc.results).toEqual([expect.objectContaining({ name: "curve-1k", nsPerOp: 1000, samples: 3, heapBytesPerOp: 0 })]);
  });
});

describe("formatTable", () => {
  it("shows a dash when there is no margin of error", () => {
    const table = formatTable([{ name: "x", opsPerSec: 1, nsPerOp: 1e9, meanNsPerOp: 1e9, minNsPerOp: 1e9, iterations: 1, samples: 1, totalMs: 1000 }]);
    expect(table).toContain(" - ");
  });
});

describe("formatRatios", () => {
  const result = (name: string, nsPerOp: number) => ({ name, opsPerSec: 1e9 / nsPerOp, nsPerOp, meanNsPerOp: nsPerOp, minNsPerOp: nsPerOp, iterations: 1, samples: 1, totalMs: 1 });

  it("puts each KMDF figure over the WDM figure of the same round trip (a -completion variant over the plain one)", () => {
    const text = formatRatios([
      result("wdm-ioctl-x-free", 200), result("kmdf-ioctl-x-free", 300), result("kmdf-ioctl-x-free-completion", 410), result("kmdf-ioctl-x-checked", 500),
    ]);
    expect(text).toContain("kmdf-ioctl-x-free / wdm-ioctl-x-free = 1.50x");
    expect(text).toContain("kmdf-ioctl-x-free-completion / wdm-ioctl-x-free = 2.05x");
    // No WDM figure for the checked flavor in this run: no ratio.
    expect(text).not.toContain("kmdf-ioctl-x-checked /");
  });

  it("prints nothing without a pair, and the table ends with the ratios when there is one", () => {
    expect(formatRatios([result("beta", 10)])).toBe("");
    expect(formatTable([result("wdm-a", 100), result("kmdf-a", 150)])).toMatch(/kmdf-a \/ wdm-a = 1\.50x\n$/);
  });
});
