import { inngest, chunkRequested, jobCancelled, jobSettled } from "@/inngest/client";
import { claimAndWorkChunk, failChunk, persistChunk } from "@/lib/jobs/chunk-work";
import { describeChunkError } from "@/lib/jobs/chunk-errors";
import { pipelineConfig } from "@/lib/jobs/pipeline-config";
import { chunkRetries, nonRetriableWhenFinal } from "@/inngest/functions/retry-policy";
import { rewriteChunkFn } from "@/inngest/functions/rewrite-chunk";

const cfg = pipelineConfig();

/**
 * folio/chunk.requested → work: claim, compute (extract + segment, or the cached result) and,
 * for local jobs, persist, in one step (one round trip through the runner per chunk) → for LLM
 * jobs only: rewrite (invokes rewrite-chunk, which has its own provider concurrency) → persist.
 * Each stage is a checkpointed step; work is retried (cfg.chunkAttempts attempts) with
 * Inngest's backoff. When it finally fails the chunk settles FAILED with its error code. The
 * settle that completes the round emits folio/job.settled (its id makes it once per round).
 */
export const processChunkFn = inngest.createFunction(
  {
    id: "process-chunk",
    name: "Process one chunk",
    triggers: [chunkRequested],
    retries: chunkRetries(),
    concurrency: [
      { key: "event.data.userId", limit: cfg.perUserConcurrency },
      { limit: cfg.globalConcurrency },
    ],
    priority: { run: "event.data.priority * 60" },
    cancelOn: [{ event: jobCancelled, match: "data.jobId" }],
  },
  async ({ event, step }) => {
    const { chunkId, jobId } = event.data;
    let settle;
    try {
      // Local jobs: one step claims, computes and persists. LLM jobs: the same step claims and
      // computes, then rewrite, then persist. Every attempt claims again, so a retry of a chunk
      // whose job was cancelled meanwhile stops there.
      const work = await step.run("work", () => nonRetriableWhenFinal(() => claimAndWorkChunk(chunkId)));
      if ("skipped" in work) {
        if (!work.allSettled) return { chunkId, skipped: work.skipped };
        // Replayed after its persist committed (the runner died before recording the step), or a
        // duplicate request, with the round complete: say so again below (same event id, so a
        // job.settled already sent is not sent twice).
        settle = { settled: false, allSettled: true, round: work.round };
      } else if (work.persisted) settle = work.settle;
      else {
        const { computed } = work;
        const rewritten = await step.invoke("rewrite", { function: rewriteChunkFn, data: { jobId, chunkId, userId: event.data.userId, priority: event.data.priority, computed } });
        settle = await step.run("persist", () => persistChunk(chunkId, rewritten));
      }
    } catch (err) {
      const { code, message } = describeChunkError(err);
      settle = await step.run("mark-failed", () => failChunk(chunkId, code, message));
    }
    if (settle.allSettled) {
      await step.sendEvent("job-settled", jobSettled.create({ jobId, round: settle.round }, { id: `job-settled-${jobId}-r${settle.round}` }));
    }
    return { chunkId, settled: settle.settled };
  },
);
