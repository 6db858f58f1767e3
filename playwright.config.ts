import { defineConfig } from "@playwright/test";
import { ADMIN_EMAIL, ADMIN_PASSWORD, BASE_URL as baseURL, FAKE_LLM_PORT, PORT } from "./e2e/env";

/** End-to-end tests in Debian's Chromium against the real app started by `npm start`'s script. */
export default defineConfig({
  testDir: "e2e",
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  // Ceilings for a loaded machine, not expected speeds (specs wait for states: e2e/env.ts STATE_MS).
  timeout: 600_000,
  expect: { timeout: 30_000 },
  reporter: process.env.CI ? [["list"]] : [["list"], ["html", { open: "never" }]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  webServer: [
    {
      command: `node --import tsx tests/fakes/fake-llm-main.ts --port ${FAKE_LLM_PORT}`,
      url: `http://127.0.0.1:${FAKE_LLM_PORT}/v1/models`,
      reuseExistingServer: false,
      timeout: 30_000,
      stdout: "ignore",
      stderr: "pipe",
    },
    {
      command: "rm -rf .e2e-data && node scripts/start.mjs",
      url: `${baseURL}/api/health`,
      reuseExistingServer: false,
      timeout: 240_000,
      stdout: "ignore",
      stderr: "pipe",
      env: {
        PORT: String(PORT),
        HOST: "127.0.0.1",
        NEXTAUTH_URL: baseURL,
        // Another build dir can isolate a run from concurrent builds of .next-test.
        FOLIO_NEXT_DIST: process.env.FOLIO_E2E_NEXT_DIST ?? ".next-test",
        FOLIO_DATA_DIR: ".e2e-data",
        FOLIO_EVENT_SEND_WAIT_MS: "300",
        FOLIO_QUIET: "1",
        FOLIO_RUNNER_PORT: String(PORT + 1),
        // The Inngest functions' own app process (PORT + 2 is the fake LLM).
        FOLIO_FUNCTIONS_PORT: String(PORT + 3),
        FOLIO_RUNNER_DB: ".e2e-data/runner.db",
        FOLIO_RUNNER_LOG_LEVEL: "warn",
        // Retries of a failing chunk wait about 1 s instead of 15-45 s, and one automatic round.
        FOLIO_RUNNER_BACKOFF_SCALE: "0.02",
        FOLIO_MAX_RETRY_ROUNDS: "1",
        // The LLM processor, answered by the fake server above.
        FOLIO_LLM_PROVIDER: "openai",
        FOLIO_LLM_BASE_URL: `http://127.0.0.1:${FAKE_LLM_PORT}/v1`,
        FOLIO_LLM_MODEL: "fake-model",
        // A seeded administrator (so the first sign-up of a test is an ordinary user).
        FOLIO_ADMIN_EMAIL: ADMIN_EMAIL,
        FOLIO_ADMIN_PASSWORD: ADMIN_PASSWORD,
        FOLIO_UPLOADS_PER_HOUR: "1000",
        // Every spec signs up from 127.0.0.1: a retried run must not hit the per-address sign-up
        // limit (its own tests: tests/integration/security-auth.test.ts).
        FOLIO_SIGNUPS_PER_IP: "1000",
      },
    },
  ],
});
