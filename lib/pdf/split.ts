import { PDFDocument } from "pdf-lib";

/** Loads a whole PDF once (pdf-lib). Throws on unreadable or encrypted input. */
export function loadPdf(bytes: Uint8Array): Promise<PDFDocument> {
  return PDFDocument.load(bytes, { updateMetadata: false });
}
