// The process supervisor of `npm start` (scripts/start.mjs): the web process, the functions
// process and the bundled runner run as separate children. One that dies is restarted alone,
// after a backoff that doubles with each quick death (1 s, 2 s, 4 s ... at most 30 s; back to
// 1 s once a run has lasted a minute), so a crash never takes the other processes down and a
// crash loop never spins. A process that dies on its very first start before it was up for
// `startupGraceMs` (a port in use, a bad configuration) stops everything instead: that is a
// setup error a restart cannot fix, and the operator sees it at once.
import { spawn } from "node:child_process";

/**
 * @typedef {{ name: string, cmd: string, args: string[], env?: Record<string, string | undefined> }} ProcessSpec
 * @typedef {{ name: string, pid: number | undefined, restarts: number }} ProcessState
 */

export class Supervisor {
  /**
   * @param {{ stdio?: import("node:child_process").StdioOptions, log?: (line: string) => void,
   *   minBackoffMs?: number, maxBackoffMs?: number, stableAfterMs?: number, startupGraceMs?: number,
   *   onFatal?: (name: string, code: number | null, signal: string | null) => void }} [opts]
   */
  constructor(opts = {}) {
    this.stdio = opts.stdio ?? "inherit";
    this.log = opts.log ?? ((line) => console.log(line));
    this.minBackoffMs = opts.minBackoffMs ?? 1000;
    this.maxBackoffMs = opts.maxBackoffMs ?? 30_000;
    this.stableAfterMs = opts.stableAfterMs ?? 60_000;
    this.startupGraceMs = opts.startupGraceMs ?? 10_000;
    this.onFatal = opts.onFatal ?? (() => undefined);
    /** @type {Map<string, { spec: ProcessSpec, child: import("node:child_process").ChildProcess | null, restarts: number, quickDeaths: number, everUp: boolean, timer: NodeJS.Timeout | null }>} */
    this.entries = new Map();
    this.stopping = false;
  }

  /** @param {ProcessSpec} spec */
  add(spec) {
    const entry = { spec, child: null, restarts: 0, quickDeaths: 0, everUp: false, timer: null };
    this.entries.set(spec.name, entry);
    this.#spawn(entry);
    return this;
  }

  /** @returns {ProcessState[]} */
  state() {
    return [...this.entries.values()].map((e) => ({ name: e.spec.name, pid: e.child?.pid, restarts: e.restarts }));
  }

  #spawn(entry) {
    const { spec } = entry;
    const child = spawn(spec.cmd, spec.args, { stdio: this.stdio, env: spec.env ?? process.env });
    const startedAt = Date.now();
    entry.child = child;
    child.on("error", (err) => this.log(`${spec.name} could not start: ${err.message}`));
    child.on("exit", (code, signal) => {
      entry.child = null;
      if (this.stopping) return;
      const ranMs = Date.now() - startedAt;
      // Measured, not timed: a timer for the grace period raced the exit event on a loaded
      // machine (with a grace of 0 the kill could be seen before the timer ran).
      if (ranMs >= this.startupGraceMs) entry.everUp = true;
      if (!entry.everUp && entry.restarts === 0) {
        this.log(`${spec.name} exited (${signal ?? code}) during startup: stopping everything (a setup error a restart cannot fix)`);
        this.onFatal(spec.name, code, signal);
        return;
      }
      entry.quickDeaths = ranMs >= this.stableAfterMs ? 0 : entry.quickDeaths + 1;
      const delay = Math.min(this.maxBackoffMs, this.minBackoffMs * 2 ** Math.max(0, entry.quickDeaths - 1));
      this.log(`${spec.name} exited (${signal ?? code}) after ${(ranMs / 1000).toFixed(1)} s: restarting it alone in ${(delay / 1000).toFixed(1)} s (the other processes keep running)`);
      entry.timer = setTimeout(() => {
        entry.timer = null;
        if (this.stopping) return;
        entry.restarts++;
        this.#spawn(entry);
      }, delay);
    });
  }

  /** Stops every process with `signal` (restarts cancelled); resolves when all have exited. */
  async stop(signal = "SIGTERM") {
    this.stopping = true;
    const waits = [];
    for (const entry of this.entries.values()) {
      if (entry.timer) clearTimeout(entry.timer);
      const child = entry.child;
      if (child && child.exitCode === null && child.signalCode === null) {
        waits.push(new Promise((resolve) => child.once("exit", resolve)));
        child.kill(signal);
      }
    }
    await Promise.all(waits);
  }
}
