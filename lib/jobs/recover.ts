import { db } from "@/lib/db";
import { staleChunkWhere } from "@/lib/jobs/stale";
import { chunkRequests, jobCreated, jobSettled } from "@/lib/jobs/events";
import { pipelineConfig } from "@/lib/jobs/pipeline-config";

type Payload = ReturnType<typeof jobCreated.create> | ReturnType<typeof jobSettled.create> | ReturnType<typeof chunkRequests>[number];

/**
 * Finds work that stopped moving and returns the events that restart it:
 * - chunks PROCESSING that stopped moving (lib/jobs/stale.ts: old heartbeat, or waiting for a
 *   provider slot in a job that has not moved),
 * - chunks PENDING / RETRY_SCHEDULED in a job that has not moved for that long (lost request),
 * - jobs PENDING or SPLITTING that have not moved (job.created lost, or the split crashed),
 * - jobs PROCESSING with every chunk settled, or FINALIZING, that have not moved (finalize lost).
 * Event ids carry a time bucket, so one stale item is re-requested once per stale period.
 */
export async function findStalledWork(now = new Date()): Promise<{ events: Payload[]; summary: Record<string, number> }> {
  const { staleAfterMs } = pipelineConfig();
  const cutoff = new Date(now.getTime() - staleAfterMs);
  const bucket = Math.floor(now.getTime() / staleAfterMs);
  const events: Payload[] = [];

  const staleChunks = await db.chunk.findMany({
    where: {
      OR: [
        staleChunkWhere(cutoff),
        { status: { in: ["PENDING", "RETRY_SCHEDULED"] }, updatedAt: { lt: cutoff }, job: { status: "PROCESSING", updatedAt: { lt: cutoff } } },
      ],
    },
    select: { id: true, job: { select: { id: true, userId: true, priority: true, retryRound: true, status: true } } },
    take: 500,
  });
  for (const c of staleChunks) {
    if (c.job.status !== "PROCESSING") continue;
    events.push(...chunkRequests({ jobId: c.job.id, userId: c.job.userId, priority: c.job.priority, round: c.job.retryRound }, [c.id], `recover-${bucket}`));
  }

  const stuckJobs = await db.job.findMany({
    where: { status: { in: ["PENDING", "SPLITTING", "PROCESSING", "FINALIZING"] }, updatedAt: { lt: cutoff } },
    select: { id: true, userId: true, status: true, totalChunks: true, succeededChunks: true, failedChunks: true, cancelledChunks: true, retryRound: true },
    take: 200,
  });
  let restarted = 0;
  let refinalized = 0;
  for (const j of stuckJobs) {
    if (j.status === "PENDING" || j.status === "SPLITTING") {
      events.push(jobCreated.create({ jobId: j.id, userId: j.userId }, { id: `job-created-${j.id}-recover-${bucket}` }));
      restarted++;
    } else if (j.status === "FINALIZING" || j.succeededChunks + j.failedChunks + j.cancelledChunks >= j.totalChunks) {
      events.push(jobSettled.create({ jobId: j.id, round: j.retryRound }, { id: `job-settled-${j.id}-r${j.retryRound}-recover-${bucket}` }));
      refinalized++;
    }
  }
  return { events, summary: { chunks: staleChunks.length, restartedJobs: restarted, refinalizedJobs: refinalized } };
}
