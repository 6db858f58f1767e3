/** Sets of book pages written compactly ("3-5,9"), as the Chunk and Job rows store them. */

/** "1-3,7" for [3, 1, 2, 7] (sorted, duplicates dropped); null for no page. */
export function formatPageRanges(pages: Iterable<number>): string | null {
  const sorted = [...new Set(pages)].filter((p) => Number.isInteger(p) && p > 0).sort((a, b) => a - b);
  if (!sorted.length) return null;
  const parts: string[] = [];
  let start = sorted[0];
  let prev = start;
  for (const p of [...sorted.slice(1), Infinity]) {
    if (p === prev + 1) {
      prev = p;
      continue;
    }
    parts.push(start === prev ? String(start) : `${start}-${prev}`);
    start = prev = p;
  }
  return parts.join(",");
}

/** The pages of "1-3,7" ([1, 2, 3, 7]); malformed parts are skipped, ranges capped at 100,000 pages. */
export function parsePageRanges(s: string | null | undefined): number[] {
  const out: number[] = [];
  for (const part of (s ?? "").split(",")) {
    const m = /^\s*(\d+)(?:\s*-\s*(\d+))?\s*$/.exec(part);
    if (!m) continue;
    const a = Number(m[1]);
    const b = m[2] ? Number(m[2]) : a;
    for (let p = a; p <= b && p - a < 100_000; p++) out.push(p);
  }
  return out;
}
