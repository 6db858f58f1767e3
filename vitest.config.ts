import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(__dirname) } },
  test: {
    include: ["tests/**/*.test.ts"],
    globalSetup: ["tests/global-setup.ts"],
    setupFiles: ["tests/setup-env.ts"],
    // One app server and one SQLite file are shared; files run one after another.
    fileParallelism: false,
    // Ceilings for a loaded machine, not expected speeds: tests wait for states
    // (tests/helpers/client.ts STATE_WAIT_MS = 240 s) and fail with their own message first.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: "forks",
  },
});
