/**
 * Text extraction from one (chunk) PDF with pdfjs-dist, server side.
 *
 * pdfjs runs in the current thread: in Node it has no Web Worker, so it loads its own worker
 * module ("./pdf.worker.mjs", next to pdf.mjs) as a "fake worker". That import is resolved by
 * Node itself, which works under tsx, Vitest and Next.js as long as pdfjs-dist stays an external
 * package (it is listed in next.config.mjs `serverExternalPackages`).
 */
import type { TextItem, TextMarkedContent } from "pdfjs-dist/types/src/display/api";

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
};

export type ExtractedPage = {
  /** 1-based page number within the PDF (the chunk). */
  page: number;
  /** Top to bottom, then left to right. */
  lines: ExtractedLine[];
  /** Page box size in PDF units. */
  width: number;
  height: number;
  /** Set when this page's content could not be read (the other pages still are). */
  error?: string;
};

export type PdfExtractErrorCode = "PDF_ENCRYPTED" | "PDF_UNREADABLE";

export class PdfExtractError extends Error {
  readonly code: PdfExtractErrorCode;
  constructor(code: PdfExtractErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "PdfExtractError";
    this.code = code;
  }
}

type Pdfjs = typeof import("pdfjs-dist/legacy/build/pdf.mjs");
let pdfjsPromise: Promise<Pdfjs> | undefined;

/** Loads pdfjs once per process (the legacy build runs in Node 20 without DOM polyfills). */
function loadPdfjs(): Promise<Pdfjs> {
  pdfjsPromise ??= import("pdfjs-dist/legacy/build/pdf.mjs").catch((err: unknown) => {
    pdfjsPromise = undefined;
    throw err;
  });
  return pdfjsPromise;
}

type Item = { str: string; x: number; y: number; width: number; fontSize: number };

/** Lines of text per page, in reading order (single column). */
export async function extractPages(pdf: Uint8Array): Promise<ExtractedPage[]> {
  const pdfjs = await loadPdfjs();
  // pdfjs wants a plain Uint8Array (not a Buffer) and may take ownership of it: pass a copy.
  const data = new Uint8Array(pdf.byteLength);
  data.set(pdf);
  const task = pdfjs.getDocument({
    data,
    disableFontFace: true,
    useSystemFonts: false,
    isEvalSupported: false,
    disableAutoFetch: true,
    disableStream: true,
    stopAtErrors: false,
    verbosity: pdfjs.VerbosityLevel.ERRORS,
  });
  let doc: Awaited<typeof task.promise>;
  try {
    doc = await task.promise;
  } catch (err) {
    await task.destroy().catch(() => undefined);
    const name = (err as { name?: string } | null)?.name;
    if (name === "PasswordException") throw new PdfExtractError("PDF_ENCRYPTED", "This PDF is encrypted or password-protected.", { cause: err });
    throw new PdfExtractError("PDF_UNREADABLE", `This PDF cannot be read: ${(err as Error)?.message ?? String(err)}`, { cause: err });
  }
  try {
    const pages: ExtractedPage[] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      let page: Awaited<ReturnType<typeof doc.getPage>> | undefined;
      try {
        page = await doc.getPage(n);
        const [x0, y0, x1, y1] = page.view;
        const content = await page.getTextContent();
        pages.push({ page: n, lines: groupLines(toItems(content.items)), width: Math.abs(x1 - x0), height: Math.abs(y1 - y0) });
      } catch (err) {
        // A damaged page (bad content stream, missing object) does not sink the whole chunk.
        pages.push({ page: n, lines: [], width: 0, height: 0, error: (err as Error)?.message ?? String(err) });
      } finally {
        page?.cleanup();
      }
    }
    return pages;
  } finally {
    await doc.destroy();
  }
}

function toItems(raw: Array<TextItem | TextMarkedContent>): Item[] {
  const items: Item[] = [];
  for (const it of raw) {
    if (!("str" in it) || it.str.trim() === "") continue;
    const [a, b, c, d, e, f] = it.transform as number[];
    const fontSize = Math.hypot(c, d) || it.height || Math.hypot(a, b) || 1;
    items.push({ str: it.str, x: e, y: f, width: Math.abs(it.width), fontSize });
  }
  return items;
}

/**
 * Groups text items into lines by baseline (with a tolerance of about half a font size),
 * orders lines top to bottom and items left to right, and joins items with a space when there
 * is a visual gap between them.
 */
export function groupLines(items: Item[]): ExtractedLine[] {
  const sorted = [...items].sort((p, q) => q.y - p.y || p.x - q.x);
  const groups: Item[][] = [];
  let current: Item[] = [];
  let lineY = 0;
  let lineSize = 0;
  for (const it of sorted) {
    // Tolerance: half a font size, enough for superscripts, not enough to reach the next line.
    const tolerance = 0.5 * Math.min(Math.max(lineSize, it.fontSize), 1.6 * Math.min(lineSize, it.fontSize));
    if (current.length && Math.abs(it.y - lineY) <= tolerance) {
      current.push(it);
      continue;
    }
    if (current.length) groups.push(current);
    current = [it];
    lineY = it.y;
    lineSize = it.fontSize;
  }
  if (current.length) groups.push(current);
  return groups.map(toLine).filter((l) => l.text !== "");
}

function toLine(group: Item[]): ExtractedLine {
  // Dominant item: the one carrying most characters gives the line's baseline.
  let main = group[0];
  for (const it of group) if (it.str.length > main.str.length) main = it;
  // Footnote calls ("mot¹" drawn as a small raised digit) are not part of the text.
  const isCall = (it: Item) => it !== main && /^[\d*†‡]+$/.test(it.str.trim()) && it.fontSize < 0.75 * main.fontSize && it.y > main.y + 0.15 * main.fontSize;
  const sorted = [...group].sort((p, q) => p.x - q.x);
  const parts = sorted.filter((it) => !isCall(it));
  let text = "";
  let prev: Item | undefined;
  let right = -Infinity;
  for (const it of sorted) {
    if (isCall(it)) {
      right = Math.max(right, it.x + it.width);
      continue;
    }
    // Fake bold / shadows draw the same string twice, a fraction of a point apart.
    if (prev && it.str === prev.str && Math.abs(it.x - prev.x) < 0.2 * it.fontSize) continue;
    if (prev) {
      const gap = it.x - right;
      const spaced = /\s$/.test(text) || /^\s/.test(it.str);
      if (!spaced && gap > 0.15 * Math.min(it.fontSize, prev.fontSize)) text += " ";
    }
    text += it.str;
    right = Math.max(right, it.x + it.width);
    prev = it;
  }
  // Font size of the line: the size carrying most characters.
  const sizes = new Map<number, number>();
  for (const it of parts) {
    const key = Math.round(it.fontSize * 2) / 2;
    sizes.set(key, (sizes.get(key) ?? 0) + it.str.length);
  }
  let fontSize = main.fontSize;
  let best = -1;
  for (const [size, chars] of sizes) {
    if (chars > best) {
      best = chars;
      fontSize = size;
    }
  }
  const x = parts[0].x;
  return { text: text.replace(/\s+/g, (m) => (/^[\u00a0\u202f]+$/.test(m) ? m : " ")).trim(), y: main.y, x, fontSize, width: Math.max(0, right - x) };
}
