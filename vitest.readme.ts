import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { vi } from "vitest";

/**
 * A README example is a program: take its `index`th ```ts block, point the imports of
 * `packages` (name → that package's source entry) at the sources under test, write it to
 * `generated/<name>.ts`, import it, and return what it printed with console.log. Imports of
 * other packages resolve as for any user (the built workspace packages).
 */
export async function runReadmeExample(
  readme: string,
  packages: Readonly<Record<string, string>>,
  generated: string,
  name: string,
  index = 0,
): Promise<string[]> {
  const text = readFileSync(readme, "utf8");
  const m = [...text.matchAll(/```ts\n([\s\S]*?)```/g)][index];
  if (!m) throw new Error(`no ts example ${index + 1} in ${readme}`);
  let code = m[1]!;
  for (const [pkg, entry] of Object.entries(packages)) code = code.replaceAll(`from "${pkg}"`, `from ${JSON.stringify(entry)}`);
  mkdirSync(generated, { recursive: true });
  const file = join(generated, `${name}.ts`);
  writeFileSync(file, code);
  const lines: string[] = [];
  const spy = vi.spyOn(console, "log").mockImplementation((...a: unknown[]) => void lines.push(a.map(String).join(" ")));
  try {
    await import(file);
  } finally {
    spy.mockRestore();
  }
  return lines;
}
