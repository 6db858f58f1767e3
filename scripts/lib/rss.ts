/**
 * Resident memory of a process and all its descendants (Linux /proc), sampled on a worker
 * thread so a busy main event loop (e.g. sending a 25 MB upload) does not skew the timing.
 */
import fs from "node:fs";
import { Worker } from "node:worker_threads";

/** The pid and every descendant (via /proc/<pid>/task/<tid>/children). */
export function processTree(root: number): number[] {
  const out: number[] = [];
  const queue = [root];
  while (queue.length) {
    const pid = queue.shift()!;
    out.push(pid);
    let tasks: string[] = [];
    try {
      tasks = fs.readdirSync(`/proc/${pid}/task`);
    } catch {
      continue; // gone
    }
    for (const tid of tasks) {
      try {
        for (const c of fs.readFileSync(`/proc/${pid}/task/${tid}/children`, "utf8").split(/\s+/)) if (c) queue.push(Number(c));
      } catch {
        // task ended meanwhile
      }
    }
  }
  return out;
}

/** Sum of VmRSS over the process tree, in kB (0 when the process is gone). */
export function treeRssKb(root: number): number {
  let kb = 0;
  for (const pid of processTree(root)) {
    try {
      const m = /VmRSS:\s+(\d+)\s+kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
      if (m) kb += Number(m[1]);
    } catch {
      // exited between listing and reading
    }
  }
  return kb;
}

// The worker is plain JS (eval) so it needs no TypeScript loader. It repeats treeRssKb().
const WORKER_SOURCE = `
const fs = require("node:fs");
const { workerData } = require("node:worker_threads");
const { root, intervalMs, shared } = workerData;
const cells = new Int32Array(shared); // [stop, lastKb, maxKb, samples]
function tree(root) {
  const out = [], queue = [root];
  while (queue.length) {
    const pid = queue.shift(); out.push(pid);
    let tasks = [];
    try { tasks = fs.readdirSync("/proc/" + pid + "/task"); } catch { continue; }
    for (const tid of tasks) {
      try { for (const c of fs.readFileSync("/proc/" + pid + "/task/" + tid + "/children", "utf8").split(/\\s+/)) if (c) queue.push(Number(c)); } catch {}
    }
  }
  return out;
}
function rss() {
  let kb = 0;
  for (const pid of tree(root)) {
    try { const m = /VmRSS:\\s+(\\d+)\\s+kB/.exec(fs.readFileSync("/proc/" + pid + "/status", "utf8")); if (m) kb += Number(m[1]); } catch {}
  }
  return kb;
}
function tick() {
  if (Atomics.load(cells, 0)) return;
  const kb = rss();
  Atomics.store(cells, 1, kb);
  if (kb > Atomics.load(cells, 2)) Atomics.store(cells, 2, kb);
  Atomics.add(cells, 3, 1);
  setTimeout(tick, intervalMs);
}
tick();
`;

export class RssSampler {
  private readonly cells = new Int32Array(new SharedArrayBuffer(16));
  private readonly worker: Worker;

  constructor(root: number, intervalMs = 20) {
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { root, intervalMs, shared: this.cells.buffer } });
    this.worker.unref();
  }

  /** The latest sample, in kB. */
  get currentKb(): number {
    return Atomics.load(this.cells, 1);
  }

  /** The highest sample since the last resetPeak(), in kB. */
  get peakKb(): number {
    return Atomics.load(this.cells, 2);
  }

  get samples(): number {
    return Atomics.load(this.cells, 3);
  }

  resetPeak(): void {
    Atomics.store(this.cells, 2, Atomics.load(this.cells, 1));
  }

  /** Median of the samples taken over `ms` (e.g. idle memory). */
  async settle(ms: number, everyMs = 20): Promise<number> {
    const seen: number[] = [];
    const end = Date.now() + ms;
    while (Date.now() < end) {
      seen.push(this.currentKb);
      await new Promise((r) => setTimeout(r, everyMs));
    }
    seen.sort((a, b) => a - b);
    return seen[Math.floor(seen.length / 2)] ?? this.currentKb;
  }

  async stop(): Promise<void> {
    Atomics.store(this.cells, 0, 1);
    await this.worker.terminate();
  }
}
