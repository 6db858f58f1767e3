/**
 * `npm run bench:runner`: the runner's overhead, measured end to end over HTTP with the official SDK.
 *
 *  1. one run of 200 sequential step.run()s: ms per step (median, p95) from the SDK's side
 *     (time between consecutive step starts; the step bodies do nothing)
 *  2. one run of 200 parallel step.run()s (Promise.all): total time, and median/p95 per step call
 *  3. 1,000 small runs (one step each): end-to-end runs per second
 *
 * The runner runs as its own process (node --import tsx runner/main.ts) on a temp DB; the app (SDK
 * serve() on node:http) runs in this process. Targets: median < 15 ms per sequential step, 200
 * parallel steps < 3 s, >= 100 runs/s. Exits 1 when a target is missed.
 */

import { spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { Inngest } from "inngest";
import { serve } from "inngest/node";

const ROOT = path.resolve(__dirname, "..", "..");

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx] as number;
}

const fmt = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : "n/a");

/** CPU time (ms) used so far by another process (Linux /proc; NaN elsewhere). */
function processCpuMs(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    const fields = (fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1] ?? "").split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime, in clock ticks (100/s)
    return ticks * 10;
  } catch {
    return NaN;
  }
}

/** CPU time (ms) of this process (the app). */
const selfCpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

async function waitUntil(what: string, fn: () => Promise<boolean> | boolean, timeoutMs: number, interval = 10): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await fn()) return;
    await sleep(interval);
  }
  throw new Error(`timed out waiting for ${what}`);
}

interface Stats {
  runsCompleted: number;
  runsFailed: number;
}

async function main(): Promise<void> {
  const runnerPort = await freePort();
  const runnerUrl = `http://127.0.0.1:${runnerPort}`;
  const dbDir = fs.mkdtempSync(path.join(os.tmpdir(), "folio-runner-bench-"));
  const runner = spawn(process.execPath, ["--import", "tsx", "runner/main.ts"], {
    cwd: ROOT,
    env: { ...process.env, FOLIO_RUNNER_PORT: String(runnerPort), FOLIO_RUNNER_HOST: "127.0.0.1", FOLIO_RUNNER_DB: path.join(dbDir, "runner.db"), FOLIO_RUNNER_LOG_LEVEL: "warn" },
    stdio: ["ignore", "inherit", "inherit"],
  });
  const stopRunner = () => {
    if (runner.exitCode === null) runner.kill("SIGTERM");
  };
  process.on("exit", stopRunner);

  const seqMarks: number[] = [];
  const parStarts: number[] = [];
  let seqDone: () => void = () => undefined;
  let parDone: () => void = () => undefined;
  let smallDone = 0;

  const noop = () => undefined;
  const client = new Inngest({ id: "bench", isDev: true, baseUrl: runnerUrl, logger: { info: noop, warn: noop, error: noop, debug: noop } });
  const sequential = client.createFunction({ id: "sequential-200", triggers: [{ event: "bench/sequential" }] }, async ({ step, event }) => {
    const n = Number(event.data.steps ?? 200);
    for (let i = 0; i < n; i++) {
      await step.run(`s${i}`, () => {
        seqMarks.push(performance.now());
        return i;
      });
    }
    await step.run("done", () => seqDone());
    return n;
  });
  const parallel = client.createFunction({ id: "parallel-200", triggers: [{ event: "bench/parallel" }] }, async ({ step, event }) => {
    const n = Number(event.data.steps ?? 200);
    const out = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        step.run(`p${i}`, () => {
          parStarts.push(performance.now());
          return i;
        }),
      ),
    );
    await step.run("done", () => parDone());
    return out.length;
  });
  const small = client.createFunction({ id: "small", triggers: [{ event: "bench/small" }] }, async ({ step, event }) => {
    const v = await step.run("one", () => Number(event.data.i) * 2);
    smallDone++;
    return v;
  });

  const handler = serve({ client, functions: [sequential, parallel, small] });
  const app = http.createServer((req, res) => {
    if (req.url?.startsWith("/api/inngest")) return void handler(req, res);
    res.statusCode = 404;
    res.end();
  });
  app.keepAliveTimeout = 65_000;
  const appPort = await freePort();
  await new Promise<void>((r) => app.listen(appPort, "127.0.0.1", r));
  const appUrl = `http://127.0.0.1:${appPort}/api/inngest`;

  const send = async (events: unknown) => {
    const res = await fetch(`${runnerUrl}/e/bench`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(events) });
    if (!res.ok) throw new Error(`event send failed: ${res.status} ${await res.text()}`);
  };
  const stats = async () => (await (await fetch(`${runnerUrl}/stats`)).json()) as Stats;

  try {
    await waitUntil(
      "runner health",
      async () => {
        try {
          return (await fetch(`${runnerUrl}/health`)).ok;
        } catch {
          return false;
        }
      },
      20_000,
      50,
    );
    const sync = await fetch(`${runnerUrl}/sync`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ url: appUrl }) });
    if (!sync.ok) throw new Error(`sync failed: ${await sync.text()}`);

    // Warm-up (JIT, connections, SQLite pages).
    {
      const seqP = new Promise<void>((r) => (seqDone = r));
      const parP = new Promise<void>((r) => (parDone = r));
      await send([
        { name: "bench/sequential", data: { steps: 20 } },
        { name: "bench/parallel", data: { steps: 20 } },
        ...Array.from({ length: 50 }, (_, i) => ({ name: "bench/small", data: { i } })),
      ]);
      await Promise.all([seqP, parP]);
      await waitUntil("warm-up runs", () => smallDone >= 50, 30_000);
      await waitUntil("warm-up completion", async () => (await stats()).runsCompleted >= 52, 30_000);
      seqMarks.length = 0;
      parStarts.length = 0;
    }

    const cpu = () => ({ runner: processCpuMs(runner.pid), app: selfCpuMs() });
    const cpuSince = (from: { runner: number; app: number }) => {
      const now = cpu();
      return `runner CPU ${fmt(now.runner - from.runner)} ms, app (SDK) CPU ${fmt(now.app - from.app)} ms`;
    };

    // 1. 200 sequential steps.
    const seqP = new Promise<void>((r) => (seqDone = r));
    const cpu0 = cpu();
    const t0 = performance.now();
    await send({ name: "bench/sequential", data: { steps: 200 } });
    await seqP;
    const seqTotal = performance.now() - t0;
    const perStep = seqMarks.slice(1).map((t, i) => t - (seqMarks[i] as number));
    const seqMedian = percentile(perStep, 50);
    const seqP95 = percentile(perStep, 95);
    const seqCpu = cpuSince(cpu0);

    // 2. 200 parallel steps.
    const before = await stats();
    const parP = new Promise<void>((r) => (parDone = r));
    const cpu1 = cpu();
    const t1 = performance.now();
    await send({ name: "bench/parallel", data: { steps: 200 } });
    await parP;
    await waitUntil("parallel run completion", async () => (await stats()).runsCompleted > before.runsCompleted + 0, 30_000, 5);
    const parTotal = performance.now() - t1;
    const parCpu = cpuSince(cpu1);
    const runs = (await (await fetch(`${runnerUrl}/runs?function=bench-parallel-200&limit=1`)).json()) as { runs: Array<{ id: string }> };
    const detail = (await (await fetch(`${runnerUrl}/runs/${runs.runs[0]?.id}`)).json()) as { attempts: Array<{ kind: string; duration_ms: number | null }> };
    const stepCalls = detail.attempts.filter((a) => a.kind === "step" && a.duration_ms !== null).map((a) => a.duration_ms as number);
    const parMedian = percentile(stepCalls, 50);
    const parP95 = percentile(stepCalls, 95);

    // 3. 1,000 small runs.
    const base = await stats();
    smallDone = 0;
    const cpu2 = cpu();
    const t2 = performance.now();
    for (let b = 0; b < 10; b++) await send(Array.from({ length: 100 }, (_, i) => ({ name: "bench/small", data: { i: b * 100 + i } })));
    await waitUntil("1,000 runs", async () => (await stats()).runsCompleted - base.runsCompleted >= 1000, 120_000, 20);
    const thrSeconds = (performance.now() - t2) / 1000;
    const runsPerSec = 1000 / thrSeconds;
    const thrCpu = cpuSince(cpu2);
    const failed = (await stats()).runsFailed;

    const results = [
      { name: "sequential: median ms per step (200 steps)", value: seqMedian, target: "< 15", pass: seqMedian < 15 },
      { name: "parallel: 200 steps total ms", value: parTotal, target: "< 3000", pass: parTotal < 3000 },
      { name: "throughput: runs per second (1,000 runs)", value: runsPerSec, target: ">= 100", pass: runsPerSec >= 100 },
    ];
    const lines = [
      "",
      "Folio runner benchmark (runner in its own process, app = SDK serve() on node:http, same machine)",
      `  machine: ${os.cpus().length} CPU(s), ${os.cpus()[0]?.model ?? "?"}, node ${process.version}`,
      "",
      `  sequential 200 steps: total ${fmt(seqTotal)} ms; per step median ${fmt(seqMedian)} ms, p95 ${fmt(seqP95)} ms`,
      `                        ${seqCpu}`,
      `  parallel 200 steps:   total ${fmt(parTotal)} ms (${fmt(parTotal / 200)} ms/step); per step call median ${fmt(parMedian)} ms, p95 ${fmt(parP95)} ms (${stepCalls.length} calls)`,
      `                        ${parCpu}`,
      `  1,000 small runs:     ${fmt(thrSeconds * 1000)} ms → ${fmt(runsPerSec)} runs/s (failed runs: ${failed})`,
      `                        ${thrCpu}`,
      "",
      ...results.map((r) => `  ${r.pass ? "PASS" : "FAIL"}  ${r.name}: ${fmt(r.value)} (target ${r.target})`),
      "",
    ];
    process.stdout.write(lines.join("\n"));
    process.exitCode = results.every((r) => r.pass) ? 0 : 1;
  } finally {
    app.closeAllConnections();
    app.close();
    stopRunner();
    await new Promise((r) => (runner.exitCode === null ? runner.once("exit", r) : r(undefined)));
    fs.rmSync(dbDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
