import { db } from "@/lib/db";
import { getStorage } from "@/lib/storage";
import { LocalStorage } from "@/lib/storage/local";
import { chunkFileKey, chunkingFromEnv } from "@/lib/pdf/chunking";
import { splitIsolated, IsolatedTaskError } from "@/lib/pdf/split-isolated";
import { getConfig } from "@/lib/config";
import { reserveUpTo } from "@/lib/credits";

/** A PDF the split refuses for good (not retried): `code` says why. */
export class InvalidPdfError extends Error {
  constructor(
    message: string,
    readonly code: string = "INVALID_PDF",
  ) {
    super(message);
  }
}

const chunkKeyTemplate = (jobId: string) => `chunks/${jobId}/{index}.pdf`;

export function chunkKey(jobId: string, index: number): string {
  return chunkFileKey(chunkKeyTemplate(jobId), index);
}

/**
 * Splits a job's PDF into chunk PDFs and upserts one Chunk row per (jobId, index).
 * The parsing runs in a capped child process (lib/pdf/split-isolated.ts): a file that exhausts
 * its memory, CPU or time fails the job with PDF_TOO_COMPLEX, and nothing else is hurt.
 * Idempotent: after a crash it reuses chunks already written (same ids, no duplicates).
 * The pages found here are the ones the pipeline processes: when they are more than the upload
 * reserved for (its cheap count can be lied to), the difference is reserved before any chunk
 * row is written, or InsufficientCreditsError is thrown. A job no longer active (cancelled) is
 * left alone: no reservation, no chunks.
 */
export async function splitJob(jobId: string): Promise<{ chunkIds: string[]; pageCount: number }> {
  const job = await db.job.findUniqueOrThrow({ where: { id: jobId } });
  const storage = getStorage();
  if (!(storage instanceof LocalStorage)) throw new Error("the split needs local storage (the parser reads and writes files on disk)");
  const source = storage.localPath(job.fileKey);
  const cfg = getConfig();
  const existing = new Map((await db.chunk.findMany({ where: { jobId } })).map((c) => [c.index, c]));
  const skip: number[] = [];
  for (const c of existing.values()) {
    if (c.sha256 && c.storageKey === chunkKey(jobId, c.index) && (await storage.exists(c.storageKey))) skip.push(c.index);
  }
  let answer;
  try {
    answer = await splitIsolated({
      source,
      rules: chunkingFromEnv(),
      maxPages: cfg.maxPages,
      maxStreamBytes: cfg.maxStreamDecodedMb * 1048576,
      maxDecodedBytes: cfg.maxDecodedMb * 1048576,
      storageRoot: storage.root,
      keyTemplate: chunkKeyTemplate(jobId),
      skip,
    });
  } catch (err) {
    // A limit hit or a crash on this file is the file's doing: the same bytes would do it again,
    // so the job fails at once with a code (no retry loop, nothing charged). Only a child that
    // could not start or could not write its files (the environment's fault) is retried.
    if (err instanceof IsolatedTaskError && err.reason === "crash") {
      throw new InvalidPdfError(`The PDF could not be read: ${err.message}.`, "PDF_UNREADABLE");
    }
    if (err instanceof IsolatedTaskError && err.reason !== "environment") {
      throw new InvalidPdfError(`This PDF is too complex to process: ${err.message}.`, "PDF_TOO_COMPLEX");
    }
    throw err;
  }
  if (!answer.ok) throw new InvalidPdfError(answer.message, answer.code);
  const { pageCount } = answer;
  const { active } = await reserveUpTo(jobId, pageCount);
  if (!active) return { chunkIds: [], pageCount };
  await db.job.update({
    where: { id: jobId },
    data: { pageCount, totalChunks: answer.chunks.length, currentStep: `Splitting ${pageCount} pages` },
  });
  const maxAttempts = cfg.chunkMaxAttempts;
  const ids: string[] = [];
  for (const c of answer.chunks) {
    const plan = { index: c.index, startPage: c.startPage, endPage: c.endPage, overlapPages: c.overlapPages };
    const have = existing.get(c.index);
    if (c.sha256 === null && have) {
      ids.push(have.id);
      continue;
    }
    const key = chunkKey(jobId, c.index);
    const row = await db.chunk.upsert({
      where: { jobId_index: { jobId, index: c.index } },
      create: { jobId, ...plan, storageKey: key, sha256: c.sha256, maxAttempts, priority: job.priority },
      update: { ...plan, storageKey: key, sha256: c.sha256 },
    });
    ids.push(row.id);
  }
  return { chunkIds: ids, pageCount };
}
