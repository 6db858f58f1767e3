/** The runner's small HTML page: recent runs with their steps, attempts, errors and timings. */

import type { Stats } from "./context";
import type { FunctionDef } from "./registry";
import type { StepRow } from "./store";

export interface UiAttempt {
  kind: string;
  stepId: string | null;
  attempt: number;
  outcome: string | null;
  httpStatus: number | null;
  error: string | null;
  startedAt: number;
  endedAt: number | null;
}

export interface UiRun {
  id: string;
  fn: string;
  fnId: string;
  status: string;
  event: string;
  createdAt: number;
  startedAt: number | null;
  endedAt: number | null;
  error: string | null;
  output: string | null;
  steps: StepRow[];
  attempts: UiAttempt[];
}

function esc(value: unknown): string {
  return String(value ?? "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

function time(ms: number | null): string {
  return ms === null ? "" : new Date(ms).toISOString().replace("T", " ").replace("Z", "");
}

function dur(from: number | null, to: number | null): string {
  if (from === null) return "";
  const ms = (to ?? Date.now()) - from;
  const text = ms < 1000 ? `${ms} ms` : ms < 120_000 ? `${(ms / 1000).toFixed(2)} s` : `${(ms / 60_000).toFixed(1)} min`;
  return to === null ? `${text}…` : text;
}

function errorText(json: string | null): string {
  if (!json) return "";
  try {
    const v: unknown = JSON.parse(json);
    if (v && typeof v === "object") {
      const o = v as Record<string, unknown>;
      if (o.error && typeof o.error === "object") return errorText(JSON.stringify(o.error));
      return `${String(o.name ?? "Error")}: ${String(o.message ?? JSON.stringify(v))}`;
    }
    return String(v);
  } catch {
    return json;
  }
}

function short(text: string, n = 160): string {
  return text.length > n ? `${text.slice(0, n)}…` : text;
}

function renderRun(run: UiRun): string {
  const stepRows = run.steps
    .map((s) => {
      const err = errorText(s.last_error) || (s.status === "failed" ? errorText(s.result) : "");
      return `<tr><td>${esc(s.name ?? s.step_id.slice(0, 10))}</td><td>${esc(s.op)}</td><td class="st-${esc(s.status)}">${esc(s.status)}</td><td>${s.attempts}</td><td>${esc(time(s.started_at ?? s.created_at))}</td><td>${esc(dur(s.started_at ?? s.created_at, s.ended_at))}</td><td class="err">${esc(short(err))}</td></tr>`;
    })
    .join("");
  const attemptRows = run.attempts
    .map(
      (a) =>
        `<tr><td>${esc(a.kind)}</td><td>${esc(a.stepId?.slice(0, 10) ?? "")}</td><td>${a.attempt}</td><td>${esc(a.outcome ?? "running")}</td><td>${esc(a.httpStatus ?? "")}</td><td>${esc(time(a.startedAt))}</td><td>${esc(dur(a.startedAt, a.endedAt))}</td><td class="err">${esc(short(errorText(a.error)))}</td></tr>`,
    )
    .join("");
  const failures = run.attempts.filter((a) => a.error).length;
  return `<details><summary><span class="st-${esc(run.status)}">${esc(run.status)}</span> <b>${esc(run.fn)}</b> <code>${esc(run.id)}</code> · ${esc(run.event)} · ${esc(time(run.createdAt))} · ${esc(dur(run.createdAt, run.endedAt))} · ${run.steps.length} steps · ${run.attempts.length} calls${failures ? ` · <span class="err">${failures} errors</span>` : ""}${run.error ? ` · <span class="err">${esc(short(errorText(run.error), 100))}</span>` : ""}</summary>
<p><a href="/runs/${esc(run.id)}">JSON</a>${run.output ? ` · output: <code>${esc(short(run.output, 300))}</code>` : ""}</p>
<table><thead><tr><th>step</th><th>op</th><th>status</th><th>attempts</th><th>started</th><th>duration</th><th>error</th></tr></thead><tbody>${stepRows || '<tr><td colspan="7">no steps</td></tr>'}</tbody></table>
<table><thead><tr><th>call</th><th>step</th><th>attempt</th><th>outcome</th><th>HTTP</th><th>started</th><th>duration</th><th>error</th></tr></thead><tbody>${attemptRows || '<tr><td colspan="8">no calls</td></tr>'}</tbody></table>
</details>`;
}

export function renderIndex(data: { runs: UiRun[]; functions: FunctionDef[]; stats: Stats; inFlight: number; refresh: boolean }): string {
  const fns = data.functions
    .map((f) => {
      const triggers = f.triggers.map((t) => (t.kind === "cron" ? `cron ${t.cron}` : `${t.event}${t.expression ? ` if ${t.expression}` : ""}`)).join(", ");
      return `<li><b>${esc(f.name)}</b> <code>${esc(f.id)}</code> · ${esc(triggers)} · retries ${f.retries}${f.concurrency.length ? ` · concurrency ${esc(f.concurrency.map((c) => `${c.limit}${c.key ? ` by ${c.key}` : ""}`).join(", "))}` : ""}</li>`;
    })
    .join("");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Folio runner</title>
${data.refresh ? '<meta http-equiv="refresh" content="3">' : ""}
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:1.5rem;color:#222}
h1{font-size:1.3rem}h2{font-size:1.05rem;margin-top:1.5rem}
code{font-size:12px;color:#555}
details{border:1px solid #ddd;border-radius:6px;margin:.4rem 0;padding:.4rem .6rem}
summary{cursor:pointer}
table{border-collapse:collapse;margin:.5rem 0;width:100%}
th,td{border-bottom:1px solid #eee;padding:2px 6px;text-align:left;font-size:13px;vertical-align:top}
.err{color:#b00020}
.st-completed{color:#0a7a2f}.st-failed{color:#b00020}.st-cancelled{color:#8a6d00}.st-running,.st-queued{color:#0b57d0}
.st-sleeping,.st-waiting,.st-planned,.st-retrying,.st-invoking{color:#6b3fa0}
</style></head><body>
<h1>Folio runner <small>(Inngest-compatible, dev)</small></h1>
<p>${data.runs.length} recent runs · ${data.inFlight} calls in flight · ${data.stats.events} events and ${data.stats.runsStarted} runs since start · checkpoints ok ${data.stats.checkpoints.ok}, failed ${data.stats.checkpoints.failed}, stale ${data.stats.checkpoints.stale} · <a href="/runs">/runs</a> · <a href="/functions">/functions</a> · <a href="/stats">/stats</a> · ${data.refresh ? '<a href="/?refresh=0">stop refreshing</a>' : '<a href="/">auto-refresh</a>'}</p>
<h2>Functions</h2><ul>${fns || "<li>none synced yet</li>"}</ul>
<h2>Runs</h2>${data.runs.map(renderRun).join("\n") || "<p>No runs yet.</p>"}
</body></html>`;
}
