import { db } from "@/lib/db";
import { ApiError } from "@/lib/http/errors";
import { dispatchJobCancelled } from "@/lib/jobs/dispatch";
import { settleCredits } from "@/lib/credits";
import type { Job, Prisma } from "@/lib/generated/prisma/client";

const ACTIVE = ["PENDING", "SPLITTING", "PROCESSING", "FINALIZING"] as const;
const UNFINISHED = ["PENDING", "PROCESSING", "RETRY_SCHEDULED"] as const;

/**
 * Cancels an active job: the job and its unfinished chunks become CANCELLED and the credits
 * reserved but not charged go back to the user, all in one transaction. Then
 * `folio/job.cancelled` tells running functions to stop (their cancelOn). 409 when terminal.
 */
class NotActive extends Error {}

export async function cancelJob(job: Job): Promise<Job> {
  const updated = await db.$transaction(async (tx) => {
    // Chunks first, then the job: the order a chunk's persist takes its locks (its chunk row, then
    // the job's counters), so the two never wait on each other in a circle (PostgreSQL deadlock).
    const chunks = await tx.chunk.updateMany({
      where: { jobId: job.id, status: { in: [...UNFINISHED] }, job: { status: { in: [...ACTIVE] } } },
      data: { status: "CANCELLED", stage: null, finishedAt: new Date() },
    });
    const res = await tx.job.updateMany({
      where: { id: job.id, status: { in: [...ACTIVE] } },
      data: { status: "CANCELLED", stage: "cancelled", currentStep: "Cancelled", finishedAt: new Date(), cancelledChunks: { increment: chunks.count } },
    });
    // Finished meanwhile: nothing of this transaction may stay (the chunks above roll back).
    if (res.count === 0) throw new NotActive();
    // The reservation goes back; pages already charged by an earlier finalize stay charged.
    await settleCredits(tx, job.id);
    return tx.job.findUniqueOrThrow({ where: { id: job.id } });
  }).catch((err: unknown) => {
    if (err instanceof NotActive) return null;
    throw err;
  });
  if (!updated) throw new ApiError(409, "JOB_NOT_ACTIVE", `This job is already ${job.status.toLowerCase().replace("_", " ")}.`);
  await dispatchJobCancelled(updated);
  return updated;
}

/** Unfinished chunks of a cancelled job become CANCELLED (counted on the job). Idempotent. */
export async function cancelPendingChunks(jobId: string, tx: Prisma.TransactionClient = db): Promise<number> {
  const chunks = await tx.chunk.updateMany({
    where: { jobId, status: { in: [...UNFINISHED] } },
    data: { status: "CANCELLED", stage: null, finishedAt: new Date() },
  });
  if (chunks.count > 0) await tx.job.update({ where: { id: jobId }, data: { cancelledChunks: { increment: chunks.count } } });
  return chunks.count;
}
