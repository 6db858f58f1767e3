import { describe, expect, it } from "vitest";
import { planChunks, DEFAULT_CHUNKING, chunkingFromEnv } from "@/lib/pdf/chunking";

function ownPages(plans: ReturnType<typeof planChunks>): number[] {
  return plans.flatMap((p) => Array.from({ length: p.endPage - p.startPage + 1 - p.overlapPages }, (_, i) => p.startPage + p.overlapPages + i));
}

describe("planChunks", () => {
  it("keeps books of up to 30 pages in one chunk", () => {
    expect(planChunks(1)).toEqual([{ index: 0, startPage: 1, endPage: 1, overlapPages: 0 }]);
    expect(planChunks(30)).toEqual([{ index: 0, startPage: 1, endPage: 30, overlapPages: 0 }]);
  });

  it("uses 20-page chunks with one page of overlap from 31 to 100 pages", () => {
    const plans = planChunks(31);
    expect(plans).toEqual([
      { index: 0, startPage: 1, endPage: 20, overlapPages: 0 },
      { index: 1, startPage: 20, endPage: 31, overlapPages: 1 },
    ]);
    expect(planChunks(100)).toHaveLength(5);
  });

  it("uses 30-page chunks over 100 pages", () => {
    const plans = planChunks(101);
    expect(plans).toHaveLength(4);
    expect(plans[1]).toEqual({ index: 1, startPage: 30, endPage: 60, overlapPages: 1 });
    expect(plans.at(-1)).toEqual({ index: 3, startPage: 90, endPage: 101, overlapPages: 1 });
    expect(planChunks(934)).toHaveLength(32);
  });

  it.each([1, 29, 30, 31, 99, 100, 101, 500, 1000])("covers each of %i pages exactly once outside the overlap", (n) => {
    const pages = ownPages(planChunks(n));
    expect(pages).toEqual(Array.from({ length: n }, (_, i) => i + 1));
  });

  it("refuses nonsense page counts", () => {
    expect(planChunks(0)).toEqual([]);
    expect(planChunks(-3)).toEqual([]);
    expect(planChunks(2.5)).toEqual([]);
  });

  it("reads overrides from the environment", () => {
    const rules = chunkingFromEnv({ FOLIO_CHUNK_LARGE_PAGES: "50", FOLIO_CHUNK_OVERLAP_PAGES: "0" });
    expect(rules).toEqual({ ...DEFAULT_CHUNKING, largeChunkPages: 50, overlapPages: 0 });
    expect(planChunks(200, rules).map((p) => [p.startPage, p.endPage])).toEqual([[1, 50], [51, 100], [101, 150], [151, 200]]);
  });
});
