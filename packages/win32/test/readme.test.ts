import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it, vi } from "vitest";

/*
 * The README examples are programs: each test takes a ```ts block of a README (the first unless told),
 * points the win32 import at this package's sources, runs it, and checks what it printed.
 */
const here = dirname(fileURLToPath(import.meta.url));
const generated = join(here, ".generated");

function exampleOf(readme: string, index: number): string {
  const text = readFileSync(readme, "utf8");
  const m = [...text.matchAll(/```ts\n([\s\S]*?)```/g)][index];
  if (!m) throw new Error(`no ts example ${index + 1} in ${readme}`);
  // "@wdfjs/kernel" resolves as for any user (the built package, one instance shared with
  // the win32 sources); "@wdfjs/win32" is this package's sources.
  return m[1]!.replaceAll('from "@wdfjs/win32"', `from ${JSON.stringify(join(here, "../src/index.ts"))}`);
}

async function run(readme: string, name: string, index = 0): Promise<string[]> {
  mkdirSync(generated, { recursive: true });
  const file = join(generated, `${name}.ts`);
  writeFileSync(file, exampleOf(readme, index));
  const lines: string[] = [];
  const spy = vi.spyOn(console, "log").mockImplementation((...a: unknown[]) => void lines.push(a.map(String).join(" ")));
  try {
    await import(file);
  } finally {
    spy.mockRestore();
  }
  return lines;
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
