/**
 * Counts the pages of a PDF in the browser with pdf-lib, loaded on demand (it is only needed
 * once a file is chosen). Encrypted files are read too (`ignoreEncryption`): only the page tree
 * is needed. Rejects when the file is not a readable PDF.
 */
export async function readPageCount(file: Blob): Promise<number> {
  const [{ PDFDocument }, bytes] = await Promise.all([import("pdf-lib"), file.arrayBuffer()]);
  const doc = await PDFDocument.load(bytes, { ignoreEncryption: true, updateMetadata: false, throwOnInvalidObject: false });
  const pages = doc.getPageCount();
  if (!Number.isInteger(pages) || pages < 1) throw new Error("no pages");
  return pages;
}
