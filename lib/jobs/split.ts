import crypto from "node:crypto";
import { db } from "@/lib/db";
import { getStorage } from "@/lib/storage";
import { chunkingFromEnv, planChunks } from "@/lib/pdf/chunking";
import { extractChunkPdf, loadPdf } from "@/lib/pdf/split";
import { getConfig } from "@/lib/config";
import { reserveUpTo } from "@/lib/credits";

export class InvalidPdfError extends Error {
  readonly code = "INVALID_PDF";
}

export function chunkKey(jobId: string, index: number): string {
  return `chunks/${jobId}/${String(index).padStart(5, "0")}.pdf`;
}

/**
 * Splits a job's PDF into chunk PDFs and upserts one Chunk row per (jobId, index).
 * Idempotent: after a crash it reuses chunks already written (same ids, no duplicates).
 * The pages found here are the ones the pipeline processes: when they are more than the upload
 * reserved for (its cheap count can be lied to), the difference is reserved before any chunk
 * is written, or InsufficientCreditsError is thrown. A job no longer active (cancelled) is
 * left alone: no reservation, no chunks.
 */
export async function splitJob(jobId: string): Promise<{ chunkIds: string[]; pageCount: number }> {
  const job = await db.job.findUniqueOrThrow({ where: { id: jobId } });
  const storage = getStorage();
  let source;
  let pageCount: number;
  try {
    source = await loadPdf(await storage.getBytes(job.fileKey));
    pageCount = source.getPageCount();
  } catch (err) {
    throw new InvalidPdfError(`pdf-lib could not read the PDF: ${(err as Error).message}`);
  }
  if (pageCount < 1) throw new InvalidPdfError("The PDF has no pages.");
  const { active } = await reserveUpTo(jobId, pageCount);
  if (!active) return { chunkIds: [], pageCount };
  const plans = planChunks(pageCount, chunkingFromEnv());
  await db.job.update({
    where: { id: jobId },
    data: { pageCount, totalChunks: plans.length, currentStep: `Splitting ${pageCount} pages` },
  });
  const existing = new Map((await db.chunk.findMany({ where: { jobId } })).map((c) => [c.index, c]));
  const maxAttempts = getConfig().chunkMaxAttempts;
  const ids: string[] = [];
  for (const plan of plans) {
    const key = chunkKey(jobId, plan.index);
    const have = existing.get(plan.index);
    if (have?.sha256 && have.storageKey === key && (await storage.exists(key))) {
      ids.push(have.id);
      continue;
    }
    const bytes = await extractChunkPdf(source, plan);
    const sha256 = crypto.createHash("sha256").update(bytes).digest("hex");
    await storage.put(key, bytes);
    const row = await db.chunk.upsert({
      where: { jobId_index: { jobId, index: plan.index } },
      create: { jobId, ...plan, storageKey: key, sha256, maxAttempts, priority: job.priority },
      update: { startPage: plan.startPage, endPage: plan.endPage, overlapPages: plan.overlapPages, storageKey: key, sha256 },
    });
    ids.push(row.id);
  }
  return { chunkIds: ids, pageCount };
}
