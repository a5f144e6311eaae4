#!/usr/bin/env node
// `pnpm test`: runs every package's tests through turbo and ends with one total line,
// `tests: 1234 passed in 9 packages (55 files), 41 s`. Under CI (CI set) the output is plain
// text: no colors, each package's output in one block. Arguments go on to `turbo run test`.
import { spawn } from "node:child_process";

const ci = !!process.env.CI && process.env.CI !== "false" && process.env.CI !== "0";
const env = { ...process.env };
if (ci) {
  // vitest turns colors on when CI is set; plain text is what a CI log wants.
  env.NO_COLOR = "1";
  delete env.FORCE_COLOR;
} else if (process.stdout.isTTY && env.NO_COLOR === undefined) {
  // Through our pipe the tasks see no terminal; a person at one still gets colors.
  env.FORCE_COLOR = "1";
}
const args = ["run", "test", ...(ci ? ["--log-order=grouped"] : []), ...process.argv.slice(2).filter((a) => a !== "--")];
const started = Date.now();
const turbo = spawn("turbo", args, { env, stdio: ["inherit", "pipe", "pipe"] });

/** Per package (turbo's `@scope/name:test:` prefix): vitest's Test Files and Tests summary. */
const packages = new Map();
const plain = (s) => s.replace(/\x1b\[[0-9;]*m/g, "");
function scan(line) {
  const m = /^(\S+):test:\s+(Test Files|Tests)\s+(.*)$/.exec(plain(line));
  if (!m) return;
  const p = packages.get(m[1]) ?? { files: 0, passed: 0, failed: 0, skipped: 0, todo: 0 };
  packages.set(m[1], p);
  if (m[2] === "Test Files") {
    p.files = Number(/\((\d+)\)\s*$/.exec(m[3])?.[1] ?? 0);
    return;
  }
  for (const [, n, kind] of m[3].matchAll(/(\d+) (passed|failed|skipped|todo)/g)) p[kind] = Number(n);
}

function relay(stream, out) {
  let rest = "";
  stream.on("data", (chunk) => {
    out.write(chunk);
    const text = rest + chunk.toString("utf8");
    const lines = text.split("\n");
    rest = lines.pop();
    for (const line of lines) scan(line);
  });
  stream.on("end", () => rest && scan(rest));
}
relay(turbo.stdout, process.stdout);
relay(turbo.stderr, process.stderr);

turbo.on("close", (code, signal) => {
  const total = { files: 0, passed: 0, failed: 0, skipped: 0, todo: 0 };
  for (const p of packages.values()) for (const k of Object.keys(total)) total[k] += p[k];
  const parts = [`${total.passed} passed`];
  if (total.failed) parts.push(`${total.failed} failed`);
  if (total.skipped) parts.push(`${total.skipped} skipped`);
  if (total.todo) parts.push(`${total.todo} todo`);
  const seconds = Math.round((Date.now() - started) / 1000);
  const status = code === 0 ? "" : `; FAILED (turbo exited with ${signal ?? code})`;
  console.log(`tests: ${parts.join(", ")} in ${packages.size} packages (${total.files} files), ${seconds} s${status}`);
  process.exitCode = code ?? 1;
});
