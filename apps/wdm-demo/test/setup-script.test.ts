import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";

/*
 * The README's two commands are `bash scripts/pnpm.sh start` and `bash scripts/pnpm.sh test`.
 * These tests run that script against a fake npm and fake pnpms (shell scripts that log what
 * they were asked), so they need no network and change nothing: what a user with the right
 * pnpm, with none, or without write access to npm's global prefix would see happen.
 */
const repo = join(dirname(fileURLToPath(import.meta.url)), "../../..");
const want = (JSON.parse(readFileSync(join(repo, "package.json"), "utf8")) as { packageManager: string }).packageManager.replace(/^pnpm@/, "");
let dir = "";

afterEach(() => rmSync(dir, { recursive: true, force: true }));

function fakePnpm(path: string, version: string, log: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `#!/bin/sh\nif [ "$1" = "--version" ]; then echo ${version}; exit 0; fi\necho "pnpm $*" >> ${log}\n`);
  chmodSync(path, 0o755);
}

function run(options: { pnpmOnPath: string | null; globalWritable: boolean }): { code: number; calls: string[]; stderr: string } {
  dir = mkdtempSync(join(tmpdir(), "wdfjs-setup-"));
  const log = join(dir, "calls.log");
  writeFileSync(log, "");
  const bin = join(dir, "bin");
  const globalBin = join(dir, "global", "bin");
  mkdirSync(bin, { recursive: true });
  if (options.pnpmOnPath !== null) fakePnpm(join(bin, "pnpm"), options.pnpmOnPath, log);
  // npm: a global install goes to globalBin (which is on the PATH) if writable, else fails as EACCES does.
  writeFileSync(join(bin, "npm"), `#!/bin/sh
echo "npm $*" >> ${log}
prefix=""; prev=""
for a in "$@"; do [ "$prev" = "--prefix" ] && prefix="$a"; prev="$a"; done
if [ -n "$prefix" ]; then mkdir -p "$prefix/bin"; printf '#!/bin/sh\\nif [ "$1" = "--version" ]; then echo ${want}; exit 0; fi\\necho "pnpm $*" >> ${log}\\n' > "$prefix/bin/pnpm"; chmod +x "$prefix/bin/pnpm"; exit 0; fi
${options.globalWritable ? `mkdir -p ${globalBin}; printf '#!/bin/sh\\nif [ "$1" = "--version" ]; then echo ${want}; exit 0; fi\\necho "pnpm $*" >> ${log}\\n' > ${globalBin}/pnpm; chmod +x ${globalBin}/pnpm; exit 0` : `echo "npm ERR! code EACCES" >&2; exit 243`}
`);
  chmodSync(join(bin, "npm"), 0o755);
  // Only the tools the script and the fakes use, so no real pnpm on this machine is found.
  const tools = join(dir, "tools");
  mkdirSync(tools);
  symlinkSync(process.execPath, join(tools, "node"));
  for (const tool of ["mkdir", "chmod", "dirname"]) {
    const path = ["/usr/bin", "/bin"].map((d) => join(d, tool)).find((p) => existsSync(p));
    if (path) symlinkSync(path, join(tools, tool));
  }
  const bash = ["/bin/bash", "/usr/bin/bash"].find((p) => existsSync(p)) ?? "bash";
  const r = spawnSync(bash, [join(repo, "scripts/pnpm.sh"), "start"], {
    env: { HOME: join(dir, "home"), PATH: [bin, globalBin, tools].join(":") },
    encoding: "utf8",
  });
  const calls = readFileSync(log, "utf8").split("\n").filter((l) => l !== "");
  return { code: r.status ?? -1, calls, stderr: r.stderr };
}

describe("the README's set-up command (scripts/pnpm.sh)", () => {
  it("uses the pinned pnpm already on the PATH: no npm, installs from the lockfile, runs the command", () => {
    const r = run({ pnpmOnPath: want, globalWritable: false });
    expect(r.code).toBe(0);
    expect(r.calls).toEqual(["pnpm install --frozen-lockfile", "pnpm start"]);
  });

  it("installs the pinned pnpm globally when npm may write there", () => {
    const r = run({ pnpmOnPath: null, globalWritable: true });
    expect(r.code).toBe(0);
    expect(r.calls).toEqual([`npm install -g pnpm@${want}`, "pnpm install --frozen-lockfile", "pnpm start"]);
  });

  it("without write access to npm's global prefix, installs it under ~/.local; another pnpm on the PATH is not used", () => {
    const r = run({ pnpmOnPath: "9.0.0", globalWritable: false });
    expect(r.code, r.stderr).toBe(0);
    expect(r.calls).toEqual([
      `npm install -g pnpm@${want}`,
      `npm install -g --prefix ${join(dir, "home", ".local")} pnpm@${want}`,
      "pnpm install --frozen-lockfile",
      "pnpm start",
    ]);
    expect(r.stderr).toContain(`installing pnpm@${want} under ${join(dir, "home", ".local")} instead`);
  });
});
