import type { Prisma } from "@/lib/generated/prisma/client";

export type SettleOutcome = { settled: boolean; allSettled: boolean; round: number };

type RoundCounters = { totalChunks: number; succeededChunks: number; failedChunks: number; cancelledChunks: number; status: string };
const ROUND_COUNTERS = { totalChunks: true, succeededChunks: true, failedChunks: true, cancelledChunks: true, retryRound: true, status: true } as const;

/** Whether every chunk of the job's current round has settled while it still runs (finalize is due). */
export function roundComplete(job: RoundCounters): boolean {
  const done = job.succeededChunks + job.failedChunks + job.cancelledChunks;
  return job.status === "PROCESSING" && job.totalChunks > 0 && done >= job.totalChunks;
}

/** The job's current step while its chunks run, from the split (0 done) to the last settle. */
export function progressStep(done: number, total: number): string {
  return `Processed ${done} of ${total} chunks`;
}

/**
 * Called inside the transaction that settled a chunk: counts it (`counter` + 1, the write that
 * locks the job's row, on PostgreSQL as on SQLite, and returns the counters as they are now),
 * updates progress and tells whether this settle was the last one of the round. The writes are
 * serialized on the job's row, so exactly one settle sees the counters complete.
 */
export async function settleProgress(tx: Prisma.TransactionClient, jobId: string, counter: "succeededChunks" | "failedChunks"): Promise<SettleOutcome> {
  const job = await tx.job.update({
    where: { id: jobId },
    data: counter === "succeededChunks" ? { succeededChunks: { increment: 1 } } : { failedChunks: { increment: 1 } },
    select: ROUND_COUNTERS,
  });
  const done = job.succeededChunks + job.failedChunks + job.cancelledChunks;
  const allSettled = roundComplete(job);
  await tx.job.update({
    where: { id: jobId },
    data: {
      progressPercent: Math.min(95, 5 + Math.floor((90 * done) / Math.max(1, job.totalChunks))),
      currentStep: allSettled ? "Finalizing" : progressStep(done, job.totalChunks),
    },
  });
  return { settled: true, allSettled, round: job.retryRound };
}

/**
 * For a settle that found its chunk already settled (a step replayed after its commit): whether
 * the round is complete all the same, so the caller can announce it again (the event has a
 * stable id: a job.settled already delivered is not delivered twice).
 */
export async function replayedSettle(tx: Prisma.TransactionClient, jobId: string): Promise<SettleOutcome> {
  const job = await tx.job.findUnique({ where: { id: jobId }, select: ROUND_COUNTERS });
  if (!job) return { settled: false, allSettled: false, round: 0 };
  return { settled: false, allSettled: roundComplete(job), round: job.retryRound };
}
