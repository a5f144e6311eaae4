#!/usr/bin/env node
// The packed-tarball check of `pnpm lint`: packs every public workspace package as
// `pnpm publish` would and checks what an npm user would get:
// - LICENSE is in the tarball, the same text as the repository's;
// - every source map resolves: each of its sources is a file in the tarball or is
//   embedded (sourcesContent), and every sourceMappingURL names a map in the tarball;
// - README links work on npm: no relative link to a file outside the tarball;
// - no test files or build info ship.
// Run after `pnpm build` (turbo's lint task depends on build). Exit code 1 on any problem.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, posix } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** The workspace's package directories (pnpm-workspace.yaml lists `packages/*` and `apps/*`). */
function workspacePackages() {
  const dirs = [];
  for (const group of ["packages", "apps"]) {
    for (const e of readdirSync(join(root, group), { withFileTypes: true })) {
      if (e.isDirectory() && existsSync(join(root, group, e.name, "package.json"))) dirs.push(join(root, group, e.name));
    }
  }
  return dirs;
}

/** The files of a .tgz: path (without the leading `package/`) → contents. */
function untar(tgz) {
  const data = gunzipSync(readFileSync(tgz));
  const files = new Map();
  let paxPath = null;
  for (let at = 0; at + 512 <= data.length; ) {
    const header = data.subarray(at, at + 512);
    if (header.every((b) => b === 0)) break;
    const field = (start, length) => header.subarray(start, start + length).toString("utf8").replace(/\0.*$/s, "");
    const size = Number.parseInt(field(124, 12).trim() || "0", 8);
    const type = field(156, 1) || "0";
    const prefix = field(345, 155);
    const body = data.subarray(at + 512, at + 512 + size);
    let name = prefix ? `${prefix}/${field(0, 100)}` : field(0, 100);
    if (type === "x") {
      // A pax header: its `path` record names the next entry.
      const m = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(body.toString("utf8"));
      paxPath = m ? m[1] : null;
    } else {
      if (paxPath !== null) name = paxPath;
      paxPath = null;
      if (type === "0" || type === "7") files.set(name.replace(/^package\//, ""), Buffer.from(body));
    }
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

function checkMaps(files, problems) {
  for (const [path, content] of files) {
    if (/\.(m?js|d\.ts)$/.test(path)) {
      const m = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(content.toString("utf8"));
      if (m && !m[1].startsWith("data:")) {
        const map = posix.join(posix.dirname(path), m[1]);
        if (!files.has(map)) problems.push(`${path}: its sourceMappingURL ${m[1]} is not in the tarball`);
      }
    }
    if (!path.endsWith(".map")) continue;
    let map;
    try {
      map = JSON.parse(content.toString("utf8"));
    } catch {
      problems.push(`${path}: not valid JSON`);
      continue;
    }
    const sources = map.sources ?? [];
    for (let i = 0; i < sources.length; i++) {
      if (typeof map.sourcesContent?.[i] === "string") continue;
      const resolved = posix.normalize(posix.join(posix.dirname(path), map.sourceRoot ?? "", sources[i]));
      if (!files.has(resolved)) problems.push(`${path}: source ${sources[i]} is neither in the tarball (${resolved}) nor embedded`);
    }
  }
}

function checkReadme(files, problems) {
  const readme = files.get("README.md");
  if (readme === undefined) {
    problems.push("README.md is missing");
    return;
  }
  // Inline links and images: [text](target) and ![alt](target), outside code blocks.
  const text = readme.toString("utf8").replace(/```[\s\S]*?```/g, "");
  for (const m of text.matchAll(/!?\[[^\]]*\]\(([^)\s]+)[^)]*\)/g)) {
    const target = m[1];
    if (/^(https?:|mailto:|#)/.test(target)) continue;
    const file = posix.normalize(target.replace(/[#?].*$/, ""));
    if (file.startsWith("..") || !files.has(file)) problems.push(`README.md links to ${target}, which is not in the package (use an absolute https://github.com/... link)`);
  }
}

const license = readFileSync(join(root, "LICENSE"), "utf8");
const out = mkdtempSync(join(tmpdir(), "wdfjs-packs-"));
let failed = false;
try {
  for (const dir of workspacePackages()) {
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    if (pkg.private) continue;
    const dest = join(out, pkg.name.replace(/[@/]/g, "_"));
    execFileSync("pnpm", ["pack", "--pack-destination", dest], { cwd: dir, stdio: ["ignore", "ignore", "inherit"] });
    const tgz = readdirSync(dest).find((f) => f.endsWith(".tgz"));
    const files = untar(join(dest, tgz));
    const problems = [];
    const packedLicense = files.get("LICENSE");
    if (packedLicense === undefined) problems.push("LICENSE is missing");
    else if (packedLicense.toString("utf8") !== license) problems.push("LICENSE differs from the repository's LICENSE");
    checkMaps(files, problems);
    checkReadme(files, problems);
    for (const path of files.keys()) {
      if (/\.test\.|\.tsbuildinfo$|(^|\/)\.generated\//.test(path)) problems.push(`${path} should not be published`);
    }
    const maps = [...files.keys()].filter((p) => p.endsWith(".map")).length;
    if (problems.length > 0) {
      failed = true;
      console.error(`check-packs: ${pkg.name}: ${problems.length} problem(s)`);
      for (const p of problems.slice(0, 50)) console.error(`  ${p}`);
      if (problems.length > 50) console.error(`  ... and ${problems.length - 50} more`);
    } else {
      console.log(`check-packs: ${pkg.name}: ${files.size} files, LICENSE, ${maps} source maps resolve, README links ok`);
    }
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;
