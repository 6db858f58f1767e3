import { db } from "@/lib/db";
import type { JobStatus } from "@/lib/generated/prisma/client";

const ACTIVE: JobStatus[] = ["PENDING", "SPLITTING", "PROCESSING", "FINALIZING"];

/** Moves a job forward only from an active state (a cancelled or finished job stays as it is). */
export async function advanceJob(
  jobId: string,
  to: JobStatus,
  data: { stage?: string; currentStep?: string; progressPercent?: number; errorSummary?: string | null } = {},
): Promise<boolean> {
  const now = new Date();
  const terminal = !ACTIVE.includes(to);
  const res = await db.job.updateMany({
    where: { id: jobId, status: { in: ACTIVE } },
    data: {
      status: to,
      ...data,
      ...(to === "SPLITTING" ? { startedAt: now } : {}),
      ...(terminal ? { finishedAt: now } : {}),
    },
  });
  return res.count > 0;
}
