import { inngest, chunkRewriteRequested, jobCancelled } from "@/inngest/client";
import { rewriteChunk } from "@/lib/jobs/chunk-work";
import { pipelineConfig } from "@/lib/jobs/pipeline-config";
import { chunkRetries, nonRetriableWhenFinal } from "@/inngest/functions/retry-policy";

const cfg = pipelineConfig();

/**
 * The provider stage of a chunk, invoked by process-chunk for LLM jobs: rewrites the long
 * sentences (or reuses the stored rewrite). Its own concurrency (FOLIO_LLM_CONCURRENCY provider
 * calls in flight, plus FOLIO_LLM_STANDBY runs ready to take a freed slot) is apart from the CPU
 * stage's, so extraction and saving never hold a provider slot, and chunks waiting for the
 * provider do not hold a CPU slot. Retried like the other chunk steps; the
 * error (with its code) reaches process-chunk, which settles the chunk.
 */
export const rewriteChunkFn = inngest.createFunction(
  {
    id: "rewrite-chunk",
    name: "Rewrite a chunk's long sentences (LLM)",
    triggers: [chunkRewriteRequested],
    retries: chunkRetries(),
    // FOLIO_LLM_STANDBY runs beyond the provider limits wait in the process for a provider slot
    // (lib/jobs/provider-slots.ts enforces the limits on the calls themselves).
    concurrency: [
      { key: "event.data.userId", limit: cfg.perUserConcurrency + cfg.providerStandby },
      { limit: cfg.providerConcurrency + cfg.providerStandby },
    ],
    priority: { run: "event.data.priority * 60" },
    cancelOn: [{ event: jobCancelled, match: "data.jobId" }],
  },
  async ({ event, step, attempt }) => {
    const { chunkId, computed } = event.data;
    return step.run("rewrite", () => nonRetriableWhenFinal(() => rewriteChunk(chunkId, computed, attempt)));
  },
);
