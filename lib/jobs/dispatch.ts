import { inngest, jobCreated } from "@/inngest/client";
import { db } from "@/lib/db";
import type { Job } from "@/lib/generated/prisma/client";
import { log } from "@/lib/log";

const SEND_WAIT_MS = Number(process.env.FOLIO_EVENT_SEND_WAIT_MS ?? 1500);

/**
 * Sends `folio/job.created` with a stable event id (the job id), so a re-send can never start
 * a second run. If the Inngest server is slow or down, the upload is still accepted: the send
 * keeps trying in the background and the job says it is waiting for the runner.
 */
export async function dispatchJobCreated(job: Job): Promise<void> {
  const send = inngest.send(jobCreated.create({ jobId: job.id, userId: job.userId }, { id: `job-created-${job.id}` }));
  const outcome = await Promise.race([
    send.then(() => "sent" as const, (err: unknown) => err),
    new Promise<"slow">((r) => setTimeout(() => r("slow"), SEND_WAIT_MS).unref()),
  ]);
  if (outcome === "sent") return;
  const reason = outcome === "slow" ? "the Inngest server is slow to answer" : String(outcome);
  log.warn("job.created event not delivered yet", { jobId: job.id, reason });
  await db.job.updateMany({
    where: { id: job.id, status: "PENDING" },
    data: { currentStep: "Waiting for the job runner" },
  });
  if (outcome === "slow") {
    send.then(
      () => db.job.updateMany({ where: { id: job.id, status: "PENDING" }, data: { currentStep: "Queued" } }),
      (err: unknown) => log.warn("job.created event failed", { jobId: job.id, err: String(err) }),
    );
  }
}
