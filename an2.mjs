import { createClient } from "@libsql/client";
const dir = process.argv[2];
const r = createClient({ url: `file:${dir}/runner.db` });
const rows = (await r.execute("select a.*, runs.fn_id from attempts a join runs on runs.id=a.run_id order by a.started_at")).rows;
const rw = rows.filter(x => String(x.fn_id).includes("rewrite-chunk")).map(x => ({ s: Number(x.started_at), e: Number(x.ended_at) }));
const cols = Object.keys(rows[0]); console.log(cols.join(","));
const t0 = rw[0].s;
let slots = rw.slice(0, 8).map(x => x.e);
const gaps = [];
for (const x of rw.slice(8)) { slots.sort((a, b) => a - b); const free = slots.shift(); gaps.push(x.s - free); slots.push(x.e); }
const d = rw.map(x => x.e - x.s);
console.log("rewrite calls", rw.length, "mean dur", (d.reduce((a,b)=>a+b)/d.length).toFixed(0), "starts of first 8 (ms after first):", rw.slice(0,8).map(x=>x.s-t0).join(" "));
console.log("gap slot free -> next start: mean", (gaps.reduce((a,b)=>a+b)/gaps.length).toFixed(0), "max", Math.max(...gaps), "all", gaps.join(" "));
const a = createClient({ url: `file:${dir}/folio.db` });
const ch = (await a.execute("select c.startedAt, c.finishedAt from Chunk c join Job j on j.id=c.jobId where j.totalChunks=60")).rows;
const st = Math.min(...ch.map(c => Number(c.startedAt))), en = Math.max(...ch.map(c => Number(c.finishedAt)));
console.log("first chunk start -> first rewrite", t0 - st, "ms; last rewrite end -> last finish", en - Math.max(...rw.map(x=>x.e)), "ms; wall", en - st);
