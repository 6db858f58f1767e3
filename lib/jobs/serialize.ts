import type { Chunk, Job } from "@/lib/generated/prisma/client";

export const TERMINAL_JOB_STATUSES = ["COMPLETED", "PARTIAL_SUCCESS", "FAILED", "CANCELLED"] as const;

export type JobDTO = ReturnType<typeof serializeJob>;
export type ChunkDTO = ReturnType<typeof serializeChunk>;

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

export function serializeJob(j: Job) {
  return {
    id: j.id,
    userId: j.userId,
    status: j.status,
    fileName: j.fileName,
    fileSize: Number(j.fileSize),
    fileSha256: j.fileSha256,
    pageCount: j.pageCount,
    sentenceWordLimit: j.sentenceWordLimit,
    language: j.language,
    processor: j.processor,
    priority: j.priority,
    stage: j.stage,
    progressPercent: j.progressPercent,
    currentStep: j.currentStep,
    totalChunks: j.totalChunks,
    succeededChunks: j.succeededChunks,
    failedChunks: j.failedChunks,
    cancelledChunks: j.cancelledChunks,
    retryRound: j.retryRound,
    maxRetryRounds: j.maxRetryRounds,
    errorSummary: j.errorSummary,
    sentenceCount: j.sentenceCount,
    providerCalls: j.providerCalls,
    providerTokens: j.providerTokens,
    creditsReserved: j.creditsReserved,
    creditsCharged: j.creditsCharged,
    terminal: (TERMINAL_JOB_STATUSES as readonly string[]).includes(j.status),
    createdAt: j.createdAt.toISOString(),
    updatedAt: j.updatedAt.toISOString(),
    startedAt: iso(j.startedAt),
    finishedAt: iso(j.finishedAt),
    // Set once the retention period removed the job's stored PDFs (its sentences stay).
    filesDeletedAt: iso(j.filesDeletedAt),
    // Book pages read by OCR (no text layer) and pages with no text at all (not charged): "3-5,9".
    ocrPages: j.ocrPages,
    pagesWithoutText: j.pagesWithoutText,
  };
}

export function serializeChunk(c: Chunk) {
  return {
    id: c.id,
    index: c.index,
    status: c.status,
    stage: c.stage,
    startPage: c.startPage,
    endPage: c.endPage,
    overlapPages: c.overlapPages,
    attempts: c.attempts,
    maxAttempts: c.maxAttempts,
    errorCode: c.errorCode,
    lastError: c.lastError,
    sentenceCount: c.sentenceCount,
    heartbeatAt: iso(c.heartbeatAt),
    startedAt: iso(c.startedAt),
    finishedAt: iso(c.finishedAt),
    durationMs: c.durationMs,
    ocrPages: c.ocrPages,
    blankPages: c.blankPages,
  };
}
