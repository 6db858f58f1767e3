import fs from "node:fs";
import os from "node:os";

/**
 * Lowers the priority of every thread of a process. On Linux a priority belongs to a thread:
 * setting it for the pid left the threads the child already had at their own (V8's, and the OCR
 * engine's: under load its thread slowed another user's job 10×). Threads started later inherit
 * the priority of the thread that starts them.
 */
export function niceAllThreads(pid: number, priority: number): void {
  let tids: number[] = [pid];
  try {
    tids = fs.readdirSync(`/proc/${pid}/task`).map(Number).filter((t) => Number.isInteger(t) && t > 0);
  } catch {
    // no /proc (not Linux): the process's own priority only
  }
  for (const tid of tids) {
    try {
      os.setPriority(tid, priority);
    } catch {
      // gone, or not permitted here: that thread keeps its priority
    }
  }
}

/** The priority (nice value) of a process's main thread, or null when it is gone. */
export function niceOf(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    return os.getPriority(pid);
  } catch {
    return null;
  }
}
