/** Sync (spec 4.3): storing a validated registration, loading it on start, and asking an app to sync. */

import type { RunnerContext } from "./context";
import { parseCron } from "./cron";
import { httpRequest, TransportError } from "./http";
import { parseRegistration, type FunctionDef } from "./registry";
import { serverHeaders } from "./signing";
import { str } from "./store";

export interface RegisterResult {
  status: number;
  body: Record<string, unknown>;
}

/** Handles the SDK's POST /fn/register. Unsupported configuration is refused as a whole. */
export async function handleRegister(ctx: RunnerContext, body: unknown): Promise<RegisterResult> {
  const { payload, functions, errors } = parseRegistration(body);
  // A configured runner syncs only its own app: a registration naming another URL (e.g. one the
  // SDK built from a forged Host header) would send every later call there.
  const foreign = payload && ctx.config.appUrl ? [payload.url, ...functions.map((f) => f.url)].find((u) => u && !sameEndpoint(u, ctx.config.appUrl ?? "")) : undefined;
  if (payload && foreign !== undefined) {
    ctx.log.error("sync.refused", { app: payload.appName, url: foreign, expected: ctx.config.appUrl });
    return { status: 403, body: { ok: false, status: 403, error: `Sync refused by the bundled Inngest runner: it serves only ${ctx.config.appUrl}, not ${foreign}` } };
  }
  if (!payload || errors.length) {
    const error = `Sync refused by the bundled Inngest runner: ${errors.join(" | ")}`;
    ctx.log.error("sync.refused", { app: payload?.appName, url: payload?.url, errors });
    return { status: 400, body: { ok: false, status: 400, error } };
  }
  const now = Date.now();
  const modified = await ctx.store.tx(async (t) => {
    let changed = false;
    const previous = new Map<string, string>();
    for (const row of await t.all("SELECT id, config FROM functions WHERE app_id = ? AND active = 1", [payload.appName])) previous.set(str(row.id), str(row.config));
    await t.run("INSERT OR REPLACE INTO apps (id, url, sdk, framework, synced_at) VALUES (?, ?, ?, ?, ?)", [payload.appName, payload.url, payload.sdk ?? null, payload.framework ?? null, now]);
    for (const fn of functions) {
      const config = JSON.stringify(fn);
      if (previous.get(fn.id) !== config) changed = true;
      previous.delete(fn.id);
      await t.run("INSERT OR REPLACE INTO functions (id, app_id, internal_id, config, active, updated_at) VALUES (?, ?, ?, ?, 1, ?)", [fn.id, payload.appName, fn.internalId, config, now]);
      const crons = fn.triggers.flatMap((tr) => (tr.kind === "cron" ? [tr.cron] : []));
      const existing = await t.all("SELECT expr FROM crons WHERE fn_id = ?", [fn.id]);
      for (const row of existing) if (!crons.includes(str(row.expr))) await t.run("DELETE FROM crons WHERE fn_id = ? AND expr = ?", [fn.id, str(row.expr)]);
      for (const expr of crons) await t.run("INSERT OR IGNORE INTO crons (fn_id, expr, next_at) VALUES (?, ?, ?)", [fn.id, expr, parseCron(expr).next(now)]);
    }
    for (const removed of previous.keys()) {
      changed = true;
      await t.run("UPDATE functions SET active = 0, updated_at = ? WHERE id = ?", [now, removed]);
      await t.run("DELETE FROM crons WHERE fn_id = ?", [removed]);
    }
    return changed;
  });
  await loadRegistry(ctx);
  ctx.log.info("sync.ok", { app: payload.appName, url: payload.url, sdk: payload.sdk, functions: functions.map((f) => f.id), modified });
  ctx.wake(Date.now()); // cron schedules may have changed
  return { status: 200, body: { ok: true, status: 200, modified } };
}

export async function loadRegistry(ctx: RunnerContext): Promise<void> {
  const rows = await ctx.store.read((t) => t.all("SELECT config FROM functions WHERE active = 1"));
  // The stored config is the FunctionDef this runner serialized itself at sync.
  const defs = rows.map((r) => JSON.parse(str(r.config)) as FunctionDef);
  ctx.registry.load(defs);
}

export interface SyncOutcome {
  ok: boolean;
  status?: number;
  message: string;
}

/** Sends the app's serve endpoint a PUT, which makes the SDK POST its functions to /fn/register. */
export async function requestSync(ctx: RunnerContext, appUrl: string): Promise<SyncOutcome> {
  const res = await httpRequest(appUrl, { method: "PUT", headers: { ...serverHeaders(ctx.config, ""), "content-type": "application/json" }, timeoutMs: 30_000, recorder: ctx.recorder });
  let message = res.body;
  try {
    const parsed: unknown = JSON.parse(res.body);
    if (parsed && typeof parsed === "object" && "message" in parsed) message = String((parsed as { message: unknown }).message);
  } catch {
    // keep raw body
  }
  return { ok: res.status === 200, status: res.status, message };
}

/** Retries the sync until the app answers (started with FOLIO_RUNNER_APP_URL). */
export async function syncUntilAnswered(ctx: RunnerContext, appUrl: string, stopped: () => boolean): Promise<SyncOutcome | undefined> {
  let delay = 500;
  for (let attempt = 1; !stopped(); attempt++) {
    try {
      const out = await requestSync(ctx, appUrl);
      if (out.ok) ctx.log.info("sync.app_synced", { app_url: appUrl, message: out.message });
      else ctx.log.error("sync.app_failed", { app_url: appUrl, status: out.status, message: out.message });
      return out;
    } catch (err) {
      const msg = err instanceof TransportError ? err.message : String(err);
      if (attempt === 1 || attempt % 10 === 0) ctx.log.info("sync.waiting_for_app", { app_url: appUrl, attempt, error: msg });
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 5_000);
    }
  }
  return undefined;
}

/**
 * Same serve endpoint: origin, path and query equal, apart from the `fnId`/`stepId` the SDK adds
 * to each function's URL (so a PUT with a query of its own cannot change where calls go).
 */
export function sameEndpoint(a: string, b: string): boolean {
  try {
    const x = new URL(a);
    const y = new URL(b);
    const query = (u: URL) => {
      const q = new URLSearchParams(u.search);
      q.delete("fnId");
      q.delete("stepId");
      q.sort();
      return q.toString();
    };
    return x.origin === y.origin && x.pathname.replace(/\/+$/, "") === y.pathname.replace(/\/+$/, "") && query(x) === query(y);
  } catch {
    return false;
  }
}
