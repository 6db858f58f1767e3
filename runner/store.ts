/**
 * The runner's SQLite file (@libsql/client, WAL): apps, functions, events, runs, memoized step
 * state, the queue (with leases), waits, idempotency keys, cron schedules and the attempt log.
 *
 * The local libsql client executes statements synchronously under an async API, on one
 * connection. Every unit of work goes through a mutex so a transaction (BEGIN IMMEDIATE..COMMIT)
 * never interleaves with statements from another async task.
 */

import fs from "node:fs";
import path from "node:path";
import { createClient, type Client, type InArgs, type Row } from "@libsql/client";

const SCHEMA_VERSION = 2;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS apps (
  id TEXT PRIMARY KEY, url TEXT NOT NULL, sdk TEXT, framework TEXT, synced_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS functions (
  id TEXT PRIMARY KEY, app_id TEXT NOT NULL, internal_id TEXT NOT NULL, config TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1, updated_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
  internal_id TEXT PRIMARY KEY, id TEXT NOT NULL, user_id TEXT, name TEXT NOT NULL,
  payload TEXT NOT NULL, ts INTEGER NOT NULL, received_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS events_user_id ON events(user_id, received_at);
CREATE INDEX IF NOT EXISTS events_received ON events(received_at);
CREATE TABLE IF NOT EXISTS runs (
  id TEXT PRIMARY KEY, fn_id TEXT NOT NULL, status TEXT NOT NULL,
  event TEXT NOT NULL, events TEXT NOT NULL, event_id TEXT,
  created_at INTEGER NOT NULL, started_at INTEGER, ended_at INTEGER,
  output TEXT, error TEXT,
  max_attempts INTEGER NOT NULL, ckeys TEXT NOT NULL, priority INTEGER NOT NULL DEFAULT 0,
  force_plan INTEGER NOT NULL DEFAULT 0, req_version INTEGER, seq INTEGER NOT NULL DEFAULT 0,
  parent_run_id TEXT, parent_step_id TEXT
);
CREATE INDEX IF NOT EXISTS runs_fn_status ON runs(fn_id, status);
CREATE INDEX IF NOT EXISTS runs_created ON runs(created_at);
CREATE INDEX IF NOT EXISTS runs_status_ended ON runs(status, ended_at);
CREATE TABLE IF NOT EXISTS steps (
  run_id TEXT NOT NULL, step_id TEXT NOT NULL, name TEXT, op TEXT NOT NULL, status TEXT NOT NULL,
  result TEXT, seq INTEGER, attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT, opts TEXT,
  created_at INTEGER NOT NULL, started_at INTEGER, ended_at INTEGER, plan_seq INTEGER,
  PRIMARY KEY (run_id, step_id)
);
CREATE TABLE IF NOT EXISTS queue (
  id TEXT PRIMARY KEY, job_key TEXT UNIQUE, run_id TEXT NOT NULL, fn_id TEXT NOT NULL,
  kind TEXT NOT NULL, step_id TEXT, attempt INTEGER NOT NULL DEFAULT 0, max_attempts INTEGER NOT NULL,
  unreachable INTEGER NOT NULL DEFAULT 0, run_at INTEGER NOT NULL, sort_at INTEGER NOT NULL,
  ckeys TEXT NOT NULL DEFAULT '[]', lease_until INTEGER, lease_gen INTEGER NOT NULL DEFAULT 0,
  lease_owner TEXT, created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS queue_due ON queue(lease_until, sort_at);
CREATE INDEX IF NOT EXISTS queue_run_at ON queue(run_at);
CREATE INDEX IF NOT EXISTS queue_run ON queue(run_id);
CREATE TABLE IF NOT EXISTS attempts (
  id INTEGER PRIMARY KEY AUTOINCREMENT, run_id TEXT NOT NULL, item_id TEXT, kind TEXT NOT NULL,
  step_id TEXT, attempt INTEGER NOT NULL, started_at INTEGER NOT NULL, ended_at INTEGER,
  outcome TEXT, http_status INTEGER, error TEXT, detail TEXT
);
CREATE INDEX IF NOT EXISTS attempts_run ON attempts(run_id);
CREATE TABLE IF NOT EXISTS waits (
  run_id TEXT NOT NULL, step_id TEXT NOT NULL, event_name TEXT NOT NULL, expr TEXT,
  expires_at INTEGER NOT NULL, created_at INTEGER NOT NULL, PRIMARY KEY (run_id, step_id)
);
CREATE INDEX IF NOT EXISTS waits_event ON waits(event_name);
CREATE TABLE IF NOT EXISTS idempotency (
  fn_id TEXT NOT NULL, key TEXT NOT NULL, run_id TEXT NOT NULL, expires_at INTEGER NOT NULL,
  PRIMARY KEY (fn_id, key)
);
CREATE TABLE IF NOT EXISTS crons (
  fn_id TEXT NOT NULL, expr TEXT NOT NULL, next_at INTEGER NOT NULL, PRIMARY KEY (fn_id, expr)
);
CREATE TABLE IF NOT EXISTS lock (
  id INTEGER PRIMARY KEY CHECK (id = 1), owner TEXT NOT NULL, pid INTEGER NOT NULL,
  host TEXT NOT NULL, heartbeat_at INTEGER NOT NULL
);
`;

class Mutex {
  private tail: Promise<void> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn, fn);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}

/** Statement helpers bound to the single connection; only valid inside Store.tx/read. */
export class Tx {
  constructor(private readonly client: Client) {}

  async run(sql: string, args: InArgs = []): Promise<number> {
    const r = await this.client.execute({ sql, args });
    return r.rowsAffected;
  }

  async all(sql: string, args: InArgs = []): Promise<Row[]> {
    return (await this.client.execute({ sql, args })).rows;
  }

  async get(sql: string, args: InArgs = []): Promise<Row | undefined> {
    return (await this.client.execute({ sql, args })).rows[0];
  }
}

export type SyncMode = "normal" | "full";

export class Store {
  private readonly mutex = new Mutex();
  private readonly tx_: Tx;
  private closed = false;

  private constructor(
    private readonly client: Client,
    readonly file: string,
  ) {
    this.tx_ = new Tx(client);
  }

  static async open(file: string, sync: SyncMode = "normal"): Promise<Store> {
    const abs = path.resolve(file);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    const client = createClient({ url: `file:${abs}` });
    const store = new Store(client, abs);
    await client.execute("PRAGMA journal_mode = WAL");
    // NORMAL in WAL mode survives a process crash (kill -9); FULL also survives power loss.
    await client.execute(`PRAGMA synchronous = ${sync === "full" ? "FULL" : "NORMAL"}`);
    await client.execute("PRAGMA busy_timeout = 5000");
    await client.execute("PRAGMA foreign_keys = OFF");
    const version = Number((await client.execute("PRAGMA user_version")).rows[0]?.user_version ?? 0);
    if (version > SCHEMA_VERSION) throw new Error(`runner database ${abs} has schema version ${version}, newer than this runner (${SCHEMA_VERSION})`);
    if (version === 1) await client.execute("ALTER TABLE steps ADD COLUMN plan_seq INTEGER");
    await client.executeMultiple(SCHEMA);
    await client.execute(`PRAGMA user_version = ${SCHEMA_VERSION}`);
    return store;
  }

  /** Runs `fn` in a write transaction; rolled back when it throws. */
  tx<T>(fn: (t: Tx) => Promise<T>): Promise<T> {
    return this.mutex.run(async () => {
      if (this.closed) throw new Error("runner store is closed");
      await this.client.execute("BEGIN IMMEDIATE");
      try {
        const result = await fn(this.tx_);
        await this.client.execute("COMMIT");
        return result;
      } catch (err) {
        try {
          await this.client.execute("ROLLBACK");
        } catch {
          // already rolled back
        }
        throw err;
      }
    });
  }

  /** Reads (or single statements) outside a transaction, serialized with the writers. */
  read<T>(fn: (t: Tx) => Promise<T>): Promise<T> {
    return this.mutex.run(async () => {
      if (this.closed) throw new Error("runner store is closed");
      return fn(this.tx_);
    });
  }

  async close(): Promise<void> {
    await this.mutex.run(async () => {
      if (this.closed) return;
      this.closed = true;
      try {
        await this.client.execute("PRAGMA wal_checkpoint(PASSIVE)");
      } catch {
        // best effort
      }
      this.client.close();
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Row types and accessors

export const str = (v: unknown): string => (typeof v === "string" ? v : v === null || v === undefined ? "" : String(v));
export const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
export const num = (v: unknown): number => (typeof v === "number" ? v : typeof v === "bigint" ? Number(v) : Number(v ?? 0));
export const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : num(v));

export type RunStatus = "queued" | "running" | "completed" | "failed" | "cancelled";
export const TERMINAL: ReadonlySet<string> = new Set(["completed", "failed", "cancelled"]);

export interface RunRow {
  id: string;
  fn_id: string;
  status: RunStatus;
  event: string;
  events: string;
  event_id: string | null;
  created_at: number;
  started_at: number | null;
  ended_at: number | null;
  output: string | null;
  error: string | null;
  max_attempts: number;
  ckeys: string;
  priority: number;
  force_plan: number;
  req_version: number | null;
  seq: number;
  parent_run_id: string | null;
  parent_step_id: string | null;
}

export function toRun(r: Row): RunRow {
  return {
    id: str(r.id),
    fn_id: str(r.fn_id),
    status: str(r.status) as RunStatus,
    event: str(r.event),
    events: str(r.events),
    event_id: strOrNull(r.event_id),
    created_at: num(r.created_at),
    started_at: numOrNull(r.started_at),
    ended_at: numOrNull(r.ended_at),
    output: strOrNull(r.output),
    error: strOrNull(r.error),
    max_attempts: num(r.max_attempts),
    ckeys: str(r.ckeys),
    priority: num(r.priority),
    force_plan: num(r.force_plan),
    req_version: numOrNull(r.req_version),
    seq: num(r.seq),
    parent_run_id: strOrNull(r.parent_run_id),
    parent_step_id: strOrNull(r.parent_step_id),
  };
}

export type ItemKind = "discover" | "step" | "sleep" | "wait_timeout" | "invoke_timeout";
export const TIMER_KINDS: ReadonlySet<string> = new Set(["sleep", "wait_timeout", "invoke_timeout"]);

export interface QueueItem {
  id: string;
  job_key: string | null;
  run_id: string;
  fn_id: string;
  kind: ItemKind;
  step_id: string | null;
  attempt: number;
  max_attempts: number;
  unreachable: number;
  run_at: number;
  sort_at: number;
  ckeys: string;
  lease_until: number | null;
  lease_gen: number;
  lease_owner: string | null;
  created_at: number;
}

export function toItem(r: Row): QueueItem {
  return {
    id: str(r.id),
    job_key: strOrNull(r.job_key),
    run_id: str(r.run_id),
    fn_id: str(r.fn_id),
    kind: str(r.kind) as ItemKind,
    step_id: strOrNull(r.step_id),
    attempt: num(r.attempt),
    max_attempts: num(r.max_attempts),
    unreachable: num(r.unreachable),
    run_at: num(r.run_at),
    sort_at: num(r.sort_at),
    ckeys: str(r.ckeys),
    lease_until: numOrNull(r.lease_until),
    lease_gen: num(r.lease_gen),
    lease_owner: strOrNull(r.lease_owner),
    created_at: num(r.created_at),
  };
}

export interface StepRow {
  run_id: string;
  step_id: string;
  name: string | null;
  op: string;
  status: string;
  result: string | null;
  seq: number | null;
  attempts: number;
  last_error: string | null;
  opts: string | null;
  created_at: number;
  started_at: number | null;
  ended_at: number | null;
}

export function toStep(r: Row): StepRow {
  return {
    run_id: str(r.run_id),
    step_id: str(r.step_id),
    name: strOrNull(r.name),
    op: str(r.op),
    status: str(r.status),
    result: strOrNull(r.result),
    seq: numOrNull(r.seq),
    attempts: num(r.attempts),
    last_error: strOrNull(r.last_error),
    opts: strOrNull(r.opts),
    created_at: num(r.created_at),
    started_at: numOrNull(r.started_at),
    ended_at: numOrNull(r.ended_at),
  };
}

// ---------------------------------------------------------------------------------------------
// Queries

export async function getRun(t: Tx, id: string): Promise<RunRow | undefined> {
  const r = await t.get("SELECT * FROM runs WHERE id = ?", [id]);
  return r ? toRun(r) : undefined;
}

export async function getItem(t: Tx, id: string): Promise<QueueItem | undefined> {
  const r = await t.get("SELECT * FROM queue WHERE id = ?", [id]);
  return r ? toItem(r) : undefined;
}

export async function getStep(t: Tx, runId: string, stepId: string): Promise<StepRow | undefined> {
  const r = await t.get("SELECT * FROM steps WHERE run_id = ? AND step_id = ?", [runId, stepId]);
  return r ? toStep(r) : undefined;
}

export interface EnqueueInput {
  id: string;
  jobKey?: string;
  runId: string;
  fnId: string;
  kind: ItemKind;
  stepId?: string;
  attempt?: number;
  maxAttempts: number;
  runAt: number;
  priority: number;
  ckeys: string;
  now: number;
}

/** Inserts a queue item; an existing `jobKey` makes this a no-op (returns false). */
export async function enqueue(t: Tx, q: EnqueueInput): Promise<boolean> {
  const n = await t.run(
    `INSERT OR IGNORE INTO queue (id, job_key, run_id, fn_id, kind, step_id, attempt, max_attempts, run_at, sort_at, ckeys, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [q.id, q.jobKey ?? null, q.runId, q.fnId, q.kind, q.stepId ?? null, q.attempt ?? 0, q.maxAttempts, q.runAt, q.runAt - q.priority * 1000, q.ckeys, q.now],
  );
  return n > 0;
}

export async function hasPendingSteps(t: Tx, runId: string): Promise<boolean> {
  const r = await t.get("SELECT 1 AS x FROM steps WHERE run_id = ? AND seq IS NULL AND status IN ('planned', 'sleeping', 'waiting', 'invoking') LIMIT 1", [runId]);
  return r !== undefined;
}

/**
 * Memoized state for a call: `{"<hashed id>": {data}|{error}, ...}` as JSON text, plus the stack
 * (completion order). `maxSeq` limits it to the results memoized up to that point.
 */
export async function memoState(t: Tx, runId: string, maxSeq?: number | null): Promise<{ stepsJson: string; stack: string[] }> {
  const rows =
    maxSeq === undefined || maxSeq === null
      ? await t.all("SELECT step_id, result FROM steps WHERE run_id = ? AND seq IS NOT NULL ORDER BY seq", [runId])
      : await t.all("SELECT step_id, result FROM steps WHERE run_id = ? AND seq IS NOT NULL AND seq <= ? ORDER BY seq", [runId, maxSeq]);
  const parts: string[] = [];
  const stack: string[] = [];
  for (const r of rows) {
    const id = str(r.step_id);
    stack.push(id);
    parts.push(`${JSON.stringify(id)}:${str(r.result) || '{"data":null}'}`);
  }
  return { stepsJson: `{${parts.join(",")}}`, stack };
}
