import { rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { runReadmeExample } from "../../../vitest.readme.js";

/*
 * The README examples are programs: each test takes a ```ts block of a README (the first unless told),
 * points the win32 import at this package's sources, runs it, and checks what it printed.
 */
const here = dirname(fileURLToPath(import.meta.url));
const generated = join(here, ".generated");

/** This package's README examples, run against its sources. */
function run(readme: string, name: string, index = 0): Promise<string[]> {
  return runReadmeExample(readme, { "@wdfjs/win32": join(here, "../src/index.ts") }, generated, name, index);
}

afterAll(() => rmSync(generated, { recursive: true, force: true }));

describe("README examples run as written", () => {
  it("packages/kernel/README.md: a driver and a client, end to end", async () => {
    expect(await run(join(here, "../../kernel/README.md"), "kernel")).toEqual(["HELLO"]);
  });

  it("packages/win32/README.md: errors, overlapped I/O and a completion port", async () => {
    expect(await run(join(here, "../README.md"), "win32")).toEqual(["true", "true 7 2", "hi"]);
  });

  it("packages/win32/README.md: a reader thread blocked in ReadFile, woken by another handle's WriteFile", async () => {
    expect(await run(join(here, "../README.md"), "win32-threads", 1)).toEqual(["reader got: hello", "reader exit code 0"]);
  });

  it("packages/win32/README.md: SetupDi, CM_Get_Device_Interface_List and CM_Register_Notification", async () => {
    const path = "\\\\?\\ROOT#SAMPLE#0000#{5f6e1b2a-7c3d-4e8f-9a0b-1c2d3e4f5a6b}";
    expect(await run(join(here, "../README.md"), "win32-interfaces", 2)).toEqual([`arrival ${path}`, `${path} opens: true`, "1", `removal ${path}`]);
  });
});
