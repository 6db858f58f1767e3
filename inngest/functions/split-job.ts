import { NonRetriableError, type FailureEventArgs } from "inngest";
import { inngest, jobCreated, jobCancelled, chunkRequests } from "@/inngest/client";
import { splitJob, InvalidPdfError } from "@/lib/jobs/split";
import { InsufficientCreditsError } from "@/lib/credits";
import { advanceJob, failJob } from "@/lib/jobs/state";
import { progressStep } from "@/lib/jobs/settle";
import { cancelPendingChunks } from "@/lib/jobs/cancel";
import { db } from "@/lib/db";

/**
 * folio/job.created → split the PDF into chunk rows (checkpointed), then request every chunk.
 * Every way out that is not PROCESSING ends the job through failJob/advanceJob, which release
 * its reservation: a bad PDF or too few credits (at once, not retried), or any other error
 * after the last retry (onFailure).
 */
export const splitJobFn = inngest.createFunction(
  {
    id: "split-job",
    name: "Split a book into chunks",
    triggers: [jobCreated],
    retries: 3,
    cancelOn: [{ event: jobCancelled, match: "data.jobId" }],
    onFailure: async ({ event, error }: FailureEventArgs) => {
      const jobId = (event.data.event.data as { jobId?: unknown } | undefined)?.jobId;
      if (typeof jobId !== "string") return { skipped: "no jobId in the failed event" };
      const failed = await failJob(jobId, "SPLIT_FAILED", `The PDF could not be split: ${error.message}`, "The PDF could not be split");
      return { jobId, failed };
    },
  },
  async ({ event, step }) => {
    const { jobId, userId } = event.data;
    const started = await step.run("mark-splitting", async () => {
      // A resumed job (recovery re-sent the event) may already be past SPLITTING.
      const job = await db.job.findUnique({ where: { id: jobId }, select: { status: true } });
      if (job?.status === "SPLITTING") return true;
      return advanceJob(jobId, "SPLITTING", { stage: "splitting", currentStep: "Splitting the PDF", progressPercent: 1 });
    });
    if (!started) return { jobId, skipped: "job is no longer waiting to be split" };
    const split = await step.run("split", async () => {
      try {
        const r = await splitJob(jobId);
        return { chunkIds: r.chunkIds, pageCount: r.pageCount };
      } catch (err) {
        if (err instanceof InvalidPdfError) {
          await failJob(jobId, err.code, err.message, "The PDF could not be split");
          throw new NonRetriableError(err.message);
        }
        if (err instanceof InsufficientCreditsError) {
          await failJob(jobId, err.code, err.message, "Not enough credits for the pages found");
          throw new NonRetriableError(err.message);
        }
        throw err;
      }
    });
    const job = await step.run("mark-processing", async () => {
      await advanceJob(jobId, "PROCESSING", {
        stage: "processing",
        currentStep: progressStep(0, split.chunkIds.length),
        progressPercent: 5,
      });
      return db.job.findUniqueOrThrow({ where: { id: jobId }, select: { priority: true, retryRound: true, status: true } });
    });
    if (job.status !== "PROCESSING") {
      // Cancelled while splitting: chunks written after the cancel are cancelled too.
      if (job.status === "CANCELLED") await step.run("cancel-new-chunks", () => cancelPendingChunks(jobId));
      return { jobId, skipped: `job is ${job.status}` };
    }
    await step.sendEvent("request-chunks", chunkRequests({ jobId, userId, priority: job.priority, round: job.retryRound }, split.chunkIds));
    return { jobId, chunks: split.chunkIds.length, pageCount: split.pageCount };
  },
);
