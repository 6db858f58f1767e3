import { db } from "@/lib/db";
import { getStorage, type Storage } from "@/lib/storage";

/**
 * The folder of a job's own chunk PDFs (the split's legacy layout, `chunks/<jobId>/<index>.pdf`,
 * lib/jobs/split.ts). Removed as a whole: a split that stopped after writing its files (a cancel,
 * too few credits for the pages found) leaves files there that no Chunk row names.
 */
function chunkFolder(jobId: string): string {
  // Job ids are cuids; anything else must never become a path under the storage root.
  if (!/^[A-Za-z0-9_-]+$/.test(jobId)) throw new Error(`unexpected job id ${JSON.stringify(jobId)}`);
  return `chunks/${jobId}`;
}

/**
 * Removes every stored file of a job: the upload (`job.fileKey`), each chunk's `storageKey` that
 * differs from it (chunks may point at the upload itself) and the job's chunk folder. Idempotent
 * (a file already gone is not an error); the rows are left as they are. Returns the keys removed.
 */
export async function removeJobFiles(jobId: string, storage: Storage = getStorage()): Promise<string[]> {
  const job = await db.job.findUnique({ where: { id: jobId }, select: { fileKey: true } });
  const chunks = await db.chunk.findMany({ where: { jobId, storageKey: { not: null } }, select: { storageKey: true } });
  const keys = new Set<string>();
  if (job) keys.add(job.fileKey);
  for (const c of chunks) if (c.storageKey) keys.add(c.storageKey);
  for (const key of keys) await storage.delete(key);
  await storage.deleteFolder(chunkFolder(jobId));
  return [...keys];
}
