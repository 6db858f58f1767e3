import type { Logger } from "./log";
import type { Recorder } from "./record";
import type { Registry } from "./registry";
import type { Store } from "./store";

export interface RunnerConfig {
  port: number;
  host: string;
  dbPath: string;
  appUrl?: string;
  /** Bounded number of concurrent calls to the app. */
  workers: number;
  /** Multiplies the retry backoff table (tests use e.g. 0.001). */
  backoffScale: number;
  /** Lease length of a queue item being executed; renewed while the call is in flight. */
  leaseMs: number;
  /** Longest a single call to the app may take before it counts as a failed attempt. */
  callTimeoutMs: number;
  /** Finished runs and old events are deleted after this long. */
  retentionMs: number;
  /** Test hook: answer 500 to every checkpoint request. */
  failCheckpoints: boolean;
  /**
   * Signed mode (as Inngest Cloud): calls to the app are signed with this key, and the SDK's
   * requests here (sync, checkpoints, payloads) must carry its Bearer token. Unset: dev mode.
   */
  signingKey?: string;
  /** Signed mode: the only key accepted at `/e/:key`. */
  eventKey?: string;
  /** FOLIO_RUNNER_RECORD: append one JSON line per HTTP exchange with the app to this file. */
  recordPath?: string;
}

export interface Stats {
  checkpoints: { ok: number; failed: number; stale: number; rejected: number; steps: number };
  calls: number;
  events: number;
  runsStarted: number;
  runsCompleted: number;
  runsFailed: number;
  runsCancelled: number;
}

export interface RunnerContext {
  store: Store;
  registry: Registry;
  log: Logger;
  config: RunnerConfig;
  stats: Stats;
  /** Unique per process; owns the leases it takes. */
  instanceId: string;
  /**
   * `wake()`: look for due calls now. `wake(at)`: an item (timer, delayed retry, cron) becomes due
   * at `at` (ms); the scheduler arms its timer for it.
   */
  wake(at?: number): void;
  /** Protocol recorder (runner/record.ts), only when FOLIO_RUNNER_RECORD is set. */
  recorder?: Recorder;
}

export function newStats(): Stats {
  return { checkpoints: { ok: 0, failed: 0, stale: 0, rejected: 0, steps: 0 }, calls: 0, events: 0, runsStarted: 0, runsCompleted: 0, runsFailed: 0, runsCancelled: 0 };
}
