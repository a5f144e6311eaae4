import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";

/*
 * `pnpm test` is scripts/test.mjs around `turbo run test`. These tests run it with a fake
 * turbo that prints what two packages' vitest runs print, to check what a person (or a CI
 * log) sees at the end.
 */
const repo = join(dirname(fileURLToPath(import.meta.url)), "../../..");
let dir = "";
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function runWith(output: string, exitCode: number, env: Record<string, string>): { code: number; lines: string[] } {
  dir = mkdtempSync(join(tmpdir(), "wdfjs-test-runner-"));
  const turbo = join(dir, "turbo");
  writeFileSync(join(dir, "output.txt"), output);
  writeFileSync(turbo, `#!/bin/sh\necho "turbo $* NO_COLOR=$NO_COLOR"\ncat ${join(dir, "output.txt")}\nexit ${exitCode}\n`);
  chmodSync(turbo, 0o755);
  const r = spawnSync(process.execPath, [join(repo, "scripts/test.mjs"), "--", "--force"], {
    env: { PATH: `${dir}:${process.env.PATH ?? ""}`, ...env },
    encoding: "utf8",
  });
  return { code: r.status ?? -1, lines: r.stdout.trimEnd().split("\n") };
}

const esc = "\x1b";
const kernel = [
  `@wdfjs/kernel:test:  ${esc}[2m Test Files ${esc}[22m ${esc}[1m${esc}[32m47 passed${esc}[39m${esc}[22m${esc}[90m (47)${esc}[39m`,
  `@wdfjs/kernel:test:  ${esc}[2m      Tests ${esc}[22m ${esc}[1m${esc}[32m475 passed${esc}[39m${esc}[22m${esc}[90m (475)${esc}[39m`,
].join("\n");
const win32 = ["@wdfjs/win32:test:  Test Files  1 failed | 8 passed (9)", "@wdfjs/win32:test:       Tests  2 failed | 90 passed | 1 skipped (93)"].join("\n");

describe("pnpm test (scripts/test.mjs)", () => {
  it("ends with one total line over every package", () => {
    const r = runWith(`${kernel}\n`, 0, { CI: "true" });
    expect(r.code).toBe(0);
    expect(r.lines.at(-1)).toMatch(/^tests: 475 passed in 1 packages \(47 files\), \d+ s$/);
  });

  it("under CI asks for plain text (NO_COLOR) and one block per package, and passes its arguments on", () => {
    const r = runWith("", 0, { CI: "true" });
    expect(r.lines[0]).toBe("turbo run test --log-order=grouped --force NO_COLOR=1");
  });

  it("counts failures and skips, and fails when turbo fails", () => {
    const r = runWith(`${kernel}\n${win32}\n`, 1, { CI: "1" });
    expect(r.code).toBe(1);
    expect(r.lines.at(-1)).toMatch(/^tests: 565 passed, 2 failed, 1 skipped in 2 packages \(56 files\), \d+ s; FAILED \(turbo exited with 1\)$/);
  });
});
