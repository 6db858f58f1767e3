/**
 * App sync (spec 4.3): validates the payload the SDK POSTs to /fn/register and turns each function
 * into a FunctionDef. Anything the runner does not implement is refused with a precise message
 * (the SDK passes it back to whoever sent the PUT) instead of being ignored.
 */

import { z } from "zod";
import { CronError, parseCron } from "./cron";
import { parseTimeStr } from "./duration";
import { ExpressionError, compiled } from "./expressions";
import { stableUuid } from "./ids";

export type Trigger = { kind: "event"; event: string; expression?: string } | { kind: "cron"; cron: string };

export type ConcurrencyDef = { limit: number; key?: string; scope: "fn" | "env" | "account" };

export type CancelDef = { event: string; if?: string; timeoutMs?: number };

export interface FunctionDef {
  id: string;
  name: string;
  appId: string;
  /** Internal UUID sent as `ctx.fn_id` (and echoed back by checkpoints). */
  internalId: string;
  /** The call URL (`...?fnId=<id>&stepId=step`). */
  url: string;
  triggers: Trigger[];
  /** Retries after the first attempt (`steps.step.retries.attempts`, default 3, max 20). */
  retries: number;
  concurrency: ConcurrencyDef[];
  priority?: string;
  idempotency?: string;
  cancel: CancelDef[];
}

export const DEFAULT_RETRIES = 3;
export const MAX_RETRIES = 20;

/** Top-level register payload; unknown informational keys (capabilities, featureObservations...) pass. */
export const registerPayloadSchema = z.looseObject({
  url: z.string().url(),
  deployType: z.string().optional(),
  appName: z.string().min(1),
  sdk: z.string().optional(),
  framework: z.string().optional(),
  v: z.string().optional(),
  functions: z.array(z.record(z.string(), z.unknown())),
});
export type RegisterPayload = z.infer<typeof registerPayloadSchema>;

const eventTriggerSchema = z.strictObject({ event: z.string().min(1), expression: z.string().optional() });
const cronTriggerSchema = z.strictObject({ cron: z.string().min(1), jitter: z.string().optional() });
const stepSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  runtime: z.strictObject({ type: z.string(), url: z.string().url() }),
  retries: z.strictObject({ attempts: z.number().int().optional() }).optional(),
});
const concurrencyOptionSchema = z.strictObject({
  limit: z.number().int(),
  key: z.string().optional(),
  scope: z.enum(["fn", "env", "account"]).optional(),
});
const concurrencySchema = z.union([z.number().int(), concurrencyOptionSchema, z.array(concurrencyOptionSchema).min(1).max(2)]);
const cancelSchema = z.array(z.strictObject({ event: z.string().min(1), if: z.string().optional(), timeout: z.string().optional() }));
const prioritySchema = z.strictObject({ run: z.string().optional() });

/** Options the SDK can send that this runner does not implement: refused at sync. */
const UNSUPPORTED_OPTIONS: Record<string, string> = {
  throttle: "throttle is not supported by the bundled runner",
  rateLimit: "rateLimit is not supported by the bundled runner",
  debounce: "debounce is not supported by the bundled runner",
  batchEvents: "batchEvents is not supported by the bundled runner",
  singleton: "singleton is not supported by the bundled runner",
  timeouts: "timeouts (start/finish) are not supported by the bundled runner",
};

const KNOWN_OPTIONS = new Set(["id", "name", "description", "triggers", "steps", "concurrency", "priority", "idempotency", "cancel", "checkpoint"]);

function zodMessage(err: z.ZodError): string {
  return err.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
}

function checkExpression(src: string, roots: readonly string[], where: string, errors: string[]): void {
  try {
    compiled(src, roots);
  } catch (err) {
    errors.push(`${where}: ${err instanceof ExpressionError ? err.message : String(err)}`);
  }
}

/** Validates one function config; returns the definition or the list of problems. */
export function parseFunction(raw: Record<string, unknown>, appId: string): { def?: FunctionDef; errors: string[] } {
  const errors: string[] = [];
  const id = typeof raw.id === "string" && raw.id ? raw.id : undefined;
  const label = `function ${JSON.stringify(id ?? "?")}`;
  if (!id) return { errors: [`${label}: missing "id"`] };

  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined || value === null) continue;
    const why = UNSUPPORTED_OPTIONS[key];
    if (why) errors.push(`${label}: ${why} (got ${JSON.stringify(value)})`);
    else if (!KNOWN_OPTIONS.has(key)) errors.push(`${label}: unknown option "${key}" is not supported by the bundled runner`);
  }

  const triggers: Trigger[] = [];
  const rawTriggers = z.array(z.unknown()).safeParse(raw.triggers ?? []);
  if (!rawTriggers.success) errors.push(`${label}: triggers must be an array`);
  for (const [i, t] of (rawTriggers.success ? rawTriggers.data : []).entries()) {
    const ev = eventTriggerSchema.safeParse(t);
    if (ev.success) {
      if (ev.data.expression) checkExpression(ev.data.expression, ["event"], `${label} trigger ${i} expression`, errors);
      triggers.push({ kind: "event", event: ev.data.event, expression: ev.data.expression || undefined });
      continue;
    }
    const cr = cronTriggerSchema.safeParse(t);
    if (cr.success) {
      if (cr.data.jitter) errors.push(`${label}: cron jitter is not supported by the bundled runner`);
      try {
        parseCron(cr.data.cron);
        triggers.push({ kind: "cron", cron: cr.data.cron });
      } catch (err) {
        errors.push(`${label}: ${err instanceof CronError ? err.message : String(err)}`);
      }
      continue;
    }
    errors.push(`${label}: unsupported trigger ${JSON.stringify(t)}`);
  }

  const steps = z.record(z.string(), stepSchema).safeParse(raw.steps);
  let url = "";
  let retries = DEFAULT_RETRIES;
  if (!steps.success) errors.push(`${label}: invalid steps: ${zodMessage(steps.error)}`);
  else {
    const keys = Object.keys(steps.data);
    const step = steps.data.step;
    if (keys.length !== 1 || !step) errors.push(`${label}: expected exactly one step named "step", got ${JSON.stringify(keys)}`);
    else if (step.runtime.type !== "http") errors.push(`${label}: runtime type "${step.runtime.type}" is not supported (only "http"; connect/ws is not)`);
    else {
      url = step.runtime.url;
      const attempts = step.retries?.attempts;
      if (attempts !== undefined) {
        if (attempts < 0) errors.push(`${label}: retries must be >= 0`);
        retries = Math.min(Math.max(attempts, 0), MAX_RETRIES);
      }
    }
  }

  const concurrency: ConcurrencyDef[] = [];
  if (raw.concurrency !== undefined && raw.concurrency !== null) {
    const c = concurrencySchema.safeParse(raw.concurrency);
    if (!c.success) errors.push(`${label}: invalid concurrency: ${zodMessage(c.error)}`);
    else {
      const list = typeof c.data === "number" ? [{ limit: c.data }] : Array.isArray(c.data) ? c.data : [c.data];
      for (const opt of list) {
        if (opt.limit < 0) errors.push(`${label}: concurrency limit must be >= 0`);
        if (opt.limit <= 0) continue; // 0 means "no limit" in Inngest
        const scope = "scope" in opt && opt.scope ? opt.scope : "fn";
        const key = "key" in opt ? opt.key : undefined;
        if (key) checkExpression(key, ["event"], `${label} concurrency key`, errors);
        if (scope !== "fn" && !key) errors.push(`${label}: concurrency scope "${scope}" needs a key`);
        concurrency.push({ limit: opt.limit, key: key || undefined, scope });
      }
    }
  }

  let priority: string | undefined;
  if (raw.priority !== undefined && raw.priority !== null) {
    const p = prioritySchema.safeParse(raw.priority);
    if (!p.success) errors.push(`${label}: invalid priority: ${zodMessage(p.error)}`);
    else if (p.data.run) {
      checkExpression(p.data.run, ["event"], `${label} priority.run`, errors);
      priority = p.data.run;
    }
  }

  let idempotency: string | undefined;
  if (raw.idempotency !== undefined && raw.idempotency !== null) {
    if (typeof raw.idempotency !== "string") errors.push(`${label}: idempotency must be an expression string`);
    else if (raw.idempotency) {
      checkExpression(raw.idempotency, ["event"], `${label} idempotency`, errors);
      idempotency = raw.idempotency;
    }
  }

  const cancel: CancelDef[] = [];
  if (raw.cancel !== undefined && raw.cancel !== null) {
    const c = cancelSchema.safeParse(raw.cancel);
    if (!c.success) errors.push(`${label}: invalid cancel: ${zodMessage(c.error)}`);
    else
      for (const [i, entry] of c.data.entries()) {
        if (entry.if) checkExpression(entry.if, ["event", "async"], `${label} cancel ${i} if`, errors);
        let timeoutMs: number | undefined;
        if (entry.timeout) {
          timeoutMs = parseTimeStr(entry.timeout);
          if (timeoutMs === undefined) errors.push(`${label}: cancel ${i} timeout ${JSON.stringify(entry.timeout)} is not a time string`);
        }
        cancel.push({ event: entry.event, if: entry.if || undefined, timeoutMs });
      }
  }

  const name = typeof raw.name === "string" && raw.name ? raw.name : id;
  if (errors.length) return { errors };
  return {
    def: { id, name, appId, internalId: stableUuid(`${appId}\u0000${id}`), url, triggers, retries, concurrency, priority, idempotency, cancel },
    errors,
  };
}

/** Validates a whole sync; all problems are reported together. */
export function parseRegistration(body: unknown): { payload?: RegisterPayload; functions: FunctionDef[]; errors: string[] } {
  const parsed = registerPayloadSchema.safeParse(body);
  if (!parsed.success) return { functions: [], errors: [`invalid sync payload: ${zodMessage(parsed.error)}`] };
  const errors: string[] = [];
  const functions: FunctionDef[] = [];
  const seen = new Set<string>();
  for (const raw of parsed.data.functions) {
    const { def, errors: fnErrors } = parseFunction(raw, parsed.data.appName);
    errors.push(...fnErrors);
    if (def) {
      if (seen.has(def.id)) errors.push(`duplicate function id ${JSON.stringify(def.id)}`);
      seen.add(def.id);
      functions.push(def);
    }
  }
  return { payload: parsed.data, functions, errors };
}

/** In-memory index of the synced functions, rebuilt from the store on start and on every sync. */
export class Registry {
  private byId = new Map<string, FunctionDef>();
  private byEvent = new Map<string, FunctionDef[]>();
  private wildcard: Array<{ prefix: string; fn: FunctionDef }> = [];
  private cancelsByEvent = new Map<string, Array<{ fn: FunctionDef; cancel: CancelDef }>>();

  load(functions: FunctionDef[]): void {
    this.byId = new Map(functions.map((f) => [f.id, f]));
    this.byEvent = new Map();
    this.wildcard = [];
    this.cancelsByEvent = new Map();
    for (const fn of functions) {
      const names = new Set<string>();
      for (const t of fn.triggers) {
        if (t.kind !== "event" || names.has(t.event)) continue;
        names.add(t.event);
        if (t.event.endsWith("*")) this.wildcard.push({ prefix: t.event.slice(0, -1), fn });
        else this.byEvent.set(t.event, [...(this.byEvent.get(t.event) ?? []), fn]);
      }
      for (const c of fn.cancel) this.cancelsByEvent.set(c.event, [...(this.cancelsByEvent.get(c.event) ?? []), { fn, cancel: c }]);
    }
  }

  get(id: string): FunctionDef | undefined {
    return this.byId.get(id);
  }

  all(): FunctionDef[] {
    return [...this.byId.values()];
  }

  /** Functions with an event trigger for `name` (exact or `prefix*`), each once. */
  forEvent(name: string): FunctionDef[] {
    const out = [...(this.byEvent.get(name) ?? [])];
    for (const w of this.wildcard) if (name.startsWith(w.prefix) && !out.includes(w.fn)) out.push(w.fn);
    return out;
  }

  cancelsFor(name: string): Array<{ fn: FunctionDef; cancel: CancelDef }> {
    return this.cancelsByEvent.get(name) ?? [];
  }
}
