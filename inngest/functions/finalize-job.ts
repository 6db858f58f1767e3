import { inngest, jobSettled, chunkRequests } from "@/inngest/client";
import { finalizeJob } from "@/lib/jobs/finalize";

/** folio/job.settled → merge and settle the job, or request an automatic retry round. */
export const finalizeJobFn = inngest.createFunction(
  { id: "finalize-job", name: "Finalize a job", triggers: [jobSettled], retries: 5 },
  async ({ event, step }) => {
    const outcome = await step.run("finalize", () => finalizeJob(event.data.jobId));
    if (outcome.action === "retry") {
      await step.sendEvent(
        "request-retries",
        chunkRequests({ jobId: event.data.jobId, userId: outcome.userId, priority: outcome.priority, round: outcome.round }, outcome.chunkIds),
      );
    }
    return outcome;
  },
);
