/**
 * The split's parsing, run in a parsing child (lib/sandbox/parse-child.ts): checks the decoded
 * size, loads the PDF with pdf-lib to count its real pages (the page tree's leaves, not a
 * `/Count` that may lie) and plans the chunks. Chunks are page ranges of the stored upload, read
 * in place by the extraction: nothing is written, so a job's chunks take no storage of their own.
 */
import fs from "node:fs/promises";
import type { PDFDocument } from "pdf-lib";
import { planChunks, type ChunkingRules, type ChunkPlan } from "./chunking";
import { checkDecodedSize } from "./decoded-size";
import { loadPdf } from "./split";

export type PlanRequest = { source: string; rules: ChunkingRules; maxPages: number; maxStreamBytes: number; maxDecodedBytes: number };
export type PlanAnswer =
  | { ok: true; pageCount: number; chunks: ChunkPlan[] }
  | { ok: false; code: "PDF_UNREADABLE" | "PDF_ENCRYPTED" | "PDF_NO_PAGES" | "PDF_TOO_MANY_PAGES" | "PDF_TOO_COMPLEX"; message: string };

export async function planPdf(req: PlanRequest): Promise<PlanAnswer> {
  let source: PDFDocument;
  const bytes = await fs.readFile(req.source);
  const tooBig = checkDecodedSize(bytes, req.maxStreamBytes, req.maxDecodedBytes);
  if (tooBig) return { ok: false, code: "PDF_TOO_COMPLEX", message: `This PDF is too complex to process: ${tooBig}.` };
  // Before pdf-lib parses every object (for 100,000 pages that alone can exhaust the child's
  // memory cap): far more page objects in plain sight than the page limit is refused cheaply.
  const visible = countPageObjects(bytes);
  if (visible > 2 * req.maxPages) {
    return { ok: false, code: "PDF_TOO_MANY_PAGES", message: `This PDF holds ${visible} page objects; the limit is ${req.maxPages} pages per upload.` };
  }
  try {
    source = await loadPdf(bytes);
  } catch (err) {
    const msg = (err as Error).message ?? String(err);
    if (err instanceof RangeError) throw err; // memory: the child exits, reported as PDF_TOO_COMPLEX
    if (/encrypt/i.test(msg)) return { ok: false, code: "PDF_ENCRYPTED", message: "This PDF is encrypted or password-protected." };
    return { ok: false, code: "PDF_UNREADABLE", message: `The PDF could not be read: ${msg.slice(0, 300)}` };
  }
  let pageCount: number;
  try {
    pageCount = source.getPageCount();
  } catch (err) {
    return { ok: false, code: "PDF_UNREADABLE", message: `The PDF could not be read: its page tree is broken (${String((err as Error).message).slice(0, 200)})` };
  }
  if (pageCount < 1) return { ok: false, code: "PDF_NO_PAGES", message: "The PDF has no pages." };
  if (pageCount > req.maxPages) {
    return { ok: false, code: "PDF_TOO_MANY_PAGES", message: `This PDF has ${pageCount} pages; the limit is ${req.maxPages} pages per upload.` };
  }
  return { ok: true, pageCount, chunks: planChunks(pageCount, req.rules) };
}

/**
 * Page dictionaries written in plain sight (`/Type /Page`, not `/Pages`): a cheap lower bound of
 * what the file holds. Pages inside object streams are not seen (pdf-lib counts those), and a
 * page object need not be in the page tree, hence the margin the caller leaves.
 */
export function countPageObjects(bytes: Uint8Array): number {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
  const re = /\/Type\s*\/Page(?![A-Za-z0-9])/g;
  let n = 0;
  while (re.exec(text)) n++;
  return n;
}
