/**
 * Upload benchmark: `npm run bench:upload`.
 *
 * Measures how long POST /api/jobs takes to answer 202 for a 1 MB and a 25 MB PDF, and how
 * much the server's resident memory grows while it receives the 25 MB ones. The app runs
 * as `next start` on its own build (.next-bench) and a fresh data dir; Inngest's event API
 * is a local stand-in, so uploads measure only the upload path.
 *
 * Environment:
 *   FOLIO_BENCH_URL      use an already running app instead (with FOLIO_BENCH_TOKEN, or a
 *                        user created in the database FOLIO_DATA_DIR/DATABASE_URL points at;
 *                        FOLIO_BENCH_PID enables the memory measurement)
 *   FOLIO_BENCH_N_1MB    uploads of the 1 MB file (default 30)
 *   FOLIO_BENCH_N_25MB   uploads of the 25 MB file (default 15)
 *   FOLIO_BENCH_WARMUP   warm-up uploads per size (default 3)
 *   FOLIO_BENCH_REBUILD  1 = rebuild .next-bench even if it exists (it is not rebuilt when the
 *                        code changes: rebuild to measure newer code)
 *
 * Exit code 0 when the report was produced (even if a target is missed), 1 on errors.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { makePdfOfSize } from "../tests/fixtures/pdfs";
import { ensureBuild, startApp, startEventSink, type EventSink, type RunningApp } from "./lib/app-server";
import { RssSampler } from "./lib/rss";
import { benchAccount } from "./lib/bench-accounts";

const DIST = ".next-bench";
const MiB = 1024 * 1024;

const envInt = (name: string, def: number) => {
  const v = Number(process.env[name]);
  return Number.isInteger(v) && v >= 0 ? v : def;
};

type Case = { label: string; bytes: number; n: number; targetP95Ms: number };

const CASES: Case[] = [
  { label: "1 MB", bytes: 1 * MiB, n: envInt("FOLIO_BENCH_N_1MB", 30), targetP95Ms: 100 },
  { label: "25 MB", bytes: 25 * MiB, n: envInt("FOLIO_BENCH_N_25MB", 15), targetP95Ms: 400 },
];
const WARMUP = envInt("FOLIO_BENCH_WARMUP", 3);
const RSS_TARGET_MB = 150;

let app: RunningApp | undefined;
let sink: EventSink | undefined;
let sampler: RssSampler | undefined;
let benchDataDir: string | undefined;

async function cleanup(): Promise<void> {
  await sampler?.stop().catch(() => undefined);
  await app?.stop().catch(() => undefined);
  await sink?.close().catch(() => undefined);
  if (benchDataDir) fs.rmSync(benchDataDir, { recursive: true, force: true });
  app = sink = sampler = benchDataDir = undefined;
}

async function main(): Promise<void> {
  let url = process.env.FOLIO_BENCH_URL?.replace(/\/+$/, "");
  let pid = process.env.FOLIO_BENCH_PID ? Number(process.env.FOLIO_BENCH_PID) : undefined;

  if (!url) {
    ensureBuild(DIST, process.env.FOLIO_BENCH_REBUILD === "1");
    sink = await startEventSink();
    benchDataDir = fs.mkdtempSync(path.join(os.tmpdir(), "folio-bench-"));
    log(`Starting next start (${DIST}) with data in ${benchDataDir} ...`);
    app = await startApp({
      distDir: DIST,
      dataDir: benchDataDir,
      env: {
        FOLIO_UPLOADS_PER_HOUR: "100000",
        FOLIO_DEFAULT_CREDITS: "100000000",
        INNGEST_DEV: "1",
        INNGEST_BASE_URL: sink.url,
      },
    });
    url = app.url;
    pid = app.pid;
    // The lib modules below must see the same database as the server.
    process.env.FOLIO_DATA_DIR = benchDataDir;
    process.env.FOLIO_DEFAULT_CREDITS = "100000000";
    delete process.env.DATABASE_URL;
    log(`App up at ${url} (pid ${pid}).`);
  }

  const token = process.env.FOLIO_BENCH_TOKEN ?? (await createBenchToken());

  log("Generating PDFs ...");
  const files = new Map<Case, Blob>();
  for (const c of CASES) files.set(c, new Blob([(await makePdfOfSize(c.bytes)) as Uint8Array<ArrayBuffer>], { type: "application/pdf" }));

  if (pid) sampler = new RssSampler(pid, 20);

  const results: Array<{ c: Case; times: number[] }> = [];
  let idleKb: number | undefined;
  let peakKb: number | undefined;
  for (const c of CASES) {
    const blob = files.get(c)!;
    log(`Warming up (${WARMUP} x ${c.label}) ...`);
    for (let i = 0; i < WARMUP; i++) await uploadOnce(url, token, blob, c);

    const big = c.bytes >= 25 * MiB;
    if (big && sampler) {
      await sleep(1500); // let the warm-up's garbage settle
      idleKb = await sampler.settle(1000);
      sampler.resetPeak();
    }
    log(`Uploading ${c.n} x ${c.label} ...`);
    const times: number[] = [];
    for (let i = 0; i < c.n; i++) times.push(await uploadOnce(url, token, blob, c));
    if (big && sampler) peakKb = sampler.peakKb;
    results.push({ c, times });
  }
  if (sink) log(`(${sink.received()} job.created events reached the Inngest stand-in)`);

  report(results, idleKb, peakKb, sampler?.samples);
}

/** Creates a bench user and API token directly in the database (lib code, same DB as the app). */
async function createBenchToken(): Promise<string> {
  const { db } = await import("../lib/db");
  try {
    return (await benchAccount(`bench-${Date.now()}@folio.local`, { role: "ADMIN", password: "bench-password-1" })).token;
  } finally {
    await db.$disconnect();
  }
}

/** One upload; returns the milliseconds until the 202 answer (body read). */
async function uploadOnce(url: string, token: string, blob: Blob, c: Case): Promise<number> {
  const form = new FormData();
  form.append("file", blob, `bench-${c.label.replace(" ", "")}.pdf`);
  const t0 = performance.now();
  const res = await fetch(`${url}/api/jobs`, { method: "POST", body: form, headers: { Authorization: `Bearer ${token}` } });
  const body = await res.text();
  const ms = performance.now() - t0;
  if (res.status !== 202) throw new Error(`upload of ${c.label} answered ${res.status}: ${body.slice(0, 300)}`);
  return ms;
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function report(results: Array<{ c: Case; times: number[] }>, idleKb?: number, peakKb?: number, samples?: number): void {
  const rows: string[][] = [["size", "n", "median ms", "p95 ms", "target", "result"]];
  for (const { c, times } of results) {
    const sorted = [...times].sort((a, b) => a - b);
    const p95 = percentile(sorted, 95);
    rows.push([c.label, String(times.length), percentile(sorted, 50).toFixed(1), p95.toFixed(1), `p95 < ${c.targetP95Ms} ms`, times.length ? (p95 < c.targetP95Ms ? "PASS" : "FAIL") : "n/a"]);
  }
  console.log("\nUpload latency (POST /api/jobs until 202)");
  console.log(table(rows));

  const mem: string[][] = [["idle RSS MB", "peak RSS MB", "delta MB", "target", "result"]];
  if (idleKb !== undefined && peakKb !== undefined) {
    const delta = (peakKb - idleKb) / 1024;
    mem.push([(idleKb / 1024).toFixed(1), (peakKb / 1024).toFixed(1), delta.toFixed(1), `delta < ${RSS_TARGET_MB} MB`, delta < RSS_TARGET_MB ? "PASS" : "FAIL"]);
  } else {
    mem.push(["n/a", "n/a", "n/a", `delta < ${RSS_TARGET_MB} MB`, "n/a (set FOLIO_BENCH_PID with FOLIO_BENCH_URL)"]);
  }
  console.log(`\nServer memory during the 25 MB uploads (RSS of the next start process tree, sampled every 20 ms${samples ? `, ${samples} samples` : ""})`);
  console.log(table(mem));
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join("  ");
  return [line(rows[0]), widths.map((w) => "-".repeat(w)).join("  "), ...rows.slice(1).map(line)].join("\n");
}

function log(msg: string): void {
  process.stderr.write(msg + "\n");
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.once(sig, () => {
    log(`\n${sig}: stopping the app ...`);
    void cleanup().finally(() => process.exit(1));
  });
}

main().then(
  async () => {
    await cleanup();
    process.exit(0);
  },
  async (err: unknown) => {
    console.error(`bench failed: ${err instanceof Error ? err.message : String(err)}`);
    if (app) console.error(`--- server output (last lines) ---\n${app.logTail()}`);
    await cleanup();
    process.exit(1);
  },
);
