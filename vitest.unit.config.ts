import path from "node:path";
import { defineConfig } from "vitest/config";

/** Pure unit tests only (no app server): `npx vitest run --config vitest.unit.config.ts`. */
export default defineConfig({
  resolve: { alias: { "@": path.resolve(__dirname) } },
  test: { include: ["tests/unit/**/*.test.ts"] },
});
