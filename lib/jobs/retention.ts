import { db } from "@/lib/db";
import { log } from "@/lib/log";
import { getConfig } from "@/lib/config";
import { removeJobFiles } from "@/lib/jobs/files";
import { TERMINAL_JOB_STATUSES } from "@/lib/jobs/serialize";

export type RetentionSummary = { disabled: boolean; cutoff: string | null; jobs: number; files: number; failed: number };

const DAY_MS = 24 * 60 * 60 * 1000;
const BATCH = 100;
/** Jobs handled per sweep at most (the hourly run takes the rest). */
const MAX_JOBS = 2_000;

/**
 * Removes the stored files (upload and chunk PDFs) of jobs that ended (COMPLETED,
 * PARTIAL_SUCCESS, FAILED, CANCELLED) more than `days` days before `now`; the job, chunk and
 * sentence rows stay, so results can still be read. `filesDeletedAt` records it, and a retry of
 * such a job is refused (FILES_EXPIRED, lib/jobs/retry.ts). `days` 0 switches the sweep off.
 *
 * The mark comes before the removal, conditional on the job still being terminal and unmarked:
 * a manual retry (which checks the mark in its own transaction) either ran first, so the job is
 * active and skipped, or sees the mark and refuses. Should removing the files fail, the mark is
 * taken back so the next sweep tries again.
 */
export async function sweepRetention(now: Date = new Date(), days: number = getConfig().retentionDays): Promise<RetentionSummary> {
  if (!(days > 0)) return { disabled: true, cutoff: null, jobs: 0, files: 0, failed: 0 };
  const cutoff = new Date(now.getTime() - days * DAY_MS);
  const expired = { status: { in: [...TERMINAL_JOB_STATUSES] }, finishedAt: { lt: cutoff }, filesDeletedAt: null };
  const summary: RetentionSummary = { disabled: false, cutoff: cutoff.toISOString(), jobs: 0, files: 0, failed: 0 };
  const failedIds: string[] = [];
  while (summary.jobs + summary.failed < MAX_JOBS) {
    const batch = await db.job.findMany({ where: { ...expired, id: { notIn: failedIds } }, orderBy: { finishedAt: "asc" }, select: { id: true }, take: BATCH });
    if (batch.length === 0) break;
    for (const { id } of batch) {
      const marked = await db.job.updateMany({ where: { id, ...expired }, data: { filesDeletedAt: now } });
      if (marked.count === 0) continue;
      try {
        summary.files += (await removeJobFiles(id)).length;
        summary.jobs++;
      } catch (err) {
        await db.job.updateMany({ where: { id, filesDeletedAt: now }, data: { filesDeletedAt: null } });
        log.warn("retention: the job's files could not be removed", { jobId: id, err: String(err) });
        failedIds.push(id);
        summary.failed++;
      }
    }
  }
  if (summary.jobs || summary.failed) log.info("retention sweep", { ...summary });
  return summary;
}
