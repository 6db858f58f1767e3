/**
 * The local (offline) chunk processor: text extraction (pdfjs by default, see lib/pdf/extract.ts)
 * → layout repair → sentence segmentation → word limit. Deterministic, no network.
 *
 * Warnings start with a code: "NO_TEXT_LAYER: page 12 has no text layer" (one per page, or one
 * for the whole chunk when no page has text), "PAGE_UNREADABLE: page 3 could not be read: ...".
 */
import { extractPages, resolveExtractor, type ExtractorChoice, type PdfSource } from "@/lib/pdf/extract";
import { pageAt, paragraphStream, repairChunk } from "@/lib/text/repair";
import { splitSentenceSpans } from "@/lib/text/segment";
import { countWords, enforceWordLimit } from "@/lib/text/word-limit";
import type { ChunkProcessor, ChunkResult, OutputSentence, PageReport, ProcessorOptions } from "./types";

/** Bump when the output for the same input changes (it is part of the result cache key). */
const VERSION = "1.4.0";

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
  const extracted = await extractPages(pdf, { extractor: options.extractor });
  const t1 = performance.now();

  const { pages, paragraphs } = repairChunk(extracted, { language });
  const stream = paragraphStream(paragraphs);
  const spans = splitSentenceSpans(stream.text, language, { newlines: "hard" });
  const sentences: OutputSentence[] = [];
  let words = 0;
  for (const span of spans) {
    const page = opts.firstPage + pageAt(stream, span.start);
    for (const piece of enforceWordLimit(span.text, opts.sentenceWordLimit, language)) {
      sentences.push({ text: piece.text, page, fromSplit: piece.fromSplit });
      words += countWords(piece.text);
    }
  }
  const t2 = performance.now();

  const reports: PageReport[] = pages.map((p, i) => ({ page: opts.firstPage + i, chars: p.chars, noTextLayer: p.noTextLayer }));
  const warnings: string[] = [];
  const unreadable = new Set<number>();
  extracted.forEach((p, i) => {
    if (p.error === undefined) return;
    unreadable.add(opts.firstPage + i);
    warnings.push(`PAGE_UNREADABLE: page ${opts.firstPage + i} could not be read: ${p.error}`);
  });
  const blank = reports.filter((p) => p.noTextLayer && !unreadable.has(p.page)).map((p) => p.page);
  if (reports.length && blank.length === reports.length) {
    warnings.push(`NO_TEXT_LAYER: no page of this chunk has a text layer (pages ${rangeText(blank)}); it may be a scanned PDF that needs OCR`);
  } else {
    for (const page of blank) warnings.push(`NO_TEXT_LAYER: page ${page} has no text layer`);
  }
  if (reports.length === 0) warnings.push("the chunk PDF has no pages");

  return { sentences, pages: reports, warnings, stats: { extractMs: round(t1 - t0), segmentMs: round(t2 - t1), words } };
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

function rangeText(pages: number[]): string {
  return pages.length === 1 ? String(pages[0]) : `${pages[0]}-${pages[pages.length - 1]}`;
}
