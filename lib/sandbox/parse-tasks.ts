/** The tasks a parsing child runs (lib/sandbox/parse-child.ts), callable in-process for tests. */
import fs from "node:fs/promises";
import { planPdf, type PlanAnswer, type PlanRequest } from "../pdf/plan";
import { PdfExtractError, releaseCachedDocument, type ExtractorChoice } from "../pdf/extract";
import { createLocalProcessor } from "../processors/local";
import type { ChunkResult, ProcessorOptions } from "../processors/types";

export type ChunkTaskRequest = {
  kind: "chunk";
  /** The stored PDF (the upload, or a legacy chunk file) and the chunk's pages in it (1-based, inclusive). */
  path: string;
  firstPage: number;
  lastPage: number;
  /** The file's recorded size: a file that does not match is not read. */
  expectSize?: number;
  opts: ProcessorOptions;
  extractor?: ExtractorChoice;
};
export type ChunkTaskAnswer = { ok: true; result: ChunkResult } | { ok: false; code: "PDF_ENCRYPTED" | "PDF_UNREADABLE" | "INVALID_CHUNK"; message: string };
export type ParseRequest = ({ kind: "plan" } & PlanRequest) | ChunkTaskRequest;

export async function runChunkTask(req: ChunkTaskRequest): Promise<ChunkTaskAnswer> {
  let size: number;
  try {
    size = (await fs.stat(req.path)).size;
  } catch (err) {
    return { ok: false, code: "INVALID_CHUNK", message: `the stored PDF is missing (${(err as Error).message})` };
  }
  if (req.expectSize !== undefined && size !== req.expectSize) {
    return { ok: false, code: "INVALID_CHUNK", message: `the stored PDF has ${size} bytes, ${req.expectSize} were recorded` };
  }
  try {
    const processor = createLocalProcessor({ extractor: req.extractor });
    const result = await processor.process({ path: req.path, firstPage: req.firstPage, lastPage: req.lastPage }, req.opts);
    return { ok: true, result };
  } catch (err) {
    if (err instanceof PdfExtractError) return { ok: false, code: err.code, message: err.message };
    throw err;
  }
}

export async function runParseTask(req: ParseRequest): Promise<PlanAnswer | ChunkTaskAnswer> {
  if (req.kind === "plan") {
    // A new upload: the document the last chunk tasks kept open is another file's.
    await releaseCachedDocument();
    return planPdf(req);
  }
  return runChunkTask(req);
}
