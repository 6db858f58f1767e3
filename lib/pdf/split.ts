import { PDFDocument } from "pdf-lib";
import type { ChunkPlan } from "@/lib/pdf/chunking";

/** Loads a whole PDF once (pdf-lib). Throws on unreadable or encrypted input. */
export function loadPdf(bytes: Uint8Array): Promise<PDFDocument> {
  return PDFDocument.load(bytes, { updateMetadata: false });
}

/** Writes the pages of one chunk as a standalone PDF. */
export async function extractChunkPdf(source: PDFDocument, plan: ChunkPlan): Promise<Uint8Array> {
  const out = await PDFDocument.create({ updateMetadata: false });
  const indices = Array.from({ length: plan.endPage - plan.startPage + 1 }, (_, i) => plan.startPage - 1 + i);
  const pages = await out.copyPages(source, indices);
  for (const p of pages) out.addPage(p);
  return out.save({ useObjectStreams: true });
}
