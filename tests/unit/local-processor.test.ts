import { PDFDocument } from "pdf-lib";
import { describe, expect, it } from "vitest";
import { findPdftotext } from "@/lib/pdf/extract";
import { createLocalProcessor, localProcessor } from "@/lib/processors/local";
import type { ChunkResult, OutputSentence, ProcessorOptions } from "@/lib/processors/types";
import { countWords, wordsOf } from "@/lib/text/word-limit";
import { makeNovel, type NovelSentence } from "@/tests/fixtures/pdfs";
import { LAYOUT_NAMES, makeLayout } from "@/tests/fixtures/layouts";
import { scoreSentences } from "@/scripts/lib/quality/score";
import { FR_PAGES, handSetPdf, type PageSpec } from "@/tests/fixtures/hand-set";

const NB = "\u00a0";
const opts = (o: Partial<ProcessorOptions> = {}): ProcessorOptions => ({ language: "fr", sentenceWordLimit: null, firstPage: 1, overlapPages: 0, ...o });

/**
 * Aligns the known sentences with the output in order (the generator repeats sentences, so a
 * plain set would not do). Returns how many were recovered exactly and how many of those were
 * attributed to the wrong page.
 */
function align(known: NovelSentence[], got: OutputSentence[], firstPage = 1) {
  let cursor = 0;
  let matched = 0;
  let wrongPage = 0;
  const missing: string[] = [];
  for (const k of known) {
    let j = cursor;
    while (j < got.length && j < cursor + 25 && got[j].text !== k.text) j++;
    if (j < got.length && got[j].text === k.text) {
      matched++;
      if (got[j].page !== k.startPage + firstPage - 1) wrongPage++;
      cursor = j + 1;
    } else missing.push(k.text);
  }
  return { matched, wrongPage, missing, rate: matched / known.length };
}


const FR_EXPECTED: Array<[number, string]> = [
  [121, "Le lendemain, M. Delorme traversa la place du village et s’arrêta devant la boutique du vieux Vautrin, une maison extraordinaire aux volets verts, que tout le monde connaissait depuis l’hiver de 1893."],
  [121, "Il poussa la porte."],
  [121, `— Vous êtes là${NB}? demanda-t-il.`],
  [121, "— Entrez donc, répondit une voix."],
  [121, "C’est-à-dire, si vous avez le temps."],
  [121, "Il entra."],
  [121, `La boutique sentait la cire et le papier${NB}; sur le comptoir, un chat dormait — du moins il en avait l’air — entre deux piles de journaux.`],
  [121, `«${NB}Je reviendrai demain${NB}», pensa M. Delorme en regardant l’horloge, qui marquait midi et demie.`],
  [122, "Le vieux Vautrin sortit enfin de l’arrière-boutique."],
  [122, "Il portait un tablier gris et des lunettes rondes."],
  [122, "II"],
  [122, "Ce soir-là, tandis que la rivière montait encore, Jeanne regarda la lettre près de la fenêtre."],
  [122, "Elle hésita… puis la rangea dans le tiroir."],
  [122, "Elle hésita…"],
  [122, "Personne ne vint."],
  [122, `«${NB}Qui t’a donné cette lettre${NB}?${NB}» demanda Lucien.`],
  [122, `Elle ne répondit pas${NB}; elle pensait à M. Vautrin, à Mme Bérard, au peuple du village, et à la vieille route qui mène à Saint-Germain.`],
  [123, "Le lendemain, J. R. R. Tolkien n’était pas encore né."],
  // The footnote of page 122 comes after the paragraph that runs across the page break.
  [122, "L’arrière-boutique existe encore aujourd’hui."],
  [123, "Elle rit."],
  [123, "Il était une fois un village au bord de l’eau."],
  [124, "La nuit tomba sur Vernières."],
];

const EN_PAGES: PageSpec[] = [
  {
    topNumber: "7",
    lines: [
      { t: "That winter Mr. Dalton, who was then a very well-", indent: true },
      { t: "known lawyer in Harwell, walked every morning to the old" },
      { t: "church of St. Mary. He was, e.g. according to Mrs. Abbott," },
      { t: "a most remarkable man… and a very tired one." },
      { t: "“Will you come back tomorrow?” said Jane. He did not", indent: true },
      { t: "answer; the rain would never stop, and the river was rising." },
      { t: "CHAPTER IV", center: true, size: 13, gap: 20 },
      { t: "It was in 1893, the year the neighbours kept silent — or so", indent: true, gap: 20 },
      { t: "people believed. J. R. R. Tolkien had been born the year be-" },
    ],
  },
  { topNumber: "8", lines: [{ t: "fore, in Bloemfontein." }, { t: "The end.", indent: true }] },
];

const EN_EXPECTED: Array<[number, string]> = [
  [7, "That winter Mr. Dalton, who was then a very well-known lawyer in Harwell, walked every morning to the old church of St. Mary."],
  [7, "He was, e.g. according to Mrs. Abbott, a most remarkable man… and a very tired one."],
  [7, "“Will you come back tomorrow?” said Jane."],
  [7, "He did not answer; the rain would never stop, and the river was rising."],
  [7, "CHAPTER IV"],
  [7, "It was in 1893, the year the neighbours kept silent — or so people believed."],
  [7, "J. R. R. Tolkien had been born the year before, in Bloemfontein."],
  [8, "The end."],
];

describe("localProcessor", () => {
  it("has the id and a version for the cache key", () => {
    expect(localProcessor.id).toBe("local");
    expect(localProcessor.version).toMatch(/\S/);
  });

  it.each(["fr", "en"] as const)("recovers the sentences of a 15-page chunk exactly (%s)", async (language) => {
    const rates: number[] = [];
    for (const seed of [1, 2, 3]) {
      const novel = await makeNovel({ pages: 15, seed, language });
      const t0 = performance.now();
      const result = await localProcessor.process(novel.bytes, opts({ language }));
      const ms = performance.now() - t0;
      const a = align(novel.sentences, result.sentences);
      rates.push(a.rate);
      console.log(
        `[local ${language} seed ${seed}] ${a.matched}/${novel.sentences.length} sentences exact (${(100 * a.rate).toFixed(1)}%), ` +
          `${a.wrongPage} on a wrong page, ${result.sentences.length} out; ${ms.toFixed(0)} ms total (extract ${result.stats.extractMs} ms, segment ${result.stats.segmentMs} ms)`,
      );
      expect(a.missing).toEqual([]);
      expect(a.wrongPage).toBe(0);

      // Nothing invented, nothing lost: the output words are the body words, plus the title,
      // author and chapter headings (each its own sentence).
      const known = new Set(novel.sentences.map((s) => s.text));
      const extra = result.sentences.filter((s) => !known.has(s.text));
      const [first, second] = language === "fr" ? ["Chapitre premier", "Chapitre II"] : ["Chapter I", "Chapter II"];
      expect(extra.map((s) => [s.page, s.text])).toEqual([
        [1, novel.title],
        [1, expect.stringMatching(/^\p{Lu}\p{L}+ \p{Lu}\p{L}+$/u)], // the author
        [1, first],
        [13, second],
      ]);
      const bodyWords = novel.pageLines.flat().flatMap((l) => wordsOf(l));
      expect(result.sentences.filter((s) => known.has(s.text)).flatMap((s) => wordsOf(s.text))).toEqual(bodyWords);
      expect(result.stats.words).toBe(result.sentences.reduce((n, s) => n + countWords(s.text), 0));
      expect(result.pages).toHaveLength(15);
      expect(result.pages.every((p) => !p.noTextLayer && p.chars > 0)).toBe(true);
      expect(result.warnings).toEqual([]);
    }
    expect(Math.min(...rates)).toBe(1);
  });

  it("processes a chunk from the middle of a book (firstPage, overlap page, cut sentences)", async () => {
    const novel = await makeNovel({ pages: 40, seed: 9, language: "fr" });
    const src = await PDFDocument.load(novel.bytes);
    const out = await PDFDocument.create();
    for (const p of await out.copyPages(src, Array.from({ length: 15 }, (_, i) => 13 + i))) out.addPage(p);
    const chunk = await out.save({ useObjectStreams: true });
    const result = await localProcessor.process(chunk, opts({ firstPage: 14, overlapPages: 1 }));

    const inside = novel.sentences.filter((s) => s.startPage >= 14 && s.endPage <= 28);
    const a = align(inside, result.sentences, 1);
    console.log(`[local fr middle chunk 14-28] ${a.matched}/${inside.length} sentences exact (${(100 * a.rate).toFixed(1)}%)`);
    expect(a.missing).toEqual([]);
    expect(a.wrongPage).toBe(0);
    expect(result.pages.map((p) => p.page)).toEqual(Array.from({ length: 15 }, (_, i) => 14 + i));
    // Sentences that start on the overlap page are returned (the caller removes duplicates).
    expect(result.sentences.some((s) => s.page === 14)).toBe(true);
    // Pieces of sentences cut by the chunk's edges can only be at its very start or end.
    const known = new Set(novel.sentences.map((s) => s.text));
    const odd = result.sentences.map((s, i) => ({ ...s, i })).filter((s) => !known.has(s.text) && !/^Chapitre /.test(s.text));
    for (const s of odd) expect(s.i === 0 || s.i === result.sentences.length - 1).toBe(true);
    // Page numbers and running headers are gone.
    expect(result.sentences.some((s) => /^\d+$/.test(s.text) || s.text === novel.title)).toBe(false);
  });

  it("handles hand-set French pages: hyphenation, dialogue, headers, footnotes, a blank page", async () => {
    const pdf = await handSetPdf(FR_PAGES);
    const result = await localProcessor.process(pdf, opts({ firstPage: 121, overlapPages: 1 }));
    expect(result.sentences.map((s) => [s.page, s.text])).toEqual(FR_EXPECTED);
    expect(result.sentences.every((s) => !s.fromSplit)).toBe(true);
    // The footnote is a note, the body is not.
    expect(result.sentences.filter((s) => s.kind === "note").map((s) => s.text)).toEqual(["L’arrière-boutique existe encore aujourd’hui."]);
    expect(result.pages.map((p) => [p.page, p.noTextLayer])).toEqual([
      [121, false],
      [122, false],
      [123, false],
      [124, false],
      [125, true],
    ]);
    expect(result.pages[4].chars).toBe(0);
    expect(result.warnings).toEqual(["NO_TEXT_LAYER: page 125 has no text layer"]);
  });

  it("handles hand-set English pages: abbreviations, initials, quotes, top page numbers", async () => {
    const pdf = await handSetPdf(EN_PAGES, "Letter");
    const result = await localProcessor.process(pdf, opts({ language: "en", firstPage: 7 }));
    expect(result.sentences.map((s) => [s.page, s.text])).toEqual(EN_EXPECTED);
  });

  it("applies the word limit, keeping every word in order", async () => {
    const novel = await makeNovel({ pages: 4, seed: 6, language: "fr" });
    const full = await localProcessor.process(novel.bytes, opts());
    const limited = await localProcessor.process(novel.bytes, opts({ sentenceWordLimit: 8 }));
    for (const s of limited.sentences) expect(countWords(s.text)).toBeLessThanOrEqual(8);
    expect(limited.sentences.flatMap((s) => wordsOf(s.text))).toEqual(full.sentences.flatMap((s) => wordsOf(s.text)));
    expect(limited.sentences.some((s) => s.fromSplit)).toBe(true);
    expect(limited.sentences.filter((s) => !s.fromSplit).every((s) => full.sentences.some((f) => f.text === s.text))).toBe(true);
    expect(limited.stats.words).toBe(full.stats.words);
    // Every piece keeps the page where its sentence starts.
    const pagesOf = (r: ChunkResult) => [...new Set(r.sentences.map((s) => s.page))];
    expect(pagesOf(limited)).toEqual(pagesOf(full));
  });

  it("is deterministic", async () => {
    const novel = await makeNovel({ pages: 3, seed: 8, language: "en" });
    const a = await localProcessor.process(novel.bytes, opts({ language: "en" }));
    const b = await localProcessor.process(novel.bytes, opts({ language: "en" }));
    expect(b.sentences).toEqual(a.sentences);
    expect(b.pages).toEqual(a.pages);
  });

  it("warns when no page has a text layer", async () => {
    const doc = await PDFDocument.create();
    doc.addPage();
    doc.addPage();
    const result = await localProcessor.process(await doc.save(), opts({ firstPage: 5 }));
    expect(result.sentences).toEqual([]);
    expect(result.pages).toEqual([
      { page: 5, chars: 0, noTextLayer: true },
      { page: 6, chars: 0, noTextLayer: true },
    ]);
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toMatch(/^NO_TEXT_LAYER: no page .* text layer.*5-6/);
  });

  it("rejects bad options", async () => {
    const novel = await makeNovel({ pages: 1 });
    await expect(localProcessor.process(novel.bytes, opts({ firstPage: 0 }))).rejects.toThrow(/firstPage/);
    await expect(localProcessor.process(novel.bytes, opts({ sentenceWordLimit: 0 }))).rejects.toThrow(/sentenceWordLimit/);
    await expect(localProcessor.process(novel.bytes, opts({ overlapPages: -1 }))).rejects.toThrow(/overlapPages/);
  });

  it("times a 15-page chunk (printed, not asserted)", async () => {
    const novel = await makeNovel({ pages: 15, seed: 12, language: "fr" });
    const runs: string[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      const r = await localProcessor.process(novel.bytes, opts());
      runs.push(`${(performance.now() - t0).toFixed(0)} ms (extract ${r.stats.extractMs}, segment ${r.stats.segmentMs})`);
    }
    console.log(`[local timing, 15 pages, ${novel.sentences.length} sentences] ${runs.join("; ")}`);
  });
});

describe("localProcessor on the ground-truth layouts (tests/fixtures/layouts.ts)", () => {
  it.each(LAYOUT_NAMES)("%s: boundaries F1 >= 0.97, no word lost or invented, every piece within a limit of 12", async (name) => {
    const layout = await makeLayout(name);
    const o = opts({ language: layout.language });
    const full = await localProcessor.process(layout.bytes, o);
    const score = scoreSentences(layout.sentences, full.sentences);
    expect(score.boundaryF1).toBeGreaterThanOrEqual(0.97);
    expect(score.exactRate).toBeGreaterThanOrEqual(0.95);
    expect(score.examples.lost).toEqual([]);
    expect(score.examples.invented).toEqual([]);
    expect(score.orderErrors).toBe(0);
    const limited = await localProcessor.process(layout.bytes, { ...o, sentenceWordLimit: 12 });
    for (const s of limited.sentences) expect(countWords(s.text)).toBeLessThanOrEqual(12);
    expect(limited.sentences.flatMap((s) => wordsOf(s.text))).toEqual(full.sentences.flatMap((s) => wordsOf(s.text)));
    expect(full.warnings).toEqual([]);
  });
});

describe("createLocalProcessor", () => {
  it("names a non-default extractor in its version (part of the cache key)", () => {
    expect(createLocalProcessor({ extractor: "pdfjs" }).version).toBe(localProcessor.version);
    if (findPdftotext()) expect(createLocalProcessor({ extractor: "pdftotext" }).version).toBe(`${localProcessor.version}+pdftotext`);
    else expect(createLocalProcessor({ extractor: "pdftotext" }).version).toBe(localProcessor.version);
  });

  it.skipIf(!findPdftotext())("recovers a 15-page chunk's sentences with the pdftotext extractor too", async () => {
    const novel = await makeNovel({ pages: 15, seed: 4, language: "fr" });
    const result = await createLocalProcessor({ extractor: "pdftotext" }).process(novel.bytes, opts());
    const a = align(novel.sentences, result.sentences);
    expect(a.missing).toEqual([]);
    expect(a.wrongPage).toBe(0);
  });
});
