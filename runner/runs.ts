/**
 * Run lifecycle: event intake (dedupe, triggers, waitForEvent resumes, cancelOn), run creation
 * (idempotency, concurrency keys, priority), memoization of step results, and finishing runs
 * (completed / failed / cancelled, `inngest/function.*` events, onFailure, invoke results).
 *
 * Every function here runs inside a store transaction (`t`), so each state change is atomic.
 */

import type { RunnerContext } from "./context";
import { evaluateKey, compiled, matches } from "./expressions";
import { ulid } from "./ids";
import type { FunctionDef } from "./registry";
import { TERMINAL, enqueue, getRun, getStep, hasPendingSteps, num, str, toRun, type QueueItem, type RunRow, type Tx } from "./store";

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
export const EVENT_DEDUPE_TTL_MS = 24 * 60 * 60 * 1000;

export const FN_FAILED = "inngest/function.failed";
export const FN_FINISHED = "inngest/function.finished";
export const FN_CANCELLED = "inngest/function.cancelled";
export const FN_INVOKED = "inngest/function.invoked";
export const CRON_EVENT = "inngest/scheduled.timer";

/** The JSON event shape functions receive. */
export interface EventPayload {
  name: string;
  data: Record<string, unknown>;
  id: string;
  ts: number;
  v?: string;
  [k: string]: unknown;
}

export type StepResult = { data: unknown } | { error: unknown };

export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  [k: string]: unknown;
}

export function errorObject(name: string, message: string): SerializedError {
  return { name, message };
}

function parseJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export function runEvent(run: RunRow): EventPayload {
  return parseJson(run.event) as EventPayload;
}

// ---------------------------------------------------------------------------------------------
// Events

export interface IncomingEvent {
  name: string;
  data?: Record<string, unknown> | null;
  id?: string;
  ts?: number;
  v?: string;
  [k: string]: unknown;
}

export interface IngestOptions {
  /** The (seeded) internal ID to store the event under. */
  internalId?: string;
  /** Only start a run of this function (crons); no other triggers, waits or cancels. */
  onlyFunction?: FunctionDef;
  /** Skip the event-`id` de-duplication (internal events keyed by run). */
  skipDedupe?: boolean;
}

/**
 * Stores one event and acts on it. Returns the internal ID (the existing one for a duplicate `id`
 * within 24 h, which starts nothing).
 */
export async function ingestEvent(t: Tx, ctx: RunnerContext, input: IncomingEvent, now: number, opts: IngestOptions = {}): Promise<string> {
  const internalId = opts.internalId ?? ulid(now);
  const userId = typeof input.id === "string" && input.id ? input.id : null;

  if (await t.get("SELECT 1 AS x FROM events WHERE internal_id = ?", [internalId])) {
    ctx.log.debug("event.duplicate_seed", { internal_id: internalId, name: input.name });
    return internalId;
  }
  if (userId && !opts.skipDedupe) {
    const dup = await t.get("SELECT internal_id FROM events WHERE user_id = ? AND received_at > ? LIMIT 1", [userId, now - EVENT_DEDUPE_TTL_MS]);
    if (dup) {
      ctx.log.info("event.deduplicated", { id: userId, name: input.name, original: str(dup.internal_id) });
      return str(dup.internal_id);
    }
  }

  const evt: EventPayload = {
    ...input,
    name: input.name,
    data: input.data && typeof input.data === "object" ? input.data : {},
    id: userId ?? internalId,
    ts: typeof input.ts === "number" && input.ts > 0 ? input.ts : now,
  };
  const payload = JSON.stringify(evt);
  await t.run("INSERT INTO events (internal_id, id, user_id, name, payload, ts, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)", [
    internalId,
    evt.id,
    userId,
    evt.name,
    payload,
    evt.ts,
    now,
  ]);
  ctx.stats.events++;

  if (opts.onlyFunction) {
    await createRun(t, ctx, opts.onlyFunction, evt, payload, internalId, now);
    return internalId;
  }

  await applyCancellations(t, ctx, evt, now);
  await resumeWaits(t, ctx, evt, now);

  for (const fn of ctx.registry.forEvent(evt.name)) {
    let triggered = false;
    for (const trig of fn.triggers) {
      if (trig.kind !== "event") continue;
      const nameOk = trig.event.endsWith("*") ? evt.name.startsWith(trig.event.slice(0, -1)) : trig.event === evt.name;
      if (!nameOk) continue;
      if (!trig.expression) {
        triggered = true;
        break;
      }
      const m = matches(trig.expression, ["event"], { event: evt });
      if (m.error) ctx.log.warn("trigger.expression_error", { function_id: fn.id, expression: trig.expression, error: m.error });
      if (m.ok) {
        triggered = true;
        break;
      }
    }
    if (triggered) await createRun(t, ctx, fn, evt, payload, internalId, now);
  }
  return internalId;
}

/** Emits an internal `inngest/*` event (function finished/failed/cancelled). */
async function emitInternal(t: Tx, ctx: RunnerContext, name: string, data: Record<string, unknown>, id: string | undefined, now: number): Promise<void> {
  await ingestEvent(t, ctx, { name, data, id, ts: now }, now, { skipDedupe: id === undefined });
}

// ---------------------------------------------------------------------------------------------
// Runs

export interface CreateRunOptions {
  parentRunId?: string;
  parentStepId?: string;
  skipIdempotency?: boolean;
}

export async function createRun(
  t: Tx,
  ctx: RunnerContext,
  fn: FunctionDef,
  evt: EventPayload,
  payload: string,
  eventInternalId: string | null,
  now: number,
  opts: CreateRunOptions = {},
): Promise<string | undefined> {
  const vars = { event: evt };
  const runId = ulid(now);

  if (fn.idempotency && !opts.skipIdempotency) {
    let key: string;
    try {
      key = evaluateKey(fn.idempotency, vars);
    } catch (err) {
      key = "null";
      ctx.log.warn("idempotency.expression_error", { function_id: fn.id, expression: fn.idempotency, error: String(err) });
    }
    const existing = await t.get("SELECT run_id, expires_at FROM idempotency WHERE fn_id = ? AND key = ?", [fn.id, key]);
    if (existing && num(existing.expires_at) > now) {
      ctx.log.info("run.skipped_idempotent", { function_id: fn.id, key, existing_run_id: str(existing.run_id), event_id: evt.id });
      return undefined;
    }
    await t.run("INSERT OR REPLACE INTO idempotency (fn_id, key, run_id, expires_at) VALUES (?, ?, ?, ?)", [fn.id, key, runId, now + IDEMPOTENCY_TTL_MS]);
  }

  const ckeys = fn.concurrency.map((c) => {
    let value = "";
    if (c.key) {
      try {
        value = evaluateKey(c.key, vars);
      } catch (err) {
        ctx.log.warn("concurrency.key_error", { function_id: fn.id, expression: c.key, error: String(err) });
      }
    }
    const k = c.scope === "fn" ? `fn:${fn.id}:${c.key ? `${c.key}=${value}` : "*"}` : `${c.scope}:${c.key}=${value}`;
    return { k, l: c.limit };
  });

  let priority = 0;
  if (fn.priority) {
    try {
      const v = compiled(fn.priority, ["event"]).evaluate(vars);
      if (typeof v === "number" && Number.isFinite(v)) priority = Math.max(-600, Math.min(600, Math.round(v)));
    } catch (err) {
      ctx.log.warn("priority.expression_error", { function_id: fn.id, expression: fn.priority, error: String(err) });
    }
  }

  const ckeysJson = JSON.stringify(ckeys);
  const maxAttempts = fn.retries + 1;
  await t.run(
    `INSERT INTO runs (id, fn_id, status, event, events, event_id, created_at, max_attempts, ckeys, priority, parent_run_id, parent_step_id)
     VALUES (?, ?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [runId, fn.id, payload, `[${payload}]`, eventInternalId, now, maxAttempts, ckeysJson, priority, opts.parentRunId ?? null, opts.parentStepId ?? null],
  );
  await enqueue(t, { id: ulid(now), runId, fnId: fn.id, kind: "discover", maxAttempts, runAt: now, priority, ckeys: ckeysJson, now });
  ctx.stats.runsStarted++;
  ctx.log.info("run.created", { run_id: runId, function_id: fn.id, event: evt.name, event_id: evt.id, priority: priority || undefined });
  ctx.wake();
  return runId;
}

/** Queues a discovery call for the run unless one is already waiting. */
export async function enqueueDiscover(t: Tx, ctx: RunnerContext, run: RunRow, now: number): Promise<void> {
  if (TERMINAL.has(run.status)) return;
  const existing = await t.get("SELECT 1 AS x FROM queue WHERE run_id = ? AND kind = 'discover' AND lease_until IS NULL LIMIT 1", [run.id]);
  if (existing) return;
  await enqueue(t, {
    id: ulid(now),
    runId: run.id,
    fnId: run.fn_id,
    kind: "discover",
    maxAttempts: run.max_attempts,
    runAt: now,
    priority: run.priority,
    ckeys: run.ckeys,
    now,
  });
  ctx.wake();
}

/** After a step settles: when no other step of the run is pending, continue the function. */
export async function continueIfIdle(t: Tx, ctx: RunnerContext, run: RunRow, now: number): Promise<void> {
  if (TERMINAL.has(run.status)) return;
  if (await hasPendingSteps(t, run.id)) return;
  if (run.force_plan) await t.run("UPDATE runs SET force_plan = 0 WHERE id = ?", [run.id]);
  await enqueueDiscover(t, ctx, run, now);
}

export interface StepInfo {
  name?: string | null;
  op: string;
  opts?: unknown;
  /** Go-style interval from the SDK: `a` start (ns since epoch), `b` duration (ns). */
  timing?: { a?: number; b?: number } | null;
  /** Counts as one execution of the step. */
  executed?: boolean;
}

/** Stores a step's final result (once). Returns false when it was already memoized. */
export async function memoize(t: Tx, runId: string, stepId: string, result: StepResult, info: StepInfo, now: number): Promise<boolean> {
  const existing = await getStep(t, runId, stepId);
  if (existing && existing.seq !== null) return false;
  const seqRow = await t.get("UPDATE runs SET seq = seq + 1 WHERE id = ? RETURNING seq", [runId]);
  if (!seqRow) return false;
  const seq = num(seqRow.seq);
  const isError = "error" in result;
  const body = isError ? { error: result.error ?? errorObject("Error", "Unknown error") } : { data: result.data === undefined ? null : result.data };
  let started: number | null = existing?.started_at ?? null;
  let ended = now;
  if (info.timing && typeof info.timing.a === "number" && typeof info.timing.b === "number") {
    started = Math.round(info.timing.a / 1e6);
    ended = started + Math.round(info.timing.b / 1e6);
  }
  await t.run(
    `INSERT INTO steps (run_id, step_id, name, op, status, result, seq, attempts, created_at, started_at, ended_at, opts)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (run_id, step_id) DO UPDATE SET
       status = excluded.status, result = excluded.result, seq = excluded.seq, ended_at = excluded.ended_at,
       started_at = COALESCE(excluded.started_at, steps.started_at), name = COALESCE(steps.name, excluded.name),
       attempts = steps.attempts + excluded.attempts`,
    [
      runId,
      stepId,
      info.name ?? null,
      info.op,
      isError ? "failed" : "completed",
      JSON.stringify(body),
      seq,
      info.executed ? 1 : 0,
      now,
      started,
      ended,
      info.opts === undefined ? null : JSON.stringify(info.opts),
    ],
  );
  return true;
}

/** A step attempt failed and will be retried. */
export async function recordStepError(t: Tx, runId: string, stepId: string, info: StepInfo, error: unknown, now: number): Promise<void> {
  await t.run(
    `INSERT INTO steps (run_id, step_id, name, op, status, attempts, last_error, created_at, started_at)
     VALUES (?, ?, ?, ?, 'retrying', 1, ?, ?, ?)
     ON CONFLICT (run_id, step_id) DO UPDATE SET attempts = steps.attempts + 1, last_error = excluded.last_error,
       name = COALESCE(steps.name, excluded.name)`,
    [runId, stepId, info.name ?? null, info.op, JSON.stringify(error ?? null), now, now],
  );
}

/** A step the runner must resolve later (planned / sleeping / waiting / invoking). */
export async function recordPendingStep(t: Tx, runId: string, stepId: string, status: "planned" | "sleeping" | "waiting" | "invoking", info: StepInfo, now: number): Promise<boolean> {
  const existing = await getStep(t, runId, stepId);
  if (existing && existing.seq !== null) return false;
  await t.run(
    `INSERT INTO steps (run_id, step_id, name, op, status, created_at, opts) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (run_id, step_id) DO UPDATE SET status = excluded.status, op = excluded.op, opts = excluded.opts`,
    [runId, stepId, info.name ?? null, info.op, status, now, info.opts === undefined ? null : JSON.stringify(info.opts)],
  );
  return true;
}

function isInternalLifecycleEvent(name: string): boolean {
  return name === FN_FAILED || name === FN_FINISHED || name === FN_CANCELLED;
}

async function finishRun(t: Tx, ctx: RunnerContext, run: RunRow, status: "completed" | "failed" | "cancelled", result: { output?: unknown; error?: unknown }, now: number): Promise<void> {
  await t.run("UPDATE runs SET status = ?, output = ?, error = ?, ended_at = ? WHERE id = ?", [
    status,
    result.output === undefined ? null : JSON.stringify(result.output),
    result.error === undefined ? null : JSON.stringify(result.error),
    now,
    run.id,
  ]);
  await t.run("DELETE FROM queue WHERE run_id = ?", [run.id]);
  await t.run("DELETE FROM waits WHERE run_id = ?", [run.id]);
  await t.run("UPDATE steps SET status = 'abandoned', ended_at = ? WHERE run_id = ? AND seq IS NULL", [now, run.id]);
  if (status === "completed") ctx.stats.runsCompleted++;
  else if (status === "failed") ctx.stats.runsFailed++;
  else ctx.stats.runsCancelled++;
  const fields = { run_id: run.id, function_id: run.fn_id, duration_ms: now - run.created_at };
  if (status === "failed") ctx.log.warn("run.failed", { ...fields, error: result.error });
  else ctx.log.info(`run.${status}`, fields);

  const evt = runEvent(run);
  if (!isInternalLifecycleEvent(evt?.name ?? "")) {
    const data: Record<string, unknown> = {
      function_id: run.fn_id,
      run_id: run.id,
      event: evt,
      events: [evt],
      _inngest: { status: status === "completed" ? "Completed" : status === "failed" ? "Failed" : "Cancelled" },
    };
    if (result.output !== undefined) data.result = result.output;
    if (result.error !== undefined) data.error = result.error;
    await emitInternal(t, ctx, FN_FINISHED, data, undefined, now);
    if (status === "failed") await emitInternal(t, ctx, FN_FAILED, data, run.id, now);
    if (status === "cancelled") await emitInternal(t, ctx, FN_CANCELLED, data, `${run.id}:cancelled`, now);
  }

  if (run.parent_run_id && run.parent_step_id) {
    const parent = await getRun(t, run.parent_run_id);
    if (parent && !TERMINAL.has(parent.status)) {
      const step = await getStep(t, parent.id, run.parent_step_id);
      if (step && step.seq === null && step.status === "invoking") {
        const res: StepResult =
          status === "completed"
            ? { data: result.output ?? null }
            : { error: status === "failed" ? (result.error ?? errorObject("Error", "Invoked function failed")) : errorObject("Error", "Invoked function was cancelled") };
        await t.run("DELETE FROM queue WHERE job_key = ?", [`${parent.id}:${run.parent_step_id}:invoke`]);
        await memoize(t, parent.id, run.parent_step_id, res, { op: "InvokeFunction" }, now);
        await continueIfIdle(t, ctx, parent, now);
      }
    }
  }
}

export async function completeRun(t: Tx, ctx: RunnerContext, run: RunRow, output: unknown, now: number): Promise<void> {
  await finishRun(t, ctx, run, "completed", { output: output === undefined ? null : output }, now);
}

export async function failRun(t: Tx, ctx: RunnerContext, run: RunRow, error: unknown, now: number): Promise<void> {
  await finishRun(t, ctx, run, "failed", { error: error ?? errorObject("Error", "Unknown error") }, now);
}

export async function cancelRun(t: Tx, ctx: RunnerContext, run: RunRow, reason: string, now: number): Promise<void> {
  await finishRun(t, ctx, run, "cancelled", { error: errorObject("FunctionCancelledError", reason) }, now);
}

// ---------------------------------------------------------------------------------------------
// cancelOn, waitForEvent, timers, invoke

async function applyCancellations(t: Tx, ctx: RunnerContext, evt: EventPayload, now: number): Promise<void> {
  for (const { fn, cancel } of ctx.registry.cancelsFor(evt.name)) {
    const rows = await t.all("SELECT * FROM runs WHERE fn_id = ? AND status IN ('queued', 'running')", [fn.id]);
    for (const row of rows) {
      const run = toRun(row);
      if (cancel.timeoutMs !== undefined && now > run.created_at + cancel.timeoutMs) continue;
      if (cancel.if) {
        const m = matches(cancel.if, ["event", "async"], { event: runEvent(run), async: evt });
        if (m.error) ctx.log.debug("cancel.expression_error", { run_id: run.id, expression: cancel.if, error: m.error });
        if (!m.ok) continue;
      }
      ctx.log.info("run.cancelling", { run_id: run.id, function_id: fn.id, by_event: evt.name, event_id: evt.id });
      await cancelRun(t, ctx, run, `Cancelled by event ${evt.name} (${evt.id})`, now);
    }
  }
}

async function resumeWaits(t: Tx, ctx: RunnerContext, evt: EventPayload, now: number): Promise<void> {
  const waits = await t.all("SELECT run_id, step_id, expr, expires_at FROM waits WHERE event_name = ?", [evt.name]);
  for (const w of waits) {
    const runId = str(w.run_id);
    const stepId = str(w.step_id);
    const run = await getRun(t, runId);
    if (!run || TERMINAL.has(run.status)) {
      await t.run("DELETE FROM waits WHERE run_id = ? AND step_id = ?", [runId, stepId]);
      continue;
    }
    if (num(w.expires_at) < now) continue; // its timeout item resolves it
    const expr = w.expr === null ? null : str(w.expr);
    if (expr) {
      const m = matches(expr, ["event", "async"], { event: runEvent(run), async: evt });
      if (m.error) ctx.log.debug("wait.expression_error", { run_id: runId, expression: expr, error: m.error });
      if (!m.ok) continue;
    }
    await t.run("DELETE FROM waits WHERE run_id = ? AND step_id = ?", [runId, stepId]);
    await t.run("DELETE FROM queue WHERE job_key = ?", [`${runId}:${stepId}:wait`]);
    await memoize(t, runId, stepId, { data: evt }, { op: "WaitForEvent" }, now);
    ctx.log.info("wait.matched", { run_id: runId, step_id: stepId, event: evt.name, event_id: evt.id });
    await continueIfIdle(t, ctx, run, now);
  }
}

/** Sleep end, waitForEvent timeout, invoke timeout. */
export async function handleTimer(t: Tx, ctx: RunnerContext, item: QueueItem, now: number): Promise<void> {
  await t.run("DELETE FROM queue WHERE id = ?", [item.id]);
  const run = await getRun(t, item.run_id);
  if (!run || TERMINAL.has(run.status) || !item.step_id) return;
  const step = await getStep(t, run.id, item.step_id);
  if (!step || step.seq !== null) return;
  if (item.kind === "sleep") {
    await memoize(t, run.id, item.step_id, { data: null }, { op: "Sleep" }, now);
    ctx.log.info("sleep.ended", { run_id: run.id, step_id: item.step_id });
  } else if (item.kind === "wait_timeout") {
    await t.run("DELETE FROM waits WHERE run_id = ? AND step_id = ?", [run.id, item.step_id]);
    await memoize(t, run.id, item.step_id, { data: null }, { op: "WaitForEvent" }, now);
    ctx.log.info("wait.timed_out", { run_id: run.id, step_id: item.step_id });
  } else if (item.kind === "invoke_timeout") {
    await memoize(t, run.id, item.step_id, { error: errorObject("InngestInvokeTimeoutError", "Timed out waiting for invoked function to complete") }, { op: "InvokeFunction" }, now);
  }
  await continueIfIdle(t, ctx, run, now);
}

/** Starts the function a step.invoke() targets; its result resolves the parent's step. */
export async function startInvocation(
  t: Tx,
  ctx: RunnerContext,
  parent: RunRow,
  stepId: string,
  target: FunctionDef,
  payload: Record<string, unknown>,
  now: number,
): Promise<string | undefined> {
  const data = payload.data && typeof payload.data === "object" ? (payload.data as Record<string, unknown>) : {};
  const evt: EventPayload = {
    name: FN_INVOKED,
    data: { ...data, _inngest: { source_run_id: parent.id, source_step_id: stepId } },
    id: ulid(now),
    ts: now,
  };
  if (typeof payload.v === "string") evt.v = payload.v;
  const text = JSON.stringify(evt);
  const internalId = ulid(now);
  await t.run("INSERT INTO events (internal_id, id, user_id, name, payload, ts, received_at) VALUES (?, ?, NULL, ?, ?, ?, ?)", [internalId, evt.id, evt.name, text, now, now]);
  return createRun(t, ctx, target, evt, text, internalId, now, { parentRunId: parent.id, parentStepId: stepId, skipIdempotency: true });
}
