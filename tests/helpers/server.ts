import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { newInngestKeys } from "../../scripts/inngest-keys.mjs";
import { freshDatabaseUrl, freshStorageEnv } from "./database";

export type CapturedEvent = { name: string; data: Record<string, unknown>; id?: string; ts?: number; key?: string };

export type TestApp = {
  baseUrl: string;
  eventsUrl: string;
  dataDir: string;
  /** PostgreSQL under test:distributed; undefined: the SQLite file in dataDir. */
  databaseUrl?: string;
  /** S3 settings under test:distributed (FOLIO_STORAGE=s3 ...); empty: local disk in dataDir. */
  storageEnv: Record<string, string>;
  adminEmail: string;
  adminPassword: string;
  /** The Inngest keys the app runs with (signed mode, as in production). */
  keys: { signingKey: string; eventKey: string };
  stop(): Promise<void>;
};

const ROOT = path.resolve(__dirname, "..", "..");
/** The test build; FOLIO_TEST_DIST gives a separate one (parallel work trees, isolated runs). */
export const TEST_DIST = process.env.FOLIO_TEST_DIST || ".next-test";

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

/**
 * A stand-in for the Inngest event API (`POST /e/:key`) that records what the app sends.
 * `GET /__events` lists them.
 */
export async function startEventSink(): Promise<{ url: string; events: CapturedEvent[]; close(): Promise<void> }> {
  const events: CapturedEvent[] = [];
  const server = http.createServer((req, res) => {
    if (req.method === "GET" && req.url === "/__events") {
      res.setHeader("content-type", "application/json");
      return res.end(JSON.stringify({ events }));
    }
    if (req.method === "POST" && req.url?.startsWith("/e/")) {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        const parsed = JSON.parse(body) as CapturedEvent | CapturedEvent[];
        const list = (Array.isArray(parsed) ? parsed : [parsed]).map((e) => ({ ...e, key: decodeURIComponent(req.url?.slice(3) ?? "") }));
        events.push(...list);
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify({ ids: list.map((e, i) => e.id ?? `evt-${events.length + i}`), status: 200 }));
      });
      return;
    }
    res.statusCode = 404;
    res.end();
  });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${port}`, events, close: () => new Promise((r) => server.close(() => r())) };
}

/** Builds the test build unless it is up to date with the sources (scripts/build.mjs). */
function ensureBuild(): void {
  const r = spawnSync(process.execPath, [path.join(ROOT, "scripts", "build.mjs")], {
    cwd: ROOT,
    stdio: "inherit",
    env: { ...process.env, FOLIO_NEXT_DIST: TEST_DIST },
  });
  if (r.status !== 0) throw new Error("next build failed");
}

async function waitForHealth(url: string, child: ChildProcess, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`app exited early with code ${child.exitCode}`);
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`app at ${url} did not become healthy`);
}

/** Builds (once) and starts the real app with a fresh data directory and an event sink. */
export async function startTestApp(extraEnv: Record<string, string> = {}): Promise<TestApp> {
  ensureBuild();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "folio-test-"));
  const sink = await startEventSink();
  const port = await freePort();
  const keys = newInngestKeys();
  const adminEmail = "admin@folio.test";
  const adminPassword = "admin-password-1";
  const databaseUrl = await freshDatabaseUrl("app");
  const storageEnv = freshStorageEnv("app");
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    FOLIO_NEXT_DIST: TEST_DIST,
    FOLIO_DATA_DIR: dataDir,
    FOLIO_QUIET: "1",
    FOLIO_ADMIN_EMAIL: adminEmail,
    FOLIO_ADMIN_PASSWORD: adminPassword,
    NEXTAUTH_URL: `http://127.0.0.1:${port}`,
    // Signed mode, as in production: events go to the sink with the event key, and the SDK
    // refuses unsigned calls to /api/inngest.
    INNGEST_DEV: undefined,
    INNGEST_BASE_URL: sink.url,
    INNGEST_SIGNING_KEY: keys.signingKey,
    INNGEST_EVENT_KEY: keys.eventKey,
    DATABASE_URL: databaseUrl,
    ...storageEnv,
    ...extraEnv,
  };
  const prep = spawnSync(path.join(ROOT, "node_modules", ".bin", "tsx"), ["scripts/prepare.ts"], { cwd: ROOT, env, encoding: "utf8" });
  if (prep.status !== 0) throw new Error(`prepare failed: ${prep.stderr}`);
  const child = spawn(path.join(ROOT, "node_modules", ".bin", "next"), ["start", "-p", String(port), "-H", "127.0.0.1"], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const logFile = fs.createWriteStream(path.join(dataDir, "app.log"));
  child.stdout?.pipe(logFile);
  child.stderr?.pipe(logFile);
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitForHealth(baseUrl, child);
  return {
    baseUrl,
    eventsUrl: `${sink.url}/__events`,
    dataDir,
    databaseUrl,
    storageEnv,
    adminEmail,
    adminPassword,
    keys,
    async stop() {
      if (child.exitCode === null && child.pid) {
        try {
          process.kill(-child.pid, "SIGTERM");
        } catch {
          child.kill("SIGTERM");
        }
      }
      await sink.close();
      if (!process.env.FOLIO_KEEP_TEST_DATA) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
