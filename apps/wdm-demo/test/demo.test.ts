import { describe, expect, it } from "vitest";
import { runDemo } from "../src/demo.js";

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
    expect(r.sections.map((s) => s.name)).toEqual(["echo", "ioctl", "stack", "bug check"]);
  });

  it("prints the same output for the same seed", () => {
    const a: string[] = [];
    const b: string[] = [];
    runDemo((l) => a.push(l), { seed: 5 });
    runDemo((l) => b.push(l), { seed: 5 });
    expect(a).toEqual(b);
  });
});
