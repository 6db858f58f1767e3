/**
 * Helpers for the runner conformance suite: a runner (in-process or as a child process) on a random
 * port with a temp DB, and a test app served by the SDK's own `serve()` (inngest/node) on a
 * node:http server, its client pointed at the runner. Everything talks over real HTTP.
 */

import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { Inngest, type InngestFunction } from "inngest";
import { serve } from "inngest/node";
import { startRunner, type RunnerHandle, type StartRunnerOptions } from "../../runner/index";
import { createLogger, parseLogLevel } from "../../runner/log";

const ROOT = path.resolve(__dirname, "..", "..");

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

export function tempDb(label = "runner"): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `folio-${label}-`));
  return path.join(dir, "runner.db");
}

/** Test runner logs are silent unless FOLIO_RUNNER_TEST_LOG=debug|info|warn|error. */
export const testLogger = () => createLogger(parseLogLevel(process.env.FOLIO_RUNNER_TEST_LOG, "silent"));

export type TestRunner = RunnerHandle & { dbPath: string };

export async function startTestRunner(opts: StartRunnerOptions = {}): Promise<TestRunner> {
  const dbPath = opts.dbPath ?? tempDb();
  const handle = await startRunner({ port: 0, host: "127.0.0.1", backoffScale: 0.001, workers: 8, logger: testLogger(), ...opts, dbPath });
  return Object.assign(handle, { dbPath });
}

export interface ChildRunner {
  url: string;
  port: number;
  dbPath: string;
  child: ChildProcess;
  logs: string[];
  kill9(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Runs a TypeScript entry point as ONE node process (`node --import tsx`), so SIGKILL really kills
 * it (the `tsx` CLI would spawn a grandchild that survives a kill -9 of the wrapper).
 */
export function spawnTs(entry: string, env: NodeJS.ProcessEnv, stdio: "pipe" | "ignore" = "pipe"): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", entry], { cwd: ROOT, env, stdio: ["ignore", stdio, stdio] });
}

/** runner/main.ts (what `npm run runner` starts) as a separate process. */
export async function startChildRunner(opts: { port: number; dbPath: string; env?: Record<string, string> }): Promise<ChildRunner> {
  const logs: string[] = [];
  const child = spawnTs("runner/main.ts", {
    ...process.env,
    FOLIO_RUNNER_PORT: String(opts.port),
    FOLIO_RUNNER_HOST: "127.0.0.1",
    FOLIO_RUNNER_DB: opts.dbPath,
    FOLIO_RUNNER_BACKOFF_SCALE: "0.001",
    FOLIO_RUNNER_LOG_LEVEL: "info",
    ...opts.env,
  });
  let partial = "";
  const onData = (c: Buffer) => {
    const lines = (partial + c.toString()).split("\n");
    partial = lines.pop() ?? "";
    logs.push(...lines.filter(Boolean));
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);
  const url = `http://127.0.0.1:${opts.port}`;
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`runner exited with ${child.exitCode}: ${logs.join("\n")}`);
      try {
        return (await fetch(`${url}/health`)).ok;
      } catch {
        return false;
      }
    },
    { timeout: 20_000, interval: 50, what: "child runner health" },
  );
  return {
    url,
    port: opts.port,
    dbPath: opts.dbPath,
    child,
    logs,
    async kill9() {
      child.kill("SIGKILL");
      await exited;
    },
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

export interface TestApp {
  /** The serve endpoint, e.g. http://127.0.0.1:1234/api/inngest */
  url: string;
  close(): Promise<void>;
}

export type AnyFunction = InngestFunction.Any;

export async function startApp(client: Inngest.Any, functions: AnyFunction[], port = 0): Promise<TestApp> {
  const handler = serve({ client, functions });
  const server = http.createServer((req, res) => {
    if (req.url?.startsWith("/api/inngest")) return void handler(req, res);
    res.statusCode = 404;
    res.end();
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
  const actual = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actual}/api/inngest`,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

export function makeClient(runnerUrl: string, id: string): Inngest {
  return new Inngest({ id, isDev: true, baseUrl: runnerUrl, logger: quietLogger });
}

/** Keeps the SDK's own warnings out of the test output unless asked for. */
const quietLogger = {
  info: () => undefined,
  warn: (...args: unknown[]) => (process.env.FOLIO_RUNNER_TEST_LOG ? console.warn(...args) : undefined),
  error: (...args: unknown[]) => (process.env.FOLIO_RUNNER_TEST_LOG ? console.error(...args) : undefined),
  debug: () => undefined,
};

export async function sendEvents(runnerUrl: string, events: unknown, headers: Record<string, string> = {}): Promise<{ ids: string[]; status: number }> {
  const res = await fetch(`${runnerUrl}/e/test-key`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(events) });
  return (await res.json()) as { ids: string[]; status: number };
}

export async function waitFor<T>(fn: () => Promise<T | undefined | null | false>, opts: { timeout?: number; interval?: number; what?: string } = {}): Promise<T> {
  const deadline = Date.now() + (opts.timeout ?? 60_000);
  let lastErr: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v !== undefined && v !== null && v !== false) return v;
    } catch (err) {
      lastErr = err;
      if (err instanceof Error && err.message.startsWith("runner exited")) throw err;
    }
    await sleep(opts.interval ?? 25);
  }
  throw new Error(`timed out waiting for ${opts.what ?? "condition"}${lastErr ? `: ${String(lastErr)}` : ""}`);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface RunSummary {
  id: string;
  function_id: string;
  status: string;
  output?: unknown;
  error?: { name?: string; message?: string } | null;
  created_at: number;
  started_at: number | null;
  ended_at: number | null;
  event: { name: string; id: string };
}

export interface RunDetail {
  run: RunSummary & { event: Record<string, unknown> };
  steps: Array<{ id: string; name: string | null; op: string; status: string; attempts: number; output?: unknown; error?: unknown; started_at: number | null; ended_at: number | null }>;
  attempts: Array<{ kind: string; step_id: string | null; attempt: number; outcome: string | null; http_status: number | null; error: unknown; started_at: number; ended_at: number | null }>;
  errors: unknown[];
}

export async function listRuns(runnerUrl: string, fnId?: string): Promise<RunSummary[]> {
  const q = new URLSearchParams({ limit: "1000" });
  if (fnId) q.set("function", fnId);
  const res = await fetch(`${runnerUrl}/runs?${q}`);
  return ((await res.json()) as { runs: RunSummary[] }).runs;
}

export async function getRunDetail(runnerUrl: string, id: string): Promise<RunDetail> {
  const res = await fetch(`${runnerUrl}/runs/${id}`);
  if (!res.ok) throw new Error(`run ${id}: ${res.status}`);
  return (await res.json()) as RunDetail;
}

const TERMINAL = new Set(["completed", "failed", "cancelled"]);

/** Waits until `count` runs of the function exist and all are finished. */
export async function waitForRuns(runnerUrl: string, fnId: string, count: number, timeout = 60_000): Promise<RunSummary[]> {
  return waitFor(
    async () => {
      const runs = await listRuns(runnerUrl, fnId);
      return runs.length >= count && runs.every((r) => TERMINAL.has(r.status)) ? runs : undefined;
    },
    { timeout, what: `${count} finished runs of ${fnId}` },
  );
}

export async function waitForRun(runnerUrl: string, fnId: string, timeout = 60_000): Promise<RunSummary> {
  const runs = await waitForRuns(runnerUrl, fnId, 1, timeout);
  return runs[0] as RunSummary;
}

export async function syncApp(runner: { url: string }, appUrl: string): Promise<void> {
  const res = await fetch(`${runner.url}/sync`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ url: appUrl }) });
  const body = (await res.json()) as { ok: boolean; message: string };
  if (!body.ok) throw new Error(`sync failed: ${body.message}`);
}

/** The usual fixture: a runner in-process, an app with `functions`, synced. */
export async function setup(appId: string, build: (client: Inngest) => AnyFunction[], runnerOpts: StartRunnerOptions = {}) {
  const runner = await startTestRunner(runnerOpts);
  const client = makeClient(runner.url, appId);
  const app = await startApp(client, build(client));
  await syncApp(runner, app.url);
  return {
    runner,
    client,
    app,
    fnId: (id: string) => `${appId}-${id}`,
    async close() {
      await runner.stop();
      await app.close();
    },
  };
}
