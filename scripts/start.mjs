#!/usr/bin/env node
// `npm start`: prepare state (secret, migrations), build if needed, then serve the app.
// PORT (default 3000) is respected. Runs on the embedded defaults with no configuration.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { defaultEnv, niced } from "./env.mjs";
import { Supervisor } from "./supervisor.mjs";

const root = process.cwd();
const env = defaultEnv(process.env);

function run(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: "inherit", env });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const tsx = path.join(root, "node_modules", ".bin", "tsx");

run(tsx, ["scripts/prepare.ts"]);

// Build when there is no build yet or the sources changed since the last one.
run(process.execPath, [path.join(root, "scripts", "build.mjs")]);

// One that dies is restarted alone (scripts/supervisor.mjs); one that fails its first start stops all.
const supervisor = new Supervisor({
  onFatal: (_name, code) => {
    void supervisor.stop().then(() => process.exit(code || 1));
  },
});
function start(name, cmd, args, extraEnv = {}) {
  supervisor.add({ name, cmd, args, env: { ...env, ...extraEnv } });
}

const nextCli = path.join(root, "node_modules", "next", "dist", "bin", "next");
const heap = `--max-old-space-size=${env.FOLIO_APP_HEAP_MB}`;
// With a functions process, the public web process does not serve /api/inngest at all (404).
const separateFunctions = env.FOLIO_BUNDLED_RUNNER === "1" && env.FOLIO_FUNCTIONS_PROCESS === "1";
// Idle keep-alive connections are kept 65 s (Node's default is 5 s): longer than the idle timeout
// of common proxies and load balancers (60 s), so none of them writes a request onto a socket the
// app has just closed (the client sees EPIPE / ECONNRESET on a POST, which it may not retry).
const keepAlive = ["--keepAliveTimeout", env.FOLIO_KEEPALIVE_MS];
start("next", process.execPath, [heap, nextCli, "start", "-p", env.PORT, "-H", env.HOST, ...keepAlive], separateFunctions ? { FOLIO_SERVE_FUNCTIONS: "0" } : {});
if (env.FOLIO_BUNDLED_RUNNER === "1") {
  if (env.FOLIO_FUNCTIONS_PROCESS === "1") {
    // The same build serving only the runner's calls to /api/inngest (chunk work), on loopback.
    start("functions", ...niced(env.FOLIO_FUNCTIONS_NICE, process.execPath, [heap, nextCli, "start", "-p", env.FOLIO_FUNCTIONS_PORT, "-H", "127.0.0.1", ...keepAlive]));
    console.log(`Inngest functions served by a second app process at http://127.0.0.1:${env.FOLIO_FUNCTIONS_PORT}/api/inngest`);
  }
  start("runner", process.execPath, ["--import", "tsx", path.join("runner", "main.ts")]);
  const mode = env.INNGEST_DEV ? "unsigned (dev mode)" : "signed";
  console.log(`Bundled Inngest runner at ${env.INNGEST_BASE_URL}, ${mode} calls (runs: ${env.INNGEST_BASE_URL}/)`);
} else {
  console.log(`Using the Inngest server configured by INNGEST_* variables.`);
}
console.log(`Folio is starting at http://localhost:${env.PORT}`);

for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, () => {
    void supervisor.stop(sig).then(() => process.exit(0));
  });
}
