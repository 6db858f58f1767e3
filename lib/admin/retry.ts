import { z } from "zod";
import { db } from "@/lib/db";
import { ApiError } from "@/lib/http/errors";
import { dispatchChunkRequests } from "@/lib/jobs/dispatch";
import { scheduleManualRetry } from "@/lib/jobs/retry";

export const adminRetrySchema = z
  .object({
    chunkIds: z.array(z.string().trim().min(1).max(100)).min(1).max(1000),
    force: z.boolean().optional(),
  })
  .strict();
export type AdminRetryRequest = z.infer<typeof adminRetrySchema>;

export type AdminRetryJobResult =
  | { jobId: string; ok: true; round: number; scheduled: string[] }
  | { jobId: string; ok: false; error: { code: string; message: string } };

export type AdminRetryResult = { scheduled: number; jobs: AdminRetryJobResult[]; notFound: string[] };

/**
 * Bulk retry across jobs: the chunks are grouped by job and each group goes through the same
 * path as a user's retry (scheduleManualRetry, then folio/chunk.requested). A job that refuses
 * (cancelled, nothing retryable, not enough credits) is reported and does not stop the others.
 */
export async function retryChunksAsAdmin(req: AdminRetryRequest): Promise<AdminRetryResult> {
  const ids = [...new Set(req.chunkIds)];
  const rows = await db.chunk.findMany({ where: { id: { in: ids } }, select: { id: true, jobId: true } });
  const byJob = new Map<string, string[]>();
  for (const r of rows) byJob.set(r.jobId, [...(byJob.get(r.jobId) ?? []), r.id]);
  const found = new Set(rows.map((r) => r.id));
  const notFound = ids.filter((id) => !found.has(id));

  const jobs: AdminRetryJobResult[] = [];
  for (const [jobId, chunkIds] of byJob) {
    const job = await db.job.findUnique({ where: { id: jobId } });
    if (!job) {
      jobs.push({ jobId, ok: false, error: { code: "JOB_NOT_FOUND", message: "No such job." } });
      continue;
    }
    try {
      const scheduled = await scheduleManualRetry(job, { chunkIds, force: req.force });
      await dispatchChunkRequests({ jobId, ...scheduled });
      jobs.push({ jobId, ok: true, round: scheduled.round, scheduled: scheduled.chunkIds });
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      jobs.push({ jobId, ok: false, error: { code: err.code, message: err.message } });
    }
  }
  const scheduled = jobs.reduce((n, j) => n + (j.ok ? j.scheduled.length : 0), 0);
  return { scheduled, jobs, notFound };
}
