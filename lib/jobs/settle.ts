import type { Prisma } from "@/lib/generated/prisma/client";

export type SettleOutcome = { settled: boolean; allSettled: boolean; round: number };

/**
 * Called inside the transaction that settled a chunk (its counter already incremented):
 * updates progress and tells whether this settle was the last one of the round. SQLite
 * serializes write transactions, so exactly one settle sees the counters complete.
 */
export async function settleProgress(tx: Prisma.TransactionClient, jobId: string): Promise<SettleOutcome> {
  const job = await tx.job.findUniqueOrThrow({
    where: { id: jobId },
    select: { totalChunks: true, succeededChunks: true, failedChunks: true, cancelledChunks: true, retryRound: true, status: true },
  });
  const done = job.succeededChunks + job.failedChunks + job.cancelledChunks;
  const allSettled = job.totalChunks > 0 && done >= job.totalChunks && job.status === "PROCESSING";
  await tx.job.update({
    where: { id: jobId },
    data: {
      progressPercent: Math.min(95, 5 + Math.floor((90 * done) / Math.max(1, job.totalChunks))),
      ...(allSettled ? { currentStep: "Finalizing" } : {}),
    },
  });
  return { settled: true, allSettled, round: job.retryRound };
}
