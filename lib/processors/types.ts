/**
 * The contract between the job pipeline and the things that turn one chunk PDF into sentences.
 * Processors are pure with respect to their input: the same bytes and options give the same
 * result, so `${id}:${version}` plus the chunk's hash and options make a safe cache key.
 */
import type { NoTextReason } from "@/lib/pdf/extract-types";

export type ProcessorOptions = {
  /** BCP 47 language tag of the book ("fr", "en", ...). */
  language: string;
  /** Longest sentence in words; longer ones are split at natural boundaries. null = no limit. */
  sentenceWordLimit: number | null;
  /** 1-based page number in the whole book of the chunk's first page */
  firstPage: number;
  /** pages at the start of the chunk that repeat the previous chunk's end */
  overlapPages: number;
};

export type OutputSentence = {
  text: string;
  /** Book page (1-based) on which the sentence starts. */
  page: number;
  /** True for the pieces of a sentence that was longer than the word limit. */
  fromSplit: boolean;
  /** Set for a footnote's sentences (their marker removed); body text has no kind. */
  kind?: "note";
};

export type PageReport = {
  /** Book page (1-based). */
  page: number;
  /** Characters of body text kept on the page (after removing headers, footers, page numbers). */
  chars: number;
  /** No text on the page (no text layer, and OCR read nothing or did not run). */
  noTextLayer: boolean;
  /** The page had no text layer and was read by OCR (Tesseract's mean word confidence, 0-100). */
  ocr?: { confidence: number };
  /** Why the page gave no text although it might hold some (see ExtractedPage.noText). */
  noText?: NoTextReason;
};

export type ChunkResult = {
  sentences: OutputSentence[];
  pages: PageReport[];
  warnings: string[];
  stats: { extractMs: number; segmentMs: number; words: number };
};

export interface ChunkProcessor {
  readonly id: string;
  /** part of the result cache key */
  readonly version: string;
  /** The chunk's PDF bytes, or a file and page range (the chunk's pages of the stored upload). */
  process(pdf: Uint8Array | { path: string; firstPage?: number; lastPage?: number }, opts: ProcessorOptions): Promise<ChunkResult>;
}
