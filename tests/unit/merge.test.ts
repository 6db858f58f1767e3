import { describe, expect, it } from "vitest";
import { mergeChunks, type MergeChunk } from "@/lib/jobs/merge";

let n = 0;
const s = (text: string, page: number) => ({ id: `s${n++}:${text}`, text, page });
const texts = (ids: string[]) => ids.map((id) => id.slice(id.indexOf(":") + 1));

// Book: page 14 "A. B starts" | page 15 "B ends. C. D starts" | page 16 "D ends. E."
// Chunk 0 reads pages 1-15, chunk 1 reads 15-30 (overlap page 15).
const chunk0 = (): MergeChunk => ({
  index: 0,
  startPage: 1,
  endPage: 15,
  overlapPages: 0,
  sentences: [s("A.", 14), s("B starts B ends.", 14), s("C.", 15), s("D starts", 15)],
});
const chunk1 = (): MergeChunk => ({
  index: 1,
  startPage: 15,
  endPage: 30,
  overlapPages: 1,
  sentences: [s("B ends.", 15), s("C.", 15), s("D starts D ends.", 15), s("E.", 16)],
});

describe("mergeChunks", () => {
  it("keeps each sentence once across the overlap page, whole", () => {
    expect(texts(mergeChunks([chunk1(), chunk0()]))).toEqual(["A.", "B starts B ends.", "C.", "D starts D ends.", "E."]);
  });

  it("keeps real repeated sentences away from the boundary", () => {
    const a = chunk0();
    a.sentences.unshift(s("Oui.", 3), s("Oui.", 3));
    const b = chunk1();
    b.sentences.push(s("Oui.", 20), s("C.", 21));
    expect(texts(mergeChunks([a, b]))).toEqual(["Oui.", "Oui.", "A.", "B starts B ends.", "C.", "D starts D ends.", "E.", "Oui.", "C."]);
  });

  it("drops a tail fragment that the word limit split into pieces", () => {
    const a: MergeChunk = { ...chunk0(), sentences: [s("Il marchait longtemps,", 14), s("au milieu de la ville.", 14), s("Puis.", 15)] };
    const b: MergeChunk = { ...chunk1(), sentences: [s("au milieu", 15), s("de la ville.", 15), s("Puis.", 15), s("Fin.", 16)] };
    expect(texts(mergeChunks([a, b]))).toEqual(["Il marchait longtemps,", "au milieu de la ville.", "Puis.", "Fin."]);
  });

  it("keeps everything a chunk read when its neighbour failed", () => {
    // Chunk 1 failed: chunk 0 keeps its cut sentence; chunk 2 keeps its overlap page.
    const a = chunk0();
    const c: MergeChunk = { index: 2, startPage: 30, endPage: 45, overlapPages: 1, sentences: [s("tail of 29.", 30), s("F.", 31)] };
    expect(texts(mergeChunks([a, c]))).toEqual(["A.", "B starts B ends.", "C.", "D starts", "tail of 29.", "F."]);
  });

  it("needs no de-duplication without overlap", () => {
    const a: MergeChunk = { index: 0, startPage: 1, endPage: 10, overlapPages: 0, sentences: [s("X.", 10)] };
    const b: MergeChunk = { index: 1, startPage: 11, endPage: 20, overlapPages: 0, sentences: [s("X.", 11)] };
    expect(texts(mergeChunks([a, b]))).toEqual(["X.", "X."]);
  });
});
