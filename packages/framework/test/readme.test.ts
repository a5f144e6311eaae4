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
  it("packages/framework/README.md: a context, a child, a reference, deletion", async () => {
    const lines = await runReadmeExample(join(here, "../README.md"), { "@wdfjs/framework": join(here, "../src/index.ts") }, generated, "framework");
    expect(lines).toEqual(["count 1", "cleanup child", "cleanup parent", "destroy child", "destroy parent"]);
  });
});
