import { inngest, jobCreated, jobCancelled, chunkRequests } from "@/lib/jobs/events";
import { db } from "@/lib/db";
import type { Job } from "@/lib/generated/prisma/client";
import { log } from "@/lib/log";

type Payload = Parameters<typeof inngest.send>[0];

/**
 * Sends events but waits at most FOLIO_EVENT_SEND_WAIT_MS for the Inngest server: when it is
 * slow or down the request still answers, and the send keeps trying in the background.
 * Events carry stable ids, so a later re-send can never start a second run.
 */
async function sendWithDeadline(payload: Payload, context: Record<string, unknown>): Promise<"sent" | "late" | "failed"> {
  const waitMs = Number(process.env.FOLIO_EVENT_SEND_WAIT_MS ?? 1500);
  const send = inngest.send(payload);
  const outcome = await Promise.race([
    send.then(
      () => "sent" as const,
      (err: unknown) => {
        log.warn("event not delivered", { ...context, err: String(err) });
        return "failed" as const;
      },
    ),
    new Promise<"late">((r) => setTimeout(() => r("late"), waitMs).unref()),
  ]);
  // A late failure is logged by the handler above; a late success is worth a line too.
  if (outcome === "late") send.then(() => log.info("event delivered late", context), () => undefined);
  return outcome;
}

/** `folio/job.created`; when it cannot be delivered now the job says it waits for the runner. */
export async function dispatchJobCreated(job: Job): Promise<void> {
  const ctx = { event: "folio/job.created", jobId: job.id };
  const outcome = await sendWithDeadline(jobCreated.create({ jobId: job.id, userId: job.userId }, { id: `job-created-${job.id}` }), ctx);
  if (outcome !== "sent") {
    await db.job.updateMany({ where: { id: job.id, status: "PENDING" }, data: { currentStep: "Waiting for the job runner" } });
  }
}

/** `folio/job.cancelled`, which stops the job's running functions (their cancelOn). */
export async function dispatchJobCancelled(job: Job): Promise<void> {
  await sendWithDeadline(jobCancelled.create({ jobId: job.id, userId: job.userId }, { id: `job-cancelled-${job.id}` }), {
    event: "folio/job.cancelled",
    jobId: job.id,
  });
}

/** `folio/chunk.requested` for each chunk of a (retry) round. */
export async function dispatchChunkRequests(r: { jobId: string; userId: string; priority: number; round: number; chunkIds: string[] }): Promise<void> {
  await sendWithDeadline(chunkRequests({ jobId: r.jobId, userId: r.userId, priority: r.priority, round: r.round }, r.chunkIds), {
    event: "folio/chunk.requested",
    jobId: r.jobId,
    chunks: r.chunkIds.length,
  });
}
