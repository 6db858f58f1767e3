/**
 * HTTP routes (node:http, no framework):
 *
 *   POST /e/:key                       event intake (one event or an array)
 *   POST /fn/register                  app sync from the SDK
 *   POST /v1/checkpoint/:runId/async   async checkpointing (spec 10.3.1)
 *   POST /v1/checkpoint[/:runId/steps] sync checkpointing: refused (501)
 *   GET  /v0/runs/:runId/batch|actions payload retrieval (spec 4.4.2)
 *   POST /sync                         ask the app to sync (body/query `url`, default FOLIO_RUNNER_APP_URL)
 *   GET  /health  /runs  /runs/:id  /functions  /stats  /
 */

import http from "node:http";
import { z } from "zod";
import type { RunnerContext } from "./context";
import { seededUlid, ulid } from "./ids";
import { completeRun, ingestEvent, memoize, runEvent } from "./runs";
import { TERMINAL, getItem, getRun, memoState, num, numOrNull, str, strOrNull, toRun, toStep, type Tx } from "./store";
import { noteRequestBody, noteResponse } from "./record";
import { bearerMatches, eventKeyMatches } from "./signing";
import { handleRegister, requestSync, sameEndpoint } from "./sync";
import { renderIndex, type UiRun } from "./ui";

const MAX_BODY = 32 * 1024 * 1024;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new HttpError(413, "request body too large"));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      noteRequestBody(req, text);
      resolve(text);
    });
    req.on("error", reject);
  });
}

async function readJson(req: http.IncomingMessage): Promise<unknown> {
  const text = await readBody(req);
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, "body is not valid JSON");
  }
}

function send(res: http.ServerResponse, status: number, body: unknown, contentType = "application/json"): void {
  const text = typeof body === "string" && contentType !== "application/json" ? body : JSON.stringify(body);
  const headers = { "content-type": contentType, "x-inngest-server-kind": "dev", "content-length": Buffer.byteLength(text) };
  noteResponse(res, status, headers, text);
  res.writeHead(status, headers);
  res.end(text);
}

function zodMessage(err: z.ZodError): string {
  return err.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
}

const eventSchema = z.looseObject({
  name: z.string().min(1),
  data: z.record(z.string(), z.unknown()).nullish(),
  id: z.string().nullish(),
  ts: z.number().nullish(),
  v: z.string().nullish(),
});
const eventsBodySchema = z.union([eventSchema, z.array(eventSchema)]);

const checkpointOpSchema = z.looseObject({
  id: z.string().min(1),
  op: z.string().min(1),
  name: z.string().nullish(),
  displayName: z.string().nullish(),
  data: z.unknown().optional(),
  timing: z.looseObject({ a: z.number().optional(), b: z.number().optional() }).nullish(),
});
const checkpointAsyncSchema = z.looseObject({
  run_id: z.string().nullish(),
  fn_id: z.string().nullish(),
  qi_id: z.string().nullish(),
  request_id: z.union([z.string(), z.number()]).nullish(),
  generation_id: z.number().nullish(),
  request_started_at: z.number().nullish(),
  steps: z.array(checkpointOpSchema),
  ts: z.number().nullish(),
});

const syncBodySchema = z.object({ url: z.string().url().optional() }).optional();

function parseJsonText(text: string | null): unknown {
  if (text === null) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

async function handleEvents(ctx: RunnerContext, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const parsed = eventsBodySchema.safeParse(await readJson(req));
  if (!parsed.success) return send(res, 400, { ids: [], status: 400, error: `invalid event payload: ${zodMessage(parsed.error)}` });
  const list = Array.isArray(parsed.data) ? parsed.data : [parsed.data];
  const reserved = list.find((e) => e.name.startsWith("inngest/"));
  if (reserved) return send(res, 400, { ids: [], status: 400, error: `event name ${JSON.stringify(reserved.name)} is reserved for Inngest` });
  const seedHeader = req.headers["x-inngest-event-id-seed"];
  const seed = typeof seedHeader === "string" ? seedHeader : undefined;
  const now = Date.now();
  const ids = await ctx.store.tx(async (t) => {
    const out: string[] = [];
    for (const [i, e] of list.entries()) {
      const input = { ...e, data: e.data ?? {}, id: e.id ?? undefined, ts: e.ts ?? undefined, v: e.v ?? undefined };
      out.push(await ingestEvent(t, ctx, input, now, { internalId: seededUlid(seed, i + 1) ?? ulid(now) }));
    }
    return out;
  });
  ctx.log.debug("events.received", { count: list.length, names: [...new Set(list.map((e) => e.name))] });
  send(res, 200, { ids, status: 200 });
}

async function handleCheckpointAsync(ctx: RunnerContext, runId: string, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const parsed = checkpointAsyncSchema.safeParse(await readJson(req));
  if (!parsed.success) {
    ctx.stats.checkpoints.rejected++;
    return send(res, 400, { error: `invalid checkpoint: ${zodMessage(parsed.error)}` });
  }
  const body = parsed.data;
  if (ctx.config.failCheckpoints) {
    ctx.stats.checkpoints.failed++;
    ctx.log.warn("checkpoint.failure_injected", { run_id: runId, steps: body.steps.length });
    return send(res, 500, { error: "checkpoint failure injected (FOLIO_RUNNER_TEST_FAIL_CHECKPOINTS)" });
  }
  const unsupported = body.steps.find((s) => !["StepRun", "Step", "RunComplete"].includes(s.op));
  if (unsupported) {
    ctx.stats.checkpoints.rejected++;
    return send(res, 400, { error: `opcode ${unsupported.op} cannot be checkpointed (only StepRun and RunComplete)` });
  }
  const outcome = await ctx.store.tx(async (t): Promise<{ status: number; error?: string }> => {
    const now = Date.now();
    const run = await getRun(t, runId);
    if (!run) return { status: 404, error: `run ${runId} not found` };
    if (TERMINAL.has(run.status)) return { status: 409, error: `run ${runId} is ${run.status}` };
    const item = body.qi_id ? await getItem(t, body.qi_id) : undefined;
    if (!item || item.run_id !== run.id || item.lease_until === null || item.lease_owner !== ctx.instanceId) {
      return { status: 409, error: "stale dispatch: the queue item is no longer leased by this call" };
    }
    if (typeof body.generation_id === "number" && body.generation_id !== item.lease_gen) {
      return { status: 409, error: `stale dispatch: generation ${body.generation_id} != ${item.lease_gen}` };
    }
    for (const step of body.steps) {
      if (step.op === "RunComplete") {
        await completeRun(t, ctx, run, step.data === undefined ? null : step.data, now);
        return { status: 200 };
      }
      await memoize(t, run.id, step.id, { data: step.data === undefined ? null : step.data }, { name: step.displayName ?? step.name ?? null, op: "StepRun", timing: step.timing, executed: true }, now);
    }
    // The queue item is shared by all checkpointed steps: a successful checkpoint resets its attempts.
    if (item.attempt !== 0) await t.run("UPDATE queue SET attempt = 0 WHERE id = ?", [item.id]);
    return { status: 200 };
  });
  if (outcome.status === 200) {
    ctx.stats.checkpoints.ok++;
    ctx.stats.checkpoints.steps += body.steps.length;
    ctx.log.debug("checkpoint.ok", { run_id: runId, steps: body.steps.map((s) => s.displayName ?? s.name ?? s.id) });
    return send(res, 200, {});
  }
  if (outcome.status === 409) ctx.stats.checkpoints.stale++;
  else ctx.stats.checkpoints.rejected++;
  ctx.log.warn("checkpoint.refused", { run_id: runId, status: outcome.status, error: outcome.error });
  send(res, outcome.status, { error: outcome.error });
}

async function runDetail(t: Tx, ctx: RunnerContext, id: string): Promise<Record<string, unknown> | undefined> {
  const row = await t.get("SELECT * FROM runs WHERE id = ?", [id]);
  if (!row) return undefined;
  const run = toRun(row);
  const steps = (await t.all("SELECT * FROM steps WHERE run_id = ? ORDER BY COALESCE(seq, 1e12), created_at", [id])).map(toStep);
  const attempts = await t.all("SELECT * FROM attempts WHERE run_id = ? ORDER BY id", [id]);
  const now = Date.now();
  const stepsOut = steps.map((s) => {
    const result = parseJsonText(s.result) as { data?: unknown; error?: unknown } | undefined;
    return {
      id: s.step_id,
      name: s.name,
      op: s.op,
      status: s.status,
      attempts: s.attempts,
      output: result && "data" in result ? result.data : undefined,
      error: (result && "error" in result ? result.error : undefined) ?? parseJsonText(s.last_error),
      created_at: s.created_at,
      started_at: s.started_at,
      ended_at: s.ended_at,
      duration_ms: s.started_at !== null && s.ended_at !== null ? s.ended_at - s.started_at : null,
      opts: parseJsonText(s.opts),
    };
  });
  const attemptsOut = attempts.map((a) => ({
    id: num(a.id),
    kind: str(a.kind),
    step_id: strOrNull(a.step_id),
    attempt: num(a.attempt),
    started_at: num(a.started_at),
    ended_at: numOrNull(a.ended_at),
    duration_ms: a.ended_at === null ? null : num(a.ended_at) - num(a.started_at),
    outcome: strOrNull(a.outcome),
    http_status: numOrNull(a.http_status),
    error: parseJsonText(strOrNull(a.error)),
    detail: strOrNull(a.detail),
  }));
  const errors = [
    ...attemptsOut.filter((a) => a.error !== undefined && a.error !== null).map((a) => ({ source: "attempt", attempt: a.attempt, step_id: a.step_id, at: a.ended_at, error: a.error })),
    ...stepsOut.filter((s) => s.error !== undefined && s.error !== null).map((s) => ({ source: "step", step: s.name, step_id: s.id, at: s.ended_at, error: s.error })),
  ];
  const queued = await t.all("SELECT kind, step_id, attempt, run_at, lease_until FROM queue WHERE run_id = ?", [id]);
  return {
    run: {
      id: run.id,
      function_id: run.fn_id,
      function_name: ctx.registry.get(run.fn_id)?.name ?? run.fn_id,
      status: run.status,
      event: runEvent(run),
      output: parseJsonText(run.output),
      error: parseJsonText(run.error),
      created_at: run.created_at,
      started_at: run.started_at,
      ended_at: run.ended_at,
      priority: run.priority,
      parent_run_id: run.parent_run_id,
    },
    timings: {
      queued_ms: run.started_at !== null ? run.started_at - run.created_at : now - run.created_at,
      duration_ms: run.ended_at !== null ? run.ended_at - run.created_at : null,
      running_ms: run.started_at !== null ? (run.ended_at ?? now) - run.started_at : null,
    },
    steps: stepsOut,
    attempts: attemptsOut,
    errors,
    queue: queued.map((q) => ({ kind: str(q.kind), step_id: strOrNull(q.step_id), attempt: num(q.attempt), run_at: num(q.run_at), leased: q.lease_until !== null })),
  };
}

async function listRuns(t: Tx, url: URL): Promise<Array<Record<string, unknown>>> {
  const limit = Math.min(Math.max(Number(url.searchParams.get("limit") ?? 50) || 50, 1), 1000);
  const where: string[] = [];
  const args: Array<string | number> = [];
  const status = url.searchParams.get("status");
  const fn = url.searchParams.get("function");
  if (status) {
    where.push("status = ?");
    args.push(status);
  }
  if (fn) {
    where.push("fn_id = ?");
    args.push(fn);
  }
  const rows = await t.all(`SELECT * FROM runs ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY created_at DESC, id DESC LIMIT ?`, [...args, limit]);
  return rows.map((r) => {
    const run = toRun(r);
    const evt = runEvent(run);
    return {
      id: run.id,
      function_id: run.fn_id,
      status: run.status,
      event: { name: evt?.name, id: evt?.id },
      created_at: run.created_at,
      started_at: run.started_at,
      ended_at: run.ended_at,
      duration_ms: run.ended_at !== null ? run.ended_at - run.created_at : null,
      output: parseJsonText(run.output),
      error: parseJsonText(run.error),
    };
  });
}

async function uiData(t: Tx, ctx: RunnerContext): Promise<UiRun[]> {
  const runs = (await t.all("SELECT * FROM runs ORDER BY created_at DESC, id DESC LIMIT 50")).map(toRun);
  if (!runs.length) return [];
  const marks = runs.map(() => "?").join(",");
  const ids = runs.map((r) => r.id);
  const steps = (await t.all(`SELECT * FROM steps WHERE run_id IN (${marks}) ORDER BY COALESCE(seq, 1e12), created_at`, ids)).map(toStep);
  const attempts = await t.all(`SELECT run_id, kind, step_id, attempt, outcome, http_status, error, started_at, ended_at FROM attempts WHERE run_id IN (${marks}) ORDER BY id`, ids);
  return runs.map((run) => ({
    id: run.id,
    fn: ctx.registry.get(run.fn_id)?.name ?? run.fn_id,
    fnId: run.fn_id,
    status: run.status,
    event: runEvent(run)?.name ?? "",
    createdAt: run.created_at,
    startedAt: run.started_at,
    endedAt: run.ended_at,
    error: run.error,
    output: run.output,
    steps: steps.filter((s) => s.run_id === run.id),
    attempts: attempts
      .filter((a) => str(a.run_id) === run.id)
      .map((a) => ({
        kind: str(a.kind),
        stepId: strOrNull(a.step_id),
        attempt: num(a.attempt),
        outcome: strOrNull(a.outcome),
        httpStatus: numOrNull(a.http_status),
        error: strOrNull(a.error),
        startedAt: num(a.started_at),
        endedAt: numOrNull(a.ended_at),
      })),
  }));
}

export interface ServerHooks {
  inFlight(): number;
  defaultAppUrl(): string | undefined;
}

export function createServer(ctx: RunnerContext, hooks: ServerHooks): http.Server {
  const handler = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://runner.local");
    const method = req.method ?? "GET";
    const p = url.pathname.replace(/\/+$/, "") || "/";
    let m: RegExpExecArray | null;

    if (method === "POST" && (m = /^\/e\/([^/]+)$/.exec(p))) {
      if (ctx.config.eventKey && !eventKeyMatches(decodeURIComponent(m[1] ?? ""), ctx.config.eventKey)) {
        await readBody(req);
        ctx.log.warn("events.refused", { reason: "unknown event key" });
        return send(res, 401, { ids: [], status: 401, error: "event key not accepted" });
      }
      return handleEvents(ctx, req, res);
    }
    // Signed mode: the SDK's own requests (sync, checkpoints, payloads) carry its Bearer token.
    if (ctx.config.signingKey && (p === "/fn/register" || p.startsWith("/v1/") || p.startsWith("/v0/")) && !bearerMatches(req.headers.authorization, ctx.config.signingKey)) {
      await readBody(req);
      ctx.log.warn("auth.refused", { method, path: p });
      return send(res, 401, { error: "a valid signing key is required (Authorization: Bearer <hashed signing key>)", status: 401 });
    }
    if (method === "POST" && p === "/fn/register") {
      const out = await handleRegister(ctx, await readJson(req));
      return send(res, out.status, out.body);
    }
    if (method === "POST" && (m = /^\/v1\/checkpoint\/([^/]+)\/async$/.exec(p))) return handleCheckpointAsync(ctx, decodeURIComponent(m[1] ?? ""), req, res);
    if (method === "POST" && (p === "/v1/checkpoint" || /^\/v1\/checkpoint\/[^/]+\/steps$/.test(p))) {
      await readBody(req);
      ctx.log.error("checkpoint.sync_unsupported", { path: p });
      return send(res, 501, { error: "sync checkpointing (durable endpoints) is not supported by the bundled runner" });
    }
    if (method === "GET" && (m = /^\/v0\/runs\/([^/]+)\/(batch|actions)$/.exec(p))) {
      const runId = decodeURIComponent(m[1] ?? "");
      const kind = m[2];
      const out = await ctx.store.read(async (t) => {
        const run = await getRun(t, runId);
        if (!run) return undefined;
        return kind === "batch" ? JSON.parse(run.events) : JSON.parse((await memoState(t, runId)).stepsJson);
      });
      return out === undefined ? send(res, 404, { error: "run not found", status: 404 }) : send(res, 200, out);
    }
    if (method === "GET" && p === "/health") return send(res, 200, { ok: true });
    if (method === "GET" && p === "/stats") {
      const queue = await ctx.store.read((t) => t.all("SELECT kind, COUNT(*) AS n, SUM(lease_until IS NOT NULL) AS leased FROM queue GROUP BY kind"));
      return send(res, 200, {
        ...ctx.stats,
        in_flight: hooks.inFlight(),
        queue: Object.fromEntries(queue.map((q) => [str(q.kind), { items: num(q.n), leased: num(q.leased) }])),
      });
    }
    if (method === "GET" && p === "/functions") {
      return send(res, 200, { functions: ctx.registry.all() });
    }
    if (method === "GET" && p === "/runs") return send(res, 200, { runs: await ctx.store.read((t) => listRuns(t, url)) });
    if (method === "GET" && (m = /^\/runs\/([^/]+)$/.exec(p))) {
      const detail = await ctx.store.read((t) => runDetail(t, ctx, decodeURIComponent(m?.[1] ?? "")));
      return detail ? send(res, 200, detail) : send(res, 404, { error: "run not found" });
    }
    if (method === "POST" && p === "/sync") {
      const body = syncBodySchema.safeParse(await readJson(req));
      const target = url.searchParams.get("url") ?? (body.success ? body.data?.url : undefined) ?? hooks.defaultAppUrl();
      if (!target) return send(res, 400, { ok: false, message: "no app URL given (?url=...) and FOLIO_RUNNER_APP_URL is not set" });
      const configured = hooks.defaultAppUrl();
      if (configured && !sameEndpoint(target, configured)) {
        return send(res, 403, { ok: false, message: `this runner syncs only its configured app (${configured})` });
      }
      try {
        const out = await requestSync(ctx, target);
        return send(res, out.ok ? 200 : 502, out);
      } catch (err) {
        return send(res, 502, { ok: false, message: `app at ${target} did not answer: ${err instanceof Error ? err.message : String(err)}` });
      }
    }
    if (method === "GET" && (p === "/" || p === "/index.html")) {
      const runs = await ctx.store.read((t) => uiData(t, ctx));
      const html = renderIndex({ runs, functions: ctx.registry.all(), stats: ctx.stats, inFlight: hooks.inFlight(), refresh: url.searchParams.get("refresh") !== "0" });
      return send(res, 200, html, "text/html; charset=utf-8");
    }
    send(res, 404, { error: `no route for ${method} ${p}` });
  };

  const server = http.createServer((req, res) => {
    ctx.recorder?.watch(req, res);
    handler(req, res).catch((err: unknown) => {
      if (err instanceof HttpError) {
        if (!res.headersSent) send(res, err.status, { error: err.message, status: err.status });
        return;
      }
      ctx.log.error("http.handler_failed", { method: req.method, url: req.url, error: err });
      if (!res.headersSent) send(res, 500, { error: err instanceof Error ? err.message : String(err), status: 500 });
      else res.destroy();
    });
  });
  // The SDK keeps connections alive (undici); idle sockets must outlive its reuse window.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 0;
  return server;
}
