import { db } from "@/lib/db";
import { ApiError } from "@/lib/http/errors";
import { settleCredits } from "@/lib/credits";
import { cancelJob } from "@/lib/jobs/cancel";
import { removeJobFiles } from "@/lib/jobs/files";
import { visibleJob } from "@/lib/jobs/queries";
import { TERMINAL_JOB_STATUSES } from "@/lib/jobs/serialize";
import type { Caller } from "@/lib/auth/request";
import type { Job, JobStatus } from "@/lib/generated/prisma/client";

export type DeleteOutcome = { cancelled: boolean; files: string[] };

const isTerminal = (s: JobStatus) => (TERMINAL_JOB_STATUSES as readonly string[]).includes(s);

/** A manual retry may put a finished job back to work between our steps: start over this often. */
const MAX_ROUNDS = 3;

/**
 * DELETE /api/jobs/:id: removes a job, its stored files, its chunks and its sentences (they
 * cascade with the job row), and the stored chunk results that no other job's chunk uses. The credit ledger is kept: its entries stay, with jobId null.
 * Owner or admin only (404 for anyone else, as for GET). A job still active is cancelled first,
 * exactly as POST /cancel does (reservation released, `folio/job.cancelled` stops its functions).
 * The row goes in a transaction that re-reads the job: only a terminal job is deleted, and any
 * reservation still on it is released first, so nothing stays reserved on a row that is gone.
 */
export async function deleteJob(jobId: string, caller: Pick<Caller, "id" | "role">): Promise<DeleteOutcome> {
  let cancelled = false;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const job = visibleJob(await db.job.findUnique({ where: { id: jobId } }), caller);
    if (!isTerminal(job.status)) cancelled = (await cancelIfActive(job)) || cancelled;
    // Files first: should removing them fail, the job is still there to delete again.
    const files = await removeJobFiles(job.id);
    if ((await deleteTerminalRow(job.id)) !== "active") return { cancelled, files };
  }
  throw new ApiError(409, "JOB_BUSY", "This job was restarted while it was being deleted; delete it again.");
}

/** cancelJob, except that a job which ended meanwhile is not an error here. */
async function cancelIfActive(job: Job): Promise<boolean> {
  try {
    await cancelJob(job);
    return true;
  } catch (err) {
    if (err instanceof ApiError && err.code === "JOB_NOT_ACTIVE") return false;
    throw err;
  }
}

async function deleteTerminalRow(jobId: string): Promise<"deleted" | "gone" | "active"> {
  return db.$transaction(async (tx) => {
    const row = await tx.job.findUnique({ where: { id: jobId }, select: { status: true } });
    if (!row) return "gone";
    if (!isTerminal(row.status)) return "active";
    // Every terminal move settles already; this catches a row left reserved by anything else.
    await settleCredits(tx, jobId);
    // The book's text goes with it: stored results no other job's chunk uses are removed too.
    const keys = (await tx.chunk.findMany({ where: { jobId, resultKey: { not: null } }, select: { resultKey: true } })).map((c) => c.resultKey as string);
    if (keys.length) {
      const shared = new Set((await tx.chunk.findMany({ where: { resultKey: { in: keys }, jobId: { not: jobId } }, select: { resultKey: true } })).map((c) => c.resultKey));
      await tx.resultCache.deleteMany({ where: { key: { in: keys.filter((k) => !shared.has(k)) } } });
    }
    await tx.job.delete({ where: { id: jobId } });
    return "deleted";
  });
}
