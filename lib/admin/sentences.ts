import { z } from "zod";
import { db } from "@/lib/db";
import type { ResultSentence } from "@/lib/jobs/result";
import { searchNormalize } from "./normalize";

/** Query parameters of GET /api/jobs/:id/sentences. */
export const sentencesQuerySchema = z
  .object({
    q: z.string().max(200, "q must be at most 200 characters").optional().default(""),
    offset: z.coerce.number().int().min(0).default(0),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();
export type SentencesQuery = z.output<typeof sentencesQuerySchema>;

type Row = { text: string; page: number; chunkIndex: number; fromSplit: boolean; kind: string };
type Indexed = { rows: Row[]; normalized: string[] };

/** A few recently searched books stay in memory (keyed by job id + last update), so paging through matches is cheap. */
const cache = new Map<string, { version: string; data: Indexed }>();
const CACHE_SIZE = 4;

async function loadIndexed(jobId: string, version: string): Promise<Indexed> {
  const hit = cache.get(jobId);
  if (hit && hit.version === version) {
    cache.delete(jobId);
    cache.set(jobId, hit);
    return hit.data;
  }
  const rows = await db.sentence.findMany({
    where: { jobId, dropped: false },
    orderBy: [{ chunkIndex: "asc" }, { chunkOrder: "asc" }],
    select: { text: true, page: true, chunkIndex: true, fromSplit: true, kind: true },
  });
  const data = { rows, normalized: rows.map((r) => searchNormalize(r.text)) };
  cache.set(jobId, { version, data });
  while (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  return data;
}

export type SentencePage = { total: number; matched: number; offset: number; limit: number; sentences: ResultSentence[] };

/**
 * One page of a job's kept sentences in book order; `index` is the sentence's position in the
 * whole book even when a search filters the list. `version` (the job's updatedAt) keys the cache.
 */
export async function pageOfSentences(jobId: string, version: string, query: SentencesQuery): Promise<SentencePage> {
  const { offset, limit } = query;
  const needle = searchNormalize(query.q.trim());
  if (!needle) {
    const where = { jobId, dropped: false };
    const [total, rows] = await Promise.all([
      db.sentence.count({ where }),
      db.sentence.findMany({
        where,
        orderBy: [{ chunkIndex: "asc" }, { chunkOrder: "asc" }],
        select: { text: true, page: true, chunkIndex: true, fromSplit: true, kind: true },
        skip: offset,
        take: limit,
      }),
    ]);
    return { total, matched: total, offset, limit, sentences: rows.map((r, i) => ({ index: offset + i, ...r })) };
  }
  const { rows, normalized } = await loadIndexed(jobId, version);
  const hits: number[] = [];
  for (let i = 0; i < normalized.length; i++) if (normalized[i].includes(needle)) hits.push(i);
  const sentences = hits.slice(offset, offset + limit).map((i) => ({ index: i, ...rows[i] }));
  return { total: rows.length, matched: hits.length, offset, limit, sentences };
}
