import { readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import * as kernel from "../src/index.js";
import * as internal from "../src/internal.js";

/*
 * What "@wdfjs/kernel" exports is its public API: the WDK's names, the public types and
 * the host API. The kernel's own machinery stays out of it (other wdfjs packages reach it
 * through "@wdfjs/kernel/internal", which is not public).
 */
const src = join(dirname(fileURLToPath(import.meta.url)), "../src");
/** The modules the index exports from. */
const indexed = [...readFileSync(join(src, "index.ts"), "utf8").matchAll(/from "\.\/(.+)\.js";/g)].map((m) => join(src, `${m[1]}.ts`));
/** Constants of those modules that are ours, not the WDK's, and stay private. */
const PRIVATE = new Set(["POOL_HEADER_SIZE", "DEFAULT_MAXIMUM_DPC_QUEUE_DEPTH", "IRP_LOOKASIDE_DEPTH"]);

/** Our names in the public API that are not the WDK's: the host API and the helpers every message uses. */
const HOST_API = new Set([
  "boot", "exploreSeeds", "kernelModule", "machineModule", "mmModule", "obModule", "ioModule", "poModule", "cmModule", "currentMachine", "isInsideMachine",
  "formatAddress", "formatBugCheck", "formatBugCheckLine", "__try", "pnpModule",
]);
const INTERNAL_NAME = /^(Ki|Iop|Mi|Obp|Psp|Pop|Vf)[A-Z]/;
/** WDK-style names a driver writer looks for: DDIs, system services, memory accessors and constants. */
const WDK_NAME = /^((Ke|Io|Ex|Mm|Ob|Po|Ps|Rtl|Nt|Zw|Interlocked|Read|Write)[A-Z]\w*|[A-Z][A-Z0-9_]*[A-Z0-9])$/;

describe("the public index", () => {
  const names = Object.keys(kernel);

  it("exports none of the kernel's machinery", () => {
    expect(names.filter((n) => INTERNAL_NAME.test(n))).toEqual([]);
    expect(names.filter((n) => /^[a-z_]/.test(n) && !HOST_API.has(n))).toEqual([]);
    for (const n of ["drainDpcQueue", "queueDpc", "IopCompleteUnload", "Scheduler", "Strand", "SeededRandom", "MemoryManager", "HandleTable"]) {
      expect(names, n).not.toContain(n);
    }
  });

  it("keeps the machinery the other wdfjs packages need in the internal entry point", () => {
    for (const n of ["KiNextServiceWait", "KiAbandonServiceWaits", "isRoutineGenerator", "SeededRandom", "drainDpcQueue", "Scheduler"]) {
      expect(Object.keys(internal), n).toContain(n);
    }
  });

  // An explicit export list in the index must not lose a DDI a module gains later.
  it("exports every WDK-named function and constant of the modules it exports from", async () => {
    const missing: string[] = [];
    for (const file of new Set(indexed)) {
      const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
      for (const n of Object.keys(module)) {
        if (WDK_NAME.test(n) && !INTERNAL_NAME.test(n) && !PRIVATE.has(n) && !(n in internal) && !(n in kernel)) missing.push(`${n} (${relative(src, file)})`);
      }
    }
    expect(missing).toEqual([]);
  });
});

describe("what npm users get (pnpm lint packs and checks the real tarballs)", () => {
  const repo = join(src, "../../..");
  it.each(["kernel", "win32"])("@wdfjs/%s ships its LICENSE, the sources its maps point at, and README links that work on npm", (name) => {
    const dir = join(repo, "packages", name);
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { files: string[] };
    expect(readFileSync(join(dir, "LICENSE"), "utf8")).toBe(readFileSync(join(repo, "LICENSE"), "utf8"));
    expect(pkg.files).toEqual(expect.arrayContaining(["dist", "src", "!src/**/*.test.ts", "LICENSE", "README.md"]));
    const readme = readFileSync(join(dir, "README.md"), "utf8").replace(/```[\s\S]*?```/g, "");
    const relative = [...readme.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!).filter((t) => !/^(https?:|#)/.test(t));
    expect(relative).toEqual([]);
  });
});
