import { rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { runReadmeExample } from "../../../vitest.readme.js";

/*
 * The README example is a program: the test takes its ```ts block, points the framework import
 * at this package's sources, runs it, and checks what it printed.
 */
const here = dirname(fileURLToPath(import.meta.url));
const generated = join(here, ".generated");

afterAll(() => rmSync(generated, { recursive: true, force: true }));

describe("README example runs as written", () => {
  it("packages/kmdf/README.md: the nonpnp control device, exclusive, unloaded", async () => {
    const lines = await runReadmeExample(join(here, "../README.md"), { "@wdfjs/kmdf": join(here, "../src/index.ts") }, generated, "kmdf");
    expect(lines).toEqual(["open true", "second open -1 5", "EvtDriverUnload", "device cleanup"]);
  });
});
