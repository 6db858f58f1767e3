import { defineConfig } from "@playwright/test";

const PORT = Number(process.env.FOLIO_E2E_PORT ?? 3210);
const baseURL = `http://127.0.0.1:${PORT}`;

/** End-to-end tests in Debian's Chromium against the real app started by `npm start`'s script. */
export default defineConfig({
  testDir: "e2e",
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
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
  webServer: {
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
      FOLIO_NEXT_DIST: ".next-test",
      FOLIO_DATA_DIR: ".e2e-data",
      FOLIO_EVENT_SEND_WAIT_MS: "300",
      FOLIO_QUIET: "1",
      FOLIO_RUNNER_PORT: String(PORT + 1),
      FOLIO_RUNNER_DB: ".e2e-data/runner.db",
      FOLIO_RUNNER_LOG_LEVEL: "warn",
    },
  },
});
