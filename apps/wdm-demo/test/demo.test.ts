import { describe, expect, it } from "vitest";
import { runDemo } from "../src/demo.js";
import { main, USAGE } from "../src/cli.js";

/** Runs the command line as `pnpm start -- <args>` would, collecting what it prints. */
function cli(...args: string[]): { code: number; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const code = main(args, { stdout: (l) => out.push(l), stderr: (l) => err.push(l) });
  return { code, out, err };
}

describe("the WDM demo (the main job)", () => {
  it("runs every sample client successfully and prints what it did", () => {
    const lines: string[] = [];
    const r = runDemo((l) => lines.push(l));
    expect(r.exitCode).toBe(0);
    expect(r.sections.every((s) => s.ok)).toBe(true);
    const text = lines.join("\n");
    expect(text).toContain("OutBuffer (38): this String is from Device Driver !!!");
    expect(text).toContain("all 200 completed");
    expect(text).toContain("StackSize 3");
    expect(text).toMatch(/lower [a-z]+ PEND[\s\S]*function completion PEND[\s\S]*filter completion PEND/);
    expect(text).toContain("*** STOP: 0x00000044");
    expect(text).toContain("MULTIPLE_IRP_COMPLETE_REQUESTS");
    expect(r.sections.map((s) => s.name)).toEqual(["echo", "ioctl", "stack", "bug check", "kmdf"]);
  });

  it("explains each section in plain words for someone who has never written a driver", () => {
    const text = cli().out.join("\n");
    // Every section opens with what it shows before its output.
    for (const [section, words] of [
      ["[echo]", /IRP \(I\/O request packet\)[\s\S]*DPC \(deferred procedure call/],
      ["[ioctl]", /METHOD_BUFFERED copies[\s\S]*MDL[\s\S]*METHOD_NEITHER/],
      ["[stack]", /completion routine[\s\S]*bottom-up/],
      ["[trace]", /Machine time is virtual/],
      ["[bug check]", /A bug check \(the blue screen\) is how Windows stops/],
    ] as const) {
      const at = text.indexOf(section);
      expect(at, section).toBeGreaterThan(0);
      expect(text.slice(at, at + 700), section).toMatch(words);
    }
    expect(text).toMatch(/What happened: machine 2 stopped/);
  });

  it("prints numbers in one base each: no negative numbers, data words in hexadecimal", () => {
    const text = cli().out.join("\n");
    expect(text).not.toMatch(/(^|[^\w-])-\d/);
    expect(text).not.toMatch(/\[object |undefined|NaN/);
    expect(text).toMatch(/STAMP 0x00000029: the function driver saw 0x01000029 .* answered 0x0100002A/);
    expect(text).toMatch(/InputBuffer Pointer = 0x[0-9A-F]{8},/);
  });
});

describe("the demo's command line", () => {
  it("--seed replays: the same seed prints the same run and fingerprint, another seed another", () => {
    const a = cli("--seed", "5");
    const b = cli("--seed=5");
    const c = cli("--", "--seed", "6");
    expect(a.code).toBe(0);
    expect(a.out).toEqual(b.out);
    expect(a.out.join("\n")).toContain("Seed 5:");
    const fingerprint = (out: string[]) => /Run fingerprint ([0-9A-F]{8})/.exec(out.join("\n"))?.[1];
    expect(fingerprint(a.out)).toMatch(/^[0-9A-F]{8}$/);
    expect(fingerprint(c.out)).not.toBe(fingerprint(a.out));
  });

  it("--help prints the usage and runs nothing", () => {
    for (const flag of ["--help", "-h"]) {
      const r = cli(flag);
      expect(r.code).toBe(0);
      expect(r.out).toEqual([USAGE]);
    }
    expect(USAGE).toMatch(/--seed <n>[\s\S]*same seed replays/);
  });

  it("a bad seed or an unknown argument is exit code 2 with the usage on stderr", () => {
    for (const args of [["--seed"], ["--seed", "x"], ["--seed", "-1"], ["--seed", "1.5"], ["--seed", "4294967296"], ["--sed", "1"]]) {
      const r = cli(...args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.out).toEqual([]);
      expect(r.err.join("\n")).toMatch(/^wdm-demo: (--seed wants an integer|unknown argument)[\s\S]*usage:/);
    }
  });
});
