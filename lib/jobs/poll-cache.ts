import { db } from "@/lib/db";
import { listChunks } from "@/lib/jobs/queries";
import { serializeChunk } from "@/lib/jobs/serialize";
import type { Job } from "@/lib/generated/prisma/client";

/**
 * What browsers poll (GET /api/jobs/:id and /chunks) is read at most once per POLL_TTL_MS per
 * job and process, however many tabs poll it: concurrent and later requests within the window
 * share one read (single flight). Writes in this process (cancel, retry) forget the entry.
 */
const TTL = Math.max(0, Number(process.env.FOLIO_POLL_CACHE_MS ?? 500));
const MAX_ENTRIES = 2_000;

type Entry<T> = { expires: number; value: Promise<T> };

function memo<T>(map: Map<string, Entry<T>>, key: string, load: () => Promise<T>): Promise<T> {
  const now = Date.now();
  const hit = map.get(key);
  if (hit && hit.expires > now) return hit.value;
  const value = load();
  map.set(key, { expires: now + TTL, value });
  value.catch(() => map.delete(key));
  if (map.size > MAX_ENTRIES) for (const [k, e] of map) if (e.expires <= now) map.delete(k);
  return value;
}

const jobs = new Map<string, Entry<Job | null>>();
const chunkBodies = new Map<string, Entry<string>>();

export function cachedJobRow(id: string): Promise<Job | null> {
  return memo(jobs, id, () => db.job.findUnique({ where: { id } }));
}

/** The JSON body of GET /api/jobs/:id/chunks, read and serialized once per window. */
export function cachedChunksBody(jobId: string): Promise<string> {
  return memo(chunkBodies, jobId, async () => {
    const { chunks, summary } = await listChunks(jobId);
    return JSON.stringify({ chunks: chunks.map(serializeChunk), summary });
  });
}

export function forgetJob(id: string): void {
  jobs.delete(id);
  chunkBodies.delete(id);
}
