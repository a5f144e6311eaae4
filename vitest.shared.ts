import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

/**
 * The vitest settings every package's vitest.config.ts uses.
 * - Tests boot their own machines and the kernel keeps no process-global state, so test
 *   files need no module isolation: one set of modules per worker process, imported and
 *   JIT-compiled once rather than once per test file (that was most of the suite's time).
 * - The other workspace packages' built `dist` is plain JavaScript: Node loads it as it is
 *   (no transform); source maps still point stack traces at the TypeScript sources.
 */
export default defineConfig({
  oxc: { decorator: { legacy: true, emitDecoratorMetadata: true } },
  test: {
    // Tests are deterministic; a timeout only catches a hang, so a busy machine (a shared CI
    // runner above all) must not trip it: the longest test takes some 10 s on an idle one.
    testTimeout: process.env.CI ? 120_000 : 60_000,
    hookTimeout: process.env.CI ? 120_000 : 60_000,
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    pool: "forks",
    isolate: false,
    server: { deps: { external: [/\/(packages|apps)\/[^/]+\/dist\//] } },
    setupFiles: [fileURLToPath(new URL("./vitest.setup.ts", import.meta.url))],
  },
});
