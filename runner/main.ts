/**
 * `npm run runner`: the bundled Inngest-compatible runner as its own process.
 * Configuration: FOLIO_RUNNER_PORT (8288), FOLIO_RUNNER_HOST (127.0.0.1), FOLIO_RUNNER_DB
 * (./data/runner.db), FOLIO_RUNNER_APP_URL (sync this serve endpoint on start), FOLIO_RUNNER_WORKERS
 * (8), FOLIO_RUNNER_BACKOFF_SCALE (1), FOLIO_RUNNER_LOG_LEVEL (info). See runner/README.md.
 */

import { startRunner } from "./index";
import { createLogger, parseLogLevel } from "./log";

const log = createLogger(parseLogLevel(process.env.FOLIO_RUNNER_LOG_LEVEL, "info"));

async function main(): Promise<void> {
  let runner: Awaited<ReturnType<typeof startRunner>>;
  try {
    runner = await startRunner();
  } catch (err) {
    log.error("runner.start_failed", { error: err instanceof Error ? err.message : String(err) });
    process.exit(1);
  }
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info("runner.stopping", { signal });
    runner
      .stop()
      .then(() => process.exit(0))
      .catch(() => process.exit(1));
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
}

void main();
