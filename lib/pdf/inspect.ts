import fsp from "node:fs/promises";
import { getConfig } from "@/lib/config";

export type PdfProblem = "NOT_A_PDF" | "EMPTY_FILE" | "PDF_TRUNCATED" | "PDF_UNREADABLE" | "PDF_ENCRYPTED" | "PDF_NO_PAGES" | "PDF_TOO_MANY_PAGES" | "PDF_TOO_COMPLEX";

/** pageCount 0: the page tree sits in compressed object streams, counted by the isolated split. */
export type PdfInspection = { ok: true; pageCount: number; version: string } | { ok: false; code: PdfProblem; message: string };

export type InspectLimits = { maxPages: number; maxObjects: number };

const MESSAGES: Record<PdfProblem, string> = {
  NOT_A_PDF: "This file is not a PDF (it does not start with %PDF-).",
  EMPTY_FILE: "The file is empty.",
  PDF_TRUNCATED: "This PDF is incomplete: its end (trailer and %%EOF) is missing. Was the download cut short?",
  PDF_UNREADABLE: "This PDF is damaged: its cross-reference table cannot be read.",
  PDF_ENCRYPTED: "This PDF is encrypted or password-protected. Remove the protection and upload it again.",
  PDF_NO_PAGES: "This PDF has no pages.",
  PDF_TOO_MANY_PAGES: "This PDF has more pages than one upload may have.",
  PDF_TOO_COMPLEX: "This PDF is too complex to process (too many objects).",
};

const fail = (code: PdfProblem): PdfInspection => ({ ok: false, code, message: MESSAGES[code] });

export const PDF_MAGIC = Buffer.from("%PDF-", "latin1");

async function readRange(fh: fsp.FileHandle, start: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  const { bytesRead } = await fh.read(buf, 0, length, start);
  return buf.subarray(0, bytesRead);
}

/**
 * A cheap, bounded structural check of a PDF on disk, safe in the web process (no parser runs
 * here: every real parse happens in a capped child, lib/sandbox/isolated.ts): magic bytes,
 * trailer and startxref, encryption, the number of objects and the page count seen in the
 * uncompressed page tree, against the deployment's limits. A page tree inside compressed
 * object streams is not counted here (pageCount 0): the isolated split counts it and reserves.
 */
export async function inspectPdf(filePath: string, limits: InspectLimits = getConfig()): Promise<PdfInspection> {
  const fh = await fsp.open(filePath, "r");
  try {
    const { size } = await fh.stat();
    if (size === 0) return fail("EMPTY_FILE");
    const head = await readRange(fh, 0, Math.min(size, 1024));
    if (!head.subarray(0, 5).equals(PDF_MAGIC)) return fail("NOT_A_PDF");
    const version = /^%PDF-(\d\.\d)/.exec(head.toString("latin1"))?.[1] ?? "?";

    const tailLen = Math.min(size, 4096);
    const tail = (await readRange(fh, size - tailLen, tailLen)).toString("latin1");
    const eof = tail.lastIndexOf("%%EOF");
    const sx = tail.lastIndexOf("startxref");
    if (eof < 0 || sx < 0 || sx > eof) return fail("PDF_TRUNCATED");
    const xrefOffset = Number(/startxref\s+(\d+)/.exec(tail.slice(sx))?.[1] ?? NaN);
    if (!Number.isFinite(xrefOffset) || xrefOffset <= 0 || xrefOffset >= size) return fail("PDF_UNREADABLE");
    const atXref = (await readRange(fh, xrefOffset, 64)).toString("latin1");
    const classic = atXref.startsWith("xref");
    if (!classic && !/^\s*\d+\s+\d+\s+obj/.test(atXref)) return fail("PDF_UNREADABLE");

    // Trailer dictionary (classic) or xref-stream dictionary: everything from the xref to EOF.
    const trailerLen = Math.min(size - xrefOffset, 8 * 1024 * 1024);
    const trailer = (await readRange(fh, xrefOffset, trailerLen)).toString("latin1");
    if (/\/Encrypt\s*(\d+\s+\d+\s+R|<<)/.test(trailer)) return fail("PDF_ENCRYPTED");

    const whole = await fh.readFile();
    const objects = countObjects(whole, limits.maxObjects);
    if (objects > limits.maxObjects) {
      return { ok: false, code: "PDF_TOO_COMPLEX", message: `This PDF has more than ${limits.maxObjects.toLocaleString("en")} objects, more than Folio processes in one file.` };
    }
    const pages = countPagesFast(whole);
    if (pages !== null && pages > limits.maxPages) {
      return { ok: false, code: "PDF_TOO_MANY_PAGES", message: `This PDF has ${pages} pages; the limit is ${limits.maxPages} pages per upload.` };
    }
    if (pages === 0) return fail("PDF_NO_PAGES");
    return { ok: true, pageCount: pages ?? 0, version };
  } finally {
    await fh.close();
  }
}

/**
 * Page count from the uncompressed page tree, or null when there is none: the larger of the
 * largest /Count among /Type /Pages nodes (the root holds the total, but a file can lie there)
 * and the number of distinct /Type /Page leaf objects seen. Scans the bytes in place (no
 * whole-file string, no parsing), looking only at small windows. Only an estimate for the
 * upload's reservation: the split counts the pages for real and reserves any difference.
 */
export function countPagesFast(bytes: Buffer): number | null {
  let best: number | null = null;
  const leaves = new Set<string>();
  for (let at = bytes.indexOf("/Type"); at >= 0; at = bytes.indexOf("/Type", at + 5)) {
    const head = bytes.toString("latin1", at, Math.min(bytes.length, at + 32));
    if (/^\/Type\s*\/Page(?![A-Za-z0-9])/.test(head)) {
      // Keyed by the enclosing object's number, so an object rewritten by an incremental update counts once.
      leaves.add(enclosingObject(bytes, at) ?? `@${at}`);
      continue;
    }
    if (!/^\/Type\s*\/Pages(?![A-Za-z0-9])/.test(head)) continue;
    const open = bytes.lastIndexOf("<<", at);
    const start = open >= 0 && at - open < 4096 ? open : at;
    const close = bytes.indexOf(">>", at);
    const end = close >= 0 && close - at < 4096 ? close : Math.min(bytes.length, at + 4096);
    const count = /\/Count\s+(\d+)/.exec(bytes.toString("latin1", start, end));
    if (count) best = Math.max(best ?? 0, Number(count[1]));
  }
  return best === null ? null : Math.max(best, leaves.size);
}

/** The "N G obj" header a little before `at` (the object the dictionary belongs to), as "N G". */
function enclosingObject(bytes: Buffer, at: number): string | null {
  const from = Math.max(0, at - 256);
  // Searched in a bounded window (a view, not a copy), so a hostile file cannot make it quadratic.
  const objAt = bytes.subarray(from, at).lastIndexOf(" obj");
  if (objAt < 0) return null;
  const m = /(\d+)\s+(\d+)\s+$/.exec(bytes.toString("latin1", from, from + objAt + 1));
  return m ? `${m[1]} ${m[2]}` : null;
}

/** Indirect objects in the file body ("endobj" markers), counted up to `stopAfter` + 1. */
export function countObjects(bytes: Buffer, stopAfter: number): number {
  let n = 0;
  for (let at = bytes.indexOf("endobj"); at >= 0 && n <= stopAfter; at = bytes.indexOf("endobj", at + 6)) n++;
  return n;
}
