/**
 * Starts a throwaway Folio (`next start` on its own build dir and data dir) for scripts such
 * as the upload benchmark, with a stand-in for the Inngest event API so uploads never wait
 * for a runner.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";

export const ROOT = path.resolve(__dirname, "..", "..");
const bin = (name: string) => path.join(ROOT, "node_modules", ".bin", name);

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export type EventSink = { url: string; received(): number; close(): Promise<void> };

/** Answers `POST /e/:key` like Inngest's event API (`{"ids":[...],"status":200}`), counting events. */
export async function startEventSink(): Promise<EventSink> {
  let count = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.setHeader("content-type", "application/json");
      if (req.method === "POST" && req.url?.startsWith("/e/")) {
        count++;
        res.end(JSON.stringify({ ids: ["x"], status: 200 }));
      } else {
        res.statusCode = 404;
        res.end("{}");
      }
    });
  });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${port}`,
    received: () => count,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/**
 * Runs `next build` into `distDir` unless it already holds a build (or `force`).
 * Note: `next build` adds `<distDir>/types/**` to tsconfig.json's include list on its first run.
 */
/** Builds the app into `distDir` unless that build is already up to date (scripts/build.mjs). */
export function ensureBuild(distDir: string, force = false): void {
  const env = { ...process.env, FOLIO_NEXT_DIST: distDir, ...(force ? { FOLIO_REBUILD: "1" } : {}) };
  const r = spawnSync(process.execPath, [path.join(ROOT, "scripts", "build.mjs")], { cwd: ROOT, stdio: ["ignore", "inherit", "inherit"], env });
  if (r.status !== 0) throw new Error(`next build failed (exit ${r.status ?? r.signal}); see the output above`);
}

export type RunningApp = {
  url: string;
  pid: number;
  dataDir: string;
  env: NodeJS.ProcessEnv;
  /** The last lines the server printed (for error reports). */
  logTail(lines?: number): string;
  stop(): Promise<void>;
};

export type StartOptions = { distDir: string; env?: Record<string, string>; dataDir?: string; port?: number };

/**
 * Prepares a fresh data dir (secret + migrations via scripts/prepare.ts), then starts
 * `next start` in its own process group so stop() can end it and any children together.
 */
export async function startApp(opts: StartOptions): Promise<RunningApp> {
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "folio-app-"));
  const port = opts.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    FOLIO_NEXT_DIST: opts.distDir,
    FOLIO_DATA_DIR: dataDir,
    FOLIO_QUIET: "1",
    NEXTAUTH_URL: url,
    PORT: String(port),
    ...opts.env,
  };
  // FOLIO_DATA_DIR must decide where the database lives.
  delete env.DATABASE_URL;
  delete env.FOLIO_STORAGE_DIR;

  const prep = spawnSync(bin("tsx"), ["scripts/prepare.ts"], { cwd: ROOT, env, encoding: "utf8" });
  if (prep.status !== 0) throw new Error(`scripts/prepare.ts failed:\n${prep.stdout}${prep.stderr}`);

  const child: ChildProcess = spawn(bin("next"), ["start", "-p", String(port), "-H", "127.0.0.1"], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const log: string[] = [];
  const keep = (b: Buffer) => {
    log.push(...b.toString().split("\n").filter(Boolean));
    if (log.length > 400) log.splice(0, log.length - 400);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const logTail = (n = 30) => log.slice(-n).join("\n");

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null && child.pid) {
      const exited = new Promise<void>((r) => child.once("exit", () => r()));
      const killGroup = (sig: NodeJS.Signals) => {
        try {
          process.kill(-child.pid!, sig);
        } catch {
          child.kill(sig);
        }
      };
      killGroup("SIGTERM");
      const timer = setTimeout(() => killGroup("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    }
    if (!opts.dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    await waitForHealth(url, child);
  } catch (err) {
    const tail = logTail();
    await stop();
    throw new Error(`${(err as Error).message}\n--- server output ---\n${tail}`);
  }
  return { url, pid: child.pid!, dataDir, env, logTail, stop };
}

async function waitForHealth(url: string, child: ChildProcess, ms = 90_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the app exited early (${child.exitCode ?? child.signalCode})`);
    try {
      const res = await fetch(`${url}/api/health`);
      await res.body?.cancel();
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the app at ${url} did not become healthy within ${ms / 1000} s`);
}
