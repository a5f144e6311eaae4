import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it, vi } from "vitest";

/*
 * The README example is a program: the test takes its ```ts block, points the framework import
 * at this package's sources, runs it, and checks what it printed.
 */
const here = dirname(fileURLToPath(import.meta.url));
const generated = join(here, ".generated");

afterAll(() => rmSync(generated, { recursive: true, force: true }));

describe("README example runs as written", () => {
  it("packages/kmdf/README.md: the nonpnp control device, exclusive, unloaded", async () => {
    const text = readFileSync(join(here, "../README.md"), "utf8");
    const code = /```ts\n([\s\S]*?)```/.exec(text)![1]!.replaceAll('from "@wdfjs/kmdf"', `from ${JSON.stringify(join(here, "../src/index.ts"))}`);
    mkdirSync(generated, { recursive: true });
    const file = join(generated, "kmdf.ts");
    writeFileSync(file, code);
    const lines: string[] = [];
    const spy = vi.spyOn(console, "log").mockImplementation((...a: unknown[]) => void lines.push(a.map(String).join(" ")));
    try {
      await import(file);
    } finally {
      spy.mockRestore();
    }
    expect(lines).toEqual(["open true", "second open -1 5", "EvtDriverUnload", "device cleanup"]);
  });
});
