/**
 * Hostile-PDF benchmark: `npm run bench:hostile`.
 *
 * One Stack (the whole product as `npm start` runs it: web process, functions process, bundled
 * runner; tests/helpers/stack.ts), FOLIO_MAX_UPLOAD_MB raised to 256 so the big hostile files
 * reach the server's own checks. Two users sign up through the API: A (hostile files) and B (a
 * normal 12-page novel from tests/fixtures/pdfs.ts, a new seed each time so neither the upload
 * nor its chunk hits the result cache).
 *
 * B's normal time: after a 2-page warm-up job, B uploads the 12-page book alone
 * FOLIO_BENCH_BASELINE_RUNS (3) times; the median of (job finishedAt − upload sent) is the normal.
 * The first row, control-benign, is no attack: A uploads a normal 12-page novel, so the row shows
 * what any second user's upload at the same moment costs B on this machine (on 2 cores with a
 * 0.2 s job, that alone can come near 2×); read the hostile rows' B ratio against it.
 * Then for each hostile file (tests/fixtures/hostile-pdfs.ts plus scripts/lib/hostile-extra.ts),
 * A uploads it and B its 12-page book at the same moment, and the bench records:
 *   - A's verdict: the upload's HTTP status and error code (a refusal), or the job's terminal
 *     status and code (errorSummary "CODE: ...", or the chunks' error codes); a job not terminal
 *     after FOLIO_BENCH_HOSTILE_TIMEOUT_S (300) is cancelled and reported so;
 *   - every 5xx any request of the bench got (uploads, polls, health);
 *   - GET /api/health every 250 ms (OK = 200 with ok:true within 5 s);
 *   - whether the web, functions and runner processes are the same (pid unchanged, still alive);
 *   - the peak RSS of each of them and of each kind of child process (the parse workers),
 *     sampled every 100 ms from /proc (scripts/lib/proc-sampler.ts);
 *   - B's job time against its normal time.
 * Targets, per file: clean verdict (4xx with a code, or a terminal job), no 5xx, health OK, no
 * restart, web/functions/runner each < 500 MB, child processes under the parse cap
 * (FOLIO_PARSE_MEMORY_MB, 512 by default, lib/sandbox/isolated.ts), B ≤ 2× its normal time.
 *
 * FOLIO_BENCH_HOSTILE_ONLY=name,name runs a subset. If a service process dies, the row says so
 * and the Stack is started afresh for the next file.
 */
import fs from "node:fs";
import { makeNovelPdf } from "../tests/fixtures/pdfs";
import { hiddenPagesPdf, lyingCountPdf, manyObjectsPdf, objectStreamBombPdf } from "../tests/fixtures/hostile-pdfs";
import { Stack } from "../tests/helpers/stack";
import { benchBuild, machineLoad } from "./lib/bench-build";
import { FolioClient, HealthWatch, codeOf, type BenchUser, type JobView, type UploadAnswer } from "./lib/folio-client";
import { ProcSampler, groupPeaks, type PeakGroup } from "./lib/proc-sampler";
import { brokenFontPdf, brokenXrefPdf, circularPageTreePdf, deepNestingPdf, hugeContentStreamPdf, imageOnlyPdf, manyPagesPdf, pageStreamBombPdf, type3NoUnicodePdf } from "./lib/hostile-extra";

const envInt = (name: string, def: number) => {
  const v = Number(process.env[name]);
  return Number.isInteger(v) && v > 0 ? v : def;
};
const ROW_TIMEOUT_MS = envInt("FOLIO_BENCH_HOSTILE_TIMEOUT_S", 300) * 1000;
const BASELINE_RUNS = envInt("FOLIO_BENCH_BASELINE_RUNS", 3);
const SAMPLE_MS = envInt("FOLIO_BENCH_SAMPLE_MS", 100);
const MAX_UPLOAD_MB = envInt("FOLIO_BENCH_MAX_UPLOAD_MB", 256);
const PARSE_CAP_MB = Number(process.env.FOLIO_PARSE_MEMORY_MB) > 0 ? Number(process.env.FOLIO_PARSE_MEMORY_MB) : 512;
const TARGET_PROCESS_MB = 500;
const TARGET_B_RATIO = 2;
const ROLES = ["web", "functions", "runner"];
const MiB = 1024 * 1024;

const STACK_ENV: Record<string, string> = {
  FOLIO_MAX_UPLOAD_MB: String(MAX_UPLOAD_MB),
  FOLIO_UPLOADS_PER_HOUR: "1000",
  FOLIO_DEFAULT_CREDITS: "1000000",
  FOLIO_HEARTBEAT_MS: "10000",
};

type Hostile = { name: string; what: string; make: () => Promise<Buffer> | Buffer };

const HOSTILE: Hostile[] = [
  // Not hostile: the control. What any second user's upload at the same moment costs B's job
  // (the two share the 2 cores, the runner and the parsing pool); a hostile file's B ratio is
  // read against it.
  { name: "control-benign", what: "a normal 12-page novel (no attack: the control)", make: () => makeNovelPdf({ pages: 12, seed: 7001, language: "fr" }).then(Buffer.from) },
  { name: "page-stream-bomb", what: "1 page, content stream inflating to 1 GiB", make: () => pageStreamBombPdf(1024 * MiB) },
  { name: "objstm-bomb", what: "page tree in an object stream inflating to 1 GiB", make: () => objectStreamBombPdf(1024 * MiB) },
  { name: "1M-objects", what: "1,000,003 indirect objects (over FOLIO_MAX_OBJECTS)", make: () => manyObjectsPdf(1_000_000) },
  { name: "990k-objects", what: "990,003 indirect objects (just under the limit)", make: () => manyObjectsPdf(990_000) },
  { name: "deep-nesting", what: "array and dictionary nested 500,000 deep", make: () => deepNestingPdf(500_000) },
  { name: "circular-tree", what: "page tree with cycles (node → root, node → itself)", make: () => circularPageTreePdf() },
  { name: "count-over", what: "/Count 4999, 1 real page", make: () => lyingCountPdf(4999, 1) },
  { name: "count-under", what: "/Count 1, 6,000 real pages", make: () => lyingCountPdf(1, 6000) },
  { name: "100k-pages", what: "100,000 pages, flat tree, honest /Count", make: () => manyPagesPdf(100_000) },
  { name: "100k-pages-hidden", what: "100,000 pages, tree in an object stream", make: () => hiddenPagesPdf(100_000) },
  { name: "huge-stream", what: "1 page, 96 MB decoded content stream of text (read)", make: () => hugeContentStreamPdf(96 * MiB) },
  { name: "over-stream", what: "1 page, 200 MB decoded content stream (over the limit)", make: () => hugeContentStreamPdf(200 * MiB) },
  { name: "broken-xref", what: "12-page novel, every xref offset wrong", make: () => brokenXrefPdf() },
  { name: "image-only", what: "12 scanned pages (grey images), no text", make: () => imageOnlyPdf(12) },
  { name: "type3-no-unicode", what: "3 pages in a Type 3 font, no ToUnicode, private codes", make: () => type3NoUnicodePdf(3) },
  { name: "broken-font", what: "a page in an embedded TrueType font of random bytes", make: () => brokenFontPdf() },
];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const met = (ok: boolean) => (ok ? "met" : "NOT met");
const sz = (bytes: number) => (bytes >= MiB ? `${(bytes / MiB).toFixed(1)} MB` : `${(bytes / 1024).toFixed(0)} kB`);

type Env = { stack: Stack; client: FolioClient; a: BenchUser; b: BenchUser; sampler: ProcSampler; pids: Record<string, number>; starts: Record<string, string | null> };

async function startEnv(): Promise<Env> {
  const stack = new Stack({ env: STACK_ENV });
  let client: FolioClient, a: BenchUser, b: BenchUser;
  try {
    await stack.start();
    client = new FolioClient(stack.baseUrl);
    // The first account is the administrator; A and B are ordinary users.
    await client.signUp("hostile-admin");
    a = await client.signUp("hostile-a");
    b = await client.signUp("hostile-b");
  } catch (err) {
    for (const which of ["app", "functions", "runner"] as const) {
      const tail = stack.log(which).trim().split("\n").slice(-5).join("\n");
      if (tail) console.error(`--- ${which} log (tail) ---\n${tail}`);
    }
    await stack.stop();
    throw err;
  }
  const pids: Record<string, number> = { web: stack.app!.pid!, runner: stack.runner!.pid! };
  if (stack.functions?.pid) pids.functions = stack.functions.pid;
  const sampler = new ProcSampler(
    ROLES.filter((r) => pids[r]).map((role) => ({ role, pid: pids[role] })),
    SAMPLE_MS,
  );
  const starts = Object.fromEntries(Object.entries(pids).map(([role, pid]) => [role, procStart(pid)]));
  return { stack, client, a, b, sampler, pids, starts };
}

async function stopEnv(env: Env): Promise<void> {
  await env.sampler.stop();
  if (process.env.FOLIO_KEEP_TEST_DATA) console.log(`  data dir kept: ${env.stack.dataDir}`);
  await env.stack.stop();
}

/** The start time of a process (/proc/<pid>/stat field 22), or null when it is gone. */
function procStart(pid: number): string | null {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return s.slice(s.lastIndexOf(")") + 2).split(" ")[19] ?? null;
  } catch {
    return null;
  }
}

/** Per role: still the process the Stack started (alive, same pid, same start time). */
function sameProcesses(env: Env): Record<string, boolean> {
  const procs: Record<string, { pid?: number; exitCode: number | null; signalCode: NodeJS.Signals | null } | null> = { web: env.stack.app, functions: env.stack.functions, runner: env.stack.runner };
  const out: Record<string, boolean> = {};
  for (const [role, pid] of Object.entries(env.pids)) {
    const p = procs[role];
    out[role] = !!p && p.pid === pid && p.exitCode === null && p.signalCode === null && procStart(pid) === env.starts[role];
  }
  return out;
}

/** A 12-page novel for B: a new seed each time (new text, new hashes), same size. */
let smallSeed = 7000;
const smallBook = () => makeNovelPdf({ pages: 12, seed: smallSeed++, language: "fr" });

/** Upload sent → the job's finishedAt (server clock, same machine), or null. */
function jobMs(up: UploadAnswer, job: JobView | null): number | null {
  return job?.finishedAt ? Date.parse(job.finishedAt) - up.sentAt : null;
}

/**
 * Where a small job's time went, from upload sent (seconds): the 202, the first chunk started
 * (the split done), the last chunk finished, the job finished (finalize).
 */
async function phasesOf(env: Env, up: UploadAnswer, job: JobView | null): Promise<string> {
  if (!job?.finishedAt) return "";
  const chunks = await env.client.chunks(env.b, job.id);
  const at = (iso: string | null | undefined) => (iso ? ((Date.parse(iso) - up.sentAt) / 1000).toFixed(2) : "?");
  const starts = chunks.map((c) => c.startedAt).filter((s): s is string => !!s).sort();
  const ends = chunks.map((c) => c.finishedAt).filter((s): s is string => !!s).sort();
  return `202 ${((up.answeredAt - up.sentAt) / 1000).toFixed(2)}, chunk start ${at(starts[0])}, chunk end ${at(ends.at(-1))}, finished ${at(job.finishedAt)}`;
}

async function runSmall(env: Env): Promise<{ ms: number | null; job: JobView | null; up: UploadAnswer; phases: string }> {
  const up = await env.client.upload(env.b, await smallBook(), { fields: { language: "fr" }, fileName: "small.pdf" });
  if (up.status !== 202 || !up.job) return { ms: null, job: null, up, phases: "" };
  const { job } = await env.client.waitTerminal(env.b, up.job.id, { everyMs: 100, timeoutMs: ROW_TIMEOUT_MS });
  return { ms: jobMs(up, job), job, up, phases: await phasesOf(env, up, job) };
}

type Row = {
  name: string;
  what: string;
  bytes: number;
  verdict: string;
  clean: boolean;
  /** Upload sent → verdict (the HTTP answer of a refusal, else the job's finishedAt), ms. */
  verdictMs: number | null;
  fiveXx: { what: string; status: number }[];
  healthPolls: number;
  healthFailures: string[];
  healthMaxMs: number;
  restarted: string[];
  peaks: PeakGroup[];
  bMs: number | null;
  bStatus: string;
  /** Where B's time went (phasesOf). */
  bPhases: string;
  /** CPU this bench (the users' client, the samplers) used from the uploads to both verdicts. */
  clientCpuS: number;
  logAlarms: string[];
};

const ALARM = /heap out of memory|FATAL ERROR|Segmentation fault|Aborted \(core|uncaughtException|unhandledRejection|JavaScript heap/i;

async function hostileRow(env: Env, h: Hostile): Promise<Row> {
  const bytes = await h.make();
  const small = await smallBook();
  await sleep(500);
  const logBefore = { app: env.stack.log("app").length, functions: env.stack.log("functions").length, runner: env.stack.log("runner").length };
  const errorsBefore = env.client.serverErrors.length;
  await env.sampler.mark(); // new window
  const health = new HealthWatch(env.client, 250, 5000);
  health.start();

  const clientCpu = process.cpuUsage();
  const [ua, ub] = await Promise.all([
    env.client.upload(env.a, bytes, { fields: { language: "fr" }, fileName: `${h.name}.pdf` }),
    env.client.upload(env.b, small, { fields: { language: "fr" }, fileName: "small.pdf" }),
  ]);

  const waitA = async (): Promise<{ verdict: string; clean: boolean; verdictMs: number | null }> => {
    if (ua.networkError) return { verdict: `upload failed: ${ua.networkError}`, clean: false, verdictMs: null };
    if (ua.status !== 202 || !ua.job) {
      const clean = ua.status >= 400 && ua.status < 500 && !!ua.code;
      return { verdict: `${ua.status} ${ua.code ?? ua.message ?? ""}`.trim(), clean, verdictMs: ua.answeredAt - ua.sentAt };
    }
    const { job, timedOut } = await env.client.waitTerminal(env.a, ua.job.id, { everyMs: 250, timeoutMs: ROW_TIMEOUT_MS });
    if (timedOut) {
      const cancel = await env.client.cancel(env.a, ua.job.id);
      return { verdict: `202 → still ${job.status} after ${ROW_TIMEOUT_MS / 1000} s (cancel: ${cancel})`, clean: false, verdictMs: null };
    }
    let code = codeOf(job.errorSummary);
    if (!code && job.status !== "COMPLETED") {
      const codes = [...new Set((await env.client.chunks(env.a, ua.job.id)).map((c) => c.errorCode).filter((c): c is string => !!c))];
      code = codes.join("+") || null;
    }
    const detail = job.status === "COMPLETED" ? ` (${job.pageCount} p, ${job.sentenceCount} sentences)` : "";
    return { verdict: `202 → ${job.status}${code ? ` ${code}` : ""}${detail}`, clean: true, verdictMs: jobMs(ua, job) };
  };
  const waitB = async (): Promise<{ ms: number | null; status: string; phases: string }> => {
    if (ub.status !== 202 || !ub.job) return { ms: null, status: `upload ${ub.status} ${ub.code ?? ub.networkError ?? ""}`, phases: "" };
    const { job, timedOut } = await env.client.waitTerminal(env.b, ub.job.id, { everyMs: 100, timeoutMs: ROW_TIMEOUT_MS });
    return { ms: timedOut ? null : jobMs(ub, job), status: timedOut ? `still ${job.status}` : job.status, phases: timedOut ? "" : await phasesOf(env, ub, job) };
  };
  const [va, vb] = await Promise.all([waitA(), waitB()]);
  const clientUsed = process.cpuUsage(clientCpu);
  await sleep(300);
  await health.stop();
  const records = await env.sampler.mark();
  const life = sameProcesses(env);
  const restarted = Object.entries(life)
    .filter(([, ok]) => !ok)
    .map(([role]) => role);
  const logAlarms: string[] = [];
  for (const which of ["app", "functions", "runner"] as const) {
    for (const line of env.stack.log(which).slice(logBefore[which]).split("\n")) if (ALARM.test(line)) logAlarms.push(`${which}: ${line.trim().slice(0, 160)}`);
  }
  return {
    name: h.name,
    what: h.what,
    bytes: bytes.length,
    verdict: va.verdict,
    clean: va.clean,
    verdictMs: va.verdictMs,
    fiveXx: env.client.serverErrors.slice(errorsBefore).map((e) => ({ what: e.what, status: e.status })),
    healthPolls: health.polls,
    healthFailures: health.failures.map((f) => f.what),
    healthMaxMs: health.maxMs,
    restarted,
    peaks: groupPeaks(records, ROLES),
    bMs: vb.ms,
    bStatus: vb.status,
    bPhases: vb.phases,
    clientCpuS: (clientUsed.user + clientUsed.system) / 1e6,
    logAlarms,
  };
}

async function main(): Promise<void> {
  const only = (process.env.FOLIO_BENCH_HOSTILE_ONLY ?? "").split(",").filter(Boolean);
  const files = only.length ? HOSTILE.filter((h) => only.includes(h.name)) : HOSTILE;
  if (!files.length) throw new Error(`FOLIO_BENCH_HOSTILE_ONLY matches none of: ${HOSTILE.map((h) => h.name).join(", ")}`);
  const dist = await benchBuild();
  console.log(`Build: ${dist}. Machine: ${machineLoad()}`);
  console.log(`Stack: FOLIO_MAX_UPLOAD_MB=${MAX_UPLOAD_MB}, parse cap FOLIO_PARSE_MEMORY_MB=${PARSE_CAP_MB}${process.env.FOLIO_PARSE_MEMORY_MB ? "" : " (default)"}; RSS sampled every ${SAMPLE_MS} ms`);

  let env = await startEnv();
  const rows: Row[] = [];
  let normalMs = NaN;
  try {
    // B's normal time, alone (after a warm-up so first-call costs are not counted).
    const warm = await env.client.upload(env.b, await makeNovelPdf({ pages: 2, seed: 6999, language: "fr" }), { fields: { language: "fr" }, fileName: "warm-up.pdf" });
    if (warm.status !== 202 || !warm.job) throw new Error(`warm-up upload answered ${warm.status} ${warm.code ?? ""}`);
    await env.client.waitTerminal(env.b, warm.job.id, { timeoutMs: 180_000 });
    const alone: number[] = [];
    for (let i = 0; i < BASELINE_RUNS; i++) {
      const r = await runSmall(env);
      if (r.ms === null || r.job?.status !== "COMPLETED") throw new Error(`B's 12-page job alone ended ${r.job?.status ?? r.up.status}: ${r.job?.errorSummary ?? r.up.code ?? ""}`);
      alone.push(r.ms);
      console.log(`  B alone, s from upload sent: ${r.phases}`);
    }
    normalMs = median(alone);
    console.log(`B's 12-page job alone: ${alone.map((ms) => (ms / 1000).toFixed(2)).join(", ")} s → normal ${(normalMs / 1000).toFixed(2)} s (median)`);
    console.log("");

    for (const h of files) {
      const t0 = performance.now();
      const row = await hostileRow(env, h);
      rows.push(row);
      const peakTxt = row.peaks.map((g) => `${g.name} ${g.peakMb.toFixed(0)}`).join(", ");
      const cpuTxt = row.peaks.map((g) => `${g.name} ${g.cpuS.toFixed(2)}`).join(", ");
      console.log(
        `${h.name} (${sz(row.bytes)}): ${row.verdict}; B ${row.bMs === null ? row.bStatus : `${(row.bMs / 1000).toFixed(2)} s`}; ` +
          `health ${row.healthFailures.length ? `${row.healthFailures.length}/${row.healthPolls} failed` : `${row.healthPolls} OK`}; peaks MB: ${peakTxt} [${((performance.now() - t0) / 1000).toFixed(0)} s]`,
      );
      if (row.bPhases) console.log(`  B, s from upload sent: ${row.bPhases}`);
      console.log(`  CPU s in the row: ${cpuTxt}, this bench (client and samplers) ${row.clientCpuS.toFixed(2)}`);
      if (row.restarted.length) {
        console.log(`  ${row.restarted.join(", ")} exited: starting a fresh Stack for the next file`);
        for (const which of ["app", "functions", "runner"] as const) {
          const tail = env.stack.log(which).trim().split("\n").slice(-5).join("\n");
          if (tail) console.log(`  --- ${which} log (tail) ---\n${tail}`);
        }
        await stopEnv(env);
        env = await startEnv();
      }
    }
  } finally {
    await stopEnv(env);
  }

  console.log("");
  console.log(`Machine after the runs: ${machineLoad()}`);
  console.log(`B's normal time (12 pages, alone): ${(normalMs / 1000).toFixed(2)} s. Verdict time: upload sent → refusal or job finishedAt. Peaks in MB (web / functions / runner / largest child).`);
  const header = ["file", "size", "verdict", "verdict s", "5xx", "health", "same pids", "web", "fn", "runner", "child (kind)", "B s", "B ×"];
  const table = rows.map((r) => {
    const role = (name: string) => r.peaks.find((g) => g.root && g.role === name);
    const children = r.peaks.filter((g) => !g.root);
    const top = children.sort((x, y) => y.peakMb - x.peakMb)[0];
    const ratio = r.bMs === null ? null : r.bMs / normalMs;
    return [
      r.name,
      sz(r.bytes),
      r.verdict,
      r.verdictMs === null ? "-" : (r.verdictMs / 1000).toFixed(2),
      String(r.fiveXx.length),
      r.healthFailures.length ? `${r.healthFailures.length}/${r.healthPolls} FAIL` : `${r.healthPolls} OK (max ${(r.healthMaxMs / 1000).toFixed(2)} s)`,
      r.restarted.length ? `NO (${r.restarted.join(",")})` : "yes",
      role("web")?.peakMb.toFixed(0) ?? "-",
      role("functions")?.peakMb.toFixed(0) ?? "-",
      role("runner")?.peakMb.toFixed(0) ?? "-",
      top ? `${top.peakMb.toFixed(0)} (${top.label}${top.processes > 1 ? ` ×${top.processes}` : ""})` : "none seen",
      r.bMs === null ? r.bStatus : (r.bMs / 1000).toFixed(2),
      ratio === null ? "-" : ratio.toFixed(2),
    ];
  });
  printTable(header, table);

  console.log("");
  console.log(`Targets per file: clean verdict (4xx + code, or a terminal job); no 5xx; health OK; same pids; web, functions, runner < ${TARGET_PROCESS_MB} MB each; every child < ${PARSE_CAP_MB} MB (parse cap); B ≤ ${TARGET_B_RATIO}× normal`);
  const theader = ["file", "verdict", "no 5xx", "health", "no restart", `procs < ${TARGET_PROCESS_MB}`, `children < ${PARSE_CAP_MB}`, `B ≤ ${TARGET_B_RATIO}×`, "all"];
  let allMet = 0;
  const trows = rows.map((r) => {
    const mains = r.peaks.filter((g) => g.root);
    const children = r.peaks.filter((g) => !g.root);
    const checks = [
      r.clean,
      r.fiveXx.length === 0,
      r.healthFailures.length === 0,
      r.restarted.length === 0,
      mains.every((g) => g.peakMb < TARGET_PROCESS_MB),
      children.every((g) => g.peakMb < PARSE_CAP_MB),
      r.bMs !== null && r.bMs <= TARGET_B_RATIO * normalMs,
    ];
    if (checks.every(Boolean)) allMet++;
    return [r.name, ...checks.map(met), met(checks.every(Boolean))];
  });
  printTable(theader, trows);
  console.log(`${allMet}/${rows.length} files meet every target.`);

  const notes: string[] = [];
  for (const r of rows) {
    for (const e of r.fiveXx) notes.push(`${r.name}: ${e.status} on ${e.what}`);
    for (const f of [...new Set(r.healthFailures)]) notes.push(`${r.name}: health ${f}`);
    for (const a of r.logAlarms.slice(0, 3)) notes.push(`${r.name}: log ${a}`);
    const children = r.peaks.filter((g) => !g.root);
    if (children.length) {
      const list = children.map((g) => `${g.name} ×${g.processes}: ${g.peakMb.toFixed(0)} MB (highest ${SAMPLE_MS}-ms sample ${g.sampledMb.toFixed(0)} MB)`);
      notes.push(`${r.name}: child processes (A's and B's jobs share them): ${list.join(", ")}`);
    }
  }
  if (notes.length) {
    console.log("");
    console.log("Details:");
    for (const n of notes) console.log(`  ${n}`);
  }
}

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
  console.log(line(header));
  for (const r of rows) console.log(line(r));
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
