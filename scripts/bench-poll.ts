/**
 * Polling benchmark: `npm run bench:poll`.
 *
 * Runs the whole product (built app + bundled runner, fresh data dir), uploads a 900-page book
 * (60 chunks) and, while it is processed, starts FOLIO_BENCH_POLLERS (50) browser-like pollers:
 * each is signed in with a session cookie and, like the job page's TanStack queries, fetches
 * GET /api/jobs/:id and GET /api/jobs/:id/chunks once a second (both at once, each poller on
 * its own phase of the second). Measures for FOLIO_BENCH_POLL_SECONDS (30) or until the job
 * ends, then prints the median and p95 latency of GET /api/jobs/:id (target p95 < 25 ms) and,
 * for information, of the chunks request.
 *
 * As `npm start` does, the Inngest functions run in a second app process (the runner calls its
 * /api/inngest), so the process answering the pollers does no pipeline work.
 * FOLIO_BENCH_POLL_WORKER=0 runs one app process that does both, for comparison.
 */
import fs from "node:fs";
import { Stack } from "../tests/helpers/stack";
import { makeNovelPdf } from "../tests/fixtures/pdfs";
import { ensureBuild } from "./lib/app-server";
import { parseServerTiming } from "../lib/http/server-timing";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { benchAccount } from "./lib/bench-accounts";

const envInt = (name: string, def: number) => {
  const v = Number(process.env[name]);
  return Number.isInteger(v) && v > 0 ? v : def;
};
const POLLERS = envInt("FOLIO_BENCH_POLLERS", 50);
const SECONDS = envInt("FOLIO_BENCH_POLL_SECONDS", 30);
const PAGES = envInt("FOLIO_BENCH_POLL_PAGES", 900);
const WORKER = process.env.FOLIO_BENCH_POLL_WORKER !== "0";
const TARGET_P95_MS = 25;
const DIST = ".next-test";

const pct = (xs: number[], p: number) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A next-auth session cookie from the real credentials sign-in, as a browser gets it. */
async function sessionCookie(baseUrl: string, email: string, password: string): Promise<string> {
  const jar = new Map<string, string>();
  const keep = (res: Response) => {
    for (const sc of res.headers.getSetCookie()) {
      const [pair] = sc.split(";");
      const i = pair.indexOf("=");
      jar.set(pair.slice(0, i), pair.slice(i + 1));
    }
  };
  const header = () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
  const csrfRes = await fetch(`${baseUrl}/api/auth/csrf`);
  keep(csrfRes);
  const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
  const res = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: header() },
    body: new URLSearchParams({ csrfToken, email, password, json: "true" }),
  });
  keep(res);
  if (![...jar.keys()].some((k) => k.includes("session-token"))) throw new Error(`sign-in failed (${res.status})`);
  return header();
}

type Sample = { ms: number; ok: boolean; serverMs: number };

async function timedGet(url: string, cookie: string): Promise<Sample> {
  const t0 = performance.now();
  try {
    const res = await fetch(url, { headers: { cookie, accept: "application/json" } });
    const text = await res.text();
    const ms = performance.now() - t0;
    // What a browser would do with it: an answer that is not JSON counts as a failure.
    JSON.parse(text);
    const serverMs = Object.values(parseServerTiming(res.headers.get("server-timing"))).reduce((a, b) => a + b, 0);
    return { ms, ok: res.ok, serverMs };
  } catch {
    return { ms: performance.now() - t0, ok: false, serverMs: 0 };
  }
}

async function main(): Promise<void> {
  ensureBuild(DIST);
  const env = {
    FOLIO_UPLOADS_PER_HOUR: "1000",
    FOLIO_DEFAULT_CREDITS: "100000",
    // The production heartbeat (the Stack's default of 500 ms writes far more than a deployment does).
    FOLIO_HEARTBEAT_MS: "10000",
  };
  const stack = new Stack({ env, functionsProcess: WORKER });
  try {
    await stack.start();
    stack.shareData();
    const { db } = await import("../lib/db");
    const user = await benchAccount("bench-reader@folio.test");
    const token = user.token;
    const cookie = await sessionCookie(stack.baseUrl, user.email, user.password);

    console.log(`Generating a ${PAGES}-page book...`);
    const book = await makeNovelPdf({ pages: PAGES, seed: 90 });
    const form = new FormData();
    form.set("file", new Blob([new Uint8Array(book)], { type: "application/pdf" }), "long-novel.pdf");
    const up = await fetch(`${stack.baseUrl}/api/jobs`, { method: "POST", headers: { authorization: `Bearer ${token}` }, body: form });
    if (up.status !== 202) throw new Error(`upload answered ${up.status}: ${await up.text()}`);
    const jobId = ((await up.json()) as { job: { id: string } }).job.id;

    // Wait until the book is split and chunks are being processed: the state pollers watch.
    const splitDeadline = Date.now() + 120_000;
    for (;;) {
      const job = await db.job.findUniqueOrThrow({ where: { id: jobId } });
      if (job.status === "PROCESSING" && job.totalChunks > 0) break;
      if (job.status !== "PENDING" && job.status !== "SPLITTING") throw new Error(`the job is ${job.status} before polling started`);
      if (Date.now() > splitDeadline) throw new Error("the book was not split in 2 minutes");
      await sleep(100);
    }
    const jobUrl = `${stack.baseUrl}/api/jobs/${jobId}`;
    const chunksUrl = `${jobUrl}/chunks`;
    // Warm the two routes (first-call compilation and module loading do not count).
    for (let i = 0; i < 5; i++) await Promise.all([timedGet(jobUrl, cookie), timedGet(chunksUrl, cookie)]);

    const jobSamples: Sample[] = [];
    const chunkSamples: Sample[] = [];
    let stop = false;
    let endedEarly = "";
    // This client's own event-loop delay: a slow answer may be the measuring process's fault.
    const clientLag = monitorEventLoopDelay({ resolution: 5 });
    clientLag.enable();
    const started = performance.now();
    const pollers = Array.from({ length: POLLERS }, async (_, p) => {
      await sleep((1000 * p) / POLLERS);
      while (!stop) {
        const tick = performance.now();
        const [j, c] = await Promise.all([timedGet(jobUrl, cookie), timedGet(chunksUrl, cookie)]);
        if (stop) break;
        jobSamples.push(j);
        chunkSamples.push(c);
        await sleep(Math.max(0, 1000 - (performance.now() - tick)));
      }
    });
    const watcher = (async () => {
      while (!stop) {
        await sleep(500);
        const job = await db.job.findUniqueOrThrow({ where: { id: jobId }, select: { status: true, succeededChunks: true, totalChunks: true } });
        if (!["PROCESSING", "FINALIZING", "SPLITTING", "PENDING"].includes(job.status)) {
          endedEarly = `${job.status} after ${((performance.now() - started) / 1000).toFixed(1)} s`;
          stop = true;
        }
        if (performance.now() - started > SECONDS * 1000) stop = true;
      }
    })();
    await Promise.all([...pollers, watcher]);
    const elapsed = (performance.now() - started) / 1000;
    const progress = await db.job.findUniqueOrThrow({ where: { id: jobId }, select: { status: true, succeededChunks: true, totalChunks: true } });
    await fetch(`${jobUrl}/cancel`, { method: "POST", headers: { authorization: `Bearer ${token}` } }).catch(() => undefined);

    const okJob = jobSamples.filter((s) => s.ok).map((s) => s.ms);
    const okChunks = chunkSamples.filter((s) => s.ok).map((s) => s.ms);
    const failures = jobSamples.length - okJob.length + (chunkSamples.length - okChunks.length);
    const p95 = pct(okJob, 95);
    const pass = okJob.length > 0 && failures === 0 && p95 < TARGET_P95_MS;

    console.log("");
    console.log(
      WORKER
        ? "Topology: web app (answers the pollers) + functions app (runs the Inngest functions) + runner, as `npm start`"
        : "Topology: one app process (answers the pollers and runs the Inngest functions) + runner (FOLIO_BENCH_POLL_WORKER=0)",
    );
    console.log(
      `Polling: ${POLLERS} pollers × (GET /api/jobs/:id + GET /api/jobs/:id/chunks) every 1 s for ${elapsed.toFixed(1)} s` +
        ` on a ${PAGES}-page job (${progress.succeededChunks}/${progress.totalChunks} chunks done meanwhile${endedEarly ? `; the job ended ${endedEarly}` : ""})`,
    );
    console.log(`requests: ${okJob.length + okChunks.length} ok, ${failures} failed (${((okJob.length + okChunks.length) / elapsed).toFixed(0)} req/s)`);
    console.log("request                    n      median ms  p95 ms  p99 ms  max ms");
    for (const [name, xs] of [
      ["GET /api/jobs/:id", okJob],
      ["GET /api/jobs/:id/chunks", okChunks],
    ] as const) {
      console.log(
        `${name.padEnd(26)} ${String(xs.length).padEnd(6)} ${pct(xs, 50).toFixed(1).padEnd(10)} ${pct(xs, 95).toFixed(1).padEnd(7)} ${pct(xs, 99).toFixed(1).padEnd(7)} ${Math.max(...xs).toFixed(1)}`,
      );
    }
    clientLag.disable();
    const server = jobSamples.filter((x) => x.ok).map((x) => x.serverMs);
    console.log(
      `GET /api/jobs/:id time inside the route handler (Server-Timing): median ${pct(server, 50).toFixed(1)} ms, p95 ${pct(server, 95).toFixed(1)} ms;` +
        ` this client's event-loop delay p95 ${(clientLag.percentile(95) / 1e6).toFixed(1)} ms`,
    );
    console.log("");
    console.log("GET /api/jobs/:id  median ms  p95 ms  target     result");
    console.log(`                   ${pct(okJob, 50).toFixed(1).padEnd(10)} ${p95.toFixed(1).padEnd(7)} p95 < ${TARGET_P95_MS}   ${pass ? "PASS" : "FAIL"}`);
    process.exitCode = pass ? 0 : 1;
  } finally {
    await stack.stop();
    if (fs.existsSync(stack.dataDir)) fs.rmSync(stack.dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
