import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort, TEST_DIST } from "./server";
import { niced } from "../../scripts/env.mjs";
import { newInngestKeys } from "../../scripts/inngest-keys.mjs";
import { freshDatabaseUrl, freshStorageEnv } from "./database";

const ROOT = path.resolve(__dirname, "..", "..");
const bin = (name: string) => path.join(ROOT, "node_modules", ".bin", name);

export type StackOptions = {
  env?: Record<string, string>;
  /** Serve the Inngest functions from a second app process, as `npm start` does (default true). */
  functionsProcess?: boolean;
};

/**
 * The whole product on one machine, as `npm start` runs it: the built app (next start) and the
 * bundled Inngest-compatible runner, each its own process on a random port, sharing a fresh
 * data directory, and (by default) a second app process serving the runner's function calls.
 * The app (web + functions processes) or the runner can be killed, even with SIGKILL, and
 * restarted mid-run.
 */
export class Stack {
  readonly dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "folio-stack-"));
  /** PostgreSQL under test:distributed (tests/helpers/database.ts); undefined: SQLite in dataDir. */
  databaseUrl: string | undefined;
  /** S3 settings under test:distributed; empty: local disk in dataDir. */
  storageEnv: Record<string, string> = {};
  private databaseMade = false;
  appPort = 0;
  runnerPort = 0;
  functionsPort = 0;
  app: ChildProcess | null = null;
  functions: ChildProcess | null = null;
  runner: ChildProcess | null = null;
  private env: NodeJS.ProcessEnv = { ...process.env };
  /** Signed mode, as `npm start` runs it: the runner signs calls with these, the SDK checks them. */
  readonly keys = newInngestKeys();

  constructor(private readonly opts: StackOptions = {}) {}

  /** Points this process's lib/ modules (database, storage) at the stack's data. */
  shareData(): void {
    process.env.FOLIO_DATA_DIR = this.dataDir;
    if (this.databaseUrl) process.env.DATABASE_URL = this.databaseUrl;
    else delete process.env.DATABASE_URL;
    Object.assign(process.env, this.storageEnv);
  }

  get baseUrl() {
    return `http://127.0.0.1:${this.appPort}`;
  }
  /** The app process the runner calls: the functions process, or the web process without one. */
  get functionsUrl() {
    return `http://127.0.0.1:${this.functionsPort || this.appPort}`;
  }
  get runnerUrl() {
    return `http://127.0.0.1:${this.runnerPort}`;
  }

  async start(): Promise<this> {
    if (!this.databaseMade) {
      this.databaseUrl = this.opts.env?.DATABASE_URL ?? (await freshDatabaseUrl("stack"));
      this.storageEnv = this.opts.env?.FOLIO_STORAGE ? {} : freshStorageEnv("stack");
      this.databaseMade = true;
    }
    this.appPort = await freePort();
    this.runnerPort = await freePort();
    if (this.opts.functionsProcess !== false) this.functionsPort = await freePort();
    this.env = {
      ...process.env,
      NODE_ENV: "production",
      FOLIO_NEXT_DIST: TEST_DIST,
      FOLIO_DATA_DIR: this.dataDir,
      FOLIO_QUIET: "1",
      NEXTAUTH_URL: this.baseUrl,
      INNGEST_DEV: undefined,
      INNGEST_BASE_URL: this.runnerUrl,
      INNGEST_SIGNING_KEY: this.keys.signingKey,
      INNGEST_EVENT_KEY: this.keys.eventKey,
      INNGEST_SERVE_ORIGIN: this.functionsUrl,
      FOLIO_RUNNER_SIGNING_KEY: this.keys.signingKey,
      FOLIO_RUNNER_EVENT_KEY: this.keys.eventKey,
      FOLIO_RUNNER_PORT: String(this.runnerPort),
      FOLIO_RUNNER_DB: path.join(this.dataDir, "runner.db"),
      FOLIO_RUNNER_APP_URL: `${this.functionsUrl}/api/inngest`,
      FOLIO_RUNNER_BACKOFF_SCALE: "0.01",
      FOLIO_RUNNER_LOG_LEVEL: "warn",
      FOLIO_HEARTBEAT_MS: "500",
      DATABASE_URL: this.databaseUrl,
      ...this.storageEnv,
      ...this.opts.env,
    };
    const prep = spawnSync(bin("tsx"), ["scripts/prepare.ts"], { cwd: ROOT, env: this.env, encoding: "utf8" });
    if (prep.status !== 0) throw new Error(`prepare failed: ${prep.stderr}`);
    await this.startApp();
    await this.startRunner();
    return this;
  }

  private spawnLogged(name: string, cmd: string, args: string[], extraEnv: Record<string, string> = {}): ChildProcess {
    const child = spawn(cmd, args, { cwd: ROOT, env: { ...this.env, ...extraEnv }, stdio: ["ignore", "pipe", "pipe"], detached: true });
    const log = fs.createWriteStream(path.join(this.dataDir, `${name}.log`), { flags: "a" });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    return child;
  }

  /** As `npm start` (scripts/start.mjs): idle connections kept 65 s, not Node's 5 s. */
  private keepAlive(): string[] {
    return ["--keepAliveTimeout", this.env.FOLIO_KEEPALIVE_MS ?? "65000"];
  }

  async startApp(): Promise<void> {
    // Same heap budget as `npm start` (scripts/env.mjs).
    const heap = `--max-old-space-size=${this.env.FOLIO_APP_HEAP_MB ?? "320"}`;
    const nextCli = path.join(ROOT, "node_modules", "next", "dist", "bin", "next");
    // With a functions process, the web process answers 404 on /api/inngest, as under `npm start`.
    const webEnv: Record<string, string> = this.functionsPort ? { FOLIO_SERVE_FUNCTIONS: "0" } : {};
    // FOLIO_CPU_PROF_WEB_DIR: write a V8 CPU profile of the web process there (benches).
    const webProf = this.env.FOLIO_CPU_PROF_WEB_DIR ? ["--cpu-prof", `--cpu-prof-dir=${this.env.FOLIO_CPU_PROF_WEB_DIR}`] : [];
    this.app = this.spawnLogged("app", process.execPath, [heap, ...webProf, nextCli, "start", "-p", String(this.appPort), "-H", "127.0.0.1", ...this.keepAlive()], webEnv);
    if (this.functionsPort) {
      // At a lower CPU priority, as `npm start` runs it (scripts/env.mjs, FOLIO_FUNCTIONS_NICE).
      // FOLIO_CPU_PROF_DIR: write a V8 CPU profile of the functions process there (benches).
      const prof = this.env.FOLIO_CPU_PROF_DIR ? ["--cpu-prof", `--cpu-prof-dir=${this.env.FOLIO_CPU_PROF_DIR}`] : [];
      const args = [heap, ...prof, nextCli, "start", "-p", String(this.functionsPort), "-H", "127.0.0.1", ...this.keepAlive()];
      const nice = Number(this.env.FOLIO_FUNCTIONS_NICE ?? 10);
      const [cmd, cmdArgs] = niced(nice, process.execPath, args);
      this.functions = this.spawnLogged("functions", cmd, cmdArgs);
      // Spawned detached, it is its own session and so its own scheduler autogroup (Linux), where
      // nice alone does not weigh against other groups: lower the group's weight as well.
      if (nice > 0 && this.functions.pid) {
        try {
          fs.writeFileSync(`/proc/${this.functions.pid}/autogroup`, String(Math.min(19, nice)));
        } catch {
          // no autogroups (or not Linux): the process nice above is all there is
        }
      }
      await waitFor(`${this.functionsUrl}/api/health`, this.functions, "functions", 60_000, () => this.log("functions"));
    }
    await waitFor(`${this.baseUrl}/api/health`, this.app, "app", 60_000, () => this.log("app"));
  }

  async startRunner(): Promise<void> {
    // The port was chosen free at start() and is baked into the app's env; if something took it
    // meanwhile (another process's free-port probe), the runner exits at once: wait and retry.
    for (let attempt = 1; ; attempt++) {
      this.runner = this.spawnLogged("runner", process.execPath, ["--import", "tsx", "runner/main.ts"]);
      try {
        await waitFor(`${this.runnerUrl}/health`, this.runner, "runner", 60_000, () => this.log("runner"));
        break;
      } catch (err) {
        if (attempt >= 3 || !/EADDRINUSE/.test(this.log("runner"))) throw err;
        await new Promise((r) => setTimeout(r, 1000 * attempt));
      }
    }
    // An event that arrives before the app's functions are registered starts no run (as with
    // Inngest); recovery would pick the job up only minutes later. Wait for the sync, as an
    // operator waits for "synced" before sending traffic.
    await waitForSync(this.runnerUrl, this.runner);
  }

  /** Kills the app's processes (web and functions) or the runner (SIGKILL by default: a crash, not a shutdown). */
  async kill(which: "app" | "runner", signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
    const children = which === "app" ? [this.app, this.functions] : [this.runner];
    await Promise.all(children.map((c) => killGroup(c, signal)));
  }

  log(which: "app" | "functions" | "runner"): string {
    const p = path.join(this.dataDir, `${which}.log`);
    return fs.existsSync(p) ? fs.readFileSync(p, "utf8") : "";
  }

  async stop(): Promise<void> {
    await this.kill("runner", "SIGTERM");
    await this.kill("app", "SIGTERM");
    if (!process.env.FOLIO_KEEP_TEST_DATA) fs.rmSync(this.dataDir, { recursive: true, force: true });
  }
}

async function killGroup(child: ChildProcess | null, signal: NodeJS.Signals): Promise<void> {
  if (!child?.pid || child.exitCode !== null) return;
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  try {
    process.kill(-child.pid, signal);
  } catch {
    child.kill(signal);
  }
  await exited;
}

async function waitFor(url: string, child: ChildProcess, name: string, ms = 60_000, log?: () => string): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      // Give the log stream a moment to flush, then say why.
      await new Promise((r) => setTimeout(r, 200));
      const tail = log?.().trim().split("\n").slice(-8).join("\n");
      throw new Error(`${name} exited early with code ${child.exitCode}${tail ? `; its log ends:\n${tail}` : ""}`);
    }
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`${name} at ${url} did not become healthy`);
}

async function waitForSync(runnerUrl: string, child: ChildProcess, ms = 120_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`runner exited early with code ${child.exitCode}`);
    try {
      const body = (await (await fetch(`${runnerUrl}/functions`)).json()) as { functions: unknown[] };
      if (body.functions.length > 0) return;
    } catch {
      // not answering yet
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`the runner at ${runnerUrl} did not sync the app's functions`);
}
