import crypto from "node:crypto";
import { db } from "@/lib/db";
import type { ChunkProcessor, ChunkResult, ProcessorOptions } from "@/lib/processors/types";

/** Key of a computed result: chunk content, processor and version, and every option that matters. */
export function resultCacheKey(chunkSha256: string, processor: ChunkProcessor, opts: ProcessorOptions): string {
  const material = JSON.stringify({
    chunk: chunkSha256,
    processor: processor.id,
    version: processor.version,
    language: opts.language,
    limit: opts.sentenceWordLimit,
    firstPage: opts.firstPage,
    overlap: opts.overlapPages,
  });
  return crypto.createHash("sha256").update(material).digest("hex");
}

/**
 * A stored result, or null. `reuse` (default) counts a hit (a retry, resume or re-upload that
 * did not redo the work); the pipeline's own read-back of a result it just stored passes false
 * and costs no write.
 */
export async function readCachedResult(key: string, opts: { reuse?: boolean } = {}): Promise<ChunkResult | null> {
  const row = await db.resultCache.findUnique({ where: { key } });
  if (!row) return null;
  if (opts.reuse !== false) await db.resultCache.update({ where: { key }, data: { hits: { increment: 1 }, lastUsedAt: new Date() } });
  return JSON.parse(row.result) as ChunkResult;
}

export async function writeCachedResult(key: string, processorId: string, result: ChunkResult): Promise<void> {
  const json = JSON.stringify(result);
  await db.resultCache.upsert({ where: { key }, create: { key, processor: processorId, result: json }, update: { result: json } });
}
