import fs from "node:fs";
import { ensureInngestKeys } from "./inngest-keys.mjs";

// Embedded defaults shared by `npm start` and `npm run dev`.
export function defaultEnv(base) {
  const env = { ...base };
  env.PORT = env.PORT || "3000";
  env.HOST = env.HOST || "0.0.0.0";
  env.NEXTAUTH_URL = env.NEXTAUTH_URL || `http://localhost:${env.PORT}`;
  // V8 collects the app's garbage late unless told its budget; this keeps the server small.
  env.FOLIO_APP_HEAP_MB = env.FOLIO_APP_HEAP_MB || "320";
  // Idle keep-alive connections are closed after this long (ms); keep it above the idle timeout
  // of the proxy or load balancer in front (60 s for most).
  env.FOLIO_KEEPALIVE_MS = env.FOLIO_KEEPALIVE_MS || "65000";
  // No Inngest configured: run the bundled Inngest-compatible runner beside the app (or use
  // `inngest dev` in `npm run dev` when its binary is installed).
  env.FOLIO_BUNDLED_RUNNER = usesBundledRunner(env) ? "1" : "0";
  if (env.FOLIO_BUNDLED_RUNNER === "1") {
    const port = env.FOLIO_RUNNER_PORT || "8288";
    env.FOLIO_RUNNER_PORT = port;
    env.INNGEST_BASE_URL = `http://127.0.0.1:${port}`;
    // Signed mode, as with Inngest Cloud: the runner signs every call with a key generated once
    // into the data directory and the SDK refuses unsigned ones (401). INNGEST_DEV=1 (unsigned) is
    // for `npm run dev` on loopback only (FOLIO_INNGEST_UNSIGNED=1 there).
    if (env.FOLIO_INNGEST_UNSIGNED === "1") {
      if (!/^(127\.\d+\.\d+\.\d+|localhost|::1)$/.test(env.HOST)) {
        throw new Error(`FOLIO_INNGEST_UNSIGNED=1 (unsigned Inngest calls) needs a loopback HOST, not ${env.HOST}: it would let anyone on the network call the functions.`);
      }
      env.INNGEST_DEV = "1";
    } else {
      delete env.INNGEST_DEV;
      const keys = ensureInngestKeys(env.FOLIO_DATA_DIR || "./data");
      env.INNGEST_SIGNING_KEY = env.INNGEST_SIGNING_KEY || keys.signingKey;
      env.INNGEST_EVENT_KEY = keys.eventKey;
      env.FOLIO_RUNNER_SIGNING_KEY = env.INNGEST_SIGNING_KEY;
      env.FOLIO_RUNNER_EVENT_KEY = env.INNGEST_EVENT_KEY;
    }
    // The runner calls the Inngest functions in their own app process (same build, another
    // port), so chunk work never competes with the web requests; FOLIO_FUNCTIONS_PROCESS=0 keeps
    // one process that does both.
    env.FOLIO_FUNCTIONS_PROCESS = env.FOLIO_FUNCTIONS_PROCESS === "0" ? "0" : "1";
    env.FOLIO_FUNCTIONS_PORT = env.FOLIO_FUNCTIONS_PORT || String(Number(port) + 1);
    // Chunk work is throughput work: a lower CPU priority (nice) lets pages, polls and uploads
    // of the web process go first when both want the CPU. 0 turns it off.
    env.FOLIO_FUNCTIONS_NICE = env.FOLIO_FUNCTIONS_NICE || "10";
    const fnPort = env.FOLIO_FUNCTIONS_PROCESS === "1" ? env.FOLIO_FUNCTIONS_PORT : env.PORT;
    env.FOLIO_RUNNER_APP_URL = env.FOLIO_RUNNER_APP_URL || `http://127.0.0.1:${fnPort}/api/inngest`;
    // The SDK registers this URL at sync, never one built from a request's Host header.
    env.INNGEST_SERVE_ORIGIN = env.INNGEST_SERVE_ORIGIN || new URL(env.FOLIO_RUNNER_APP_URL).origin;
    env.FOLIO_RUNNER_DB = env.FOLIO_RUNNER_DB || `${env.FOLIO_DATA_DIR || "./data"}/runner.db`;
  }
  return env;
}

/** True unless another Inngest server is configured (INNGEST_BASE_URL, INNGEST_EVENT_KEY, INNGEST_DEV=<url>) or FOLIO_RUNNER=off. */
export function usesBundledRunner(env) {
  if (env.FOLIO_RUNNER === "off") return false;
  if (env.INNGEST_BASE_URL || env.INNGEST_EVENT_KEY) return false;
  if (env.INNGEST_DEV && /^https?:/.test(env.INNGEST_DEV)) return false;
  return true;
}

/**
 * The command that runs `cmd args` at a lower CPU priority (`nice -n <n>`), or as is when n is 0 or nice is missing.
 * @param {number | string | undefined} n
 * @param {string} cmd
 * @param {string[]} args
 * @returns {[string, string[]]}
 */
export function niced(n, cmd, args) {
  const level = Number(n);
  const nice = ["/usr/bin/nice", "/bin/nice"].find((p) => fs.existsSync(p));
  if (!Number.isInteger(level) || level <= 0 || !nice) return [cmd, args];
  return [nice, ["-n", String(Math.min(19, level)), cmd, ...args]];
}
