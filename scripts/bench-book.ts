/**
 * Real-book benchmark: `npm run bench:book`.
 *
 * The book: Dumas, Les Trois Mousquetaires, typeset by groff from the shared corpus
 * (scripts/books/dumas-trois-mousquetaires.sh, 934 pages, fonts embedded), built once and cached
 * (scripts/books/index.ts). Skipped with a message when groff is missing.
 *
 * In one run, on that same file, alternating A B A B (FOLIO_BENCH_RUNS pairs, default 2):
 *   A  `pdftotext book.pdf out.txt`, wall time (when Poppler is installed);
 *   B  Folio, the whole product as `npm start` runs it (web process, functions process, bundled
 *      runner: tests/helpers/stack.ts) on a fresh data dir: a user signs up through the API
 *      (FOLIO_DEFAULT_CREDITS covers the book), a 2-page warm-up job runs, then the book is
 *      uploaded (local processor, French) and measured:
 *        upload → 202;
 *        202 → first chunk started: the earliest chunk `startedAt` of GET /api/jobs/:id/chunks
 *          minus the time the 202 arrived (same clock, same machine); also the first poll (every
 *          FOLIO_BENCH_POLL_MS, 25) that saw a chunk PROCESSING or beyond (GET answers come
 *          through the app's poll cache, FOLIO_POLL_CACHE_MS 500, so that figure lags);
 *        202 → COMPLETED: the job's `finishedAt` minus the 202 (and when a poll, every 250 ms, saw it);
 *        chunk storage / upload: bytes the job added under the data dir's storage directories
 *          (everything but uploads/), after the job, over the upload's size (the databases' growth,
 *          sentence rows and cached results, is printed beside it, not counted);
 *        peak RSS per process (web, functions, runner and each kind of descendant, e.g. the
 *          split's parse child), sampled every 100 ms from /proc (scripts/lib/proc-sampler.ts).
 *
 * Each B run starts its own Stack (fresh data dir: empty result cache), and its upload's bytes are
 * made unique too (a `%folio-bench-run-N` comment line before `%%EOF`; pdfinfo still reads the
 * file). Unique bytes alone are not enough when results are cached by chunk content: a split that
 * writes chunk PDFs deterministically (pdf-lib without metadata) gives the same pages the same
 * hash whatever the upload's bytes, and a second run on one Stack would be served from the cache.
 *
 * Targets: Folio (upload start → COMPLETED) / pdftotext ≤ 3, first chunk ≤ 1 s, chunk storage /
 * upload ≤ 1.5, peak RSS ≤ 400 MB per process. Each is printed met / NOT met.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Stack } from "../tests/helpers/stack";
import { makeNovelPdf } from "../tests/fixtures/pdfs";
import { benchBuild, machineLoad } from "./lib/bench-build";
import { BOOKS, ensureBook, missingTools, pdfPages, which } from "./books";
import { FolioClient, type ChunkView, type JobView } from "./lib/folio-client";
import { ProcSampler, groupPeaks, type PeakGroup } from "./lib/proc-sampler";
import { mb, snapshotFiles, storageAdded, topLevelBytes, type StorageUse } from "./lib/data-dir";

const envInt = (name: string, def: number) => {
  const v = Number(process.env[name]);
  return Number.isInteger(v) && v > 0 ? v : def;
};
const RUNS = envInt("FOLIO_BENCH_RUNS", 2);
const POLL_MS = envInt("FOLIO_BENCH_POLL_MS", 25);
const SAMPLE_MS = envInt("FOLIO_BENCH_SAMPLE_MS", 100);
const JOB_TIMEOUT_MS = envInt("FOLIO_BENCH_JOB_TIMEOUT_S", 900) * 1000;

const TARGET_RATIO = 3;
const TARGET_FIRST_CHUNK_S = 1;
const TARGET_STORAGE = 1.5;
const TARGET_RSS_MB = 400;
const ROLES = ["web", "functions", "runner"];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  if (!s.length) return NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const s2 = (ms: number | null) => (ms === null || Number.isNaN(ms) ? "n/a" : (ms / 1000).toFixed(2));
const met = (ok: boolean) => (ok ? "met" : "NOT met");
const started = (c: ChunkView) => c.status !== "PENDING" && c.status !== "CANCELLED";

/** The PDF with a comment line `%folio-bench-run-<n>` inserted before its last %%EOF (startxref still right). */
function uniqueBytes(pdf: Buffer, run: number): Buffer {
  const at = pdf.lastIndexOf("%%EOF");
  if (at < 0) throw new Error("the book has no %%EOF");
  return Buffer.concat([pdf.subarray(0, at), Buffer.from(`%folio-bench-run-${run}-${process.pid}-${Date.now()}\n`, "latin1"), pdf.subarray(at)]);
}

function timePdftotext(pdf: string, dir: string): number {
  const out = path.join(dir, "out.txt");
  fs.rmSync(out, { force: true });
  const t0 = performance.now();
  const r = spawnSync("pdftotext", [pdf, out], { stdio: ["ignore", "ignore", "pipe"] });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`pdftotext failed (exit ${r.status ?? r.signal}): ${r.stderr?.toString().slice(0, 300)}`);
  return ms;
}

type FolioRun = {
  run: number;
  job: JobView;
  chunks: number;
  uploadMs: number;
  /** Earliest chunk startedAt − the 202 (ms). */
  firstChunkMs: number | null;
  /** First poll that saw a chunk started − the 202 (ms). */
  firstChunkPolledMs: number | null;
  /** finishedAt − the 202 (ms). */
  completedMs: number | null;
  completedSeenMs: number;
  /** Upload sent → finishedAt (ms): what the pdftotext time is compared with. */
  totalMs: number | null;
  uploadBytes: number;
  storage: StorageUse;
  storagePeakBytes: number;
  dbGrowthBytes: number;
  peaks: PeakGroup[];
  samples: number;
  timeline: Timeline | null;
};

/** Where the time went, from the chunks' own startedAt / finishedAt (ms after the 202). */
type Timeline = {
  /** The last chunk's finishedAt − the 202. */
  lastChunkDoneMs: number;
  /** The job's finishedAt − the last chunk's finishedAt (merge, de-duplication, sentence rows). */
  finalizeMs: number;
  /** Sum over chunks of finishedAt − startedAt (their work, including any wait inside a step). */
  chunkBusyMs: number;
  /** The slowest chunk's finishedAt − startedAt. */
  slowestChunkMs: number;
};

function timelineOf(chunks: ChunkView[], answeredAt: number, finishedAt: number | null): Timeline | null {
  const spans = chunks
    .map((c) => [c.startedAt ? Date.parse(c.startedAt) : NaN, c.finishedAt ? Date.parse(c.finishedAt) : NaN])
    .filter(([a, z]) => !Number.isNaN(a) && !Number.isNaN(z));
  if (!spans.length || finishedAt === null) return null;
  const lastDone = Math.max(...spans.map(([, z]) => z));
  return {
    lastChunkDoneMs: lastDone - answeredAt,
    finalizeMs: finishedAt - lastDone,
    chunkBusyMs: spans.reduce((sum, [a, z]) => sum + (z - a), 0),
    slowestChunkMs: Math.max(...spans.map(([a, z]) => z - a)),
  };
}

async function folioRun(run: number, book: Buffer): Promise<FolioRun> {
  const stack = new Stack({
    env: {
      FOLIO_UPLOADS_PER_HOUR: "1000",
      FOLIO_DEFAULT_CREDITS: "100000",
      // Production values (the test Stack's heartbeat and runner backoff are test settings).
      FOLIO_HEARTBEAT_MS: "10000",
      FOLIO_RUNNER_BACKOFF_SCALE: "1",
    },
  });
  let sampler: ProcSampler | null = null;
  try {
    await stack.start();
    const client = new FolioClient(stack.baseUrl);
    const user = await client.signUp(`book-bench-${run}`);
    const balance = await client.balance(user);
    if (balance !== null && balance < 1000) throw new Error(`the signed-up user has ${balance} credits, fewer than the book's pages`);

    // Warm-up: a small job so first-call costs (pdfjs in the workers, first queries) are not counted.
    const warm = await client.upload(user, await makeNovelPdf({ pages: 2, seed: 900 + run, language: "fr" }), { fields: { language: "fr" }, fileName: "warm-up.pdf" });
    if (warm.status !== 202 || !warm.job) throw new Error(`warm-up upload answered ${warm.status} ${warm.code ?? ""} ${warm.message ?? ""}`);
    await client.waitTerminal(user, warm.job.id, { timeoutMs: 180_000 });

    const roots = [
      { role: "web", pid: stack.app!.pid! },
      ...(stack.functions?.pid ? [{ role: "functions", pid: stack.functions.pid }] : []),
      { role: "runner", pid: stack.runner!.pid! },
    ];
    sampler = new ProcSampler(roots, SAMPLE_MS);
    await sleep(300);
    await sampler.mark(); // drop the warm-up's window

    const before = snapshotFiles(stack.dataDir);
    const bytes = uniqueBytes(book, run);
    const up = await client.upload(user, bytes, { fields: { language: "fr", processor: "local" }, fileName: "les-trois-mousquetaires.pdf" });
    if (up.status !== 202 || !up.job) throw new Error(`the book's upload answered ${up.status} ${up.code ?? ""} ${up.message ?? up.networkError ?? ""}`);
    const jobId = up.job.id;

    let firstPolledAt: number | null = null;
    let storagePeak = 0;
    let lastStorage = 0;
    let lastJobPoll = 0;
    let job: JobView = up.job;
    const deadline = Date.now() + JOB_TIMEOUT_MS;
    for (;;) {
      const now = Date.now();
      if (firstPolledAt === null) {
        const chunks = await client.chunks(user, jobId);
        if (chunks.some(started)) firstPolledAt = Date.now();
      }
      // The job itself every 250 ms (a job may fail before any chunk); its finishedAt is the figure,
      // so a faster poll would only load the web process. Chunks every POLL_MS until one started.
      if (now - lastJobPoll >= 250) {
        lastJobPoll = now;
        job = await client.job(user, jobId);
        if (job.terminal) break;
      }
      if (now - lastStorage >= 500) {
        lastStorage = now;
        storagePeak = Math.max(storagePeak, storageAdded(before, snapshotFiles(stack.dataDir), ["uploads"]).bytes);
      }
      if (Date.now() > deadline) throw new Error(`the job was still ${job.status} after ${JOB_TIMEOUT_MS / 1000} s`);
      await sleep(firstPolledAt === null ? POLL_MS : 250);
    }
    const completedSeenAt = Date.now();
    const records = await sampler.mark();
    const samples = records.filter((r) => r.root).reduce((m, r) => Math.max(m, r.samples), 0);
    await sampler.stop();
    sampler = null;

    const chunks = await client.chunks(user, jobId);
    const starts = chunks.map((c) => (c.startedAt ? Date.parse(c.startedAt) : NaN)).filter((t) => !Number.isNaN(t));
    const after = snapshotFiles(stack.dataDir);
    const storage = storageAdded(before, after, ["uploads"]);
    const finishedAt = job.finishedAt ? Date.parse(job.finishedAt) : null;
    if (job.status !== "COMPLETED") console.log(`  run ${run + 1}: the job ended ${job.status}: ${job.errorSummary ?? ""}`);
    return {
      run,
      job,
      chunks: chunks.length,
      uploadMs: up.ms,
      firstChunkMs: starts.length ? Math.min(...starts) - up.answeredAt : null,
      firstChunkPolledMs: firstPolledAt === null ? null : firstPolledAt - up.answeredAt,
      completedMs: finishedAt === null ? null : finishedAt - up.answeredAt,
      completedSeenMs: completedSeenAt - up.answeredAt,
      totalMs: finishedAt === null ? null : finishedAt - up.sentAt,
      uploadBytes: bytes.length,
      storage,
      storagePeakBytes: Math.max(storagePeak, storage.bytes),
      dbGrowthBytes: topLevelBytes(after, /\.db/) - topLevelBytes(before, /\.db/),
      peaks: groupPeaks(records, ROLES),
      samples,
      timeline: timelineOf(chunks, up.answeredAt, finishedAt),
    };
  } catch (err) {
    for (const which of ["app", "functions", "runner"] as const) {
      const tail = stack.log(which).trim().split("\n").slice(-8).join("\n");
      if (tail) console.error(`--- ${which} log (tail) ---\n${tail}`);
    }
    throw err;
  } finally {
    await sampler?.stop();
    if (process.env.FOLIO_KEEP_TEST_DATA) console.log(`  data dir kept: ${stack.dataDir}`);
    await stack.stop();
  }
}

async function main(): Promise<void> {
  const recipe = BOOKS.dumas;
  const missing = missingTools(recipe);
  if (missing) {
    console.log(`bench:book skipped: ${missing} is not installed (the book is typeset with groff; apt-get install groff).`);
    return;
  }
  console.log(`Book: ${recipe.name} (${recipe.script})...`);
  const built = ensureBook(recipe);
  console.log(
    `  ${built.path}: ${built.pages ?? "?"} pages (pdfinfo; recipe verified at ${recipe.expectedPages}), ${(built.bytes / 1e6).toFixed(2)} MB, ` +
      `${built.cached ? "from the cache" : `typeset in ${(built.buildMs / 1000).toFixed(1)} s`}`,
  );
  if (built.pages !== null && built.pages !== recipe.expectedPages) console.log(`  note: ${built.pages} pages, not the ${recipe.expectedPages} the recipe was verified to give`);
  const book = fs.readFileSync(built.path);

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "folio-bench-book-"));
  // The per-run bytes stay a valid PDF: check one with pdfinfo.
  const probe = path.join(tmp, "probe.pdf");
  fs.writeFileSync(probe, uniqueBytes(book, 0));
  const probePages = pdfPages(probe);
  if (probePages !== null) console.log(`  per-run copy (comment before %%EOF): pdfinfo reads ${probePages} pages`);

  const hasPdftotext = which("pdftotext") !== null;
  if (!hasPdftotext) console.log("  pdftotext not installed: A (pdftotext) is skipped, no ratio.");
  const dist = await benchBuild();
  console.log(`Build: ${dist}. Machine: ${machineLoad()}`);
  console.log(`Alternating A (pdftotext) and B (Folio), ${RUNS} pairs, same file; each B on a fresh Stack (fresh data dir, empty result cache), after a 2-page warm-up job.`);

  const a: number[] = [];
  const b: FolioRun[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      if (hasPdftotext) {
        const ms = timePdftotext(built.path, tmp);
        a.push(ms);
        console.log(`  A${i + 1} pdftotext: ${s2(ms)} s`);
      }
      const r = await folioRun(i, book);
      b.push(r);
      console.log(
        `  B${i + 1} Folio: ${r.job.status}, ${r.job.pageCount} pages, ${r.chunks} chunks, ${r.job.sentenceCount} sentences; ` +
          `upload→202 ${s2(r.uploadMs)} s, 202→first chunk ${s2(r.firstChunkMs)} s, 202→COMPLETED ${s2(r.completedMs)} s`,
      );
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }

  console.log(`Machine after the runs: ${machineLoad()}`);
  console.log("");
  console.log(`Per run (s; "first chunk" = earliest chunk startedAt − 202, "polled" = first poll seeing a chunk started, every ${POLL_MS} ms through the poll cache)`);
  console.log("pair  pdftotext  upload→202  202→first chunk  (polled)  202→COMPLETED  (seen)  upload→COMPLETED  Folio/pdftotext  storage/upload");
  for (let i = 0; i < b.length; i++) {
    const r = b[i];
    const ratio = a[i] && r.totalMs !== null ? (r.totalMs / a[i]).toFixed(2) : "n/a";
    console.log(
      `${String(i + 1).padEnd(5)} ${s2(a[i] ?? null).padEnd(10)} ${s2(r.uploadMs).padEnd(11)} ${s2(r.firstChunkMs).padEnd(16)} ${s2(r.firstChunkPolledMs).padEnd(9)} ` +
        `${s2(r.completedMs).padEnd(14)} ${s2(r.completedSeenMs).padEnd(7)} ${s2(r.totalMs).padEnd(17)} ${ratio.padEnd(16)} ${(r.storage.bytes / r.uploadBytes).toFixed(2)}`,
    );
  }
  console.log("");
  console.log(`Where the time went (s after the 202; "busy" = sum of chunk finishedAt − startedAt, over ${os.cpus().length} cores × the span from first chunk start to last chunk done)`);
  console.log("pair  first chunk  last chunk done  finalize  chunk busy  busy/(cores×span)  slowest chunk");
  for (let i = 0; i < b.length; i++) {
    const r = b[i];
    const t = r.timeline;
    if (!t || r.firstChunkMs === null) {
      console.log(`${String(i + 1).padEnd(5)} n/a`);
      continue;
    }
    const span = t.lastChunkDoneMs - r.firstChunkMs;
    console.log(
      `${String(i + 1).padEnd(5)} ${s2(r.firstChunkMs).padEnd(12)} ${s2(t.lastChunkDoneMs).padEnd(16)} ${s2(t.finalizeMs).padEnd(9)} ${s2(t.chunkBusyMs).padEnd(11)} ` +
        `${(t.chunkBusyMs / (os.cpus().length * span)).toFixed(2).padEnd(18)} ${s2(t.slowestChunkMs)}`,
    );
  }
  const last = b[b.length - 1];
  const dirs = Object.entries(last.storage.byDir).map(([d, v]) => `${d}/ ${v.files} files ${mb(v.bytes).toFixed(2)} MB`);
  console.log(
    `storage after the job (run ${b.length}): ${mb(last.storage.bytes).toFixed(2)} MB in ${last.storage.files} files (${dirs.join(", ") || "none"}), upload ${mb(last.uploadBytes).toFixed(2)} MB (uploads/ excluded); ` +
      `peak while running ${mb(last.storagePeakBytes).toFixed(2)} MB; the databases (folio.db, runner.db with WAL) grew ${mb(last.dbGrowthBytes).toFixed(2)} MB = ${(last.dbGrowthBytes / last.uploadBytes).toFixed(2)}× the upload (not counted)`,
  );

  // Peaks per process kind, the highest over the runs.
  const peaks = new Map<string, PeakGroup>();
  for (const r of b) {
    for (const g of r.peaks) {
      const cur = peaks.get(g.name);
      if (!cur) peaks.set(g.name, { ...g });
      else {
        cur.peakMb = Math.max(cur.peakMb, g.peakMb);
        cur.sampledMb = Math.max(cur.sampledMb, g.sampledMb);
        cur.processes += g.processes;
        cur.cpuS += g.cpuS;
        if (g.lifetimeHwmMb !== undefined) cur.lifetimeHwmMb = Math.max(cur.lifetimeHwmMb ?? 0, g.lifetimeHwmMb);
      }
    }
  }
  const peakList = [...peaks.values()].sort((x, y) => ROLES.indexOf(x.role) * 2 + (x.root ? 0 : 1) - (ROLES.indexOf(y.role) * 2 + (y.root ? 0 : 1)) || x.name.localeCompare(y.name));
  console.log(`peak RSS and CPU time during the book job, per process (max RSS over ${b.length} runs, sampled every ${SAMPLE_MS} ms, ${Math.min(...b.map((r) => r.samples))}+ samples per run):`);
  for (const g of peakList) {
    const extra = g.root
      ? `(lifetime VmHWM ${g.lifetimeHwmMb?.toFixed(0) ?? "?"} MB)`
      : `(VmHWM; highest ${SAMPLE_MS}-ms sample ${g.sampledMb.toFixed(0)} MB; ${g.processes} process${g.processes === 1 ? "" : "es"} over the runs)`;
    console.log(`  ${g.name.padEnd(36)} ${g.peakMb.toFixed(0).padStart(5)} MB  ${(g.cpuS / b.length).toFixed(1).padStart(5)} CPU s per run  ${extra}`);
  }

  const totals = b.map((r) => r.totalMs).filter((x): x is number => x !== null);
  const ratio = a.length && totals.length ? median(totals) / median(a) : NaN;
  const first = median(b.map((r) => r.firstChunkMs).filter((x): x is number => x !== null));
  const storageRatio = Math.max(...b.map((r) => r.storage.bytes / r.uploadBytes));
  const allCompleted = b.every((r) => r.job.status === "COMPLETED");

  console.log("");
  console.log(`Targets (${built.pages ?? "?"}-page book; medians over ${b.length} runs, maxima for storage and memory)`);
  console.log("measure                                        value       target      result");
  const row = (name: string, value: string, target: string, ok: boolean | null) =>
    console.log(`${name.padEnd(46)} ${value.padEnd(11)} ${target.padEnd(11)} ${ok === null ? "n/a" : met(ok)}`);
  row("jobs COMPLETED", `${b.filter((r) => r.job.status === "COMPLETED").length}/${b.length}`, "all", allCompleted);
  row("Folio (upload→COMPLETED) / pdftotext", Number.isNaN(ratio) ? "n/a" : `${ratio.toFixed(2)}×`, `≤ ${TARGET_RATIO}×`, Number.isNaN(ratio) ? null : ratio <= TARGET_RATIO);
  if (a.length) row("  pdftotext wall (median)", `${s2(median(a))} s`, "", null);
  row("  Folio upload→COMPLETED (median)", `${s2(median(totals))} s`, "", null);
  row("202 → first chunk started (startedAt)", `${s2(first)} s`, `≤ ${TARGET_FIRST_CHUNK_S} s`, Number.isNaN(first) ? null : first <= TARGET_FIRST_CHUNK_S * 1000);
  row("202 → COMPLETED (finishedAt, median)", `${s2(median(b.map((r) => r.completedMs ?? NaN)))} s`, "", null);
  row("chunk storage / upload size", storageRatio.toFixed(2), `≤ ${TARGET_STORAGE}`, storageRatio <= TARGET_STORAGE);
  for (const g of peakList) row(`peak RSS ${g.name}`, `${g.peakMb.toFixed(0)} MB`, `≤ ${TARGET_RSS_MB} MB`, g.peakMb <= TARGET_RSS_MB);
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
