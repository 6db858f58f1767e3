import { NonRetriableError } from "inngest";
import { inngest, jobCreated, jobCancelled } from "@/inngest/client";
import { splitJob, InvalidPdfError } from "@/lib/jobs/split";
import { advanceJob } from "@/lib/jobs/state";

/** folio/job.created → split the PDF into chunk rows (checkpointed), then hand over to processing. */
export const splitJobFn = inngest.createFunction(
  {
    id: "split-job",
    name: "Split a book into chunks",
    triggers: [jobCreated],
    retries: 3,
    idempotency: "event.data.jobId",
    cancelOn: [{ event: jobCancelled, match: "data.jobId" }],
  },
  async ({ event, step }) => {
    const { jobId } = event.data;
    const started = await step.run("mark-splitting", () =>
      advanceJob(jobId, "SPLITTING", { stage: "splitting", currentStep: "Splitting the PDF", progressPercent: 1 }),
    );
    if (!started) return { jobId, skipped: "job is no longer active" };
    const split = await step.run("split", async () => {
      try {
        const r = await splitJob(jobId);
        return { chunks: r.chunkIds.length, pageCount: r.pageCount };
      } catch (err) {
        if (err instanceof InvalidPdfError) {
          await advanceJob(jobId, "FAILED", { stage: "failed", currentStep: "The PDF could not be split", errorSummary: err.message });
          throw new NonRetriableError(err.message);
        }
        throw err;
      }
    });
    await step.run("mark-processing", () =>
      advanceJob(jobId, "PROCESSING", {
        stage: "processing",
        currentStep: `Split ${split.pageCount} pages into ${split.chunks} chunks`,
        progressPercent: 5,
      }),
    );
    return { jobId, ...split };
  },
);
