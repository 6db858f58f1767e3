import crypto from "node:crypto";
import { formatPageRanges } from "@/lib/page-ranges";
import { db } from "@/lib/db";
import { log } from "@/lib/log";
import { ServerTiming } from "@/lib/http/server-timing";
import { getStorage } from "@/lib/storage";
import { getProcessor } from "@/lib/processors/registry";
import { readCachedResult, resultCacheKey, writeCachedResult } from "@/lib/processors/cache";
import type { ChunkProcessor, ChunkResult, ProcessorOptions } from "@/lib/processors/types";
import { ChunkError, type ChunkErrorCode } from "@/lib/jobs/chunk-errors";
import { hardAttemptCap } from "@/lib/jobs/attempts";
import { NonRetriableError } from "inngest";
import { getLlmProvider, type RewriteResponse } from "@/lib/processors/llm";
import { countWords } from "@/lib/text/word-limit";
import { replayedSettle, roundComplete, settleProgress, type SettleOutcome } from "@/lib/jobs/settle";
import { acquireProviderSlot } from "@/lib/jobs/provider-slots";
import { CHUNK_STAGE } from "@/lib/jobs/chunk-stage";
import { chunkInPool } from "@/lib/sandbox/parse-pool";
import { IsolatedTaskError } from "@/lib/sandbox/isolated";
import type { ChunkTaskAnswer } from "@/lib/sandbox/parse-tasks";
import { Prisma } from "@/lib/generated/prisma/client";

const HEARTBEAT_MS = Number(process.env.FOLIO_HEARTBEAT_MS ?? 10_000);
const WORKABLE = ["PENDING", "RETRY_SCHEDULED", "PROCESSING"] as const;

/** A chunk row with its job, as the claim read it just after marking it PROCESSING. */
export type ClaimedChunk = Prisma.ChunkGetPayload<{ include: { job: true } }>;
/**
 * A refused claim says whether the chunk's round is complete (`allSettled`): a step replayed
 * after its persist committed (the runner died before it recorded the step) finds its chunk
 * settled, and must still let the round's last settle be known, or the job waits for recovery.
 */
export type Claim = { ok: true; round: number; chunk: ClaimedChunk } | { ok: false; reason: string; allSettled: boolean; round: number };
const ACTIVE_JOB = ["PROCESSING", "SPLITTING"] as const;

/**
 * Marks the chunk PROCESSING (from PENDING, RETRY_SCHEDULED, or a PROCESSING chunk being
 * recovered) while its job is active, and counts one attempt: one conditional write, then one
 * read of the row and its job for the work. A duplicate request for a settled chunk, or a chunk
 * of a job no longer active, is a no-op.
 */
export async function claimChunk(chunkId: string): Promise<Claim> {
  const now = new Date();
  const res = await db.chunk.updateMany({
    where: { id: chunkId, status: { in: [...WORKABLE] }, job: { status: { in: [...ACTIVE_JOB] } } },
    data: { status: "PROCESSING", stage: CHUNK_STAGE.extracting, attempts: { increment: 1 }, heartbeatAt: now, startedAt: now, finishedAt: null },
  });
  const chunk = await db.chunk.findUnique({ where: { id: chunkId }, include: { job: true } });
  if (!chunk) return { ok: false, reason: "chunk not found", allSettled: false, round: 0 };
  if (res.count === 0) {
    const { job } = chunk;
    const jobActive = (ACTIVE_JOB as readonly string[]).includes(job.status);
    const allSettled = (chunk.status === "SUCCEEDED" || chunk.status === "FAILED") && roundComplete(job);
    return { ok: false, reason: jobActive ? `chunk is ${chunk.status}` : `job is ${job.status}`, allSettled, round: job.retryRound };
  }
  return { ok: true, round: chunk.job.retryRound, chunk };
}

/** Refreshes the chunk's heartbeat while `work` runs, so recovery can tell a live chunk from a dead one. */
async function withHeartbeat<T>(chunkId: string, work: () => Promise<T>): Promise<T> {
  const timer = setInterval(() => {
    void db.chunk.updateMany({ where: { id: chunkId, status: "PROCESSING" }, data: { heartbeatAt: new Date() } }).catch(() => undefined);
  }, HEARTBEAT_MS);
  timer.unref();
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

export type ComputeOutcome = {
  cacheKey: string;
  cacheHit: boolean;
  sentences: number;
  warnings: string[];
  ms: number;
  /** True when the LLM stage (rewriteChunk) must still run on this result. */
  rewrite: boolean;
};

export type WorkOutcome = { persisted: true; settle: SettleOutcome } | { persisted: false; computed: ComputeOutcome };

/**
 * One step for a chunk that needs no provider (local jobs): computes and persists it, the result
 * passed on in memory (no second read of the stored result, no second round trip through the
 * Inngest runner). For an LLM job it only computes: rewriteChunk and persistChunk follow.
 * Idempotent like its parts: run again after the persist committed, it settles nothing twice.
 */
export async function computeAndPersistChunk(chunkId: string, claimed?: ClaimedChunk): Promise<WorkOutcome> {
  const { outcome, result, chunk } = await computeChunkResult(claimed ?? (await db.chunk.findUniqueOrThrow({ where: { id: chunkId }, include: { job: true } })));
  if (outcome.rewrite) return { persisted: false, computed: outcome };
  return { persisted: true, settle: await persistResult(chunkId, { jobId: chunk.jobId, index: chunk.index }, outcome, result) };
}

/** claimChunk, then (when the chunk is still to be worked on) computeAndPersistChunk. */
export async function claimAndWorkChunk(chunkId: string): Promise<WorkOutcome | { skipped: string; allSettled: boolean; round: number }> {
  const claim = await claimChunk(chunkId);
  if (!claim.ok) return { skipped: claim.reason, allSettled: claim.allSettled, round: claim.round };
  return computeAndPersistChunk(chunkId, claim.chunk);
}

/**
 * Computes the chunk's sentences, or reuses a stored result for the same chunk bytes, processor
 * and options (unless a forced retry asked to bypass the cache). The claim counted the attempt.
 */
async function computeChunkResult(chunk: ClaimedChunk): Promise<{ outcome: ComputeOutcome; result: ChunkResult; chunk: { jobId: string; index: number } }> {
  const started = Date.now();
  const chunkId = chunk.id;
  if (!chunk.storageKey || !chunk.sha256) throw new ChunkError("INVALID_CHUNK", "the chunk has no stored PDF", false);
  const cap = hardAttemptCap(chunk.maxAttempts, chunk.job.maxRetryRounds);
  if (chunk.status === "PROCESSING" && !chunk.bypassCache && chunk.attempts > cap) {
    throw new ChunkError("PARSER_CRASHED", `this chunk was started ${chunk.attempts - 1} times without finishing (the process working on it stopped each time); it is not tried again`, false);
  }
  const processor = getProcessor("local");
  const usesLlm = chunk.job.processor === "llm";
  const rewrite = usesLlm && chunk.job.sentenceWordLimit !== null;
  const opts: ProcessorOptions = {
    language: chunk.job.language,
    // With an LLM, long sentences are left whole here and rewritten by rewriteChunk.
    sentenceWordLimit: usesLlm ? null : chunk.job.sentenceWordLimit,
    firstPage: chunk.startPage,
    overlapPages: chunk.overlapPages,
  };
  // A chunk is a page range of the stored upload (or, for jobs split before that, a chunk file of its own).
  const inPlace = chunk.storageKey === chunk.job.fileKey;
  const key = resultCacheKey(inPlace ? `${chunk.sha256}#${chunk.startPage}-${chunk.endPage}` : chunk.sha256, processor, opts);
  const source: ChunkSource = inPlace
    ? { storageKey: chunk.storageKey, firstPage: chunk.startPage, lastPage: chunk.endPage, expectSize: Number(chunk.job.fileSize) }
    : { storageKey: chunk.storageKey, firstPage: 1, lastPage: chunk.endPage - chunk.startPage + 1, sha256: chunk.sha256 };
  const { result, cacheHit } = await storedOrComputed({ id: chunkId, bypassCache: chunk.bypassCache }, source, key, processor, opts);
  if (rewrite) await markWaitingForProvider(chunkId);
  return {
    outcome: { cacheKey: key, cacheHit, sentences: result.sentences.length, warnings: result.warnings, ms: Date.now() - started, rewrite },
    result,
    chunk: { jobId: chunk.jobId, index: chunk.index },
  };
}

/** Where a chunk's pages are: a stored file and a page range in it; a legacy chunk file is checked against its sha256. */
type ChunkSource = { storageKey: string; firstPage: number; lastPage: number; expectSize?: number; sha256?: string };

/**
 * The stored result under `key`, or the chunk's pages processed now in a parsing child
 * (lib/sandbox/parse-pool.ts) and stored under `key`. A child that hits its memory or CPU cap
 * fails the chunk for good (PDF_TOO_COMPLEX); one that crashes or hangs fails this attempt
 * (PARSER_CRASHED), and the step's retries make that a poison pill after the last attempt.
 */
async function storedOrComputed(
  chunk: { id: string; bypassCache: boolean },
  source: ChunkSource,
  key: string,
  processor: ChunkProcessor,
  opts: ProcessorOptions,
): Promise<{ result: ChunkResult; cacheHit: boolean }> {
  if (!chunk.bypassCache) {
    const cached = await readCachedResult(key);
    if (cached) return { result: cached, cacheHit: true };
  }
  const file = await getStorage().localFile(source.storageKey);
  if (source.sha256) await checkLegacyChunkFile(source.storageKey, source.sha256);
  let answer: ChunkTaskAnswer;
  try {
    answer = await withHeartbeat(chunk.id, () =>
      chunkInPool({ path: file, firstPage: source.firstPage, lastPage: source.lastPage, expectSize: source.expectSize, opts }),
    );
  } catch (err) {
    if (err instanceof IsolatedTaskError) {
      if (err.reason === "memory" || err.reason === "cpu") throw new ChunkError("PDF_TOO_COMPLEX", `these pages are too complex to process: ${err.message}`, false);
      if (err.reason === "environment") throw new ChunkError("EXTRACTION_FAILED", err.message);
      throw new ChunkError("PARSER_CRASHED", `reading these pages stopped the parser: ${err.message}`);
    }
    throw new ChunkError("EXTRACTION_FAILED", (err as Error).message ?? String(err));
  }
  if (!answer.ok) {
    if (answer.code === "INVALID_CHUNK") throw new ChunkError("INVALID_CHUNK", answer.message, false);
    throw new ChunkError("PDF_UNREADABLE", answer.message, false);
  }
  await writeCachedResult(key, processor.id, answer.result);
  return { result: answer.result, cacheHit: false };
}

async function checkLegacyChunkFile(storageKey: string, sha256: string): Promise<void> {
  let bytes: Uint8Array;
  try {
    bytes = await getStorage().getBytes(storageKey);
  } catch (err) {
    throw new ChunkError("INVALID_CHUNK", `the chunk PDF is missing from storage (${(err as Error).message})`, false);
  }
  if (crypto.createHash("sha256").update(bytes).digest("hex") !== sha256) {
    throw new ChunkError("INVALID_CHUNK", "the stored chunk PDF does not match its recorded sha256", false);
  }
}

/**
 * The chunk waits for a provider slot (rewrite-chunk's concurrency): no heartbeat while it
 * waits, so recovery judges it by its job's progress instead (lib/jobs/recover.ts).
 */
async function markWaitingForProvider(chunkId: string): Promise<void> {
  await db.chunk.updateMany({ where: { id: chunkId, status: "PROCESSING" }, data: { stage: CHUNK_STAGE.waitingProvider, heartbeatAt: new Date() } });
}

/**
 * For jobs on the LLM processor: asks the provider to rewrite only the sentences longer than
 * the word limit, and stores the rewritten result under its own cache key (provider, model and
 * prompt version included), so a retry or resume never pays for the same chunk twice.
 * The provider call waits for a slot of this process (lib/jobs/provider-slots.ts); once it has
 * one, the chunk must still be PROCESSING in a PROCESSING job (a cancel while it waited stops it).
 */
export async function rewriteChunk(chunkId: string, base: ComputeOutcome, stepAttempt = 0): Promise<ComputeOutcome> {
  const timing = new ServerTiming();
  const chunk = await db.chunk.findUniqueOrThrow({ where: { id: chunkId }, include: { job: true } });
  const limit = chunk.job.sentenceWordLimit;
  if (chunk.job.processor !== "llm" || !limit) return { ...base, rewrite: false };
  const provider = getLlmProvider();
  if (!provider) throw new ChunkError("PROVIDER_ERROR", "the job asks for the LLM processor but FOLIO_LLM_PROVIDER is not configured", false);
  const started = Date.now();
  const key = crypto.createHash("sha256").update(JSON.stringify([base.cacheKey, provider.id, provider.model, provider.promptVersion, limit])).digest("hex");
  if (!chunk.bypassCache) {
    const cached = await readCachedResult(key);
    if (cached) return { cacheKey: key, cacheHit: true, sentences: cached.sentences.length, warnings: cached.warnings, ms: base.ms, rewrite: false };
  }
  const result = await readCachedResult(base.cacheKey, { reuse: false });
  timing.mark("load");
  if (!result) throw new ChunkError("INTERNAL_ERROR", "the extracted text vanished from the cache");
  const long = result.sentences.map((s, i) => ({ i, s })).filter(({ s }) => countWords(s.text) > limit);
  let sentences = result.sentences;
  if (long.length > 0) {
    const release = await acquireProviderSlot(chunk.job.userId);
    let answer: RewriteResponse;
    try {
      timing.mark("slot");
      // The first try belongs to the attempt computeChunkResult counted; each retry of this step is another.
      const marked = await db.chunk.updateMany({
        where: { id: chunkId, status: "PROCESSING", job: { status: "PROCESSING" } },
        data: { stage: CHUNK_STAGE.rewriting, heartbeatAt: new Date(), ...(stepAttempt > 0 ? { attempts: { increment: 1 } } : {}) },
      });
      if (marked.count === 0) throw new NonRetriableError("the chunk is no longer being processed (cancelled or settled while it waited for the provider)");
      answer = await withHeartbeat(chunkId, () =>
        provider.rewrite({
          sentences: long.map(({ i, s }) => ({ id: i, text: s.text })),
          limit,
          language: chunk.job.language,
          context: { jobId: chunk.jobId, chunkIndex: chunk.index },
        }),
      );
    } finally {
      release();
    }
    timing.mark("provider");
    const calls = Math.ceil(long.length / Number(process.env.FOLIO_LLM_MAX_SENTENCES_PER_CALL ?? 40));
    await db.job.update({
      where: { id: chunk.jobId },
      data: { providerCalls: { increment: calls }, providerTokens: { increment: answer.usage.inputTokens + answer.usage.outputTokens } },
    });
    const pieces = new Map(answer.rewrites.map((r) => [r.id, r.pieces]));
    sentences = result.sentences.flatMap((s, i) => {
      const p = pieces.get(i);
      return p ? p.map((text) => ({ text, page: s.page, fromSplit: true, ...(s.kind ? { kind: s.kind } : {}) })) : [s];
    });
  }
  await writeCachedResult(key, `llm:${provider.id}:${provider.model}`, { ...result, sentences });
  timing.mark("store");
  log.debug("chunk rewritten", { chunkId, long: long.length, timings: timing.header() });
  return { cacheKey: key, cacheHit: false, sentences: sentences.length, warnings: result.warnings, ms: base.ms + Date.now() - started, rewrite: false };
}

const SENTENCE_BATCH = 500;

/**
 * Inserts a chunk's sentences with multi-row INSERTs. Hundreds of rows per chunk through
 * createMany cost more main-thread CPU (query compilation) than the extraction itself, so
 * this one hot statement is written by hand, portably: `Prisma.sql` binds every value
 * (placeholders as each database wants them), identifiers are quoted as both SQLite and
 * PostgreSQL read them, booleans are bound as booleans; the columns are the Sentence model's.
 */
async function insertSentences(
  tx: Prisma.TransactionClient,
  chunk: { jobId: string; chunkId: string; chunkIndex: number },
  sentences: { text: string; page: number; fromSplit: boolean; kind?: "note" }[],
): Promise<void> {
  for (let start = 0; start < sentences.length; start += SENTENCE_BATCH) {
    const rows = sentences
      .slice(start, start + SENTENCE_BATCH)
      .map((s, i) => Prisma.sql`(${crypto.randomUUID()}, ${chunk.jobId}, ${chunk.chunkId}, ${chunk.chunkIndex}, ${start + i}, ${false}, ${s.text}, ${s.page}, ${s.fromSplit}, ${s.kind ?? "body"})`);
    await tx.$executeRaw`INSERT INTO "Sentence" ("id", "jobId", "chunkId", "chunkIndex", "chunkOrder", "dropped", "text", "page", "fromSplit", "kind") VALUES ${Prisma.join(rows)}`;
  }
}

/** Stores the computed sentences as rows of this chunk and settles it SUCCEEDED (idempotent). */
export async function persistChunk(chunkId: string, outcome: ComputeOutcome): Promise<SettleOutcome> {
  const cached = await readCachedResult(outcome.cacheKey, { reuse: false });
  if (!cached) throw new ChunkError("INTERNAL_ERROR", "the computed result vanished from the cache");
  const chunk = await db.chunk.findUniqueOrThrow({ where: { id: chunkId }, select: { jobId: true, index: true } });
  return persistResult(chunkId, chunk, outcome, cached);
}

async function persistResult(chunkId: string, chunk: { jobId: string; index: number }, outcome: ComputeOutcome, result: ChunkResult): Promise<SettleOutcome> {
  const rows = result.sentences;
  return db.$transaction(async (tx) => {
    const now = new Date();
    const moved = await tx.chunk.updateMany({
      where: { id: chunkId, status: "PROCESSING" },
      data: {
        status: "SUCCEEDED",
        finishedAt: now,
        durationMs: outcome.ms,
        resultKey: outcome.cacheKey,
        cacheHit: outcome.cacheHit,
        bypassCache: false,
        sentenceCount: rows.length,
        ocrPages: formatPageRanges(result.pages.filter((p) => p.ocr).map((p) => p.page)),
        blankPages: formatPageRanges(result.pages.filter((p) => p.noTextLayer).map((p) => p.page)),
        lastError: outcome.warnings.length ? outcome.warnings.join("; ").slice(0, 2000) : null,
        errorCode: null,
        heartbeatAt: null,
        stage: null,
      },
    });
    if (moved.count === 0) return replayedSettle(tx, chunk.jobId);
    await tx.sentence.deleteMany({ where: { chunkId } });
    await insertSentences(tx, { jobId: chunk.jobId, chunkId, chunkIndex: chunk.index }, rows);
    return settleProgress(tx, chunk.jobId, "succeededChunks");
  });
}

/** Settles the chunk FAILED with its error code (idempotent). */
export async function failChunk(chunkId: string, code: ChunkErrorCode, message: string): Promise<SettleOutcome> {
  return db.$transaction(async (tx) => {
    const chunk = await tx.chunk.findUniqueOrThrow({ where: { id: chunkId }, select: { jobId: true } });
    const moved = await tx.chunk.updateMany({
      where: { id: chunkId, status: "PROCESSING" },
      data: { status: "FAILED", errorCode: code, lastError: message, finishedAt: new Date(), heartbeatAt: null, stage: null, bypassCache: false },
    });
    if (moved.count === 0) return replayedSettle(tx, chunk.jobId);
    return settleProgress(tx, chunk.jobId, "failedChunks");
  });
}
