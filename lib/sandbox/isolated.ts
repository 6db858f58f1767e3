/**
 * Runs a parsing task on untrusted bytes in a child process with hard limits, so a hostile
 * file can exhaust only that child: a data-memory cap (`prlimit --data`, RLIMIT_DATA: every
 * private writable mapping, so native and ArrayBuffer memory as well as V8's heap), a CPU-time
 * cap (`prlimit --cpu`), a V8 heap cap and a wall-clock timeout. The child gets one JSON request on stdin and prints one JSON answer
 * on stdout. A child that dies, is killed or times out rejects with IsolatedTaskError saying why;
 * the caller's process is never at risk.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";

/**
 * Data memory allowed besides the budget: none. The budget is the child's whole writable memory
 * (V8's heap gets three quarters of it, native and ArrayBuffer memory the rest), so its resident
 * size stays near the budget (code and other file-backed pages aside). Measured: OCR of three
 * 4-million-pixel pages (a second V8 isolate for Tesseract's thread, its WebAssembly memory) ran
 * within 448 MiB, peak resident 357 MB. With 384 MiB more, bench:hostile saw children at 617 and
 * 694 MB (990,000 objects; a 200 MB content stream) before they failed.
 */
const NODE_BASE_DATA_MB = 0;
/** The V8 heap's share of the budget (0.5 and 0.6 measured no different on bench:hostile). */
const HEAP_SHARE = 0.75;

export type IsolatedLimits = {
  /** Memory the task may use on top of Node's own reservation (MiB). */
  memoryMb: number;
  /** CPU seconds. */
  cpuSeconds: number;
  /** Wall-clock limit (ms). */
  timeoutMs: number;
};

/**
 * memory, cpu, timeout: a limit was hit; crash: the child died otherwise; environment: not the
 * input's fault (the child could not start, or exited with EXIT_ENVIRONMENT after a disk error).
 */
export type IsolatedFailure = "memory" | "cpu" | "timeout" | "crash" | "environment";

/** The exit code a child uses for a failure of its surroundings (EX_TEMPFAIL): worth a retry. */
export const EXIT_ENVIRONMENT = 75;

export class IsolatedTaskError extends Error {
  constructor(
    readonly reason: IsolatedFailure,
    message: string,
  ) {
    super(message);
    this.name = "IsolatedTaskError";
  }
}

const num = (v: string | undefined, d: number) => {
  const n = Number(v);
  return Number.isFinite(n) && n > 0 ? n : d;
};

/** FOLIO_PARSE_MEMORY_MB (default 512), FOLIO_PARSE_CPU_SECONDS (default 120), FOLIO_PARSE_TIMEOUT_S (default 180). */
export function parseLimitsFromEnv(env: Record<string, string | undefined> = process.env): IsolatedLimits {
  return {
    memoryMb: num(env.FOLIO_PARSE_MEMORY_MB, 512),
    cpuSeconds: num(env.FOLIO_PARSE_CPU_SECONDS, 120),
    timeoutMs: num(env.FOLIO_PARSE_TIMEOUT_S, 180) * 1000,
  };
}

let prlimitPath: string | null | undefined;
function findPrlimit(): string | null {
  if (prlimitPath !== undefined) return prlimitPath;
  prlimitPath = ["/usr/bin/prlimit", "/bin/prlimit"].find((p) => fs.existsSync(p)) ?? null;
  return prlimitPath;
}

/**
 * The command that starts `node [nodeArgs]` under the caps: prlimit's data cap (native and
 * ArrayBuffer memory included), prlimit's CPU cap (`cpuSeconds`, for the process's whole
 * life) and V8's heap cap. Without prlimit (not Linux) only the heap cap holds.
 */
export function isolatedCommand(nodeArgs: string[], limits: IsolatedLimits, cpuSeconds = limits.cpuSeconds): string[] {
  // The V8 heap gets three quarters of the budget: the rest is Node's own resident memory (code,
  // the young generation, pdf.js's module, native buffers), so the whole process stays near
  // `memoryMb` resident. With the heap at the full budget, bench:hostile saw children at 554-562 MB
  // for a 512 MB budget (990,000 objects; a 120 MB text stream).
  const heapMb = Math.max(64, Math.floor(limits.memoryMb * HEAP_SHARE));
  const nodeCmd = [process.execPath, `--max-old-space-size=${heapMb}`, ...nodeArgs];
  const prlimit = findPrlimit();
  // RLIMIT_DATA, not RLIMIT_AS: an address-space cap counted V8's reservations (a worker
  // thread's isolate, WebAssembly guard regions: 9.5 GB of address space for 300 MB resident
  // during OCR), so it either broke OCR or capped nothing. Reserved, inaccessible pages are not
  // data; every page a task can write is.
  const dataBytes = (NODE_BASE_DATA_MB + limits.memoryMb) * 1024 * 1024;
  return prlimit ? [prlimit, `--data=${dataBytes}`, `--cpu=${Math.ceil(cpuSeconds)}`, ...nodeCmd] : nodeCmd;
}

/**
 * The environment of a capped child: no inherited NODE_OPTIONS, and at most two malloc arenas
 * (glibc makes one per thread that allocates, each holding memory of its own: fewer arenas, less
 * resident memory for the same work).
 */
export function isolatedEnv(): NodeJS.ProcessEnv {
  return { ...process.env, NODE_OPTIONS: "", MALLOC_ARENA_MAX: "2" };
}

/** Why a capped child ended, from its exit code, signal and the end of its stderr. */
export function classifyExit(code: number | null, signal: NodeJS.Signals | null, stderr: string, limits: IsolatedLimits): IsolatedTaskError {
  // The kernel sends SIGXCPU at the CPU limit, then SIGKILL (soft and hard limits are equal);
  // with the data memory capped, allocations fail (ENOMEM) before the OOM killer would act.
  if (signal === "SIGXCPU" || signal === "SIGKILL") {
    return new IsolatedTaskError("cpu", `the parsing process used more than ${limits.cpuSeconds} s of CPU`);
  }
  if (code === EXIT_ENVIRONMENT) {
    return new IsolatedTaskError("environment", `the parsing process failed on its surroundings: ${stderr.trim().split("\n")[0]?.slice(0, 300) ?? ""}`);
  }
  const memory = /heap limit|allocation failed|out of memory|ENOMEM|Cannot allocate/i.test(stderr) || signal === "SIGABRT" || signal === "SIGSEGV" || code === 134;
  const tail = stderr.trim().split("\n").slice(-2).join(" ").slice(0, 300);
  return memory
    ? new IsolatedTaskError("memory", `the parsing process ran out of its ${limits.memoryMb} MB memory cap`)
    : new IsolatedTaskError("crash", `the parsing process died (${signal ?? `exit ${code}`}): ${tail}`);
}

/** Runs `node [nodeArgs] script` in a capped child, sends `request`, returns its parsed answer. */
export function runIsolated<T>(nodeArgs: string[], request: unknown, limits: IsolatedLimits): Promise<T> {
  const cmd = isolatedCommand(nodeArgs, limits);
  return new Promise<T>((resolve, reject) => {
    const child = spawn(cmd[0], cmd.slice(1), { stdio: ["pipe", "pipe", "pipe"], env: isolatedEnv() });
    let out = "";
    let err = "";
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, limits.timeoutMs);
    timer.unref();
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      if (out.length < 16 * 1024 * 1024) out += d;
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      if (err.length < 64 * 1024) err += d;
    });
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(new IsolatedTaskError("environment", `the parsing process could not start: ${e.message}`));
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (timedOut) return reject(new IsolatedTaskError("timeout", `the parsing process ran past ${Math.round(limits.timeoutMs / 1000)} s`));
      if (code === 0) {
        try {
          return resolve(JSON.parse(out) as T);
        } catch {
          return reject(new IsolatedTaskError("crash", "the parsing process gave no readable answer"));
        }
      }
      reject(classifyExit(code, signal, err, limits));
    });
    child.stdin.on("error", () => undefined);
    child.stdin.end(JSON.stringify(request));
  });
}
