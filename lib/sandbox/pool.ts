/**
 * A pool of long-lived capped child processes for parsing untrusted PDFs (see isolated.ts for
 * the caps). Starting Node with tsx costs ~0.5 s, more than extracting a 15-page chunk, so the
 * children stay up and take one task after another:
 *  - each child runs `node [nodeArgs]` under prlimit's data-memory cap; the parent enforces a
 *    CPU budget per task (from /proc/<pid>/stat) and a wall-clock timeout, killing the child
 *    that overruns;
 *  - a child that dies (cap hit, crash, killed) fails only the task it was running, with an
 *    IsolatedTaskError saying why; the next task gets a fresh child (the caller's process, the
 *    web process and the runner are never touched);
 *  - a task that used 3 s of CPU gets the lowest CPU priority (nice 19), so a hostile or huge
 *    chunk yields the cores to other users' short ones; that child is retired after the task;
 *  - a child is retired after `recycleAfter` tasks, or when its resident memory after a task
 *    passes `recycleRssMb` (memory a hostile file made it keep is given back).
 * Protocol: one JSON line per task on the child's stdin ({ id, req }); one JSON line per answer
 * on its file descriptor 3 ({ id, ok: true, answer } or { id, ok: false, error }), so whatever a
 * library prints on stdout cannot corrupt an answer.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import type { Readable, Writable } from "node:stream";
import { log } from "../log";
import { niceAllThreads, niceOf } from "../runtime/nice";
import { classifyExit, isolatedCommand, isolatedEnv, IsolatedTaskError, type IsolatedLimits } from "./isolated";

export type PoolOptions = {
  nodeArgs: string[];
  size: number;
  limits: IsolatedLimits;
  /** Tasks per child before it is replaced (default 50). */
  recycleAfter?: number;
  /** Resident memory (MiB) after a task past which the child is replaced (default 300). */
  recycleRssMb?: number;
};

/** An error the child reported for a task (not a death): the task's own failure. */
export class ChildTaskError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ChildTaskError";
  }
}

type Task = { id: number; at: number; req: unknown; resolve: (v: unknown) => void; reject: (e: unknown) => void };
type Slot = {
  child: ChildProcess;
  task: Task | null;
  done: number;
  stderr: string;
  /** Why the parent killed the child while it ran a task (set before the kill). */
  killedFor: IsolatedTaskError | null;
  timers: NodeJS.Timeout[];
  cpuAtStart: number;
  /** Lowered to the lowest CPU priority (a long task): retired after it, never reused. */
  niced: boolean;
};

/**
 * A task that used this much CPU yields the cores to short ones (another user's small chunk).
 * CPU time, not wall time: on a loaded machine a normal chunk (~0.3 s of CPU) waits longer, and
 * must not be demoted for it (its child would be retired, and the next one pay Node's start and
 * the document's parse again).
 */
const NICE_AFTER_CPU_S = 3;

const CLOCK_TICKS = 100;

function cpuSecondsOf(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return null;
  }
}

export function rssMbOf(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

export class IsolatedPool<Req, Ans> {
  private slots: Slot[] = [];
  private queue: Task[] = [];
  private nextId = 1;
  private closed = false;
  /** Children that died or were killed (not retired) since the pool started. */
  deaths = 0;
  started = 0;

  constructor(private readonly opts: PoolOptions) {}

  run(req: Req): Promise<Ans> {
    if (this.closed) return Promise.reject(new Error("the parsing pool is closed"));
    return new Promise<Ans>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, at: Date.now(), req, resolve: resolve as (v: unknown) => void, reject });
      this.pump();
    });
  }

  /** Starts the children now, so the first task does not wait for Node to boot. */
  warm(): void {
    while (!this.closed && this.slots.length < this.opts.size) this.spawnSlot();
  }

  /** Pids of the live children (for benches and tests). */
  pids(): number[] {
    return this.slots.map((s) => s.child.pid).filter((p): p is number => typeof p === "number");
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.queue.splice(0)) t.reject(new Error("the parsing pool was closed"));
    await Promise.all(this.slots.map((s) => this.retire(s)));
  }

  private pump(): void {
    while (this.queue.length) {
      let slot = this.slots.find((s) => !s.task && !s.killedFor);
      if (!slot && this.slots.length < this.opts.size) slot = this.spawnSlot();
      if (!slot) return;
      this.assign(slot, this.queue.shift()!);
    }
  }

  private spawnSlot(): Slot {
    const cpuBudget = this.opts.limits.cpuSeconds * ((this.opts.recycleAfter ?? 50) + 1);
    const cmd = isolatedCommand(this.opts.nodeArgs, this.opts.limits, cpuBudget);
    const child = spawn(cmd[0], cmd.slice(1), { stdio: ["pipe", "ignore", "pipe", "pipe"], env: isolatedEnv() });
    this.started++;
    log.debug("pool spawn", { pid: child.pid, slots: this.slots.length });
    const slot: Slot = { child, task: null, done: 0, stderr: "", killedFor: null, timers: [], cpuAtStart: 0, niced: false };
    this.slots.push(slot);
    (child.stdin as Writable).on("error", () => undefined);
    child.stderr?.setEncoding("utf8").on("data", (d: string) => {
      slot.stderr = (slot.stderr + d).slice(-16_384);
    });
    let buffer = "";
    const answers = child.stdio[3] as Readable;
    answers.setEncoding("utf8").on("data", (d: string) => {
      buffer += d;
      for (let nl = buffer.indexOf("\n"); nl >= 0; nl = buffer.indexOf("\n")) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        this.onAnswer(slot, line);
      }
    });
    child.on("error", (e) => this.onExit(slot, null, null, new IsolatedTaskError("environment", `the parsing process could not start: ${e.message}`)));
    // "exit", not only "close": a grandchild that kept a copy of a pipe must not hide the death.
    // The short delay lets an answer written just before the exit arrive first.
    child.on("exit", (code, signal) => setTimeout(() => this.onExit(slot, code, signal), 50).unref());
    child.on("close", (code, signal) => this.onExit(slot, code, signal));
    this.idle(slot);
    return slot;
  }

  private assign(slot: Slot, task: Task): void {
    slot.task = task;
    log.debug("pool assign", { task: task.id, kind: (task.req as { kind?: string }).kind, waited: Date.now() - task.at, pid: slot.child.pid, done: slot.done, busy: this.slots.filter((s) => s.task).length, slots: this.slots.length });
    slot.stderr = "";
    slot.child.ref();
    const limits = this.opts.limits;
    const timeout = setTimeout(() => this.kill(slot, new IsolatedTaskError("timeout", `the parsing process ran past ${Math.round(limits.timeoutMs / 1000)} s`)), limits.timeoutMs);
    slot.cpuAtStart = cpuSecondsOf(slot.child.pid) ?? 0;
    const cpuCheck = setInterval(() => {
      const now = cpuSecondsOf(slot.child.pid);
      if (now !== null && !slot.niced && now - slot.cpuAtStart > Math.min(NICE_AFTER_CPU_S, limits.cpuSeconds / 2) && slot.child.pid) {
        slot.niced = true;
        niceAllThreads(slot.child.pid, 19);
      }
      if (now !== null && now - slot.cpuAtStart > limits.cpuSeconds) {
        this.kill(slot, new IsolatedTaskError("cpu", `the parsing process used more than ${limits.cpuSeconds} s of CPU`));
      }
    }, Math.min(1000, Math.max(100, limits.cpuSeconds * 250)));
    slot.timers = [timeout, cpuCheck];
    (slot.child.stdin as Writable).write(`${JSON.stringify({ id: task.id, req: task.req })}\n`);
  }

  private clearTimers(slot: Slot): void {
    for (const t of slot.timers) clearTimeout(t);
    slot.timers = [];
  }

  private idle(slot: Slot): void {
    slot.child.unref();
  }

  private kill(slot: Slot, why: IsolatedTaskError): void {
    if (slot.killedFor) return;
    slot.killedFor = why;
    slot.child.kill("SIGKILL");
  }

  private onAnswer(slot: Slot, line: string): void {
    const task = slot.task;
    let msg: { id: number; ok: boolean; answer?: unknown; error?: string };
    try {
      msg = JSON.parse(line) as typeof msg;
    } catch {
      return this.kill(slot, new IsolatedTaskError("crash", "the parsing process gave no readable answer"));
    }
    if (!task || msg.id !== task.id || slot.killedFor) return;
    this.clearTimers(slot);
    log.debug("pool answer", { task: task.id, ms: Date.now() - task.at, pid: slot.child.pid });
    slot.task = null;
    slot.done++;
    if (msg.ok) task.resolve(msg.answer);
    else task.reject(new ChildTaskError(String(msg.error)));
    const rss = rssMbOf(slot.child.pid);
    // A child that lowered its own priority below ours (OCR: lib/pdf/ocr.ts) cannot raise it again: retired too.
    if (slot.niced || (niceOf(slot.child.pid) ?? 0) > (niceOf(process.pid) ?? 0) || slot.done >= (this.opts.recycleAfter ?? 50) || (rss !== null && rss > (this.opts.recycleRssMb ?? 300))) void this.retire(slot);
    else this.idle(slot);
    this.pump();
  }

  private onExit(slot: Slot, code: number | null, signal: NodeJS.Signals | null, err?: IsolatedTaskError): void {
    const i = this.slots.indexOf(slot);
    if (i < 0) return;
    this.slots.splice(i, 1);
    this.clearTimers(slot);
    const task = slot.task;
    slot.task = null;
    if (task) {
      this.deaths++;
      const why = slot.killedFor ?? err ?? classifyExit(code, signal, slot.stderr, this.opts.limits);
      log.warn("parsing child died", { pid: slot.child.pid, reason: why.reason, code, signal, stderr: slot.stderr.slice(-600) });
      task.reject(why);
    }
    if (!this.closed) this.pump();
  }

  /** Lets an idle child go (stdin closed: it exits), or kills it after a grace period. */
  private retire(slot: Slot): Promise<void> {
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
    this.clearTimers(slot);
    if (slot.task) {
      slot.task.reject(new IsolatedTaskError("environment", "the parsing pool was closed"));
      slot.task = null;
    }
    return new Promise<void>((resolve) => {
      if (slot.child.exitCode !== null || slot.child.signalCode !== null) return resolve();
      const force = setTimeout(() => slot.child.kill("SIGKILL"), 2000);
      force.unref();
      slot.child.once("close", () => {
        clearTimeout(force);
        resolve();
      });
      (slot.child.stdin as Writable).end();
    });
  }
}
