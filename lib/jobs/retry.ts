import { hardAttemptCap } from "@/lib/jobs/attempts";
import { z } from "zod";
import { db } from "@/lib/db";
import { ApiError } from "@/lib/http/errors";
import { creditBalance, lockUser } from "@/lib/credits";
import type { Job } from "@/lib/generated/prisma/client";

export const retryRequestSchema = z
  .object({
    chunkIds: z.array(z.string().min(1)).min(1).max(1000).optional(),
    force: z.boolean().optional(),
  })
  .strict();
export type RetryRequest = z.infer<typeof retryRequestSchema>;

export type ScheduledRetry = { round: number; chunkIds: string[]; userId: string; priority: number };

/** The retention period (FOLIO_RETENTION_DAYS) removed the job's PDFs: its chunks cannot be processed again. */
const filesExpired = () =>
  new ApiError(409, "FILES_EXPIRED", "This job's files were removed after the retention period, so its chunks cannot be processed again. Upload the PDF again to start a new job.");


const ownPages = (c: { startPage: number; endPage: number; overlapPages: number }) => c.endPage - c.startPage + 1 - c.overlapPages;

/**
 * Manual retry: FAILED chunks (all, or those listed) become RETRY_SCHEDULED and the job goes
 * back to PROCESSING in a new round. `force` ignores the attempt cap and may re-process listed
 * SUCCEEDED chunks, bypassing the result cache. Transactions take the write lock up front
 * (lib/db/adapter.ts), so two clicks at once are serialized: the second finds nothing (409).
 * A job whose files the retention sweep removed is refused (409 FILES_EXPIRED).
 */
export async function scheduleManualRetry(job: Job, req: RetryRequest): Promise<ScheduledRetry> {
  if (job.status === "CANCELLED") throw new ApiError(409, "JOB_CANCELLED", "A cancelled job cannot be retried.");
  if (job.status === "PENDING" || job.status === "SPLITTING") throw new ApiError(409, "JOB_NOT_SPLIT", "The job is still being split; nothing to retry yet.");
  if (job.filesDeletedAt) throw filesExpired();
  const force = req.force === true;
  return db.$transaction(async (tx) => {
    // Again inside the transaction: the retention sweep may have marked the job since it was read.
    const current = await tx.job.findUnique({ where: { id: job.id }, select: { filesDeletedAt: true } });
    if (!current) throw new ApiError(404, "JOB_NOT_FOUND", "No such job.");
    if (current.filesDeletedAt) throw filesExpired();
    const where = { jobId: job.id, ...(req.chunkIds ? { id: { in: req.chunkIds } } : {}) };
    const candidates = await tx.chunk.findMany({ where: { ...where, status: { in: force && req.chunkIds ? ["FAILED", "SUCCEEDED"] : ["FAILED"] } } });
    const eligible = candidates.filter((c) => force || c.attempts < hardAttemptCap(c.maxAttempts, job.maxRetryRounds));
    if (eligible.length === 0) {
      throw new ApiError(409, "NOTHING_TO_RETRY", candidates.length ? "These chunks used every attempt; retry with force to try again." : "No failed chunks to retry.");
    }
    const failedIds = eligible.filter((c) => c.status === "FAILED").map((c) => c.id);
    const succeededIds = eligible.filter((c) => c.status === "SUCCEEDED").map((c) => c.id);
    const f = await tx.chunk.updateMany({ where: { id: { in: failedIds }, status: "FAILED" }, data: { status: "RETRY_SCHEDULED", bypassCache: force } });
    const s = await tx.chunk.updateMany({ where: { id: { in: succeededIds }, status: "SUCCEEDED" }, data: { status: "RETRY_SCHEDULED", bypassCache: true } });
    if (f.count + s.count === 0) throw new ApiError(409, "NOTHING_TO_RETRY", "These chunks are already scheduled.");
    // Reserve credits again for pages not yet paid for (re-processing paid pages costs nothing).
    const reserve = eligible.filter((c) => c.status === "FAILED").reduce((n, c) => n + ownPages(c), 0);
    if (reserve > 0) {
      await lockUser(tx, job.userId);
      const balance = await creditBalance(job.userId, tx);
      if (balance < reserve) throw new ApiError(402, "INSUFFICIENT_CREDITS", `Retrying needs ${reserve} credits; your balance is ${balance}.`);
      await tx.creditEntry.create({ data: { userId: job.userId, jobId: job.id, kind: "RESERVE", amount: -reserve, note: `retry ${reserve} pages` } });
    }
    const fresh = await tx.job.findUniqueOrThrow({ where: { id: job.id } });
    const round = fresh.retryRound + 1;
    await tx.job.update({
      where: { id: job.id },
      data: {
        status: "PROCESSING",
        stage: "processing",
        retryRound: round,
        // A manual round comes on top of the automatic ones.
        maxRetryRounds: Math.max(fresh.maxRetryRounds, round),
        failedChunks: { decrement: f.count },
        succeededChunks: { decrement: s.count },
        creditsReserved: { increment: reserve },
        finishedAt: null,
        errorSummary: null,
        currentStep: `Retrying ${f.count + s.count} chunk${f.count + s.count === 1 ? "" : "s"}`,
      },
    });
    return { round, chunkIds: [...failedIds, ...succeededIds], userId: job.userId, priority: job.priority };
  });
}
