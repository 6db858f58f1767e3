import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL("..", import.meta.url));

/**
 * Runs only the runner conformance suite, without the repository's global setup (which builds and
 * starts the Next app): `npx vitest run --config runner/vitest.config.mts`.
 */
export default defineConfig({
  resolve: { alias: { "@": root } },
  test: {
    root,
    include: ["tests/runner/**/*.test.ts"],
    fileParallelism: false,
    // Ceilings for a loaded machine (waits in tests/runner/helpers.ts give up at 60 s first).
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});
