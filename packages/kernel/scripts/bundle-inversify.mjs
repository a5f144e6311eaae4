// After `tsc -b`: bundle dist/inversify.js (tsc's re-export of inversify and
// reflect-metadata) with both packages into one module. inversify 8 ships as some 360 ES
// modules; loading them one at a time (resolve, stat, read, parse each) was about three
// quarters of the time it took to import @wdfjs/kernel. Without this step the kernel still
// works, only its import is slower; the published types still come from "inversify".
import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, join } from "node:path";
import { fileURLToPath } from "node:url";
import { rolldown } from "rolldown";

const file = fileURLToPath(new URL("../dist/inversify.js", import.meta.url));
if (!readFileSync(file, "utf8").includes('from "inversify"')) process.exit(0); // already bundled

/** The bundled packages' names, versions and license texts, as the licenses ask. */
function licenses(moduleIds) {
  const packages = new Map();
  for (const id of moduleIds) {
    if (!isAbsolute(id) || !id.includes("node_modules")) continue;
    let dir = dirname(id);
    while (!existsSync(join(dir, "package.json"))) dir = dirname(dir);
    if (packages.has(dir)) continue;
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    const text = existsSync(join(dir, "LICENSE")) ? readFileSync(join(dir, "LICENSE"), "utf8").trim() : "";
    packages.set(dir, { name: `${pkg.name}@${pkg.version} (${pkg.license})`, text });
  }
  const texts = [...new Set([...packages.values()].map((p) => p.text).filter((t) => t !== ""))];
  const body = [`Bundled here: ${[...packages.values()].map((p) => p.name).join(", ")}.`, ...texts].join("\n\n");
  return `/*!\n${body.replaceAll("*/", "* /").split("\n").map((l) => ` * ${l}`.trimEnd()).join("\n")}\n */`;
}

const bundle = await rolldown({ input: file, platform: "neutral", logLevel: "warn" });
await bundle.write({ file, format: "esm", sourcemap: true, banner: (chunk) => licenses(chunk.moduleIds) });
await bundle.close();
