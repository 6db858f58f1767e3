/**
 * The bundled Inngest-compatible runner: a stand-in for `inngest dev` on the same address and
 * protocol. Apps reach it with the SDK's own settings (INNGEST_DEV=1, or INNGEST_BASE_URL /
 * INNGEST_DEV=http://host:port); switching to a real Inngest server is a matter of env vars.
 */

import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import { resolveConfig, type RunnerOptions } from "./config";
import { newStats, type RunnerContext, type Stats } from "./context";
import { createLogger, type Logger } from "./log";
import { Scheduler } from "./queue";
import { createRecorder } from "./record";
import { Registry } from "./registry";
import { createServer } from "./server";
import { Store } from "./store";
import { loadRegistry, requestSync, syncUntilAnswered, type SyncOutcome } from "./sync";

export type { RunnerOptions } from "./config";

export interface StartRunnerOptions extends RunnerOptions {
  /** Custom log sink (defaults to JSON lines on stdout at FOLIO_RUNNER_LOG_LEVEL / "info"). */
  logger?: Logger;
}

export interface RunnerHandle {
  /** Base URL, e.g. http://127.0.0.1:8288 (what INNGEST_BASE_URL should be). */
  url: string;
  port: number;
  /** Stops accepting work, aborts calls in flight (they are re-queued for the next start), closes the DB. */
  stop(): Promise<void>;
  /** Sends the app's serve endpoint a PUT so it syncs its functions here. */
  syncApp(appUrl?: string): Promise<SyncOutcome>;
  /** Test hook: make /v1/checkpoint/:runId/async answer 500. */
  setCheckpointFailure(on: boolean): void;
  stats(): Stats;
}

export async function startRunner(options: StartRunnerOptions = {}): Promise<RunnerHandle> {
  const config = resolveConfig(options);
  const log = options.logger ?? createLogger(config.logLevel);
  const store = await Store.open(config.dbPath);
  const registry = new Registry();
  let scheduler: Scheduler | undefined;
  const ctx: RunnerContext = {
    store,
    registry,
    log,
    config,
    stats: newStats(),
    instanceId: randomUUID(),
    wake: (at?: number) => scheduler?.wake(at),
    recorder: createRecorder(config.recordPath, log),
  };
  let stopped = false;
  try {
    await loadRegistry(ctx);
    scheduler = new Scheduler(ctx);
    await scheduler.start();
  } catch (err) {
    await scheduler?.stop().catch(() => undefined);
    await store.close();
    throw err;
  }
  const sched = scheduler;
  const server = createServer(ctx, { inFlight: () => sched.inFlightCount, defaultAppUrl: () => config.appUrl });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(config.port, config.host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (err) {
    await sched.stop();
    await store.close();
    throw err;
  }
  const port = (server.address() as AddressInfo).port;
  const host = config.host === "0.0.0.0" || config.host === "::" ? "127.0.0.1" : config.host;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  log.info("runner.started", {
    url,
    db: store.file,
    workers: config.workers,
    backoff_scale: config.backoffScale,
    functions: registry.all().length,
    app_url: config.appUrl,
    fail_checkpoints: config.failCheckpoints || undefined,
    record: config.recordPath,
  });

  if (config.appUrl) {
    const appUrl = config.appUrl;
    void syncUntilAnswered(ctx, appUrl, () => stopped);
  }

  return {
    url,
    port,
    async stop() {
      if (stopped) return;
      stopped = true;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await sched.stop();
      await store.close();
      log.info("runner.stopped", { url });
    },
    async syncApp(appUrl?: string) {
      const target = appUrl ?? config.appUrl;
      if (!target) throw new Error("no app URL to sync");
      return requestSync(ctx, target);
    },
    setCheckpointFailure(on: boolean) {
      config.failCheckpoints = on;
    },
    stats: () => ctx.stats,
  };
}
