/**
 * Protocol drift check (issue 14, item 4): a realistic function set runs through the real SDK in
 * signed mode against the runner with FOLIO_RUNNER_RECORD on; the recorded HTTP exchanges (sync,
 * registration, every call, checkpoints, event sends) are compared with the fields the runner
 * relies on (fixtures/protocol-spec.ts). A new `inngest` version that renames, drops or retypes
 * one of them fails here with the field's name and where the runner reads it.
 */

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { Inngest, NonRetriableError, RetryAfterError } from "inngest";
import { newInngestKeys } from "../../scripts/inngest-keys.mjs";
import { bodyShape, createRecorder, type RecordedExchange, type RecordedOp } from "../../runner/record";
import { hashSigningKey, removeSigningKeyPrefix } from "../../runner/signing";
import { EXCHANGES, KNOWN_CALL_OPS, KNOWN_CHECKPOINT_OPS, OPS, type FieldRule } from "./fixtures/protocol-spec";
import { freePort, listRuns, startApp, startTestRunner, waitFor, type AnyFunction, type RunSummary, type TestApp, type TestRunner } from "./helpers";

const SIGNED = true;
const keys = newInngestKeys();
const APP_ID = "proto-rec";
/** Put into user data (event data, step outputs); must never reach the recording. */
const MARKER = `user-data-marker-${process.pid}-${Date.now()}`;
const FUNCTIONS = ["pipeline", "child", "notified", "plain", "retry-fn", "refuses", "retry-after"];
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };

const recordFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "folio-record-")), "exchanges.jsonl");
let runner: TestRunner;
let app: TestApp;
let runs: Map<string, RunSummary>;
let recording: RecordedExchange[] = [];
let recordingText = "";

const tries = new Map<string, number>();
const bump = (key: string) => {
  const n = (tries.get(key) ?? 0) + 1;
  tries.set(key, n);
  return n;
};

function build(client: Inngest): AnyFunction[] {
  const fns: Record<string, AnyFunction> = {};
  fns.child = client.createFunction({ id: "child", triggers: [{ event: "rec/child" }] }, async ({ event, step }) => step.run("double", () => Number(event.data.n) * 2));
  fns.pipeline = client.createFunction({ id: "pipeline", retries: 2, triggers: [{ event: "rec/go" }] }, async ({ event, step }) => {
    const tag = String(event.data.tag);
    const loaded = await step.run("load", () => ({ n: 3, marker: MARKER }));
    const big = await step.run("big", () => ({ blob: MARKER + "x".repeat(1_000_000) }));
    const flaky = await step.run("flaky", () => {
      if (bump(`${tag}:flaky`) === 1) throw new Error("transient failure");
      return "recovered";
    });
    await step.sleep("nap", "1s");
    const [p1, p2] = await Promise.all([step.run("par-1", () => 1), step.run("par-2", () => 2)]);
    await step.sendEvent("notify", { name: "rec/notified", data: { tag, marker: MARKER } });
    const child = await step.invoke("call-child", { function: fns.child as AnyFunction, data: { n: loaded.n } });
    const waited = await step.waitForEvent("wait-never", { event: "rec/never", timeout: "1s" });
    return { size: big.blob.length, flaky, p: p1 + p2, child, waited };
  });
  fns.notified = client.createFunction({ id: "notified", triggers: [{ event: "rec/notified" }] }, async ({ event }) => ({ got: String(event.data.tag) }));
  fns.plain = client.createFunction({ id: "plain", checkpointing: false, triggers: [{ event: "rec/go" }] }, async ({ step }) => {
    const a = await step.run("a", () => 1);
    const b = await step.run("b", () => a + 1);
    return { b };
  });
  fns.retryFn = client.createFunction({ id: "retry-fn", retries: 2, triggers: [{ event: "rec/go" }] }, async ({ attempt }) => {
    if (attempt === 0) throw new Error("first attempt fails outside any step");
    return { attempt };
  });
  fns.refuses = client.createFunction({ id: "refuses", retries: 2, triggers: [{ event: "rec/go" }] }, async () => {
    throw new NonRetriableError("never retried");
  });
  fns.retryAfter = client.createFunction({ id: "retry-after", retries: 2, triggers: [{ event: "rec/go" }] }, async ({ event, step }) => {
    return step.run("rate-limited", () => {
      if (bump(`${String(event.data.tag)}:rate-limited`) === 1) throw new RetryAfterError("upstream rate limit", 1000);
      return "done";
    });
  });
  return Object.values(fns);
}

beforeAll(async () => {
  const appPort = await freePort();
  const runnerPort = await freePort();
  const appUrl = `http://127.0.0.1:${appPort}/api/inngest`;
  const client = new Inngest({ id: APP_ID, isDev: false, baseUrl: `http://127.0.0.1:${runnerPort}`, signingKey: keys.signingKey, eventKey: keys.eventKey, logger: quiet });
  app = await startApp(client, build(client), appPort);
  // The documented switch: FOLIO_RUNNER_RECORD in the runner's environment.
  process.env.FOLIO_RUNNER_RECORD = recordFile;
  try {
    runner = await startTestRunner({ port: runnerPort, signingKey: keys.signingKey, eventKey: keys.eventKey, appUrl });
  } finally {
    delete process.env.FOLIO_RUNNER_RECORD;
  }
  await waitFor(async () => ((await (await fetch(`${runner.url}/functions`)).json()) as { functions: unknown[] }).functions.length >= FUNCTIONS.length, {
    timeout: 60_000,
    what: "the app synced on the runner's start",
  });
  await client.send({ name: "rec/go", data: { tag: "t1", marker: MARKER } });
  const done = new Set(["completed", "failed", "cancelled"]);
  runs = await waitFor(
    async () => {
      const all = await listRuns(runner.url);
      const byFn = new Map<string, RunSummary>();
      for (const r of all) byFn.set(r.function_id.slice(APP_ID.length + 1), r);
      return FUNCTIONS.every((f) => byFn.has(f) && done.has(byFn.get(f)?.status ?? "")) && all.every((r) => done.has(r.status)) ? byFn : undefined;
    },
    { timeout: 180_000, interval: 100, what: "every function's run to finish" },
  );
  // Every exchange is written when it ends; stop the runner so nothing is still in flight.
  await runner.stop();
  recordingText = fs.readFileSync(recordFile, "utf8");
  recording = recordingText
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as RecordedExchange);
}, 240_000);

afterAll(async () => {
  await runner?.stop();
  await app?.close();
});

// ---- checking a recorded exchange against a FieldRule ----

type Found = { kind: "types"; types: string[] } | { kind: "value"; value: string } | undefined;

function resolve(e: RecordedExchange, address: string): Found {
  const [side, part, ...rest] = address.split(".");
  const key = rest.join(".");
  if (side === "query") return e.query[[part, ...rest].join(".")] !== undefined ? { kind: "value", value: e.query[[part, ...rest].join(".")] as string } : undefined;
  const msg = side === "request" ? e.request : side === "response" ? e.response : undefined;
  if (!msg) return undefined;
  if (side === "response" && part === "status" && e.response) return { kind: "value", value: String(e.response.status) };
  if (part === "header") {
    if (msg.headers[key] !== undefined) return { kind: "value", value: msg.headers[key] as string };
    return msg.header_names.includes(key) ? { kind: "value", value: "present" } : undefined;
  }
  if (part === "value") return msg.values?.[key] !== undefined ? { kind: "value", value: String(msg.values[key]) } : undefined;
  if (part === "body" && !key) return msg.body_type === "absent" ? undefined : { kind: "types", types: [msg.body_type] };
  if (part === "body") return msg.body[key] !== undefined ? { kind: "types", types: (msg.body[key] as string).split("|") } : undefined;
  throw new Error(`protocol-spec: unknown field address ${address}`);
}

function resolveOp(op: RecordedOp, address: string): Found {
  if (address === "id") return op.id === null ? undefined : { kind: "types", types: ["string"] };
  if (address === "op") return op.op === null ? undefined : { kind: "types", types: ["string"] };
  const t = op.fields[address];
  return t === undefined ? undefined : { kind: "types", types: [t] };
}

/** A problem with one rule on one exchange, or undefined when it holds. */
function check(rule: FieldRule, lookup: (address: string) => Found): string | undefined {
  const alternatives = Array.isArray(rule.field) ? rule.field : [rule.field];
  const problems: string[] = [];
  let present = false;
  for (const address of alternatives) {
    const found = lookup(address);
    if (!found) continue;
    present = true;
    if (rule.type && found.kind === "types") {
      const bad = found.types.filter((t) => !(rule.type as string[]).includes(t));
      if (bad.length) problems.push(`${address} is ${found.types.join("|")}, expected ${rule.type.join("|")}`);
      else return undefined;
    } else if (rule.value && found.kind === "value") {
      if (!rule.value.test(found.value)) problems.push(`${address} = ${JSON.stringify(found.value)} does not match ${rule.value}`);
      else return undefined;
    } else if (!rule.type && !rule.value) return undefined;
    else problems.push(`${address}: nothing to compare (rule has ${rule.type ? "a type" : "a value"}, recording has ${found.kind})`);
  }
  if (!present) return rule.optional ? undefined : `${alternatives.join(" or ")} is missing`;
  return problems.join("; ");
}

const seqOf = (e: RecordedExchange) => `#${e.seq} ${e.dir} ${e.method} ${e.path}${e.query.fnId ? `?fnId=${e.query.fnId}&stepId=${e.query.stepId?.slice(0, 8)}` : ""} -> ${e.response?.status ?? e.error?.code}`;

function opsWhere(where: "call-response" | "checkpoint"): Array<{ e: RecordedExchange; op: RecordedOp }> {
  return recording.flatMap((e) => {
    const isCall = e.dir === "runner->app" && e.kind === "call" && e.response?.status === 206;
    const list = where === "call-response" ? (isCall ? (e.response?.ops ?? []) : []) : e.dir === "app->runner" && e.kind === "checkpoint" ? (e.request.ops ?? []) : [];
    return list.map((op) => ({ e, op }));
  });
}

describe("protocol recording (FOLIO_RUNNER_RECORD) against the SDK spec fields the runner relies on", () => {
  test("the runs behaved as the functions say (the recording is of a real, complete job)", () => {
    const out = (f: string) => runs.get(f);
    expect(out("pipeline")).toMatchObject({ status: "completed", output: { size: MARKER.length + 1_000_000, flaky: "recovered", p: 3, child: 6, waited: null } });
    expect(out("child")).toMatchObject({ status: "completed", output: 6 });
    expect(out("notified")).toMatchObject({ status: "completed", output: { got: "t1" } });
    expect(out("plain")).toMatchObject({ status: "completed", output: { b: 2 } });
    expect(out("retry-fn")).toMatchObject({ status: "completed", output: { attempt: 1 } });
    expect(out("refuses")?.status).toBe("failed");
    expect(out("retry-after")).toMatchObject({ status: "completed", output: "done" });
  });

  test("every exchange kind of the spec occurred (and the ones the runner never asks for did not)", () => {
    const rows = EXCHANGES.map((s) => ({ kind: s.kind, expected: s.occurs, count: recording.filter((e) => s.match(e)).length }));
    const opRows = OPS.map((s) => ({ kind: `op ${s.op} (${s.where})`, expected: s.occurs, count: opsWhere(s.where).filter((x) => x.op.op === s.op).length }));
    const table = [...rows, ...opRows].map((r) => `  ${r.kind.padEnd(34)} ${String(r.count).padStart(4)}  ${r.expected}`).join("\n");
    console.log(`protocol recording: ${recording.length} exchanges (${recordFile}), inngest SDK ${recording.find((e) => e.kind === "register")?.request.values?.sdk}\n  ${"exchange kind".padEnd(34)} count  expected\n${table}`);
    const wrong = [...rows, ...opRows].filter((r) => (r.expected === "never" ? r.count !== 0 : r.count === 0));
    expect(wrong, `exchange kinds with unexpected counts:\n${table}`).toEqual([]);
    // Every recorded exchange is of a kind the spec knows.
    expect(recording.filter((e) => !EXCHANGES.some((s) => s.match(e)) && !e.error).map(seqOf)).toEqual([]);
  });

  test("every field the spec lists is present with the expected type in every exchange of its kind", () => {
    const problems: string[] = [];
    for (const spec of EXCHANGES) {
      for (const e of recording.filter((x) => spec.match(x))) {
        for (const rule of spec.fields) {
          if (rule.signedOnly && !SIGNED) continue;
          const problem = check(rule, (a) => resolve(e, a));
          if (problem) problems.push(`[${spec.kind}] ${seqOf(e)}: ${problem}  (relied on by: ${rule.source})`);
        }
      }
    }
    for (const spec of OPS) {
      for (const { e, op } of opsWhere(spec.where).filter((x) => x.op.op === spec.op)) {
        for (const rule of spec.fields) {
          const problem = check(rule, (a) => resolveOp(op, a));
          if (problem) problems.push(`[op ${spec.op} in ${spec.where}] ${seqOf(e)}: ${problem}  (relied on by: ${rule.source})`);
        }
      }
    }
    expect(problems.slice(0, 40), `${problems.length} protocol field problems`).toEqual([]);
  });

  test("every opcode the SDK sent is one the runner handles", () => {
    const unknownCall = opsWhere("call-response").filter(({ op }) => !KNOWN_CALL_OPS.includes(op.op ?? ""));
    const unknownCheckpoint = opsWhere("checkpoint").filter(({ op }) => !KNOWN_CHECKPOINT_OPS.includes(op.op ?? ""));
    expect(unknownCall.map(({ e, op }) => `${seqOf(e)}: ${op.op}`)).toEqual([]);
    expect(unknownCheckpoint.map(({ e, op }) => `${seqOf(e)}: ${op.op}`)).toEqual([]);
  });

  test("sequence: errors are followed by a retry, planned steps by their own call, non-retriable errors by nothing", () => {
    const calls = recording.filter((e) => e.kind === "call" && e.response);
    const runOf = (e: RecordedExchange) => String(e.request.values?.["ctx.run_id"]);
    const attemptOf = (e: RecordedExchange) => Number(e.request.values?.["ctx.attempt"]);
    const later = (e: RecordedExchange) => calls.filter((c) => c.seq > e.seq && runOf(c) === runOf(e));
    const retriable = calls.filter((e) => e.response?.status === 500 || (e.response?.ops ?? []).some((o) => o.op === "StepError"));
    expect(retriable.length).toBeGreaterThan(0);
    for (const e of retriable) expect(later(e).some((c) => attemptOf(c) > attemptOf(e)), `a retry after ${seqOf(e)}`).toBe(true);
    for (const e of calls.filter((c) => c.response?.status === 400)) expect(later(e).map(seqOf), `no call after the non-retriable ${seqOf(e)}`).toEqual([]);
    for (const e of calls) {
      for (const op of (e.response?.ops ?? []).filter((o) => o.op === "StepPlanned")) {
        expect(later(e).some((c) => c.query.stepId === op.id), `a call with stepId=${op.id} after ${seqOf(e)}`).toBe(true);
      }
    }
    // The runner's Retry-After was honoured: the retried call came at least ~1 s after the answer.
    const ra = calls.find((e) => e.response?.header_names.includes("retry-after"));
    const next = ra && later(ra).find((c) => attemptOf(c) > attemptOf(ra));
    expect(next).toBeDefined();
    if (ra && next) expect(Date.parse(next.at) - next.ms - Date.parse(ra.at)).toBeGreaterThanOrEqual(900);
    // A checkpoint echoes the run, function, queue item and generation of the call it belongs to
    // (runner/server.ts:handleCheckpointAsync refuses it with 409 otherwise).
    for (const cp of recording.filter((e) => e.kind === "checkpoint")) {
      const v = cp.request.values ?? {};
      const owner = calls.find(
        (c) =>
          c.request.values?.["ctx.run_id"] === v.run_id &&
          c.request.values?.["ctx.fn_id"] === v.fn_id &&
          c.request.values?.["ctx.qi_id"] === v.qi_id &&
          c.request.headers["x-inngest-generation-id"] === String(v.generation_id) &&
          Date.parse(c.at) - c.ms <= Date.parse(cp.at) &&
          c.seq > cp.seq,
      );
      expect(owner, `the call in flight during ${seqOf(cp)}`).toBeDefined();
    }
  });

  test("the recording holds no secret and no user data", () => {
    expect(recordingText.length).toBeGreaterThan(0);
    const secrets = {
      "signing key": keys.signingKey,
      "signing key (hex part)": removeSigningKeyPrefix(keys.signingKey),
      "event key": keys.eventKey,
      "hashed signing key (Bearer token)": removeSigningKeyPrefix(hashSigningKey(keys.signingKey)),
    };
    for (const [what, value] of Object.entries(secrets)) expect(recordingText.includes(value), `${what} in the recording`).toBe(false);
    expect(recordingText.includes(MARKER), "user data in the recording").toBe(false);
    // The 1 MB step output is recorded as a type, not copied.
    expect(Math.max(...recordingText.split("\n").map((l) => l.length))).toBeLessThan(50_000);
  });
});

describe("recorder units", () => {
  test("off without a path; shapes keep user data as types", () => {
    expect(createRecorder(undefined)).toBeUndefined();
    const shape = bodyShape({ event: { name: "a", data: { secret: "x" } }, steps: { abc: { data: { deep: 1 } } }, ctx: { stack: { stack: ["abc"], current: 1 } } }, "call");
    expect(shape).toEqual({
      ctx: "object",
      "ctx.stack": "object",
      "ctx.stack.current": "number",
      "ctx.stack.stack": "array",
      "ctx.stack.stack[]": "string",
      event: "object",
      "event.data": "object",
      "event.name": "string",
      steps: "object",
      "steps.*": "object",
      "steps.*.data": "object",
    });
  });
});
