/** The shapes of text extraction (lib/pdf/extract.ts and its parts): lines, pages, items, errors, sources. */

export type ExtractedLine = {
  text: string;
  /** Baseline, PDF user space (grows upwards). */
  y: number;
  /** Left end of the line. */
  x: number;
  /** Dominant font size of the line (by characters). */
  fontSize: number;
  /** From the left end of the first item to the right end of the last one. */
  width: number;
  /** On a page with columns: the left and right ends of this line's column. */
  column?: { left: number; right: number };
  /** The line starts with a drop cap: lines down to `bottom` (baseline) starting near `right` sit beside it. */
  dropCap?: { right: number; bottom: number };
};

export type ExtractedPage = {
  /** 1-based page number within the PDF (the chunk). */
  page: number;
  /** In reading order: top to bottom (column by column when the page has columns), then left to right. */
  lines: ExtractedLine[];
  /** Page box size in PDF units. */
  width: number;
  height: number;
  /** Set when this page's content could not be read (the other pages still are). */
  error?: string;
  /** Set when the page had no text layer and its text was read by OCR (lib/pdf/ocr.ts). */
  ocr?: { confidence: number };
  /**
   * Set when the page gives no text although it might hold some: "unreadable" (its text layer is
   * a font's private codes, and OCR could not read the glyphs either), "ocr-nothing" (an image
   * OCR found no print in), "ocr-budget" (an image not read: the chunk's OCR time ran out, or
   * its first three OCRed images were costly noise).
   */
  noText?: NoTextReason;
};

export type NoTextReason = "unreadable" | "ocr-nothing" | "ocr-budget";

export type PdfExtractErrorCode = "PDF_ENCRYPTED" | "PDF_UNREADABLE";

export class PdfExtractError extends Error {
  readonly code: PdfExtractErrorCode;
  constructor(code: PdfExtractErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "PdfExtractError";
    this.code = code;
  }
}

export type ExtractorName = "pdfjs" | "pdftotext";
export type ExtractorChoice = ExtractorName | "auto";
export type ExtractOptions = {
  /** Default: FOLIO_EXTRACTOR, else "auto". */
  extractor?: ExtractorChoice;
  /** pdfjs only: run in the calling thread rather than the worker pool. */
  inThread?: boolean;
  /**
   * The book's language: pages without a text layer that draw images are then read by OCR in
   * that language (pdfjs on a file or in-thread; not in the worker-thread pool). Without it, no OCR.
   */
  language?: string;
};

/** A text item: its string, left end, baseline, width and font size (PDF units). */
export type Item = { str: string; x: number; y: number; width: number; fontSize: number; dropCap?: { right: number; bottom: number } };
/** The items of one page as the pdfjs worker sends them. */
export type RawPage = {
  page: number;
  width: number;
  height: number;
  error?: string;
  strs: string[];
  nums: Float64Array;
  ocr?: { confidence: number };
  /** Why a page has no text: ExtractedPage.noText. */
  noText?: NoTextReason;
};

/**
 * A PDF to read: its bytes, or a file on disk with an optional page range (1-based, inclusive;
 * the pages of a chunk read straight from the stored upload). Pages are numbered from 1 at the
 * range's first page in the answer.
 */
export type PdfSource = Uint8Array | { path: string; firstPage?: number; lastPage?: number };
export type PageRange = { first: number; last: number };

export function rangeOf(source: PdfSource): PageRange | undefined {
  if (source instanceof Uint8Array) return undefined;
  return { first: Math.max(1, source.firstPage ?? 1), last: source.lastPage ?? Number.MAX_SAFE_INTEGER };
}
