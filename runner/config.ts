import type { RunnerConfig } from "./context";
import { parseLogLevel, type LogLevel } from "./log";

/** Options of startRunner(); anything left out comes from the environment, then defaults. */
export interface RunnerOptions {
  port?: number;
  host?: string;
  dbPath?: string;
  appUrl?: string;
  workers?: number;
  backoffScale?: number;
  leaseMs?: number;
  callTimeoutMs?: number;
  retentionMs?: number;
  failCheckpoints?: boolean;
  logLevel?: LogLevel;
  signingKey?: string;
  eventKey?: string;
  /** Protocol recording file (JSON lines), see runner/record.ts. */
  recordPath?: string;
}

export const DEFAULTS = {
  port: 8288,
  host: "127.0.0.1",
  dbPath: "./data/runner.db",
  workers: 32,
  backoffScale: 1,
  leaseMs: 30_000,
  callTimeoutMs: 30 * 60_000,
  retentionMs: 7 * 24 * 3_600_000,
} as const;

function envNumber(env: NodeJS.ProcessEnv, name: string, opts: { min: number; integer?: boolean }): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === "") return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < opts.min || (opts.integer && !Number.isInteger(n))) {
    throw new Error(`${name}=${JSON.stringify(raw)} is invalid (expected ${opts.integer ? "an integer" : "a number"} >= ${opts.min})`);
  }
  return n;
}

/**
 * Environment: FOLIO_RUNNER_PORT, FOLIO_RUNNER_HOST, FOLIO_RUNNER_DB, FOLIO_RUNNER_APP_URL,
 * FOLIO_RUNNER_WORKERS, FOLIO_RUNNER_BACKOFF_SCALE, FOLIO_RUNNER_LEASE_MS,
 * FOLIO_RUNNER_CALL_TIMEOUT_MS, FOLIO_RUNNER_RETENTION_DAYS, FOLIO_RUNNER_LOG_LEVEL,
 * FOLIO_RUNNER_TEST_FAIL_CHECKPOINTS=1 (test hook), FOLIO_RUNNER_SIGNING_KEY and
 * FOLIO_RUNNER_EVENT_KEY (signed mode; see runner/signing.ts), FOLIO_RUNNER_RECORD (protocol
 * recording file; see runner/record.ts).
 */
export function resolveConfig(opts: RunnerOptions = {}, env: NodeJS.ProcessEnv = process.env): RunnerConfig & { logLevel: LogLevel } {
  const retentionDays = envNumber(env, "FOLIO_RUNNER_RETENTION_DAYS", { min: 0 });
  const config = {
    port: opts.port ?? envNumber(env, "FOLIO_RUNNER_PORT", { min: 0, integer: true }) ?? DEFAULTS.port,
    host: opts.host ?? (env.FOLIO_RUNNER_HOST || DEFAULTS.host),
    dbPath: opts.dbPath ?? (env.FOLIO_RUNNER_DB || DEFAULTS.dbPath),
    appUrl: opts.appUrl ?? (env.FOLIO_RUNNER_APP_URL || undefined),
    workers: opts.workers ?? envNumber(env, "FOLIO_RUNNER_WORKERS", { min: 1, integer: true }) ?? DEFAULTS.workers,
    backoffScale: opts.backoffScale ?? envNumber(env, "FOLIO_RUNNER_BACKOFF_SCALE", { min: 0 }) ?? DEFAULTS.backoffScale,
    leaseMs: opts.leaseMs ?? envNumber(env, "FOLIO_RUNNER_LEASE_MS", { min: 1000, integer: true }) ?? DEFAULTS.leaseMs,
    callTimeoutMs: opts.callTimeoutMs ?? envNumber(env, "FOLIO_RUNNER_CALL_TIMEOUT_MS", { min: 1000, integer: true }) ?? DEFAULTS.callTimeoutMs,
    retentionMs: opts.retentionMs ?? (retentionDays !== undefined ? retentionDays * 86_400_000 : DEFAULTS.retentionMs),
    failCheckpoints: opts.failCheckpoints ?? env.FOLIO_RUNNER_TEST_FAIL_CHECKPOINTS === "1",
    logLevel: opts.logLevel ?? parseLogLevel(env.FOLIO_RUNNER_LOG_LEVEL, "info"),
    signingKey: opts.signingKey ?? (env.FOLIO_RUNNER_SIGNING_KEY || undefined),
    eventKey: opts.eventKey ?? (env.FOLIO_RUNNER_EVENT_KEY || undefined),
    recordPath: opts.recordPath ?? (env.FOLIO_RUNNER_RECORD || undefined),
  };
  if (config.signingKey && !/^[0-9a-f]{32,}$/i.test(config.signingKey.replace(/^signkey-[\w]+-/, ""))) {
    throw new Error("FOLIO_RUNNER_SIGNING_KEY must be hex (optionally prefixed signkey-<env>-), as Inngest signing keys are");
  }
  if (config.signingKey && !config.eventKey) throw new Error("FOLIO_RUNNER_SIGNING_KEY needs FOLIO_RUNNER_EVENT_KEY too (signed mode checks both)");
  if (config.appUrl) {
    try {
      new URL(config.appUrl);
    } catch {
      throw new Error(`FOLIO_RUNNER_APP_URL=${JSON.stringify(config.appUrl)} is not a URL`);
    }
  }
  return config;
}
