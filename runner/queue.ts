/**
 * The DB-backed queue: finds due items, leases them (lease_until / lease_gen / lease_owner),
 * enforces the worker pool and concurrency limits (function-wide and keyed), resolves timers
 * (sleep, waitForEvent and invoke timeouts), fires cron schedules, renews leases of calls in flight,
 * and on start re-queues every item a previous process had leased (a crashed call is retried
 * without counting as an attempt).
 */

import os from "node:os";
import type { RunnerContext } from "./context";
import { parseCron } from "./cron";
import { executeItem } from "./executor";
import { CRON_EVENT, handleTimer, ingestEvent } from "./runs";
import { num, str, toItem, type QueueItem } from "./store";

type Key = { k: string; l: number };

interface InFlight {
  item: QueueItem;
  keys: Key[];
  abort: AbortController;
  done: Promise<void>;
}

function parseKeys(json: string): Key[] {
  try {
    const v: unknown = JSON.parse(json);
    if (!Array.isArray(v)) return [];
    return v.filter((x): x is Key => typeof x === "object" && x !== null && typeof (x as Key).k === "string" && typeof (x as Key).l === "number");
  } catch {
    return [];
  }
}

function pidAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

const HOUR = 3_600_000;

export class Scheduler {
  private readonly inflight = new Map<string, InFlight>();
  private readonly keyCounts = new Map<string, number>();
  private ticking = false;
  private again = false;
  private scheduled = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private maintenance: NodeJS.Timeout | undefined;
  private lastCleanup = 0;
  /** Earliest time something not yet due (timer, delayed retry, cron) becomes due. 0: check now. */
  private nextDueAt = 0;

  constructor(private readonly ctx: RunnerContext) {}

  get inFlightCount(): number {
    return this.inflight.size;
  }

  async start(): Promise<void> {
    await this.acquireLock();
    await this.recover();
    const every = Math.max(500, Math.floor(this.ctx.config.leaseMs / 3));
    this.maintenance = setInterval(() => void this.maintain(), every);
    this.maintenance.unref();
    this.wake();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.maintenance) clearInterval(this.maintenance);
    for (const f of this.inflight.values()) f.abort.abort();
    await Promise.allSettled([...this.inflight.values()].map((f) => f.done));
    while (this.ticking) await new Promise((r) => setTimeout(r, 5));
    try {
      await this.ctx.store.tx((t) => t.run("DELETE FROM lock WHERE id = 1 AND owner = ?", [this.ctx.instanceId]));
    } catch {
      // store may already be closed
    }
  }

  wake(at?: number): void {
    if (this.stopped) return;
    if (at !== undefined) {
      if (at < this.nextDueAt) {
        this.nextDueAt = at;
        if (at > Date.now()) this.armTimer();
      }
      if (at > Date.now()) return;
    }
    if (this.ticking) {
      this.again = true;
      return;
    }
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.tick();
    });
  }

  /** One timer for the earliest known due time (timers, delayed retries, crons), at most 5 s away. */
  private armTimer(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    const now = Date.now();
    const delay = Math.max(0, Math.min(this.nextDueAt, now + 5_000) - now);
    this.timer = setTimeout(() => {
      // Also a safety net: every 5 s the queue is re-read even without a known due item.
      this.nextDueAt = Math.min(this.nextDueAt, Date.now());
      this.wake();
    }, delay);
    this.timer.unref?.();
  }

  private async acquireLock(): Promise<void> {
    const { store, instanceId, config } = this.ctx;
    const now = Date.now();
    const staleAfter = Math.max(3 * config.leaseMs, 10_000);
    await store.tx(async (t) => {
      const row = await t.get("SELECT owner, pid, host, heartbeat_at FROM lock WHERE id = 1");
      if (row && str(row.owner) !== instanceId) {
        const fresh = now - num(row.heartbeat_at) < staleAfter;
        const alive = str(row.host) === os.hostname() ? pidAlive(num(row.pid)) && fresh : fresh;
        if (alive) {
          throw new Error(`another runner (pid ${num(row.pid)} on ${str(row.host)}) is using ${store.file}; stop it first`);
        }
        this.ctx.log.info("lock.taken_over", { previous_owner: str(row.owner), previous_pid: num(row.pid) });
      }
      await t.run("INSERT OR REPLACE INTO lock (id, owner, pid, host, heartbeat_at) VALUES (1, ?, ?, ?, ?)", [instanceId, process.pid, os.hostname(), now]);
    });
  }

  /** Items leased by a previous process (crash, kill -9) go back to the queue at once. */
  private async recover(): Promise<void> {
    const now = Date.now();
    const { requeued, interrupted } = await this.ctx.store.tx(async (t) => {
      const requeued = await t.run("UPDATE queue SET lease_until = NULL, lease_owner = NULL WHERE lease_until IS NOT NULL");
      const interrupted = await t.run("UPDATE attempts SET ended_at = ?, outcome = 'interrupted', detail = 'runner stopped while the call was in flight; the item was re-queued' WHERE ended_at IS NULL", [now]);
      return { requeued, interrupted };
    });
    const pending = await this.ctx.store.read((t) => t.get("SELECT COUNT(*) AS n FROM queue"));
    this.ctx.log.info("recovery.done", { requeued_in_flight: requeued, interrupted_attempts: interrupted, queued_items: num(pending?.n) });
  }

  private async maintain(): Promise<void> {
    if (this.stopped) return;
    const { store, instanceId, config, log } = this.ctx;
    const now = Date.now();
    try {
      await store.tx(async (t) => {
        await t.run("UPDATE queue SET lease_until = ? WHERE lease_owner = ? AND lease_until IS NOT NULL", [now + config.leaseMs, instanceId]);
        const reaped = await t.run("UPDATE queue SET lease_until = NULL, lease_owner = NULL WHERE lease_until IS NOT NULL AND lease_until < ? AND (lease_owner IS NULL OR lease_owner <> ?)", [now, instanceId]);
        if (reaped) log.warn("lease.expired_requeued", { items: reaped });
        await t.run("UPDATE lock SET heartbeat_at = ? WHERE id = 1 AND owner = ?", [now, instanceId]);
      });
      if (now - this.lastCleanup > HOUR) {
        this.lastCleanup = now;
        await this.cleanup(now);
      }
    } catch (err) {
      if (!this.stopped) log.error("maintenance.failed", { error: err });
    }
    this.wake();
  }

  private async cleanup(now: number): Promise<void> {
    const cutoff = now - this.ctx.config.retentionMs;
    const eventCutoff = now - Math.max(this.ctx.config.retentionMs, 25 * HOUR);
    const removed = await this.ctx.store.tx(async (t) => {
      const old = "SELECT id FROM runs WHERE status IN ('completed', 'failed', 'cancelled') AND ended_at < ?";
      await t.run(`DELETE FROM steps WHERE run_id IN (${old})`, [cutoff]);
      await t.run(`DELETE FROM attempts WHERE run_id IN (${old})`, [cutoff]);
      const runs = await t.run("DELETE FROM runs WHERE status IN ('completed', 'failed', 'cancelled') AND ended_at < ?", [cutoff]);
      const events = await t.run("DELETE FROM events WHERE received_at < ?", [eventCutoff]);
      await t.run("DELETE FROM idempotency WHERE expires_at < ?", [now]);
      return { runs, events };
    });
    if (removed.runs || removed.events) this.ctx.log.info("retention.cleanup", removed);
  }

  private async tick(): Promise<void> {
    if (this.stopped || this.ticking) return;
    this.ticking = true;
    try {
      do {
        this.again = false;
        const now = Date.now();
        if (now >= this.nextDueAt) await this.processDue(now);
        if (this.stopped) break;
        const capacity = this.ctx.config.workers - this.inflight.size;
        if (capacity > 0) {
          const chosen = await this.pickCalls(capacity, Date.now());
          if (chosen.length) await this.leaseAndDispatch(chosen);
        }
      } while (this.again && !this.stopped);
    } catch (err) {
      if (!this.stopped) this.ctx.log.error("scheduler.tick_failed", { error: err });
      this.nextDueAt = Math.min(this.nextDueAt, Date.now() + 1000);
    } finally {
      this.ticking = false;
      this.armTimer();
    }
  }

  /** Fires due crons and timers, then learns the next due time from the store. */
  private async processDue(now: number): Promise<void> {
    this.nextDueAt = Number.POSITIVE_INFINITY;
    await this.fireCrons(now);
    for (;;) {
      const timers = await this.ctx.store.read((t) =>
        t.all("SELECT * FROM queue WHERE lease_until IS NULL AND run_at <= ? AND kind IN ('sleep', 'wait_timeout', 'invoke_timeout') ORDER BY run_at LIMIT 200", [now]),
      );
      for (const row of timers) {
        const item = toItem(row);
        try {
          await this.ctx.store.tx((t) => handleTimer(t, this.ctx, item, Date.now()));
        } catch (err) {
          this.ctx.log.error("timer.failed", { item_id: item.id, run_id: item.run_id, error: err });
          await this.ctx.store.tx((t) => t.run("UPDATE queue SET run_at = ? WHERE id = ?", [Date.now() + 1000, item.id]));
        }
      }
      if (timers.length < 200 || this.stopped) break;
    }
    const next = await this.ctx.store.read(async (t) => {
      const q = await t.get("SELECT MIN(run_at) AS a FROM queue WHERE lease_until IS NULL AND run_at > ?", [now]);
      const c = await t.get("SELECT MIN(next_at) AS a FROM crons");
      return Math.min(q?.a === null || q?.a === undefined ? Infinity : num(q.a), c?.a === null || c?.a === undefined ? Infinity : num(c.a));
    });
    // wake(at) calls made meanwhile have already lowered nextDueAt.
    this.nextDueAt = Math.min(this.nextDueAt, next);
  }

  /**
   * Due calls in priority order (sort_at = run_at - priority), skipping those whose concurrency
   * keys are saturated. Pages through the queue (keyset pagination) so a backlog blocked by one
   * function's limit cannot starve other functions.
   */
  private async pickCalls(capacity: number, now: number): Promise<Array<{ item: QueueItem; keys: Key[] }>> {
    const chosen: Array<{ item: QueueItem; keys: Key[] }> = [];
    const pendingCounts = new Map<string, number>();
    const pageSize = Math.max(16, capacity * 4);
    let cursor: { sortAt: number; id: string } | undefined;
    let scanned = 0;
    while (chosen.length < capacity && scanned < 20_000) {
      const after = cursor;
      const rows = await this.ctx.store.read((t) =>
        after
          ? t.all(
              "SELECT id, run_id, kind, ckeys, sort_at FROM queue WHERE lease_until IS NULL AND run_at <= ? AND kind IN ('discover', 'step') AND (sort_at > ? OR (sort_at = ? AND id > ?)) ORDER BY sort_at, id LIMIT ?",
              [now, after.sortAt, after.sortAt, after.id, pageSize],
            )
          : t.all("SELECT id, run_id, kind, ckeys, sort_at FROM queue WHERE lease_until IS NULL AND run_at <= ? AND kind IN ('discover', 'step') ORDER BY sort_at, id LIMIT ?", [now, pageSize]),
      );
      scanned += rows.length;
      for (const row of rows) {
        if (chosen.length >= capacity) break;
        const keys = parseKeys(str(row.ckeys));
        const ok = keys.every((key) => (this.keyCounts.get(key.k) ?? 0) + (pendingCounts.get(key.k) ?? 0) < key.l);
        if (!ok) continue;
        for (const key of keys) pendingCounts.set(key.k, (pendingCounts.get(key.k) ?? 0) + 1);
        chosen.push({ item: { id: str(row.id), run_id: str(row.run_id) } as QueueItem, keys });
      }
      const last = rows[rows.length - 1];
      if (rows.length < pageSize || !last) break;
      cursor = { sortAt: num(last.sort_at), id: str(last.id) };
    }
    return chosen;
  }

  private async leaseAndDispatch(chosen: Array<{ item: QueueItem; keys: Key[] }>): Promise<void> {
    const until = Date.now() + this.ctx.config.leaseMs;
    const leased = await this.ctx.store.tx(async (t) => {
      const out: Array<{ item: QueueItem; keys: Key[] }> = [];
      for (const c of chosen) {
        const r = await t.get("UPDATE queue SET lease_until = ?, lease_owner = ?, lease_gen = lease_gen + 1 WHERE id = ? AND lease_until IS NULL RETURNING *", [
          until,
          this.ctx.instanceId,
          c.item.id,
        ]);
        if (r) out.push({ item: toItem(r), keys: c.keys });
      }
      return out;
    });
    for (const l of leased) this.dispatch(l.item, l.keys);
  }

  private dispatch(item: QueueItem, keys: Key[]): void {
    const abort = new AbortController();
    for (const key of keys) this.keyCounts.set(key.k, (this.keyCounts.get(key.k) ?? 0) + 1);
    const done = executeItem(this.ctx, item, abort.signal)
      .catch(async (err: unknown) => {
        this.ctx.log.error("call.internal_error", { run_id: item.run_id, item_id: item.id, error: err });
        try {
          await this.ctx.store.tx((t) =>
            t.run("UPDATE queue SET lease_until = NULL, lease_owner = NULL, run_at = ? WHERE id = ? AND lease_gen = ?", [Date.now() + 1000, item.id, item.lease_gen]),
          );
        } catch {
          // the lease expires on its own
        }
      })
      .finally(() => {
        this.inflight.delete(item.id);
        for (const key of keys) {
          const n = (this.keyCounts.get(key.k) ?? 1) - 1;
          if (n <= 0) this.keyCounts.delete(key.k);
          else this.keyCounts.set(key.k, n);
        }
        this.wake();
      });
    this.inflight.set(item.id, { item, keys, abort, done });
  }

  private async fireCrons(now: number): Promise<void> {
    const due = await this.ctx.store.read((t) => t.all("SELECT fn_id, expr, next_at FROM crons WHERE next_at <= ?", [now]));
    for (const row of due) {
      const fnId = str(row.fn_id);
      const expr = str(row.expr);
      try {
        await this.ctx.store.tx(async (t) => {
          const cur = await t.get("SELECT next_at FROM crons WHERE fn_id = ? AND expr = ?", [fnId, expr]);
          if (!cur || num(cur.next_at) > now) return;
          const fn = this.ctx.registry.get(fnId);
          if (!fn || !fn.triggers.some((tr) => tr.kind === "cron" && tr.cron === expr)) {
            await t.run("DELETE FROM crons WHERE fn_id = ? AND expr = ?", [fnId, expr]);
            return;
          }
          const scheduledAt = new Date(num(cur.next_at)).toISOString();
          await ingestEvent(
            t,
            this.ctx,
            { name: CRON_EVENT, id: `cron:${fnId}:${expr}:${scheduledAt}`, data: { cron: expr, scheduledAt, fireAt: new Date(now).toISOString() }, ts: now },
            now,
            { onlyFunction: fn },
          );
          await t.run("UPDATE crons SET next_at = ? WHERE fn_id = ? AND expr = ?", [parseCron(expr).next(now), fnId, expr]);
          this.ctx.log.info("cron.fired", { function_id: fnId, cron: expr, scheduled_at: scheduledAt });
        });
      } catch (err) {
        this.ctx.log.error("cron.failed", { function_id: fnId, cron: expr, error: err });
      }
    }
  }
}
