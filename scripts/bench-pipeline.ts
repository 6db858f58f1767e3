/**
 * Pipeline benchmark: `npm run bench:pipeline`.
 *
 * Runs the whole product (built app + bundled runner, fresh data dir) with the fake LLM
 * provider answering after FOLIO_BENCH_LLM_LATENCY_MS (2000) and a chunk concurrency of
 * FOLIO_BENCH_CONCURRENCY (8), on a generated book of FOLIO_BENCH_CHUNKS (60) 15-page chunks.
 * Prints the processing wall time (first chunk start → last chunk end) and its ratio to the
 * ideal ceil(chunks / concurrency) × latency (target ≤ 1.10), and the time to 202 of small
 * uploads made while that job runs (target p95 < 100 ms). Then the book bench: a 500-page
 * novel through the app with the local processor (target < 25 s, < 400 MB per process).
 * FOLIO_BENCH_BACKEND=distributed runs it all on PostgreSQL and S3 (Ceph's RADOS Gateway), both
 * started for the run (scripts/lib/distributed-backend.ts), instead of SQLite and local disk.
 */
import fs from "node:fs";
import os from "node:os";
import { Stack } from "../tests/helpers/stack";
import { startFakeLlm } from "../tests/fakes/fake-llm-server";
import { makeNovelPdf } from "../tests/fixtures/pdfs";
import { ensureBuild } from "./lib/app-server";
import { parseServerTiming } from "../lib/http/server-timing";
import { runBookBench } from "./lib/quality/book-bench";
import { benchAccount } from "./lib/bench-accounts";
import { startDistributedBackend, type DistributedBackend } from "./lib/distributed-backend";

const envInt = (name: string, def: number) => {
  const v = Number(process.env[name]);
  return Number.isInteger(v) && v > 0 ? v : def;
};
const CHUNKS = envInt("FOLIO_BENCH_CHUNKS", 60);
const CONCURRENCY = envInt("FOLIO_BENCH_CONCURRENCY", 8);
// The CPU stage (extract, repair, segment, save) sized to the machine, as a deployment would.
const CPU_CONCURRENCY = envInt("FOLIO_BENCH_CPU_CONCURRENCY", os.availableParallelism());
const LATENCY = envInt("FOLIO_BENCH_LLM_LATENCY_MS", 2000);
const UPLOADS = envInt("FOLIO_BENCH_UPLOADS", 20);

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};

/** CPU seconds (user + system, all threads) a process has used so far, from /proc (0 elsewhere). */
function cpuSeconds(pid: number | undefined): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

async function upload(url: string, token: string, bytes: Uint8Array, fields: Record<string, string>): Promise<{ ms: number; id: string; phases: Record<string, number> }> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  form.set("file", new Blob([new Uint8Array(bytes)], { type: "application/pdf" }), "book.pdf");
  const t0 = performance.now();
  const res = await fetch(`${url}/api/jobs`, { method: "POST", headers: { authorization: `Bearer ${token}` }, body: form });
  const ms = performance.now() - t0;
  if (res.status !== 202) throw new Error(`upload answered ${res.status}: ${await res.text()}`);
  return { ms, id: ((await res.json()) as { job: { id: string } }).job.id, phases: parseServerTiming(res.headers.get("server-timing")) };
}

async function main(): Promise<void> {
  ensureBuild(".next-test");
  const fake = await startFakeLlm({ latencyMs: LATENCY });
  const stack = new Stack({
    env: {
      FOLIO_LLM_CONCURRENCY: String(CONCURRENCY),
      FOLIO_CHUNK_CONCURRENCY: String(CPU_CONCURRENCY),
      FOLIO_CHUNK_CONCURRENCY_PER_USER: String(CONCURRENCY),
      FOLIO_LLM_PROVIDER: "openai",
      FOLIO_LLM_BASE_URL: fake.url,
      FOLIO_LLM_MODEL: "fake-model",
      FOLIO_LLM_MAX_SENTENCES_PER_CALL: "100000",
      FOLIO_UPLOADS_PER_HOUR: "1000",
      FOLIO_DEFAULT_CREDITS: "100000",
      FOLIO_RUNNER_BACKOFF_SCALE: "1",
      // The production heartbeat (the test Stack's 500 ms writes twenty times as often).
      FOLIO_HEARTBEAT_MS: "10000",
      // This bench's geometry: FOLIO_BENCH_CHUNKS chunks of 15 pages (its figures stay comparable
      // across sessions whatever the default chunk size).
      FOLIO_CHUNK_LARGE_PAGES: "15",
    },
  });
  try {
    await stack.start();
    stack.shareData();
    const { db } = await import("../lib/db");
    const adminToken = (await benchAccount("bench-admin@folio.test", { role: "ADMIN" })).token;
    const otherToken = (await benchAccount("bench-user@folio.test")).token;

    const pages = CHUNKS * 15;
    console.log(`Generating a ${pages}-page book (${CHUNKS} chunks)...`);
    const book = await makeNovelPdf({ pages, seed: 60 });
    const small = await makeNovelPdf({ pages: 1, seed: 61 });
    // Warm the app (pdfjs, routes) on a tiny job so first-call costs do not count.
    await upload(stack.baseUrl, otherToken, small, {});

    const procs = { web: stack.app?.pid, functions: stack.functions?.pid, runner: stack.runner?.pid };
    const cpuBefore = Object.fromEntries(Object.entries(procs).map(([k, pid]) => [k, cpuSeconds(pid)]));
    const benchCpuBefore = process.cpuUsage();
    const big = await upload(stack.baseUrl, adminToken, book, { processor: "llm", sentenceWordLimit: "12", priority: "10" });
    const latencies: number[] = [];
    const phases: Record<string, number[]> = {};
    for (let i = 0; i < UPLOADS; i++) {
      await new Promise((r) => setTimeout(r, 400));
      const up = await upload(stack.baseUrl, otherToken, small, {});
      latencies.push(up.ms);
      for (const [k, v] of Object.entries(up.phases)) (phases[k] ??= []).push(v);
    }
    const deadline = Date.now() + 10 * 60_000;
    for (;;) {
      const job = await db.job.findUniqueOrThrow({ where: { id: big.id } });
      if (["COMPLETED", "PARTIAL_SUCCESS", "FAILED", "CANCELLED"].includes(job.status)) {
        if (job.status !== "COMPLETED") throw new Error(`the job ended ${job.status}: ${job.errorSummary}`);
        break;
      }
      if (Date.now() > deadline) throw new Error("the job did not finish in 10 minutes");
      await new Promise((r) => setTimeout(r, 250));
    }
    const benchCpu = process.cpuUsage(benchCpuBefore);
    const cpuUsed = Object.entries(procs).map(([k, pid]) => `${k} ${(cpuSeconds(pid) - cpuBefore[k]).toFixed(1)} s`);
    cpuUsed.push(`this bench + fake provider ${((benchCpu.user + benchCpu.system) / 1e6).toFixed(1)} s`);
    const chunks = await db.chunk.findMany({ where: { jobId: big.id }, select: { startedAt: true, finishedAt: true } });
    const start = Math.min(...chunks.map((c) => c.startedAt!.getTime()));
    const end = Math.max(...chunks.map((c) => c.finishedAt!.getTime()));
    const wall = (end - start) / 1000;
    const ideal = (Math.ceil(chunks.length / CONCURRENCY) * LATENCY) / 1000;
    const ratio = wall / ideal;
    const p95 = pct(latencies, 95);

    console.log("");
    const stats = fake.stats();
    console.log(
      `Pipeline: ${chunks.length} chunks, provider concurrency ${CONCURRENCY} (CPU stage ${CPU_CONCURRENCY}), fake provider latency ${LATENCY} ms, ` +
        `${stats.calls} provider calls, at most ${stats.maxInFlight} at once`,
    );
    console.log(`CPU time used from upload to completion: ${cpuUsed.join(", ")} (on ${os.availableParallelism()} cores)`);
    // Where the wall time goes: before the first provider call, the provider's span, after the last answer.
    const span = stats.lastAnswerAt - stats.firstCallAt;
    console.log(
      `first provider call ${stats.firstCallAt - start} ms after the first chunk started; provider span ${(span / 1000).toFixed(2)} s, ` +
        `its ${CONCURRENCY} slots busy ${((100 * stats.busyMs) / (CONCURRENCY * span)).toFixed(1)}%; last chunk saved ${end - stats.lastAnswerAt} ms after the last answer`,
    );
    console.log("wall s   ideal s  ratio  target   result");
    console.log(`${wall.toFixed(2).padEnd(8)} ${ideal.toFixed(2).padEnd(8)} ${ratio.toFixed(3).padEnd(6)} <= 1.10  ${ratio <= 1.1 ? "PASS" : "FAIL"}`);
    console.log("");
    console.log(`Upload 202 while the job runs (1-page PDF, n=${latencies.length})`);
    console.log("median ms  p95 ms  target      result");
    console.log(`${pct(latencies, 50).toFixed(1).padEnd(10)} ${p95.toFixed(1).padEnd(7)} p95 < 100   ${p95 < 100 ? "PASS" : "FAIL"}`);
    // Where the server's time went (its Server-Timing header), per phase.
    console.log(`server phases, median / p95 ms: ${Object.entries(phases).map(([k, xs]) => `${k} ${pct(xs, 50).toFixed(1)} / ${pct(xs, 95).toFixed(1)}`).join(", ")}`);
  } finally {
    if (process.env.FOLIO_KEEP_TEST_DATA) console.log(`Data kept in ${stack.dataDir}`);
    await stack.stop();
    await fake.close();
  }
}

async function all(): Promise<void> {
  let backend: DistributedBackend | null = null;
  const kind = process.env.FOLIO_BENCH_BACKEND ?? "local";
  if (kind === "distributed") {
    backend = await startDistributedBackend();
    Object.assign(process.env, backend.env);
  } else if (kind !== "local") throw new Error(`FOLIO_BENCH_BACKEND must be local or distributed, not ${kind}`);
  console.log(`Backend: ${kind === "distributed" ? "PostgreSQL + S3 (radosgw)" : "SQLite + local disk"}`);
  try {
    await main();
    if (process.env.FOLIO_BENCH_SKIP_BOOK === "1") return;
    console.log("");
    // Issue 5's figure: a 500-page novel end to end through the app with the local processor.
    await runBookBench({ pages: envInt("FOLIO_BENCH_BOOK_PAGES", 500) });
  } finally {
    backend?.stop();
  }
}

all().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
