import { formatPageRanges, parsePageRanges } from "@/lib/page-ranges";
import { db } from "@/lib/db";
import { mergeChunks, type MergeChunk } from "@/lib/jobs/merge";
import { pipelineConfig } from "@/lib/jobs/pipeline-config";
import { FINAL_CHUNK_ERRORS } from "@/lib/jobs/chunk-errors";
import { settleCredits } from "@/lib/credits";
import type { JobStatus } from "@/lib/generated/prisma/client";

export type FinalizeOutcome =
  | { action: "noop"; reason: string }
  | { action: "retry"; round: number; chunkIds: string[]; userId: string; priority: number }
  | { action: "done"; status: JobStatus; sentences: number; charged: number };

const ownPages = (c: { startPage: number; endPage: number; overlapPages: number }) => c.endPage - c.startPage + 1 - c.overlapPages;

/** The book pages listed in the chunks' `field` that are the chunk's own (not its overlap with the previous chunk). */
function ownPagesIn(chunks: Array<{ startPage: number; overlapPages: number; ocrPages: string | null; blankPages: string | null }>, field: "ocrPages" | "blankPages"): number[] {
  const pages = new Set<number>();
  for (const c of chunks) for (const p of parsePageRanges(c[field])) if (p >= c.startPage + c.overlapPages) pages.add(p);
  return [...pages].sort((a, b) => a - b);
}

/**
 * Runs when every chunk of a round has settled. Either schedules an automatic retry round for
 * the failed chunks (up to job.maxRetryRounds), or merges the sentences in page order, drops
 * the overlap duplicates, settles credits (settleCredits: charge succeeded pages, never more
 * than was reserved, release the rest) and sets COMPLETED, PARTIAL_SUCCESS or FAILED.
 * Idempotent: a second call finds nothing to do.
 */
export async function finalizeJob(jobId: string): Promise<FinalizeOutcome> {
  const job = await db.job.findUnique({ where: { id: jobId } });
  if (!job) return { action: "noop", reason: "job not found" };
  // FINALIZING too: a finalize that crashed half-way is resumed by recovery.
  if (job.status !== "PROCESSING" && job.status !== "FINALIZING") return { action: "noop", reason: `job is ${job.status}` };
  const settled = job.succeededChunks + job.failedChunks + job.cancelledChunks;
  if (settled < job.totalChunks) return { action: "noop", reason: `${job.totalChunks - settled} chunks still running` };

  // A chunk that failed for good (its pages are too complex, unreadable, or crashed the parser on
  // every attempt) gets no automatic round: the same bytes would do it again.
  const retriable = { jobId, status: "FAILED" as const, OR: [{ errorCode: null }, { errorCode: { notIn: [...FINAL_CHUNK_ERRORS] } }] };
  const toRetry = job.status === "PROCESSING" && job.failedChunks > 0 && job.retryRound < job.maxRetryRounds ? await db.chunk.count({ where: retriable }) : 0;
  if (toRetry > 0) {
    return db.$transaction(async (tx): Promise<FinalizeOutcome> => {
      // Conditional on the round we read: a racing finalizer of the same round gets a no-op.
      const round = job.retryRound + 1;
      const bumped = await tx.job.updateMany({ where: { id: jobId, status: "PROCESSING", retryRound: job.retryRound }, data: { retryRound: round } });
      if (bumped.count === 0) return { action: "noop", reason: "this round was already handled" };
      const failed = await tx.chunk.findMany({ where: retriable, select: { id: true } });
      const ids = failed.map((c) => c.id);
      await tx.chunk.updateMany({ where: { id: { in: ids }, status: "FAILED" }, data: { status: "RETRY_SCHEDULED" } });
      await tx.job.update({
        where: { id: jobId },
        data: {
          failedChunks: { decrement: ids.length },
          currentStep: `Retrying ${ids.length} failed chunk${ids.length === 1 ? "" : "s"} (round ${round} of ${job.maxRetryRounds})`,
        },
      });
      return { action: "retry", round, chunkIds: ids, userId: job.userId, priority: job.priority };
    });
  }

  // Merge: read the kept text in page order (chunk index, then order inside the chunk).
  // Exactly one finalizer claims the job: from PROCESSING, or from a FINALIZING that stopped
  // moving (its finalizer died; recovery re-sent job.settled).
  const staleBefore = new Date(Date.now() - pipelineConfig().staleAfterMs);
  const claimed = await db.job.updateMany({
    where: { id: jobId, OR: [{ status: "PROCESSING" }, { status: "FINALIZING", updatedAt: { lt: staleBefore } }] },
    data: { status: "FINALIZING", stage: "finalizing", currentStep: "Finalizing" },
  });
  if (claimed.count === 0) return { action: "noop", reason: "another finalize is running or won" };
  const chunks = await db.chunk.findMany({
    where: { jobId },
    orderBy: { index: "asc" },
    select: { id: true, index: true, status: true, startPage: true, endPage: true, overlapPages: true, errorCode: true, lastError: true, ocrPages: true, blankPages: true },
  });
  const succeeded = chunks.filter((c) => c.status === "SUCCEEDED");
  const sentences = await db.sentence.findMany({
    where: { jobId, chunkId: { in: succeeded.map((c) => c.id) } },
    orderBy: [{ chunkIndex: "asc" }, { chunkOrder: "asc" }],
    select: { id: true, chunkId: true, text: true, page: true },
  });
  const byChunk = new Map<string, MergeChunk>(succeeded.map((c) => [c.id, { ...c, sentences: [] }]));
  for (const s of sentences) byChunk.get(s.chunkId)?.sentences.push(s);
  const keep = new Set(mergeChunks([...byChunk.values()]));
  const dropped = sentences.filter((s) => !keep.has(s.id)).map((s) => s.id);

  const failed = chunks.filter((c) => c.status === "FAILED");
  const kept = sentences.length - dropped.length;
  // Nothing read at all (a scan without a text layer, blank pages): the reader gets nothing, so
  // the job fails with a code and nothing is charged, rather than "completing" empty.
  const empty = kept === 0 && succeeded.length > 0;
  const status: JobStatus = empty ? "FAILED" : failed.length === 0 ? "COMPLETED" : succeeded.length > 0 ? "PARTIAL_SUCCESS" : "FAILED";
  // Pages read by OCR, and pages with no text even after OCR: those are not charged.
  const ocrPages = ownPagesIn(succeeded, "ocrPages");
  const pagesWithoutText = ownPagesIn(succeeded, "blankPages");
  const charge = empty ? 0 : Math.max(0, succeeded.reduce((n, c) => n + ownPages(c), 0) - pagesWithoutText.length);
  const errorSummary = empty ? noTextSummary(succeeded, failed) : failed.length ? summarizeFailures(failed) : null;

  const charged = await db.$transaction(async (tx) => {
    // The status first, conditional on our claim: it locks the job's row, and a job cancelled
    // meanwhile (cancelJob already settled it) is left CANCELLED instead of overwritten.
    const ended = await tx.job.updateMany({
      where: { id: jobId, status: "FINALIZING" },
      data: {
        status,
        stage: status.toLowerCase(),
        currentStep: status === "COMPLETED" ? "Done" : status === "PARTIAL_SUCCESS" ? `Done with ${failed.length} failed chunk${failed.length === 1 ? "" : "s"}` : "Failed",
        progressPercent: 100,
        sentenceCount: kept,
        errorSummary,
        ocrPages: formatPageRanges(ocrPages),
        pagesWithoutText: formatPageRanges(pagesWithoutText),
        finishedAt: new Date(),
      },
    });
    if (ended.count === 0) return null;
    await tx.sentence.updateMany({ where: { jobId, dropped: true }, data: { dropped: false } });
    for (let i = 0; i < dropped.length; i += 500) {
      await tx.sentence.updateMany({ where: { id: { in: dropped.slice(i, i + 500) } }, data: { dropped: true } });
    }
    return (await settleCredits(tx, jobId, charge)).charged;
  });
  if (charged === null) return { action: "noop", reason: "the job left FINALIZING (cancelled) before it was settled" };
  return { action: "done", status, sentences: kept, charged };
}

/** Why a job whose chunks all ran gave no sentence: no text layer anywhere (a scan), or no text. */
function noTextSummary(succeeded: { lastError: string | null }[], failed: Parameters<typeof summarizeFailures>[0]): string {
  const scan = succeeded.every((c) => /NO_TEXT_LAYER: no page of this chunk/.test(c.lastError ?? ""));
  const cipher = succeeded.every((c) => /UNREADABLE_TEXT: no page of this chunk/.test(c.lastError ?? ""));
  // Every page failed to parse (damaged, or absurd: a page of millions of text items).
  const damaged = succeeded.map((c) => /PAGE_UNREADABLE: page \d+ could not be read: ([^;]*)/.exec(c.lastError ?? "")?.[1]);
  const broken = damaged.every((d) => d !== undefined) && damaged[0] !== undefined;
  const why = broken
    ? `${/text items/.test(damaged[0]!) ? "PDF_TOO_COMPLEX" : "PDF_UNREADABLE"}: no page of this PDF could be read (${damaged[0]!.slice(0, 200)}). Nothing was charged.`
    : cipher
    ? "UNREADABLE_TEXT: the text of this PDF is not readable: its fonts have no usable Unicode map (their codes are not letters), and OCR could not read the pages either. Nothing was charged."
    : scan
    ? "NO_TEXT_LAYER: no page of this PDF has text: it has no text layer (a scan?), and OCR found no print in its images. Nothing was charged."
    : "NO_TEXT: no sentence could be read from this PDF (its pages hold no body text). Nothing was charged.";
  return failed.length ? `${why}\n${summarizeFailures(failed)}` : why;
}

function summarizeFailures(failed: { index: number; startPage: number; endPage: number; errorCode: string | null; lastError: string | null }[]): string {
  const byCode = new Map<string, typeof failed>();
  for (const c of failed) byCode.set(c.errorCode ?? "UNKNOWN", [...(byCode.get(c.errorCode ?? "UNKNOWN") ?? []), c]);
  return [...byCode]
    .map(([code, list]) => `${code}: ${list.length} chunk${list.length === 1 ? "" : "s"} (pages ${list.map((c) => `${c.startPage}-${c.endPage}`).join(", ")}): ${list[0].lastError ?? ""}`.slice(0, 500))
    .join("\n");
}
