/**
 * Text extraction from one (chunk) PDF, server side: positioned lines per page.
 *
 * Two extractors:
 *  - "pdfjs" (pdfjs-dist, pure JS, the default). It runs in a small pool of worker threads
 *    (min(2, CPUs) workers, created on first use) so a chunk's parsing never blocks the caller's
 *    event loop and two chunks extract on two cores at once. Each worker has its own heap limit
 *    (FOLIO_EXTRACT_WORKER_MB, default 256), so one chunk's memory is bounded; a worker that dies
 *    fails only its chunk and is replaced. The worker's code is a string evaluated by Node
 *    (lib/pdf/extract-worker-source.ts), so no bundler has to ship a worker file; it imports
 *    pdfjs-dist from node_modules (an external package in next.config.mjs). If the pool cannot
 *    start (no worker_threads, pdfjs not resolvable from a worker), extraction runs in the
 *    calling thread instead. FOLIO_EXTRACT_WORKERS=0 forces in-thread extraction.
 *  - "pdftotext" (Poppler's command-line tool, when installed): a child process per chunk, faster.
 *    Opt-in, see `resolveExtractor`.
 * FOLIO_EXTRACTOR=pdfjs|pdftotext|auto (default auto) chooses; an explicit option wins.
 *
 * Both give the same shape: lines top to bottom in reading order (columns detected on pdfjs
 * output, by Poppler itself on pdftotext output), with position, size and width, and a footnote
 * call (a small raised number) left out of the line's text.
 *
 * The parts: extract-types.ts (shapes), pdfjs-thread.ts (pdf.js in this thread, OCR of pages
 * without text), extract-pool.ts (pdf.js in worker threads), pdftotext.ts (Poppler),
 * layout.ts (lines and columns from items); accents.ts and tex-codes.ts repair items first.
 */
import { composeAccents } from "./accents";
import { closeExtractPool, extractPoolSize, pdfjsInPool, poolEnabled } from "./extract-pool";
import { rangeOf, type ExtractOptions, type ExtractedPage, type ExtractorChoice, type ExtractorName, type Item, type PdfSource, type RawPage } from "./extract-types";
import { groupLines, mergeDropCaps } from "./layout";
import { openCachedDocument, pdfjsInThread, preloadPdfjs, readPages, releaseCachedDocument } from "./pdfjs-thread";
import { extractWithPdftotext, findPdftotext, parseBboxLayout } from "./pdftotext";
import { mapTexCodes } from "./tex-codes";

export * from "./extract-types";
export { closeExtractPool, extractPoolSize, findPdftotext, groupLines, mergeDropCaps, parseBboxLayout, preloadPdfjs, releaseCachedDocument };

/**
 * The extractor to use: an explicit "pdfjs" or "pdftotext" (pdftotext falls back to pdfjs when
 * it is not installed), or "auto" (the default). Auto means pdfjs: on the quality benchmark
 * (npm run bench:quality) Poppler's text scores lower on footnote calls and some layouts, so
 * pdftotext stays opt-in for speed (FOLIO_EXTRACTOR=pdftotext).
 */
export function resolveExtractor(choice?: ExtractorChoice): ExtractorName {
  const raw = (choice ?? process.env.FOLIO_EXTRACTOR ?? "auto").trim().toLowerCase();
  if (raw === "pdftotext") return findPdftotext() ? "pdftotext" : "pdfjs";
  return "pdfjs";
}

/** Lines of text per page, in reading order. */
export async function extractPages(source: PdfSource, opts: ExtractOptions = {}): Promise<ExtractedPage[]> {
  const extractor = resolveExtractor(opts.extractor);
  if (extractor === "pdftotext") return extractWithPdftotext(source);
  if (!(source instanceof Uint8Array)) {
    // A file and a page range (the parsing child's case): read in this thread, the document kept open for the next range.
    const doc = await openCachedDocument(source.path);
    return (await readPages(doc, rangeOf(source), opts.language)).map(linesOfRawPage);
  }
  const raw = opts.inThread || !poolEnabled() ? await pdfjsInThread(source, opts.language) : await pdfjsInPool(source);
  return raw.map(linesOfRawPage);
}

function linesOfRawPage(p: RawPage): ExtractedPage {
  const items: Item[] = [];
  for (let i = 0; i < p.strs.length; i++) items.push({ str: p.strs[i], x: p.nums[4 * i], y: p.nums[4 * i + 1], width: p.nums[4 * i + 2], fontSize: p.nums[4 * i + 3] });
  // OCR's words are Unicode already: no TeX codes to map, no separate accents to compose.
  const lines = groupLines(p.ocr ? items : composeAccents(mapTexCodes(items)));
  const out: ExtractedPage = { page: p.page, lines, width: p.width, height: p.height };
  if (p.error !== undefined) out.error = p.error;
  if (p.ocr) out.ocr = p.ocr;
  if (p.noText) out.noText = p.noText;
  return out;
}
