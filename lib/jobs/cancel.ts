import { db } from "@/lib/db";
import { ApiError } from "@/lib/http/errors";
import { dispatchJobCancelled } from "@/lib/jobs/dispatch";
import { settleCredits } from "@/lib/credits";
import type { Job, Prisma } from "@/lib/generated/prisma/client";

const ACTIVE = ["PENDING", "SPLITTING", "PROCESSING", "FINALIZING"] as const;

/**
 * Cancels an active job: the job and its unfinished chunks become CANCELLED and the credits
 * reserved but not charged go back to the user, all in one transaction. Then
 * `folio/job.cancelled` tells running functions to stop (their cancelOn). 409 when terminal.
 */
export async function cancelJob(job: Job): Promise<Job> {
  const updated = await db.$transaction(async (tx) => {
    const res = await tx.job.updateMany({
      where: { id: job.id, status: { in: [...ACTIVE] } },
      data: { status: "CANCELLED", stage: "cancelled", currentStep: "Cancelled", finishedAt: new Date() },
    });
    if (res.count === 0) return null;
    await cancelPendingChunks(job.id, tx);
    // The reservation goes back; pages already charged by an earlier finalize stay charged.
    await settleCredits(tx, job.id);
    return tx.job.findUniqueOrThrow({ where: { id: job.id } });
  });
  if (!updated) throw new ApiError(409, "JOB_NOT_ACTIVE", `This job is already ${job.status.toLowerCase().replace("_", " ")}.`);
  await dispatchJobCancelled(updated);
  return updated;
}

/** Unfinished chunks of a cancelled job become CANCELLED (counted on the job). Idempotent. */
export async function cancelPendingChunks(jobId: string, tx: Prisma.TransactionClient = db): Promise<number> {
  const chunks = await tx.chunk.updateMany({
    where: { jobId, status: { in: ["PENDING", "PROCESSING", "RETRY_SCHEDULED"] } },
    data: { status: "CANCELLED", stage: null, finishedAt: new Date() },
  });
  if (chunks.count > 0) await tx.job.update({ where: { id: jobId }, data: { cancelledChunks: { increment: chunks.count } } });
  return chunks.count;
}
