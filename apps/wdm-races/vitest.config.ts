import { defineConfig } from "vitest/config";

export default defineConfig({
  oxc: { decorator: { legacy: true, emitDecoratorMetadata: true } },
  test: { testTimeout: 30_000, hookTimeout: 30_000, include: ["src/**/*.test.ts", "test/**/*.test.ts"] },
});
