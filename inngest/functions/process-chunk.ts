import { NonRetriableError } from "inngest";
import { inngest, chunkRequested, jobCancelled, jobSettled } from "@/inngest/client";
import { claimChunk, computeChunk, failChunk, persistChunk, rewriteChunk } from "@/lib/jobs/chunk-work";
import { ChunkError, describeChunkError } from "@/lib/jobs/chunk-errors";
import { pipelineConfig } from "@/lib/jobs/pipeline-config";

const cfg = pipelineConfig();

/** Input that can never succeed (bad chunk, bad provider key) fails at once, without retries. */
async function nonRetriableWhenFinal<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof ChunkError && !err.retryable) throw new NonRetriableError(err.message, { cause: err });
    throw err;
  }
}
// Inngest types retries as the literal range 0..20.
type RetryCount = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 11 | 12 | 13 | 14 | 15 | 16 | 17 | 18 | 19 | 20;

/**
 * folio/chunk.requested → claim → compute (extract + segment, or the cached result) → rewrite
 * (LLM jobs: long sentences, or the cached rewrite) → persist.
 * Each stage is a checkpointed step; compute is retried (cfg.chunkAttempts attempts) with
 * Inngest's backoff. When it finally fails the chunk settles FAILED with its error code. The
 * settle that completes the round emits folio/job.settled (its id makes it once per round).
 */
export const processChunkFn = inngest.createFunction(
  {
    id: "process-chunk",
    name: "Process one chunk",
    triggers: [chunkRequested],
    retries: Math.min(20, Math.max(0, cfg.chunkAttempts - 1)) as RetryCount,
    concurrency: [
      { key: "event.data.userId", limit: cfg.perUserConcurrency },
      { limit: cfg.globalConcurrency },
    ],
    priority: { run: "event.data.priority * 60" },
    cancelOn: [{ event: jobCancelled, match: "data.jobId" }],
  },
  async ({ event, step, attempt }) => {
    const { chunkId, jobId } = event.data;
    const claim = await step.run("claim", () => claimChunk(chunkId));
    if (!claim.ok) return { chunkId, skipped: claim.reason };

    let settle;
    try {
      const computed = await step.run("compute", () => nonRetriableWhenFinal(() => computeChunk(chunkId)));
      const rewritten = await step.run("rewrite", () => nonRetriableWhenFinal(() => rewriteChunk(chunkId, computed, attempt)));
      settle = await step.run("persist", () => persistChunk(chunkId, rewritten));
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
