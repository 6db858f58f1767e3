import { db } from "@/lib/db";
import { settleCredits } from "@/lib/credits";
import type { JobStatus } from "@/lib/generated/prisma/client";

const ACTIVE: JobStatus[] = ["PENDING", "SPLITTING", "PROCESSING", "FINALIZING"];

type StepData = { stage?: string; currentStep?: string; progressPercent?: number; errorSummary?: string | null };

/**
 * Moves a job forward only from an active state (a cancelled or finished job stays as it is).
 * A move to a terminal state settles the job's credits in the same transaction (settleCredits:
 * what was not charged is released), so no terminal path can forget it.
 */
export async function advanceJob(jobId: string, to: JobStatus, data: StepData = {}): Promise<boolean> {
  const now = new Date();
  const terminal = !ACTIVE.includes(to);
  const move = {
    where: { id: jobId, status: { in: ACTIVE } },
    data: {
      status: to,
      ...data,
      ...(to === "SPLITTING" ? { startedAt: now } : {}),
      ...(terminal ? { finishedAt: now } : {}),
    },
  };
  if (!terminal) return (await db.job.updateMany(move)).count > 0;
  return db.$transaction(async (tx) => {
    if ((await tx.job.updateMany(move)).count === 0) return false;
    await settleCredits(tx, jobId);
    return true;
  });
}

/** Ends an active job FAILED with an error code (errorSummary "CODE: message", as GET /api/jobs/:id shows it), releasing its reservation. */
export async function failJob(jobId: string, code: string, message: string, currentStep = "Failed"): Promise<boolean> {
  return advanceJob(jobId, "FAILED", { stage: "failed", currentStep, errorSummary: `${code}: ${message}`.slice(0, 1000) });
}
