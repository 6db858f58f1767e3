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

    const { objects, pages } = await scanBody(fh, size, limits.maxObjects);
    if (objects > limits.maxObjects) {
      return { ok: false, code: "PDF_TOO_COMPLEX", message: `This PDF has more than ${limits.maxObjects.toLocaleString("en")} objects, more than Folio processes in one file.` };
    }
    if (pages !== null && pages > limits.maxPages) {
      return { ok: false, code: "PDF_TOO_MANY_PAGES", message: `This PDF has ${pages} pages; the limit is ${limits.maxPages} pages per upload.` };
    }
    if (pages === 0) return fail("PDF_NO_PAGES");
    return { ok: true, pageCount: pages ?? 0, version };
  } finally {
    await fh.close();
  }
}

/** Bytes of the file examined at a time, and the context read on each side of them. */
const WINDOW = 4 * 1024 * 1024;
const CONTEXT = 8 * 1024;

/**
 * Objects (counted up to `stopAfter` + 1) and the page count of the uncompressed page tree, read
 * window by window: the web process never holds the whole upload (a 43 MB file with a million
 * objects cost it a 43 MB buffer to collect), and yields between windows so other requests
 * interleave with a big file's scan.
 */
async function scanBody(fh: fsp.FileHandle, size: number, stopAfter: number): Promise<{ objects: number; pages: number | null }> {
  const objects = new ObjectCounter();
  const pages = new PageCounter();
  const buf = Buffer.alloc(Math.min(size, WINDOW + 2 * CONTEXT));
  for (let own = 0; own < size && objects.count <= stopAfter; own += WINDOW) {
    const from = Math.max(0, own - CONTEXT);
    const to = Math.min(size, own + WINDOW + CONTEXT);
    const { bytesRead } = await fh.read(buf, 0, to - from, from);
    const view = buf.subarray(0, bytesRead);
    const ownEnd = Math.min(bytesRead, own - from + WINDOW);
    objects.feed(view, own - from, ownEnd);
    pages.feed(view, own - from, ownEnd, from);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return { objects: objects.count, pages: pages.result() };
}

/**
 * Counts "endobj" markers in successive regions of a file. Searched in a latin1 string of each
 * region (V8's string search, no call into C++ per match: about 4x faster than Buffer#indexOf
 * on a file of a million objects), with the last bytes of the previous region carried over so a
 * marker cut by a region boundary is counted once.
 */
class ObjectCounter {
  count = 0;
  private carry = "";

  /** Counts the markers in `bytes[start, end)`; regions must follow one another. */
  feed(bytes: Buffer, start: number, end: number): void {
    // 64 kB strings at a time: short-lived young-generation strings, cheap to collect.
    for (let from = start; from < end; from += 64 * 1024) {
      const text = this.carry + bytes.toString("latin1", from, Math.min(end, from + 64 * 1024));
      for (let at = text.indexOf("endobj"); at >= 0; at = text.indexOf("endobj", at + 6)) this.count++;
      // At most 5 characters: a whole marker cannot sit in the carry, so none is counted twice.
      this.carry = text.slice(-5);
    }
  }
}

/**
 * Page count from the uncompressed page tree, or null when there is none: the larger of the
 * largest /Count among /Type /Pages nodes (the root holds the total, but a file can lie there)
 * and the number of distinct /Type /Page leaf objects seen. Scans the bytes in place (no
 * whole-file string, no parsing), looking only at small windows around each /Type, so it can
 * be fed a file region by region (each with CONTEXT bytes around it). Only an estimate for the
 * upload's reservation: the split counts the pages for real and reserves any difference.
 */
class PageCounter {
  private best: number | null = null;
  private readonly leaves = new Set<string>();

  /** Looks at each /Type starting in `bytes[start, end)`; `base` is the file offset of `bytes[0]`. */
  feed(bytes: Buffer, start: number, end: number, base: number): void {
    for (let at = bytes.indexOf("/Type", start); at >= 0 && at < end; at = bytes.indexOf("/Type", at + 5)) {
      const head = bytes.toString("latin1", at, Math.min(bytes.length, at + 32));
      if (/^\/Type\s*\/Page(?![A-Za-z0-9])/.test(head)) {
        // Keyed by the enclosing object's number, so an object rewritten by an incremental update counts once.
        this.leaves.add(enclosingObject(bytes, at) ?? `@${base + at}`);
        continue;
      }
      if (!/^\/Type\s*\/Pages(?![A-Za-z0-9])/.test(head)) continue;
      // Both searches in bounded views, so a file of many /Type /Pages without "<<" or ">>" stays linear.
      const lookFrom = Math.max(0, at - 4096);
      const open = bytes.subarray(lookFrom, at).lastIndexOf("<<");
      const from = open >= 0 ? lookFrom + open : at;
      const close = bytes.subarray(at, Math.min(bytes.length, at + 4096)).indexOf(">>");
      const to = close >= 0 ? at + close : Math.min(bytes.length, at + 4096);
      const count = /\/Count\s+(\d+)/.exec(bytes.toString("latin1", from, to));
      if (count) this.best = Math.max(this.best ?? 0, Number(count[1]));
    }
  }

  result(): number | null {
    return this.best === null ? null : Math.max(this.best, this.leaves.size);
  }
}

/** PageCounter over a whole file in memory (tests, small files). */
export function countPagesFast(bytes: Buffer): number | null {
  const counter = new PageCounter();
  counter.feed(bytes, 0, bytes.length, 0);
  return counter.result();
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
