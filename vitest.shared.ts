import { defineConfig } from "vitest/config";

/**
 * The vitest settings every package's vitest.config.ts uses.
 * - Tests boot their own machines and the kernel keeps no process-global state, so test
 *   files need no module isolation: one set of modules per worker thread, imported and
 *   JIT-compiled once rather than once per test file (that was most of the suite's time).
 * - The other workspace packages' built `dist` is plain JavaScript: Node loads it as it is
 *   (no transform); source maps still point stack traces at the TypeScript sources.
 */
export default defineConfig({
  oxc: { decorator: { legacy: true, emitDecoratorMetadata: true } },
  test: {
    // Tests are deterministic; a timeout only catches a hang. Shared CI machines get more room.
    testTimeout: process.env.CI ? 120_000 : 30_000,
    hookTimeout: process.env.CI ? 120_000 : 30_000,
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    pool: "threads",
    isolate: false,
    server: { deps: { external: [/\/(packages|apps)\/[^/]+\/dist\//] } },
    setupFiles: [new URL("./vitest.setup.ts", import.meta.url).pathname],
  },
});
