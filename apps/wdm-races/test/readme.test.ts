import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it, vi } from "vitest";

/*
 * The README example is a program: this takes its first ```ts block, points the sample's
 * import at its sources, runs it, and checks what it printed.
 */
const here = dirname(fileURLToPath(import.meta.url));
const generated = join(here, ".generated");

function example(): string {
  const text = readFileSync(join(here, "../README.md"), "utf8");
  const m = /```ts\n([\s\S]*?)```/.exec(text);
  if (!m) throw new Error("no ts example in README.md");
  return m[1]!.replaceAll('from "@wdfjs/sample-wdm-races"', `from ${JSON.stringify(join(here, "../src/index.ts"))}`);
}

afterAll(() => rmSync(generated, { recursive: true, force: true }));

describe("the README example runs as written", () => {
  it("finds the cancel race, replays it, and the fixed twin survives", async () => {
    mkdirSync(generated, { recursive: true });
    const file = join(generated, "readme.ts");
    writeFileSync(file, example());
    const lines: string[] = [];
    const spy = vi.spyOn(console, "log").mockImplementation((...a: unknown[]) => void lines.push(a.map(String).join(" ")));
    try {
      await import(file);
    } finally {
      spy.mockRestore();
    }
    expect(lines).toHaveLength(6);
    // The exact seed is the current scheduler's (the README shows it); its shape is the contract.
    const [seed, tried] = lines[0]!.split(" ").map(Number);
    expect(seed).toBe(tried);
    expect(seed).toBeLessThanOrEqual(200);
    expect(lines[1]).toBe(`boot({ seed: ${seed}, preemption: {"mode":"pct","depth":3} })`);
    expect(lines[2]).toMatch(/^BugCheck: \*\*\* STOP: 0x00000044 \(/);
    expect(lines.slice(3)).toEqual(["true", "null", "null"]);
  });
});
