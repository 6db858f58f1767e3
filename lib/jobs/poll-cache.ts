import { db } from "@/lib/db";
import { SwrCache } from "@/lib/cache/swr";
import { listChunks } from "@/lib/jobs/queries";
import { serializeChunk } from "@/lib/jobs/serialize";
import type { Job } from "@/lib/generated/prisma/client";

/**
 * What browsers poll (GET /api/jobs/:id and /chunks) is read at most once per POLL_TTL_MS per
 * job and process, however many tabs poll it: concurrent and later requests within the window
 * share one read (single flight). Past the window, the stored answer is still served while one
 * background read refreshes it (stale-while-revalidate, up to 4 windows), so a poll never waits
 * for the database unless nobody asked for that long. Writes in this process (cancel, retry)
 * forget the entry, so their effect is seen at once.
 */
const TTL = Math.max(0, Number(process.env.FOLIO_POLL_CACHE_MS ?? 500));
const jobs = new SwrCache<Job | null>(TTL);
const chunkBodies = new SwrCache<string>(TTL);

export function cachedJobRow(id: string): Promise<Job | null> {
  return jobs.get(id, () => db.job.findUnique({ where: { id } }));
}

/** The JSON body of GET /api/jobs/:id/chunks, read and serialized once per window. */
export function cachedChunksBody(jobId: string): Promise<string> {
  return chunkBodies.get(jobId, async () => {
    const { chunks, summary } = await listChunks(jobId);
    return JSON.stringify({ chunks: chunks.map(serializeChunk), summary });
  });
}

export function forgetJob(id: string): void {
  jobs.delete(id);
  chunkBodies.delete(id);
}
