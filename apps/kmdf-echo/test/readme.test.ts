import { rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { runReadmeExample } from "../../../vitest.readme.js";

const here = dirname(fileURLToPath(import.meta.url));
const generated = join(here, ".generated");

afterAll(() => rmSync(generated, { recursive: true, force: true }));

describe("README example runs as written", () => {
  it("apps/kmdf-echo/README.md: both variants pass echoapp's default and -Async runs", async () => {
    const lines = await runReadmeExample(join(here, "../README.md"), { "@wdfjs/sample-kmdf-echo": join(here, "../src/index.ts") }, generated, "kmdf-echo");
    const run = "Opened device successfully | 512 Pattern Bytes Written successfully | 512 Pattern Bytes Read successfully | Pattern Verified successfully | " +
      "30720 Pattern Bytes Written successfully | 30720 Pattern Bytes Read successfully | Pattern Verified successfully";
    expect(lines).toEqual([`AutoSync 0 ${run}`, "AutoSync -Async 50: 0", `DriverSync 0 ${run}`, "DriverSync -Async 50: 0"]);
  });
});
