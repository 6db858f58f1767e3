#!/usr/bin/env node
// `npm run dev`: migrations, then `next dev` beside an Inngest dev server. A real `inngest-cli`
// binary (optionalDependencies; its download fails offline) is preferred when present.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { defaultEnv } from "./env.mjs";

const root = process.cwd();
// `next dev` serves the functions itself (no second process in development), on loopback, with
// the Inngest SDK in dev mode (unsigned calls, as `inngest dev` makes them): never on a network.
const env = defaultEnv({ FOLIO_FUNCTIONS_PROCESS: "0", FOLIO_INNGEST_UNSIGNED: "1", HOST: "127.0.0.1", ...process.env });
const bin = (name) => path.join(root, "node_modules", ".bin", name);

const prep = spawnSync(bin("tsx"), ["scripts/prepare.ts"], { stdio: "inherit", env });
if (prep.status !== 0) process.exit(prep.status ?? 1);

function inngestCliBinary() {
  const candidates = [path.join(root, "node_modules", "inngest-cli", "bin", "inngest"), path.join(root, "node_modules", "inngest-cli", "bin", "inngest.exe")];
  const found = candidates.find((p) => fs.existsSync(p));
  if (found) return found;
  const which = spawnSync("sh", ["-c", "command -v inngest"], { encoding: "utf8" });
  return which.status === 0 ? which.stdout.trim() : null;
}

const children = [];
function start(name, cmd, args) {
  const child = spawn(cmd, args, { stdio: "inherit", env });
  child.on("exit", (code) => {
    console.log(`${name} exited (${code})`);
    for (const c of children) if (c !== child && c.exitCode === null) c.kill("SIGTERM");
  });
  children.push(child);
}

start("next", bin("next"), ["dev", "-p", env.PORT, "-H", env.HOST]);
// Prefer a real `inngest dev` when its binary is installed; otherwise the bundled runner.
const cli = env.FOLIO_BUNDLED_RUNNER === "1" ? inngestCliBinary() : null;
if (cli) {
  env.FOLIO_BUNDLED_RUNNER = "0";
  start("inngest", cli, ["dev", "--no-discovery", "-u", `http://localhost:${env.PORT}/api/inngest`]);
} else if (env.FOLIO_BUNDLED_RUNNER === "1") {
  start("runner", process.execPath, ["--import", "tsx", path.join("runner", "main.ts")]);
}

for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => children.forEach((c) => c.exitCode === null && c.kill(sig)));
