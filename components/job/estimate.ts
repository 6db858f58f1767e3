import type { ChunkDTO, JobDTO } from "@/lib/jobs/serialize";
import { jobDurationMs } from "../format";

export type Estimate = {
  /** Start (or creation) to now, or to the end once terminal. */
  elapsedMs: number | null;
  /** Time left from the recent chunk throughput; null while there is nothing to go on. */
  etaMs: number | null;
  /** Chunks settled per minute recently; null before the first one settles. */
  chunksPerMinute: number | null;
  /** Chunks still to settle (pending, processing, retry scheduled). */
  remaining: number;
};

const WINDOW = 20;

/**
 * Elapsed time and an ETA from chunk throughput: the last WINDOW settled chunks, over the time
 * from the earliest start among them to now (idle time therefore slows the estimate down).
 */
export function estimateProgress(job: JobDTO, chunks: ChunkDTO[] | undefined, now: number): Estimate {
  const elapsedMs = jobDurationMs(job, now);
  const list = chunks ?? [];
  const remaining = list.filter((c) => c.status === "PENDING" || c.status === "PROCESSING" || c.status === "RETRY_SCHEDULED").length;
  const settled = list
    .filter((c) => (c.status === "SUCCEEDED" || c.status === "FAILED") && c.finishedAt)
    .map((c) => ({ finished: Date.parse(c.finishedAt as string), started: Date.parse(c.startedAt ?? c.finishedAt ?? "") }))
    .filter((c) => Number.isFinite(c.finished))
    .sort((a, b) => b.finished - a.finished)
    .slice(0, WINDOW);
  if (settled.length === 0) return { elapsedMs, etaMs: null, chunksPerMinute: null, remaining };
  const windowStart = Math.min(...settled.map((c) => (Number.isFinite(c.started) ? c.started : c.finished)));
  // A finished job's throughput is over its work, not up to now.
  const windowEnd = job.terminal ? Math.max(...settled.map((c) => c.finished)) : now;
  const span = Math.max(1_000, windowEnd - windowStart);
  const perMs = settled.length / span;
  const chunksPerMinute = perMs * 60_000;
  if (job.terminal) return { elapsedMs, etaMs: 0, chunksPerMinute, remaining: 0 };
  const etaMs = remaining === 0 ? 0 : remaining / perMs;
  return { elapsedMs, etaMs, chunksPerMinute, remaining };
}
