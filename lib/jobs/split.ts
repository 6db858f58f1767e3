import { db } from "@/lib/db";
import { getStorage } from "@/lib/storage";
import { chunkingFromEnv } from "@/lib/pdf/chunking";
import { planInPool } from "@/lib/sandbox/parse-pool";
import { IsolatedTaskError } from "@/lib/sandbox/isolated";
import type { PlanAnswer } from "@/lib/pdf/plan";
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

/**
 * Plans a job's chunks and upserts one Chunk row per (jobId, index). A chunk is a page range of
 * the stored upload (its storageKey is the upload's, its sha256 the upload's): the extraction
 * reads those pages in place, so no chunk file is written and the first chunk can start as soon
 * as the rows exist. The parsing (counting the real pages, the decoded-size budget) runs in a
 * capped parsing child (lib/sandbox/parse-pool.ts): a file that exhausts its memory, CPU or time
 * fails the job with PDF_TOO_COMPLEX, and nothing else is hurt.
 * Idempotent: the same ids after a crash, no duplicates.
 * The pages found here are the ones the pipeline processes: when they are more than the upload
 * reserved for (its cheap count can be lied to), the difference is reserved before any chunk
 * row is written, or InsufficientCreditsError is thrown. A job no longer active (cancelled) is
 * left alone: no reservation, no chunks.
 */
export async function splitJob(jobId: string): Promise<{ chunkIds: string[]; pageCount: number }> {
  const job = await db.job.findUniqueOrThrow({ where: { id: jobId } });
  const storage = getStorage();
  const cfg = getConfig();
  let answer: PlanAnswer;
  try {
    answer = await planInPool({
      source: await storage.localFile(job.fileKey),
      rules: chunkingFromEnv(),
      maxPages: cfg.maxPages,
      maxStreamBytes: cfg.maxStreamDecodedMb * 1048576,
      maxDecodedBytes: cfg.maxDecodedMb * 1048576,
    });
  } catch (err) {
    // A limit hit or a crash on this file is the file's doing: the same bytes would do it again,
    // so the job fails at once with a code (no retry loop, nothing charged). Only a child that
    // could not start or failed on its surroundings is retried.
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
  // One transaction: one commit for all the rows (on SQLite, one sync instead of one per chunk).
  const ids = await db.$transaction(async (tx) => {
    const out: string[] = [];
    for (const c of answer.chunks) {
      const plan = { index: c.index, startPage: c.startPage, endPage: c.endPage, overlapPages: c.overlapPages, storageKey: job.fileKey, sha256: job.fileSha256 };
      const row = await tx.chunk.upsert({
        where: { jobId_index: { jobId, index: c.index } },
        create: { jobId, ...plan, maxAttempts, priority: job.priority },
        update: plan,
        select: { id: true },
      });
      out.push(row.id);
    }
    return out;
  });
  return { chunkIds: ids, pageCount };
}
