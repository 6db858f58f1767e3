/**
 * Opt-in protocol recorder (`FOLIO_RUNNER_RECORD=/path/file.jsonl`): one JSON line per HTTP
 * exchange between the runner and the app, in both directions, so a test can compare what the
 * SDK really sends and answers with the fields the runner relies on
 * (tests/runner/fixtures/protocol-spec.ts, tests/runner/protocol-record.test.ts).
 *
 *   runner -> app: the sync `PUT` and every function call (`POST ?fnId=&stepId=`)
 *   app -> runner: `POST /fn/register`, `POST /v1/checkpoint...`, `GET /v0/runs/...`, `POST /e/:key`
 *
 * A line records the *shape* of an exchange, never user data or secrets: method, path (the event
 * key replaced by `{key}`), protocol query values (`fnId`, `stepId`...), header names, values of
 * protocol headers (`X-Inngest-Signature` and `Authorization` only as their format), body key
 * paths with their JSON types (user payloads such as `event.data` or a step's `data` only as a
 * type), a few protocol values (`ctx.attempt`, `ctx.run_id`...), and for opcode lists each op's
 * `op`, `id` and field names. Recording off (no path) creates no recorder: nothing changes.
 */

import fs from "node:fs";
import type http from "node:http";
import path from "node:path";
import type { HttpRequestOptions, HttpResponse } from "./http";
import type { Logger } from "./log";

export type ExchangeKind = "sync" | "call" | "register" | "checkpoint" | "checkpoint_sync" | "payload" | "event" | "other";

/** `path -> JSON type(s)`, e.g. `{ "ctx.stack.stack": "array", "steps.*.data": "null|object" }`. */
export type BodyShape = Record<string, string>;

export interface RecordedOp {
  op: string | null;
  id: string | null;
  /** The op's keys and those of its `opts`, with their JSON types: `{ data: "null", "opts.timeout": "string" }`. */
  fields: Record<string, string>;
}

export interface RecordedMessage {
  header_names: string[];
  /** Values of protocol headers only (signature / authorization as their format). */
  headers: Record<string, string>;
  /** JSON type of the whole body (`absent` if none, `text` if not JSON). */
  body_type: string;
  body: BodyShape;
  /** Opcode lists (a 206 answer, a checkpoint's `steps`). */
  ops?: RecordedOp[];
  /** Protocol values worth correlating (ids, attempt, counts); never user data. */
  values?: Record<string, string | number | boolean | null>;
}

export interface RecordedExchange {
  seq: number;
  at: string;
  /** `runner->app` (the runner calls the app) or `app->runner` (the SDK calls the runner). */
  dir: "runner->app" | "app->runner";
  kind: ExchangeKind;
  method: string;
  path: string;
  query: Record<string, string>;
  request: RecordedMessage;
  response?: RecordedMessage & { status: number };
  /** Transport failure of an outgoing call (no response). */
  error?: { code?: string; message: string };
  ms: number;
}

/** Headers whose values are protocol data (lower case). Any other `x-inngest-*` is recorded too. */
const PROTOCOL_HEADERS = new Set(["content-type", "user-agent", "retry-after", "x-request-id", "x-run-id"]);
/** Query parameters whose values are recorded; others only as "present". */
const PROTOCOL_QUERY = new Set(["fnId", "stepId", "deployId", "probe"]);

/** Body subtrees that are user data: recorded as their type only. `*` = any map key, `[]` = any element. */
const OPAQUE: Partial<Record<ExchangeKind, string[]>> = {
  call: ["event.data", "events[].data", "steps.*.data", "steps.*.input", "[].data", "[].opts.payload", "[].opts.input"],
  // The SDK also serializes its internal step objects here; `rawArgs` holds the step's arguments.
  checkpoint: ["steps[].data", "steps[].opts.payload", "steps[].rawArgs"],
  checkpoint_sync: ["steps[].data", "steps[].rawArgs", "event.data"],
  event: ["data", "[].data"],
  payload: ["[].data", "*.data", "*.input"],
};
/** Objects whose keys are ids (hashed step ids), collapsed to `*`. */
const MAPS: Partial<Record<ExchangeKind, string[]>> = { call: ["steps"], payload: [""] };

const MAX_DEPTH = 8;
const MAX_ITEMS = 200;

function jsonType(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  return typeof v;
}

function join(parent: string, seg: string): string {
  if (seg === "[]") return `${parent}[]`;
  return parent ? `${parent}.${seg}` : seg;
}

/** Flattens a JSON value into `path -> type` (types of repeated paths are merged, e.g. `null|object`). */
export function bodyShape(value: unknown, kind: ExchangeKind, opaqueRoot = false): BodyShape {
  const out: Record<string, Set<string>> = {};
  const opaque = new Set(OPAQUE[kind] ?? []);
  const maps = new Set(MAPS[kind] ?? []);
  const walk = (v: unknown, p: string, depth: number) => {
    if (p) (out[p] ??= new Set()).add(jsonType(v));
    if ((p === "" && opaqueRoot) || opaque.has(p) || depth >= MAX_DEPTH || v === null || typeof v !== "object") return;
    if (Array.isArray(v)) {
      for (const el of v.slice(0, MAX_ITEMS)) walk(el, join(p, "[]"), depth + 1);
      return;
    }
    const entries = Object.entries(v as Record<string, unknown>).slice(0, MAX_ITEMS);
    for (const [k, child] of entries) walk(child, join(p, maps.has(p) ? "*" : k), depth + 1);
  };
  walk(value, "", 0);
  return Object.fromEntries(
    Object.entries(out)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, types]) => [k, [...types].sort().join("|")]),
  );
}

function opsOf(list: unknown): RecordedOp[] | undefined {
  const items = Array.isArray(list) ? list : list && typeof list === "object" ? [list] : undefined;
  if (!items) return undefined;
  return items.map((o) => {
    const op = o && typeof o === "object" && !Array.isArray(o) ? (o as Record<string, unknown>) : {};
    const fields: Record<string, string> = {};
    for (const [k, v] of Object.entries(op)) fields[k] = jsonType(v);
    if (op.opts && typeof op.opts === "object" && !Array.isArray(op.opts)) for (const [k, v] of Object.entries(op.opts)) fields[`opts.${k}`] = jsonType(v);
    return { op: typeof op.op === "string" ? op.op : null, id: typeof op.id === "string" ? op.id : null, fields };
  });
}

function get(obj: unknown, dotted: string): unknown {
  let cur = obj;
  for (const k of dotted.split(".")) {
    if (!cur || typeof cur !== "object" || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

type Scalar = string | number | boolean | null;
const isScalar = (v: unknown): v is Scalar => v === null || ["string", "number", "boolean"].includes(typeof v);

/** Protocol values recorded per kind (request side). */
const REQUEST_VALUES: Partial<Record<ExchangeKind, string[]>> = {
  call: ["ctx.run_id", "ctx.fn_id", "ctx.qi_id", "ctx.attempt", "ctx.max_attempts", "ctx.disable_immediate_execution", "ctx.use_api", "ctx.stack.current", "version"],
  checkpoint: ["run_id", "fn_id", "qi_id", "generation_id"],
  register: ["sdk", "framework", "v", "deployType"],
};

function valuesOf(kind: ExchangeKind, body: unknown): Record<string, Scalar> | undefined {
  const out: Record<string, Scalar> = {};
  for (const key of REQUEST_VALUES[kind] ?? []) {
    const v = get(body, key);
    if (v !== undefined && isScalar(v)) out[key] = v;
  }
  if (kind === "call") {
    const steps = get(body, "steps");
    if (steps && typeof steps === "object") out.steps_count = Object.keys(steps).length;
    const events = get(body, "events");
    if (Array.isArray(events)) out.events_count = events.length;
  }
  if (kind === "register" && Array.isArray(get(body, "functions"))) out.functions_count = (get(body, "functions") as unknown[]).length;
  if (kind === "event") out.events_count = Array.isArray(body) ? body.length : body && typeof body === "object" ? 1 : 0;
  return Object.keys(out).length ? out : undefined;
}

function headerValue(name: string, value: string): string {
  if (name === "x-inngest-signature") return /^t=\d+&s=[0-9a-f]{64}$/i.test(value) ? "t=..&s=.." : "present (unrecognised format)";
  if (name === "authorization") return /^Bearer (signkey-\w+-)?[0-9a-f]{64}$/i.test(value) ? "Bearer .." : "present (unrecognised format)";
  return value;
}

function headersOf(raw: Record<string, string | string[] | number | undefined>): { header_names: string[]; headers: Record<string, string> } {
  const names: string[] = [];
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (v === undefined) continue;
    const name = k.toLowerCase();
    names.push(name);
    if (PROTOCOL_HEADERS.has(name) || name.startsWith("x-inngest-") || name === "authorization") headers[name] = headerValue(name, Array.isArray(v) ? v.join(", ") : String(v));
  }
  return { header_names: [...new Set(names)].sort(), headers };
}

function message(kind: ExchangeKind, rawHeaders: Record<string, string | string[] | number | undefined>, text: string | undefined, opts: { opaqueRoot?: boolean; ops?: "root" | "steps"; values?: boolean } = {}): RecordedMessage {
  const base = headersOf(rawHeaders);
  if (text === undefined || text === "") return { ...base, body_type: "absent", body: {} };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ...base, body_type: "text", body: {} };
  }
  const msg: RecordedMessage = { ...base, body_type: jsonType(parsed), body: bodyShape(parsed, kind, opts.opaqueRoot) };
  const ops = opts.ops === "root" ? opsOf(parsed) : opts.ops === "steps" ? opsOf(get(parsed, "steps")) : undefined;
  if (ops) msg.ops = ops;
  const values = opts.values ? valuesOf(kind, parsed) : undefined;
  if (values) msg.values = values;
  return msg;
}

function queryOf(url: URL): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of url.searchParams) out[k] = PROTOCOL_QUERY.has(k) ? v : "present";
  return out;
}

/** Kind and recorded path of a request the SDK makes to the runner; undefined = not app traffic (UI, /runs...). */
function incomingKind(pathname: string): { kind: ExchangeKind; path: string } | undefined {
  const p = pathname.replace(/\/+$/, "") || "/";
  if (/^\/e\/[^/]+$/.test(p)) return { kind: "event", path: "/e/{key}" };
  if (p === "/fn/register") return { kind: "register", path: p };
  if (/^\/v1\/checkpoint\/[^/]+\/async$/.test(p)) return { kind: "checkpoint", path: "/v1/checkpoint/{runId}/async" };
  if (p === "/v1/checkpoint" || p.startsWith("/v1/checkpoint/")) return { kind: "checkpoint_sync", path: p.replace(/^\/v1\/checkpoint\/[^/]+/, "/v1/checkpoint/{runId}") };
  if (p.startsWith("/v0/runs/")) return { kind: "payload", path: p.replace(/^\/v0\/runs\/[^/]+/, "/v0/runs/{runId}") };
  if (p.startsWith("/v1/") || p.startsWith("/v0/")) return { kind: "other", path: p };
  return undefined;
}

interface Pending {
  kind: ExchangeKind;
  method: string;
  path: string;
  query: Record<string, string>;
  headers: http.IncomingHttpHeaders;
  started: number;
  body?: string;
  response?: { status: number; headers: Record<string, string | number>; body: string };
}

/** Requests being recorded (keyed by the request; shared by every recorder, empty when none watches). */
const pending = new WeakMap<http.IncomingMessage, Pending>();

/** server.ts: the body text a handler read (no-op unless the request is being recorded). */
export function noteRequestBody(req: http.IncomingMessage, text: string): void {
  const p = pending.get(req);
  if (p) p.body = text;
}

/** server.ts: the answer a handler sent (no-op unless the request is being recorded). */
export function noteResponse(res: http.ServerResponse, status: number, headers: Record<string, string | number>, body: string): void {
  const p = pending.get(res.req);
  if (p) p.response = { status, headers, body };
}

export class Recorder {
  private seq = 0;
  private failed = false;

  constructor(
    readonly file: string,
    private readonly log?: Logger,
  ) {
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  }

  private write(entry: Omit<RecordedExchange, "seq" | "at">): void {
    try {
      const line: RecordedExchange = { seq: ++this.seq, at: new Date().toISOString(), ...entry };
      fs.appendFileSync(this.file, JSON.stringify(line) + "\n");
    } catch (err) {
      // Recording must never break the runner: report once, keep running.
      if (!this.failed) this.log?.error("record.write_failed", { file: this.file, error: err });
      this.failed = true;
    }
  }

  /** http.ts: an outgoing request to the app and its answer (or transport error). */
  outgoing(url: string, opts: HttpRequestOptions, started: number, res?: HttpResponse, error?: unknown): void {
    try {
      const target = new URL(url);
      const query = queryOf(target);
      const kind: ExchangeKind = opts.method === "PUT" ? "sync" : opts.method === "POST" && target.searchParams.has("fnId") ? "call" : "other";
      const reqHeaders: Record<string, string> = { ...(opts.headers ?? {}) };
      if (opts.body !== undefined) reqHeaders["content-length"] = String(Buffer.byteLength(opts.body));
      const entry: Omit<RecordedExchange, "seq" | "at"> = {
        dir: "runner->app",
        kind,
        method: opts.method,
        path: target.pathname,
        query,
        request: message(kind, reqHeaders, opts.body, { values: true }),
        ms: Date.now() - started,
      };
      if (res) {
        // A call's 200 body is the function's return value (user data): its type only.
        const ops = kind === "call" && res.status === 206 ? "root" : undefined;
        entry.response = { status: res.status, ...message(kind, res.headers, res.body, { opaqueRoot: kind === "call" && res.status === 200, ops }) };
      } else {
        const e = error as { code?: string; message?: string } | undefined;
        entry.error = { code: e?.code, message: e?.message ?? String(error) };
      }
      this.write(entry);
    } catch (err) {
      this.log?.warn("record.failed", { error: err });
    }
  }

  /** server.ts: starts recording a request if it is app traffic; written when the response closes. */
  watch(req: http.IncomingMessage, res: http.ServerResponse): void {
    let url: URL;
    try {
      url = new URL(req.url ?? "/", "http://runner.local");
    } catch {
      return; // the handler answers it; nothing to record
    }
    const method = req.method ?? "GET";
    const match = incomingKind(url.pathname);
    if (!match) return;
    const p: Pending = { ...match, method, query: queryOf(url), headers: req.headers, started: Date.now() };
    pending.set(req, p);
    res.once("close", () => {
      pending.delete(req);
      try {
        const r = p.response;
        const ops = p.kind === "checkpoint" || p.kind === "checkpoint_sync" ? "steps" : undefined;
        this.write({
          dir: "app->runner",
          kind: p.kind,
          method: p.method,
          path: p.path,
          query: p.query,
          request: message(p.kind, p.headers, p.body, { ops, values: true }),
          response: r ? { status: r.status, ...message(p.kind, r.headers, r.body) } : { status: res.statusCode, ...message(p.kind, {}, undefined) },
          ms: Date.now() - p.started,
        });
      } catch (err) {
        this.log?.warn("record.failed", { error: err });
      }
    });
  }
}

export function createRecorder(file: string | undefined, log?: Logger): Recorder | undefined {
  return file ? new Recorder(file, log) : undefined;
}
