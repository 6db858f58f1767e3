import type { ChunkStatus } from "@/lib/generated/prisma/client";

export type ChunkSummaryKey = "pending" | "processing" | "succeeded" | "failed" | "retryScheduled" | "cancelled";
/** Chunks per status, and in all. */
export type ChunkSummary = Record<ChunkSummaryKey | "total", number>;

export const CHUNK_SUMMARY_KEY: Record<ChunkStatus, ChunkSummaryKey> = {
  PENDING: "pending",
  PROCESSING: "processing",
  SUCCEEDED: "succeeded",
  FAILED: "failed",
  RETRY_SCHEDULED: "retryScheduled",
  CANCELLED: "cancelled",
};

/** Counts rows per status; `weight` gives a row's count (a groupBy's `_count`), 1 by default. */
export function summarizeChunks<R extends { status: ChunkStatus }>(rows: readonly R[], weight: (r: R) => number = () => 1): ChunkSummary {
  const s: ChunkSummary = { pending: 0, processing: 0, succeeded: 0, failed: 0, retryScheduled: 0, cancelled: 0, total: 0 };
  for (const r of rows) {
    const n = weight(r);
    s[CHUNK_SUMMARY_KEY[r.status]] += n;
    s.total += n;
  }
  return s;
}
