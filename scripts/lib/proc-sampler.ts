/**
 * Per-process resident memory of a few named processes and all their descendants (Linux /proc),
 * sampled on a worker thread so a busy bench event loop does not delay the samples.
 *
 * Every `intervalMs` (100) the worker lists /proc/<pid>/stat, builds the parent map (ppid), walks
 * down from each root and reads VmRSS and VmHWM of each process of the tree. A process is known by
 * pid and start time (pids are reused). `mark()` returns what was seen since the previous mark and
 * starts a new window.
 *
 * For a root (long-lived) process the window's peak is the highest VmRSS sample (its VmHWM is the
 * lifetime peak, reported apart). For a descendant first seen in the window the peak is
 * max(VmRSS samples, last VmHWM): its whole life is in the window, and VmHWM catches a peak
 * between samples; a descendant that was already there (a pooled worker) counts its samples only.
 * A child that lives less than one interval may be missed entirely.
 */
import { Worker } from "node:worker_threads";

export type ProcRoot = { role: string; pid: number };

export type ProcRecord = {
  pid: number;
  role: string;
  root: boolean;
  /** A short name from the command line: the script a node process runs, else the program. */
  label: string;
  cmdline: string;
  /** A forked child before its exec (its RSS is its parent's shared pages): not counted in peaks. */
  preExec: boolean;
  /** First seen after the window began (so its VmHWM belongs to the window). */
  bornInWindow: boolean;
  maxRssKb: number;
  /** The last VmHWM read (kB). */
  hwmKb: number;
  samples: number;
  firstSeenMs: number;
  lastSeenMs: number;
  /** utime + stime (clock ticks, /proc/<pid>/stat) at the first and the last sample of the window. */
  cpuFirstTicks: number;
  cpuLastTicks: number;
};

const WORKER_SOURCE = `
const fs = require("node:fs");
const path = require("node:path");
const { parentPort, workerData } = require("node:worker_threads");
const { roots, intervalMs } = workerData;
let records = new Map();
const everSeen = new Map();
let windowStart = Date.now();
let firstTick = true;
let timer = null;
let stopped = false;

function stat(pid) {
  const s = fs.readFileSync("/proc/" + pid + "/stat", "utf8");
  const rest = s.slice(s.lastIndexOf(")") + 2).split(" ");
  return { ppid: Number(rest[1]), start: rest[19], cpu: Number(rest[11]) + Number(rest[12]) };
}
function readCmdline(pid) {
  try { return fs.readFileSync("/proc/" + pid + "/cmdline", "utf8"); } catch { return ""; }
}
function label(raw) {
  const argv = raw.split("\\0").filter(Boolean);
  const cmdline = argv.join(" ").slice(0, 300);
  let name = argv.length ? path.basename(argv[0]) : "?";
  // prlimit / nice wrappers before their exec: name the wrapped command.
  let args = argv;
  if (name === "prlimit" || name === "nice") {
    const i = args.findIndex((a, k) => k > 0 && !a.startsWith("-") && !/^\\d+$/.test(a));
    if (i > 0) { args = args.slice(i); name = name + ">" + path.basename(args[0]); }
  }
  if (/^node/.test(path.basename(args[0] || ""))) {
    const script = args.slice(1).find((a, k, all) => /\\.(m|c)?[jt]s$/.test(a) && all[k - 1] !== "--import" && all[k - 1] !== "--require");
    const nextCmd = args.findIndex((a) => /next$/.test(a) && a.includes("next"));
    // A content hash in a bundled script's name (parse-child-<hash>.mjs) is dropped.
    if (script) name = "node " + path.basename(script).replace(/-[0-9a-f]{8,}(?=\\.)/, "");
    else if (nextCmd >= 0) name = "node next " + (args[nextCmd + 1] || "");
  }
  return { name, cmdline };
}
// pid:start → the phase last seen (a process changes its command line when it execs).
const phases = new Map();
function tick() {
  if (stopped) return;
  const now = Date.now();
  const ppid = new Map();
  const start = new Map();
  const cpu = new Map();
  let names = [];
  try { names = fs.readdirSync("/proc"); } catch {}
  for (const n of names) {
    if (!/^\\d+$/.test(n)) continue;
    try { const s = stat(n); ppid.set(Number(n), s.ppid); start.set(Number(n), s.start); cpu.set(Number(n), s.cpu); } catch {}
  }
  const kids = new Map();
  for (const [pid, pp] of ppid) { let k = kids.get(pp); if (!k) kids.set(pp, (k = [])); k.push(pid); }
  const raws = new Map();
  for (const root of roots) {
    const queue = [root.pid];
    while (queue.length) {
      const pid = queue.shift();
      for (const c of kids.get(pid) || []) queue.push(c);
      if (!start.has(pid)) continue;
      let status;
      try { status = fs.readFileSync("/proc/" + pid + "/status", "utf8"); } catch { continue; }
      const raw = readCmdline(pid);
      raws.set(pid, raw);
      const rss = Number((/VmRSS:\\s+(\\d+)/.exec(status) || [])[1] || 0);
      const hwm = Number((/VmHWM:\\s+(\\d+)/.exec(status) || [])[1] || 0);
      const id = pid + ":" + start.get(pid);
      let phase = phases.get(id);
      if (raw === "") {
        // Exiting (or a zombie): the samples belong to the phase it was in.
        if (!phase) continue;
      } else if (!phase || phase.raw !== raw) {
        // A forked child that has not exec'd yet shares its parent's pages and command line.
        const preExec = pid !== root.pid && raws.get(ppid.get(pid)) === raw;
        const l = label(raw);
        phase = { raw, key: id + ":" + raw, name: preExec ? "(fork before exec)" : l.name, cmdline: l.cmdline, preExec };
        phases.set(id, phase);
      }
      if (!everSeen.has(phase.key)) everSeen.set(phase.key, firstTick ? -1 : now);
      let r = records.get(phase.key);
      if (!r) {
        r = { pid, role: root.role, root: pid === root.pid, label: phase.name, cmdline: phase.cmdline, preExec: phase.preExec, bornInWindow: everSeen.get(phase.key) >= windowStart, maxRssKb: 0, hwmKb: 0, samples: 0, firstSeenMs: now, lastSeenMs: now, cpuFirstTicks: cpu.get(pid) || 0, cpuLastTicks: 0 };
        records.set(phase.key, r);
      }
      if (rss > r.maxRssKb) r.maxRssKb = rss;
      if (hwm) r.hwmKb = hwm;
      r.samples++;
      r.lastSeenMs = now;
      r.cpuLastTicks = cpu.get(pid) || r.cpuLastTicks;
    }
  }
  firstTick = false;
  timer = setTimeout(tick, intervalMs);
}
parentPort.on("message", (m) => {
  if (m.type === "mark") {
    parentPort.postMessage({ id: m.id, records: [...records.values()] });
    records = new Map();
    windowStart = Date.now();
  } else if (m.type === "stop") {
    stopped = true;
    if (timer) clearTimeout(timer);
    parentPort.postMessage({ id: m.id, records: [] });
  }
});
tick();
`;

export class ProcSampler {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly waiting = new Map<number, (records: ProcRecord[]) => void>();

  constructor(
    readonly roots: ProcRoot[],
    readonly intervalMs = 100,
  ) {
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { roots, intervalMs } });
    this.worker.on("message", (m: { id: number; records: ProcRecord[] }) => {
      this.waiting.get(m.id)?.(m.records);
      this.waiting.delete(m.id);
    });
    this.worker.unref();
  }

  private ask(type: "mark" | "stop"): Promise<ProcRecord[]> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.worker.postMessage({ type, id });
    });
  }

  /** What was seen since the previous mark (or the start); then a new window begins. */
  mark(): Promise<ProcRecord[]> {
    return this.ask("mark");
  }

  async stop(): Promise<void> {
    await this.ask("stop");
    await this.worker.terminate();
  }
}

/**
 * CPU seconds one record used in its window: for a root or a process already there, the growth
 * between its first and last sample; for one born in the window, all it used (at its last sample).
 * Ticks are USER_HZ (100 on Linux).
 */
export function cpuSeconds(r: ProcRecord): number {
  return (!r.root && r.bornInWindow ? r.cpuLastTicks : r.cpuLastTicks - r.cpuFirstTicks) / 100;
}

/** The peak of one record for its window (see the module comment), in MB. */
export function peakMb(r: ProcRecord): number {
  return (!r.root && r.bornInWindow ? Math.max(r.maxRssKb, r.hwmKb) : r.maxRssKb) / 1024;
}

export type PeakGroup = {
  /** "web", or "functions > node split-child.ts" for descendants. */
  name: string;
  role: string;
  root: boolean;
  label: string;
  peakMb: number;
  /** The highest VmRSS sample alone (for a descendant, peakMb may be its VmHWM, higher). */
  sampledMb: number;
  /** Distinct processes in the group (for descendants: how many were started). */
  processes: number;
  /** Root only: its lifetime VmHWM at the last sample. */
  lifetimeHwmMb?: number;
  /** CPU seconds the group's processes used in the window (summed, see cpuSeconds). */
  cpuS: number;
};

/** Peaks per role (the root process) and per (role, descendant label), roots first in `roles` order. */
export function groupPeaks(records: ProcRecord[], roles: string[]): PeakGroup[] {
  const groups = new Map<string, PeakGroup>();
  for (const r of records) {
    if (r.preExec) continue;
    const name = r.root ? r.role : `${r.role} > ${r.label}`;
    let g = groups.get(name);
    if (!g) {
      g = { name, role: r.role, root: r.root, label: r.label, peakMb: 0, sampledMb: 0, processes: 0, cpuS: 0 };
      groups.set(name, g);
    }
    g.peakMb = Math.max(g.peakMb, peakMb(r));
    g.sampledMb = Math.max(g.sampledMb, r.maxRssKb / 1024);
    g.processes++;
    g.cpuS += cpuSeconds(r);
    if (r.root) g.lifetimeHwmMb = Math.max(g.lifetimeHwmMb ?? 0, r.hwmKb / 1024);
  }
  const order = (g: PeakGroup) => roles.indexOf(g.role) * 2 + (g.root ? 0 : 1);
  return [...groups.values()].sort((a, b) => order(a) - order(b) || a.name.localeCompare(b.name));
}
