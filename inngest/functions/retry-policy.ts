import { NonRetriableError } from "inngest";
import { ChunkError } from "@/lib/jobs/chunk-errors";
import { pipelineConfig } from "@/lib/jobs/pipeline-config";

/** Input that can never succeed (bad chunk, bad provider key) fails at once, without retries. */
export async function nonRetriableWhenFinal<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof ChunkError && !err.retryable) throw new NonRetriableError(err.message, { cause: err });
    throw err;
  }
}

// Inngest types retries as the literal range 0..20.
type RetryCount = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 11 | 12 | 13 | 14 | 15 | 16 | 17 | 18 | 19 | 20;

/** Retries of a chunk's steps: FOLIO_CHUNK_MAX_ATTEMPTS attempts in all. */
export function chunkRetries(): RetryCount {
  return Math.min(20, Math.max(0, pipelineConfig().chunkAttempts - 1)) as RetryCount;
}
