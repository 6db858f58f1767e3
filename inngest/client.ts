import { Inngest, eventType } from "inngest";
import { z } from "zod";

/** Typed events. Schemas validate at send time (and document the payloads). */
export const jobCreated = eventType("folio/job.created", {
  schema: z.object({ jobId: z.string(), userId: z.string() }),
});

export const jobCancelled = eventType("folio/job.cancelled", {
  schema: z.object({ jobId: z.string(), userId: z.string() }),
});

/**
 * The one Inngest client. Where it sends events and how it is reached is the SDK's own
 * configuration: INNGEST_DEV=1 (or a URL) for a local dev server / the bundled runner,
 * INNGEST_BASE_URL, INNGEST_EVENT_KEY and INNGEST_SIGNING_KEY for Inngest cloud or self-hosted.
 */
export const inngest = new Inngest({ id: "folio" });
