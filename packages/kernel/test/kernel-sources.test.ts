import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/*
 * Rules of the kernel core checked over its sources, as a lint would: kernel code never
 * awaits (a continuation would run outside the machine and its scheduler), and it stays
 * plain ECMAScript on the machine's own clock and seed.
 */
const src = join(dirname(fileURLToPath(import.meta.url)), "../src");

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith(".ts") && !e.name.endsWith(".test.ts") ? [join(dir, e.name)] : [],
  );
}

/** The code of a file with comments and string contents blanked out, so words in prose do not count. */
function code(file: string): string {
  return readFileSync(file, "utf8")
    .replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, " "))
    .replace(/\/\/.*$/gm, "")
    .replace(/(["'`])(?:\\.|(?!\1)[^\\\n])*\1/g, '""');
}

function offenders(pattern: RegExp): string[] {
  return sources(src).flatMap((f) =>
    code(f)
      .split("\n")
      .flatMap((line, i) => (pattern.test(line) ? [`${relative(src, f)}:${i + 1}: ${line.trim()}`] : [])),
  );
}

describe("the kernel core's sources", () => {
  it("has sources to check", () => {
    expect(sources(src).length).toBeGreaterThan(40);
  });

  it("never uses async or await: kernel code waits with generators the scheduler drives", () => {
    expect(offenders(/\basync\b|\bawait\b/)).toEqual([]);
  });

  it("imports no Node built-in (it must run in a browser too)", () => {
    const imports = sources(src).flatMap((f) => [...readFileSync(f, "utf8").matchAll(/from\s+["']([^"']+)["']/g)].map((m) => m[1]!));
    expect(imports.filter((i) => i.startsWith("node:") || ["fs", "path", "os", "worker_threads", "child_process", "perf_hooks", "util"].includes(i))).toEqual([]);
  });

  it("reads no host randomness or host timers (the same seed gives the same run)", () => {
    expect(offenders(/\bMath\.random\(|\bsetTimeout\(|\bsetInterval\(|\bsetImmediate\(|\bDate\.now\(|\bnew Date\(/)).toEqual([]);
  });
});
