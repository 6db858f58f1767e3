/**
 * The local (offline) chunk processor: text extraction (pdfjs by default, see lib/pdf/extract.ts)
 * → layout repair → sentence segmentation → word limit. Deterministic, no network.
 *
 * Warnings start with a code: "NO_TEXT_LAYER: page 12 has no text layer" (one per page, or one
 * for the whole chunk when no page has text), "PAGE_UNREADABLE: page 3 could not be read: ...",
 * "OCR: pages 3-30 have no text layer and were read by OCR (mean confidence 91%)".
 * Pages without a text layer that draw an image are read by OCR (lib/pdf/ocr.ts) in the job's language.
 */
import { extractPages, resolveExtractor, type ExtractorChoice, type PdfSource } from "@/lib/pdf/extract";
import { kindAt, pageAt, paragraphStream, repairChunk } from "@/lib/text/repair";
import { splitSentenceSpans } from "@/lib/text/segment";
import { countWords, enforceWordLimit } from "@/lib/text/word-limit";
import { formatPageRanges } from "@/lib/page-ranges";
import type { ChunkProcessor, ChunkResult, OutputSentence, PageReport, ProcessorOptions } from "./types";

/** Bump when the output for the same input changes (it is part of the result cache key). */
const VERSION = "1.5.0";

function checkOptions(opts: ProcessorOptions): void {
  if (typeof opts.language !== "string" || !opts.language.trim()) throw new RangeError("language must be a non-empty string");
  if (!Number.isInteger(opts.firstPage) || opts.firstPage < 1) throw new RangeError("firstPage must be an integer >= 1");
  if (!Number.isInteger(opts.overlapPages) || opts.overlapPages < 0) throw new RangeError("overlapPages must be an integer >= 0");
  if (opts.sentenceWordLimit !== null && (!Number.isInteger(opts.sentenceWordLimit) || opts.sentenceWordLimit < 1)) {
    throw new RangeError("sentenceWordLimit must be null or an integer >= 1");
  }
}

export type LocalProcessorOptions = {
  /** Default: FOLIO_EXTRACTOR, else auto (pdfjs). */
  extractor?: ExtractorChoice;
};

/**
 * A local processor. Its version names the extractor when it is not pdfjs, so results from
 * different extractors never share a cache entry.
 */
export function createLocalProcessor(options: LocalProcessorOptions = {}): ChunkProcessor {
  return {
    id: "local",
    get version() {
      const extractor = resolveExtractor(options.extractor);
      return extractor === "pdfjs" ? VERSION : `${VERSION}+${extractor}`;
    },
    process: (pdf, opts) => processChunk(pdf, opts, options),
  };
}

export const localProcessor: ChunkProcessor = createLocalProcessor();

async function processChunk(pdf: PdfSource, opts: ProcessorOptions, options: LocalProcessorOptions): Promise<ChunkResult> {
  checkOptions(opts);
  const language = opts.language.trim();
  const t0 = performance.now();
  const extracted = await extractPages(pdf, { extractor: options.extractor, language });
  const t1 = performance.now();

  const { pages, paragraphs } = repairChunk(extracted, { language });
  const stream = paragraphStream(paragraphs);
  const spans = splitSentenceSpans(stream.text, language, { newlines: "hard" });
  const sentences: OutputSentence[] = [];
  let words = 0;
  for (const span of spans) {
    const page = opts.firstPage + pageAt(stream, span.start);
    const note = kindAt(stream, span.start) === "note";
    for (const piece of enforceWordLimit(span.text, opts.sentenceWordLimit, language)) {
      const sentence: OutputSentence = { text: piece.text, page, fromSplit: piece.fromSplit };
      if (note) sentence.kind = "note";
      sentences.push(sentence);
      words += countWords(piece.text);
    }
  }
  const t2 = performance.now();

  const reports: PageReport[] = pages.map((p, i) => {
    const report: PageReport = { page: opts.firstPage + i, chars: p.chars, noTextLayer: p.noTextLayer };
    const { ocr, noText } = extracted[i] ?? {};
    if (ocr) report.ocr = ocr;
    if (noText) report.noText = noText;
    return report;
  });
  const warnings: string[] = [];
  const ocred = reports.filter((p) => p.ocr);
  if (ocred.length) {
    const mean = Math.round(ocred.reduce((n, p) => n + (p.ocr?.confidence ?? 0), 0) / ocred.length);
    const one = ocred.length === 1;
    warnings.push(`OCR: page${one ? "" : "s"} ${pagesText(ocred.map((p) => p.page))} ${one ? "has" : "have"} no text layer and ${one ? "was" : "were"} read by OCR (mean confidence ${mean}%)`);
  }
  const damaged = new Set<number>();
  extracted.forEach((p, i) => {
    if (p.error === undefined) return;
    damaged.add(opts.firstPage + i);
    warnings.push(`PAGE_UNREADABLE: page ${opts.firstPage + i} could not be read: ${p.error}`);
  });
  const cipher = reports.filter((p) => p.noText === "unreadable").map((p) => p.page);
  if (cipher.length) {
    warnings.push(
      `UNREADABLE_TEXT: ${cipher.length === reports.length ? "no page of this chunk has readable text" : `page${cipher.length > 1 ? "s" : ""} ${pagesText(cipher)}`}: the text is a font's private codes, not letters (no usable Unicode map), and OCR could not read it either`,
    );
  }
  const blank = reports.filter((p) => p.noTextLayer && !damaged.has(p.page) && p.noText !== "unreadable");
  const because = (p: PageReport) => (p.noText === "ocr-nothing" ? " (OCR found no print in its image)" : p.noText === "ocr-budget" ? " (its image was not read: this chunk's OCR time ran out, or its images so far held only noise)" : "");
  if (reports.length && blank.length === reports.length) {
    warnings.push(`NO_TEXT_LAYER: no page of this chunk has a text layer (pages ${pagesText(blank.map((p) => p.page))})${because(blank[0])}`);
  } else {
    for (const p of blank) warnings.push(`NO_TEXT_LAYER: page ${p.page} has no text layer${because(p)}`);
  }
  if (reports.length === 0) warnings.push("the chunk PDF has no pages");

  return { sentences, pages: reports, warnings, stats: { extractMs: round(t1 - t0), segmentMs: round(t2 - t1), words } };
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

/** "5", "5-6" or "3-5,9". */
function pagesText(pages: number[]): string {
  return formatPageRanges(pages) ?? "";
}
