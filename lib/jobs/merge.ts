/**
 * Merging chunk results into the book's sentence list (pure, unit-tested).
 *
 * Chunk k > 0 re-reads `overlapPages` pages that chunk k-1 also read as its last pages, so a
 * sentence crossing the boundary is seen whole by one of them:
 * - a sentence starting before the overlap page is whole in chunk k-1; chunk k only sees its
 *   tail at the top of the overlap page;
 * - a sentence starting on the overlap page is whole in chunk k; chunk k-1 may see it cut.
 * So when both neighbours succeeded, chunk k-1 contributes the sentences that start before the
 * overlap page, and chunk k those starting on the overlap page or later, minus its leading
 * sentences that are just the tail of what chunk k-1 already contributed. When a neighbour is
 * missing (failed), the other keeps everything it read. Only the overlap boundary is ever
 * compared, so real repeated sentences elsewhere in the book stay.
 */
export type MergeSentence = { id: string; text: string; page: number };
export type MergeChunk = { index: number; startPage: number; endPage: number; overlapPages: number; sentences: MergeSentence[] };

const norm = (s: string) => s.normalize("NFC").replace(/\s+/g, " ").trim().toLowerCase();

function overlapsPrevious(chunk: MergeChunk, prev: MergeChunk | undefined): prev is MergeChunk {
  return prev !== undefined && prev.index === chunk.index - 1 && chunk.overlapPages > 0;
}

/** How many leading sentences of `chunk` (on its overlap pages) only repeat the end of `kept`. */
function leadingTailRepeats(chunk: MergeChunk, kept: MergeSentence[]): number {
  const ownStart = chunk.startPage + chunk.overlapPages;
  const tail = kept.slice(-6).map((s) => norm(s.text)).join(" ");
  let drop = 0;
  let joined = "";
  for (let i = 0; i < chunk.sentences.length && chunk.sentences[i].page < ownStart; i++) {
    joined = joined ? `${joined} ${norm(chunk.sentences[i].text)}` : norm(chunk.sentences[i].text);
    if (joined && tail.endsWith(joined)) drop = i + 1;
  }
  return drop;
}

/** Returns the ids of the sentences to keep, in book order. */
export function mergeChunks(chunks: MergeChunk[]): string[] {
  const sorted = [...chunks].sort((a, b) => a.index - b.index);
  const out: MergeSentence[] = [];
  sorted.forEach((chunk, i) => {
    const prev = sorted[i - 1];
    const next = sorted[i + 1];
    let sentences = chunk.sentences;
    if (overlapsPrevious(chunk, prev)) sentences = sentences.slice(leadingTailRepeats(chunk, out));
    if (next && overlapsPrevious(next, chunk)) sentences = sentences.filter((s) => s.page < next.startPage);
    out.push(...sentences);
  });
  return out.map((s) => s.id);
}
