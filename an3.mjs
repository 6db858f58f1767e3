import { createClient } from "@libsql/client";
const dir = process.argv[2];
const r = createClient({ url: `file:${dir}/runner.db` });
const rows = (await r.execute("select a.*, runs.fn_id, runs.event_id from attempts a join runs on runs.id=a.run_id order by a.started_at")).rows;
const firstRw = Number(rows.find(x => String(x.fn_id).includes("rewrite")).started_at);
for (const x of rows) { const s = Number(x.started_at) - firstRw; if (s < -2500 || s > 900) continue; console.log((s/1000).toFixed(3).padStart(7), "+", String(Number(x.ended_at) - Number(x.started_at)).padStart(5), String(x.fn_id).replace("folio-",""), x.kind, x.step_id ?? "", x.run_id.slice(-6)); }
