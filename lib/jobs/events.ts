import { Inngest, eventType } from "inngest";
import { z } from "zod";

/**
 * The job pipeline's events and the one Inngest client that sends them (lib/jobs/dispatch.ts,
 * lib/jobs/recover.ts) and serves the functions (inngest/, through inngest/client.ts).
 * Typed events: schemas validate at send time (and document the payloads).
 */
export const jobCreated = eventType("folio/job.created", {
  schema: z.object({ jobId: z.string(), userId: z.string() }),
});

export const jobCancelled = eventType("folio/job.cancelled", {
  schema: z.object({ jobId: z.string(), userId: z.string() }),
});

/** One chunk to process (fan-out after splitting, retry rounds, recovery). */
export const chunkRequested = eventType("folio/chunk.requested", {
  schema: z.object({ jobId: z.string(), chunkId: z.string(), userId: z.string(), priority: z.number().int(), round: z.number().int() }),
});

/**
 * A chunk's long sentences to rewrite with the LLM provider: process-chunk invokes
 * rewrite-chunk with this payload (never sent as an event), so provider calls have their own
 * concurrency and CPU work never holds a provider slot.
 */
export const chunkRewriteRequested = eventType("folio/chunk.rewrite-requested", {
  schema: z.object({
    jobId: z.string(),
    chunkId: z.string(),
    userId: z.string(),
    priority: z.number().int(),
    computed: z.object({ cacheKey: z.string(), cacheHit: z.boolean(), sentences: z.number().int(), warnings: z.array(z.string()), ms: z.number(), rewrite: z.boolean() }),
  }),
});

/** Every chunk of a round has settled: finalize (or schedule an automatic retry round). */
export const jobSettled = eventType("folio/job.settled", {
  schema: z.object({ jobId: z.string(), round: z.number().int() }),
});

/**
 * The one Inngest client. Where it sends events and how it is reached is the SDK's own
 * configuration: INNGEST_DEV=1 (or a URL) for a local dev server / the bundled runner,
 * INNGEST_BASE_URL, INNGEST_EVENT_KEY and INNGEST_SIGNING_KEY for Inngest cloud or self-hosted.
 */
export const inngest = new Inngest({ id: "folio" });

/** Event payloads asking for chunks; the id makes a repeated request in the same round a no-op. */
export function chunkRequests(
  job: { jobId: string; userId: string; priority: number; round: number },
  chunkIds: string[],
  idSuffix = `r${job.round}`,
) {
  return chunkIds.map((chunkId) =>
    chunkRequested.create({ ...job, chunkId }, { id: `chunk-${chunkId}-${idSuffix}` }),
  );
}
