/**
 * Executes one leased queue item of kind `discover` or `step`: builds the call request (spec 4.4.1)
 * from the run's memoized state, POSTs it to the app, and interprets the answer (200 result,
 * 206 opcodes, 4xx/5xx errors with X-Inngest-No-Retry / Retry-After), all state changes in one
 * transaction. A response for an item that lost its lease (cancelled run, restart) is discarded.
 */

import { z } from "zod";
import { parseRetryAfter, retryDelayMs, unreachableDelayMs } from "./backoff";
import type { RunnerContext } from "./context";
import { resolveTarget } from "./duration";
import { ExpressionError, compiled } from "./expressions";
import { TransportError, httpRequest, type HttpResponse } from "./http";
import { serverHeaders } from "./signing";
import { ulid } from "./ids";
import {
  completeRun,
  continueIfIdle,
  enqueueDiscover,
  errorObject,
  failRun,
  memoize,
  recordPendingStep,
  recordStepError,
  startInvocation,
  type SerializedError,
} from "./runs";
import { TERMINAL, enqueue, getItem, getRun, memoState, num, type QueueItem, type RunRow, type Tx } from "./store";

const opSchema = z.looseObject({
  id: z.string().min(1),
  op: z.string().min(1),
  name: z.string().nullish(),
  displayName: z.string().nullish(),
  data: z.unknown().optional(),
  error: z.unknown().optional(),
  opts: z.record(z.string(), z.unknown()).nullish(),
  timing: z.looseObject({ a: z.number().optional(), b: z.number().optional() }).nullish(),
});
type Op = z.infer<typeof opSchema>;
const opsSchema = z.union([z.array(opSchema), opSchema]);

/** The final frame of a streamed (INNGEST_STREAMING) answer: 201 + heartbeats + this JSON. */
const streamedSchema = z.looseObject({
  status: z.number(),
  headers: z.record(z.string(), z.string()).optional(),
  body: z.string().optional(),
});

const USER_AGENT = "folio-runner";

function parseJsonSafe(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** An SDK error body (serialized error, internal error, step-not-found...) as {name, message}. */
export function normalizeError(body: string, status: number): SerializedError {
  const parsed = parseJsonSafe(body);
  if (parsed.ok && parsed.value && typeof parsed.value === "object" && !Array.isArray(parsed.value)) {
    const o = parsed.value as Record<string, unknown>;
    const message = typeof o.message === "string" && o.message ? o.message : typeof o.error === "string" ? o.error : `HTTP ${status}`;
    return { ...o, name: typeof o.name === "string" && o.name ? o.name : "Error", message };
  }
  return errorObject("Error", `HTTP ${status}${body ? `: ${body.slice(0, 500)}` : ""}`);
}

function unwrapStreamed(res: HttpResponse): HttpResponse {
  if (res.status !== 201) return res;
  const parsed = parseJsonSafe(res.body.trim());
  if (!parsed.ok) return res;
  const frame = streamedSchema.safeParse(parsed.value);
  if (!frame.success) return res;
  const headers: Record<string, string> = { ...res.headers };
  for (const [k, v] of Object.entries(frame.data.headers ?? {})) headers[k.toLowerCase()] = v;
  return { status: frame.data.status, headers, body: frame.data.body ?? "" };
}

function opName(op: Op): string | null {
  return op.displayName ?? op.name ?? null;
}

interface Prepared {
  run: RunRow;
  url: string;
  body: string;
  attemptId: number;
}

async function prepare(t: Tx, ctx: RunnerContext, item: QueueItem, now: number): Promise<Prepared | undefined> {
  const run = await getRun(t, item.run_id);
  if (!run || TERMINAL.has(run.status)) {
    await t.run("DELETE FROM queue WHERE id = ?", [item.id]);
    return undefined;
  }
  const fn = ctx.registry.get(run.fn_id);
  if (!fn) {
    await failRun(t, ctx, run, errorObject("FunctionNotFound", `function ${run.fn_id} is not synced with the runner (re-sync the app)`), now);
    return undefined;
  }
  // A planned step's call carries the state the step was planned with: enough to reach it (the
  // SDK is deterministic), without its parallel siblings' results, which the SDK would otherwise
  // replay one by one (with up to 100 microtasks each) in every sibling's call.
  let planSeq: number | null = null;
  if (item.kind === "step" && item.step_id) {
    const row = await t.get("SELECT plan_seq FROM steps WHERE run_id = ? AND step_id = ?", [run.id, item.step_id]);
    planSeq = row?.plan_seq === null || row?.plan_seq === undefined ? null : num(row.plan_seq);
  }
  const { stepsJson, stack } = await memoState(t, run.id, planSeq);
  const attemptRow = await t.get("INSERT INTO attempts (run_id, item_id, kind, step_id, attempt, started_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id", [
    run.id,
    item.id,
    item.kind,
    item.step_id,
    item.attempt,
    now,
  ]);
  if (run.status === "queued") {
    await t.run("UPDATE runs SET status = 'running', started_at = ? WHERE id = ?", [now, run.id]);
    run.status = "running";
    run.started_at = now;
  }
  if (item.kind === "step" && item.step_id) {
    await t.run("UPDATE steps SET started_at = COALESCE(started_at, ?) WHERE run_id = ? AND step_id = ?", [now, run.id, item.step_id]);
  }
  const url = new URL(fn.url);
  url.searchParams.set("fnId", fn.id);
  url.searchParams.set("stepId", item.kind === "step" && item.step_id ? item.step_id : "step");
  const callCtx = {
    run_id: run.id,
    fn_id: fn.internalId,
    attempt: item.attempt,
    max_attempts: item.max_attempts,
    disable_immediate_execution: run.force_plan === 1,
    use_api: false,
    qi_id: item.id,
    stack: { stack, current: stack.length },
  };
  const body = `{"event":${run.event},"events":${run.events},"steps":${stepsJson},"ctx":${JSON.stringify(callCtx)},"version":${run.req_version ?? -1}}`;
  return { run, url: url.toString(), body, attemptId: Number(attemptRow?.id ?? 0) };
}

async function finishAttempt(t: Tx, attemptId: number, now: number, outcome: string, httpStatus: number | null, error?: unknown, detail?: string): Promise<void> {
  await t.run("UPDATE attempts SET ended_at = ?, outcome = ?, http_status = ?, error = ?, detail = ? WHERE id = ?", [
    now,
    outcome,
    httpStatus,
    error === undefined ? null : JSON.stringify(error),
    detail ?? null,
    attemptId,
  ]);
}

async function requeue(t: Tx, ctx: RunnerContext, item: QueueItem, attempt: number, runAt: number, unreachable: number): Promise<void> {
  const priorityOffset = item.run_at - item.sort_at;
  await t.run("UPDATE queue SET attempt = ?, unreachable = ?, run_at = ?, sort_at = ?, lease_until = NULL, lease_owner = NULL WHERE id = ?", [
    attempt,
    unreachable,
    runAt,
    runAt - priorityOffset,
    item.id,
  ]);
  ctx.wake(runAt);
}

export async function executeItem(ctx: RunnerContext, item: QueueItem, signal: AbortSignal): Promise<void> {
  const prep = await ctx.store.tx((t) => prepare(t, ctx, item, Date.now()));
  if (!prep) return;
  ctx.stats.calls++;
  const started = Date.now();
  let res: HttpResponse | undefined;
  let transportError: TransportError | undefined;
  try {
    res = await httpRequest(prep.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        ...serverHeaders(ctx.config, prep.body),
        "x-inngest-generation-id": String(item.lease_gen),
        "x-request-id": String(prep.attemptId),
      },
      body: prep.body,
      timeoutMs: ctx.config.callTimeoutMs,
      signal,
      recorder: ctx.recorder,
    });
  } catch (err) {
    transportError = err instanceof TransportError ? err : new TransportError(String(err), true);
  }
  await ctx.store.tx(async (t) => {
    const now = Date.now();
    const current = await getItem(t, item.id);
    if (!current || current.lease_gen !== item.lease_gen || current.lease_owner !== ctx.instanceId) {
      await finishAttempt(t, prep.attemptId, now, "stale", res?.status ?? null, undefined, "the queue item was released or removed while the call was in flight; answer discarded");
      ctx.log.info("call.discarded", { run_id: item.run_id, item_id: item.id, reason: current ? "lease lost" : "item removed (run finished or cancelled)" });
      return;
    }
    const run = await getRun(t, item.run_id);
    if (!run || TERMINAL.has(run.status)) {
      await t.run("DELETE FROM queue WHERE id = ?", [item.id]);
      await finishAttempt(t, prep.attemptId, now, "ignored", res?.status ?? null, undefined, "run already finished");
      return;
    }
    const fields = { run_id: run.id, function_id: run.fn_id, item_id: item.id, kind: item.kind, step_id: item.step_id ?? undefined, attempt: item.attempt, ms: now - started };

    if (transportError || !res) {
      const err = transportError ?? new TransportError("no response", true);
      if (err.unreachable) {
        const delay = unreachableDelayMs(item.unreachable);
        await requeue(t, ctx, item, item.attempt, now + delay, item.unreachable + 1);
        await finishAttempt(t, prep.attemptId, now, "unreachable", null, errorObject("TransportError", err.message), `retrying in ${delay} ms (not counted as an attempt)`);
        ctx.log.warn("call.unreachable", { ...fields, error: err.message, code: err.code, retry_in_ms: delay });
        return;
      }
      await handleFunctionError(t, ctx, run, item, prep.attemptId, now, errorObject("TimeoutError", err.message), false, undefined, fields);
      return;
    }

    const response = unwrapStreamed(res);
    const reqVersion = Number(response.headers["x-inngest-req-version"]);
    if (Number.isInteger(reqVersion) && reqVersion !== run.req_version) {
      await t.run("UPDATE runs SET req_version = ? WHERE id = ?", [reqVersion, run.id]);
    }

    if (response.status === 200) {
      const parsed = parseJsonSafe(response.body);
      const output = parsed.ok ? parsed.value : response.body;
      await finishAttempt(t, prep.attemptId, now, "completed", 200);
      await completeRun(t, ctx, run, output, now);
      ctx.log.debug("call.completed", fields);
      return;
    }

    if (response.status === 206) {
      const parsed = parseJsonSafe(response.body);
      const ops = parsed.ok ? opsSchema.safeParse(parsed.value) : undefined;
      if (!ops || !ops.success) {
        await handleFunctionError(t, ctx, run, item, prep.attemptId, now, errorObject("InvalidResponse", `206 answer is not a list of opcodes: ${response.body.slice(0, 300)}`), false, undefined, fields);
        return;
      }
      const list = Array.isArray(ops.data) ? ops.data : [ops.data];
      await handleOps(t, ctx, run, item, prep.attemptId, list, response.headers, now, fields);
      return;
    }

    const noRetry = response.headers["x-inngest-no-retry"] === "true";
    const error = normalizeError(response.body, response.status);
    await handleFunctionError(t, ctx, run, item, prep.attemptId, now, error, noRetry, response.headers["retry-after"], { ...fields, status: response.status }, response.status);
  });
  ctx.wake();
}

async function handleFunctionError(
  t: Tx,
  ctx: RunnerContext,
  run: RunRow,
  item: QueueItem,
  attemptId: number,
  now: number,
  error: SerializedError,
  noRetry: boolean,
  retryAfter: string | undefined,
  fields: Record<string, unknown>,
  httpStatus: number | null = null,
): Promise<void> {
  if (!noRetry && item.attempt + 1 < item.max_attempts) {
    const at = parseRetryAfter(retryAfter, now) ?? now + retryDelayMs(item.attempt, ctx.config.backoffScale);
    await requeue(t, ctx, item, item.attempt + 1, at, 0);
    if (item.kind === "step" && item.step_id) await recordStepError(t, run.id, item.step_id, { op: "StepPlanned" }, error, now);
    await finishAttempt(t, attemptId, now, "retry", httpStatus, error, `retrying at ${new Date(at).toISOString()}`);
    ctx.log.warn("call.error_retrying", { ...fields, error: error.message, retry_in_ms: at - now });
    return;
  }
  await finishAttempt(t, attemptId, now, "failed", httpStatus, error, noRetry ? "non-retriable" : "attempts exhausted");
  await failRun(t, ctx, run, error, now);
}

const SUPPORTED_RESULT_OPS = new Set(["StepRun", "Step"]);

async function handleOps(
  t: Tx,
  ctx: RunnerContext,
  run: RunRow,
  item: QueueItem,
  attemptId: number,
  ops: Op[],
  headers: Record<string, string>,
  now: number,
  fields: Record<string, unknown>,
): Promise<void> {
  const planning = ops.filter((o) => o.op === "StepPlanned" || o.op === "Sleep" || o.op === "WaitForEvent" || o.op === "InvokeFunction");
  if (planning.length > 1 && !run.force_plan) {
    await t.run("UPDATE runs SET force_plan = 1 WHERE id = ?", [run.id]);
    run.force_plan = 1;
  }
  let settled = false;
  let requeued = false;
  // An empty list of opcodes only asks to be called again.
  let discovery = ops.length === 0;
  const summary: string[] = [];
  let stepError: unknown;
  const retriable = headers["x-inngest-no-retry"] !== "true" && item.attempt + 1 < item.max_attempts;

  for (const op of ops) {
    summary.push(op.op);
    const name = opName(op);
    switch (op.op) {
      case "StepRun":
      case "Step":
        await memoize(t, run.id, op.id, { data: op.data ?? null }, { name, op: "StepRun", timing: op.timing, executed: true }, now);
        settled = true;
        break;
      case "StepError": {
        const error = op.error ?? errorObject("Error", "step failed");
        stepError ??= error;
        if (retriable && !requeued) {
          const at = parseRetryAfter(headers["retry-after"], now) ?? now + retryDelayMs(item.attempt, ctx.config.backoffScale);
          await recordStepError(t, run.id, op.id, { name, op: "StepRun" }, error, now);
          await requeue(t, ctx, item, item.attempt + 1, at, 0);
          requeued = true;
          ctx.log.warn("step.error_retrying", { ...fields, step_id: op.id, step: name ?? undefined, error, retry_in_ms: at - now });
        } else if (retriable) {
          await recordStepError(t, run.id, op.id, { name, op: "StepRun" }, error, now);
        } else {
          await memoize(t, run.id, op.id, { error }, { name, op: "StepRun", timing: op.timing, executed: true }, now);
          ctx.log.warn("step.failed", { ...fields, step_id: op.id, step: name ?? undefined, error });
          settled = true;
        }
        break;
      }
      case "StepFailed": {
        const error = op.error ?? op.data ?? errorObject("Error", "step failed");
        stepError ??= error;
        await memoize(t, run.id, op.id, { error }, { name, op: "StepRun", timing: op.timing, executed: true }, now);
        ctx.log.warn("step.failed", { ...fields, step_id: op.id, step: name ?? undefined, error });
        settled = true;
        break;
      }
      case "StepPlanned": {
        if (await recordPendingStep(t, run.id, op.id, "planned", { name, op: "StepPlanned", opts: op.opts ?? undefined }, now)) {
          await enqueue(t, {
            id: ulid(now),
            jobKey: `${run.id}:${op.id}:step`,
            runId: run.id,
            fnId: run.fn_id,
            kind: "step",
            stepId: op.id,
            maxAttempts: run.max_attempts,
            runAt: now,
            priority: run.priority,
            ckeys: run.ckeys,
            now,
          });
        }
        break;
      }
      case "Sleep": {
        const spec = typeof op.opts?.duration === "string" ? op.opts.duration : (op.name ?? "");
        const until = resolveTarget(spec, now);
        if (until === undefined) {
          await memoize(t, run.id, op.id, { error: errorObject("Error", `invalid sleep duration ${JSON.stringify(spec)}`) }, { name, op: "Sleep" }, now);
          settled = true;
          break;
        }
        if (await recordPendingStep(t, run.id, op.id, "sleeping", { name, op: "Sleep", opts: { until: new Date(until).toISOString() } }, now)) {
          await enqueue(t, { id: ulid(now), jobKey: `${run.id}:${op.id}:sleep`, runId: run.id, fnId: run.fn_id, kind: "sleep", stepId: op.id, maxAttempts: 1, runAt: until, priority: run.priority, ckeys: "[]", now });
          ctx.wake(until);
          ctx.log.info("sleep.started", { ...fields, step_id: op.id, until: new Date(until).toISOString() });
        }
        break;
      }
      case "WaitForEvent": {
        const eventName = typeof op.opts?.event === "string" ? op.opts.event : (op.name ?? "");
        const timeout = typeof op.opts?.timeout === "string" ? op.opts.timeout : "";
        const expr = typeof op.opts?.if === "string" && op.opts.if ? op.opts.if : null;
        const expires = resolveTarget(timeout, now);
        let problem: string | undefined;
        if (!eventName) problem = "waitForEvent without an event name";
        else if (expires === undefined) problem = `invalid waitForEvent timeout ${JSON.stringify(timeout)}`;
        else if (expr) {
          try {
            compiled(expr, ["event", "async"]);
          } catch (err) {
            problem = `waitForEvent "if" is not supported by the bundled runner: ${err instanceof ExpressionError ? err.message : String(err)}`;
          }
        }
        if (problem || expires === undefined) {
          ctx.log.error("wait.refused", { ...fields, step_id: op.id, error: problem });
          await memoize(t, run.id, op.id, { error: errorObject("Error", problem ?? "invalid waitForEvent") }, { name, op: "WaitForEvent" }, now);
          settled = true;
          break;
        }
        if (await recordPendingStep(t, run.id, op.id, "waiting", { name, op: "WaitForEvent", opts: { event: eventName, if: expr ?? undefined, until: new Date(expires).toISOString() } }, now)) {
          await t.run("INSERT OR REPLACE INTO waits (run_id, step_id, event_name, expr, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?)", [run.id, op.id, eventName, expr, expires, now]);
          await enqueue(t, { id: ulid(now), jobKey: `${run.id}:${op.id}:wait`, runId: run.id, fnId: run.fn_id, kind: "wait_timeout", stepId: op.id, maxAttempts: 1, runAt: expires, priority: run.priority, ckeys: "[]", now });
          ctx.wake(expires);
          ctx.log.info("wait.started", { ...fields, step_id: op.id, event: eventName, if: expr ?? undefined });
        }
        break;
      }
      case "InvokeFunction": {
        const targetId = typeof op.opts?.function_id === "string" ? op.opts.function_id : "";
        const target = ctx.registry.get(targetId);
        if (!target) {
          await memoize(t, run.id, op.id, { error: errorObject("Error", `invoked function ${JSON.stringify(targetId)} is not synced with the runner`) }, { name, op: "InvokeFunction" }, now);
          settled = true;
          break;
        }
        if (await recordPendingStep(t, run.id, op.id, "invoking", { name, op: "InvokeFunction", opts: { function_id: targetId } }, now)) {
          const payload = op.opts?.payload && typeof op.opts.payload === "object" ? (op.opts.payload as Record<string, unknown>) : {};
          const child = await startInvocation(t, ctx, run, op.id, target, payload, now);
          const timeout = typeof op.opts?.timeout === "string" ? resolveTarget(op.opts.timeout, now) : undefined;
          if (timeout !== undefined) {
            await enqueue(t, { id: ulid(now), jobKey: `${run.id}:${op.id}:invoke`, runId: run.id, fnId: run.fn_id, kind: "invoke_timeout", stepId: op.id, maxAttempts: 1, runAt: timeout, priority: run.priority, ckeys: "[]", now });
            ctx.wake(timeout);
          }
          ctx.log.info("invoke.started", { ...fields, step_id: op.id, target: targetId, child_run_id: child });
        }
        break;
      }
      case "RunComplete":
        await finishAttempt(t, attemptId, now, "completed", 206, undefined, summary.join(","));
        await completeRun(t, ctx, run, op.data === undefined ? null : op.data, now);
        return;
      case "DiscoveryRequest":
        discovery = true;
        break;
      case "StepNotFound":
        await handleFunctionError(t, ctx, run, item, attemptId, now, errorObject("StepNotFound", `step ${op.id} was not found by the SDK`), false, undefined, fields, 206);
        return;
      case "DeferAdd":
      case "DeferAbort":
        await finishAttempt(t, attemptId, now, "failed", 206, undefined, summary.join(","));
        ctx.log.error("opcode.unsupported", { ...fields, op: op.op });
        await failRun(t, ctx, run, errorObject("UnsupportedOpcode", `defer() (${op.op}) is not supported by the bundled runner`), now);
        return;
      default: {
        // AIGateway, Gateway (step.fetch), WaitForSignal...: the step fails loudly; the function sees a StepError.
        ctx.log.error("opcode.unsupported", { ...fields, op: op.op, step_id: op.id });
        await memoize(t, run.id, op.id, { error: errorObject("UnsupportedOpcode", `${op.op} steps are not supported by the bundled runner`) }, { name, op: op.op }, now);
        settled = true;
      }
    }
  }
  if (!SUPPORTED_RESULT_OPS.has(ops[0]?.op ?? "") || summary.length > 1) ctx.log.debug("call.ops", { ...fields, ops: summary.join(",") });
  if (planning.length) {
    await t.run("UPDATE steps SET plan_seq = (SELECT seq FROM runs WHERE id = ?) WHERE run_id = ? AND status = 'planned' AND plan_seq IS NULL", [run.id, run.id]);
  }
  await finishAttempt(t, attemptId, now, requeued ? "retry" : "ops", 206, stepError, summary.join(","));
  if (!requeued) await t.run("DELETE FROM queue WHERE id = ?", [item.id]);
  if (settled) await continueIfIdle(t, ctx, run, now);
  else if (discovery) await enqueueDiscover(t, ctx, run, now);
}
