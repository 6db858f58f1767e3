/**
 * pdf.js in this thread: loading it (with the natives it replaces put back), opening documents
 * (the last file kept open for the next page range), reading pages' text items, and OCR of the
 * pages that have no text layer (lib/pdf/ocr.ts). A parsing child reads its chunks here.
 */
import fs from "node:fs";
import type { TextItem, TextMarkedContent } from "pdfjs-dist/types/src/display/api";
import { PdfExtractError, type Item, type PageRange, type RawPage } from "./extract-types";
import { drawsImages, harmonizeOcrSizes, ocrEnabled, ocrSession, type CanvasFactory } from "./ocr";
import { looksUnreadable } from "../text/unreadable";
import { pdfjsWasmUrl, pdfjsWorkerUrl } from "./pdfjs-patch";

type Pdfjs = typeof import("pdfjs-dist/legacy/build/pdf.mjs");
let pdfjsPromise: Promise<Pdfjs> | undefined;

/**
 * Loads pdfjs once per process (the legacy build runs in Node 20 without DOM polyfills).
 *
 * That build also installs core-js polyfills over built-ins Node 20 already has right, for the
 * whole process: Array.prototype.push and JSON.stringify / JSON.parse (measured on this machine:
 * JSON.stringify 24× slower, push 3× slower, for pdf.js's code and ours alike). The natives are
 * put back once it and its worker module are loaded; what they add (Promise.withResolvers, Map.getOrInsertComputed, ...)
 * stays, pdf.js needs those.
 */
function loadPdfjs(): Promise<Pdfjs> {
  pdfjsPromise ??= withNativeBuiltins(async () => {
    // The "fake worker" (pdf.js's core in this thread) is loaded now too, not at the first
    // document: its module installs the same polyfills again.
    // The worker module is our patched copy (lib/pdf/pdfjs-patch.ts: OT1 ligature codes kept).
    const [lib, worker] = await Promise.all([import("pdfjs-dist/legacy/build/pdf.mjs"), import(/*turbopackIgnore: true*/ pdfjsWorkerUrl())]);
    (globalThis as { pdfjsWorker?: unknown }).pdfjsWorker = worker;
    return lib;
  }).catch((err: unknown) => {
    pdfjsPromise = undefined;
    throw err;
  });
  return pdfjsPromise;
}

/** Runs `load`, then restores Array.prototype.push, JSON.stringify and JSON.parse if it replaced them. */
async function withNativeBuiltins<T>(load: () => Promise<T>): Promise<T> {
  const push = Array.prototype.push;
  const { stringify, parse } = JSON;
  try {
    return await load();
  } finally {
    if (Array.prototype.push !== push) Object.defineProperty(Array.prototype, "push", { value: push, writable: true, configurable: true, enumerable: false });
    if (JSON.stringify !== stringify) JSON.stringify = stringify;
    if (JSON.parse !== parse) JSON.parse = parse;
  }
}

type PdfjsDocument = Awaited<ReturnType<Pdfjs["getDocument"]>["promise"]>;

async function openDocument(pdf: Uint8Array): Promise<PdfjsDocument> {
  const pdfjs = await loadPdfjs();
  // pdfjs wants a plain Uint8Array (not a Buffer) and may take ownership of it: pass a copy.
  const data = new Uint8Array(pdf.byteLength);
  data.set(pdf);
  const task = pdfjs.getDocument({
    data,
    disableFontFace: true,
    useSystemFonts: false,
    // pdf.js's WebAssembly decoders (JBIG2 and JPEG 2000 images, the usual codecs of scans; ICC
    // colours): without them such images decode to nothing and OCR sees a blank page.
    wasmUrl: pdfjsWasmUrl(),
    isEvalSupported: false,
    disableAutoFetch: true,
    disableStream: true,
    stopAtErrors: false,
    verbosity: pdfjs.VerbosityLevel.ERRORS,
  });
  try {
    return await task.promise;
  } catch (err) {
    await task.destroy().catch(() => undefined);
    const name = (err as { name?: string } | null)?.name;
    if (name === "PasswordException") throw new PdfExtractError("PDF_ENCRYPTED", "This PDF is encrypted or password-protected.", { cause: err });
    throw new PdfExtractError("PDF_UNREADABLE", `This PDF cannot be read: ${(err as Error)?.message ?? String(err)}`, { cause: err });
  }
}

/**
 * The last file opened by path stays open (one per process): the chunks of a book come to the
 * same parsing child one after another, and parsing the document's fonts and page tree once
 * instead of once per chunk makes a chunk ~3× cheaper. A changed file (size, mtime) is reopened.
 */
let cachedDocument: { key: string; doc: Promise<PdfjsDocument> } | null = null;

export async function openCachedDocument(file: string): Promise<PdfjsDocument> {
  const st = await fs.promises.stat(file);
  const key = `${file}:${st.size}:${st.mtimeMs}`;
  if (cachedDocument?.key !== key) {
    const old = cachedDocument;
    cachedDocument = null;
    if (old) await old.doc.then((d) => d.destroy()).catch(() => undefined);
    const doc = fs.promises.readFile(file).then(openDocument);
    cachedDocument = { key, doc };
    doc.catch(() => {
      if (cachedDocument?.doc === doc) cachedDocument = null;
    });
  }
  return cachedDocument.doc;
}

/**
 * Closes the document kept open by openCachedDocument, if any: a parsing child about to plan
 * another upload frees the last book's parsed objects first (they count against its memory cap).
 */
export async function releaseCachedDocument(): Promise<void> {
  const old = cachedDocument;
  cachedDocument = null;
  if (old) await old.doc.then((d) => d.destroy()).catch(() => undefined);
}

/** Starts loading pdf.js now (a parsing child does at start, so its first task does not wait for it). */
export function preloadPdfjs(): void {
  loadPdfjs().catch(() => undefined);
}

export async function pdfjsInThread(pdf: Uint8Array, language?: string): Promise<RawPage[]> {
  const doc = await openDocument(pdf);
  try {
    return await readPages(doc, undefined, language);
  } finally {
    await doc.destroy();
  }
}

export async function readPages(doc: PdfjsDocument, range?: PageRange, language?: string): Promise<RawPage[]> {
  const pages: RawPage[] = [];
  const first = range?.first ?? 1;
  const last = Math.min(doc.numPages, range?.last ?? doc.numPages);
  const ocr = language !== undefined && ocrEnabled() ? ocrSession(language) : null;
  const ocrItems = new Map<number, Item[]>();
  try {
    for (let n = first; n <= last; n++) {
      let page: Awaited<ReturnType<typeof doc.getPage>> | undefined;
      const at = n - first + 1;
      try {
        page = await doc.getPage(n);
        const [x0, y0, x1, y1] = page.view;
        const content = await readTextContent(page);
        let items = toItems(content.items);
        let read: RawPage["ocr"];
        let why: RawPage["noText"];
        // A text layer that is a font's private codes, not words: never emitted as text.
        const unreadable = items.length > 0 && looksUnreadable(items.map((it) => it.str));
        if (unreadable) {
          items = [];
          why = "unreadable";
        }
        // No text layer but an image (a scan), or unreadable text (its glyphs may still be
        // legible): the page is read by OCR, within the chunk's OCR time budget.
        if (ocr && items.length === 0 && (unreadable || (await drawsImages(page)))) {
          const seen = await ocr.read(page, (doc as unknown as { canvasFactory: CanvasFactory }).canvasFactory);
          if ("items" in seen) {
            items = seen.items;
            read = { confidence: Math.round(seen.confidence) };
            why = undefined;
          } else {
            // Out of OCR time; or noise, or a cipher's boxes: Tesseract's guesses are not text.
            why = seen.missed === "budget" ? "ocr-budget" : unreadable ? "unreadable" : "ocr-nothing";
          }
        }
        const raw: RawPage = { page: at, width: Math.abs(x1 - x0), height: Math.abs(y1 - y0), ...packItems(items) };
        if (read) {
          raw.ocr = read;
          ocrItems.set(pages.length, items);
        }
        if (why) raw.noText = why;
        pages.push(raw);
      } catch (err) {
        // A damaged page (bad content stream, missing object) does not sink the whole chunk.
        pages.push({ page: at, width: 0, height: 0, error: (err as Error)?.message ?? String(err), strs: [], nums: new Float64Array(0) });
      } finally {
        page?.cleanup();
      }
    }
  } finally {
    // The OCR engine's memory goes back between chunks.
    await ocr?.end();
  }
  if (ocrItems.size) {
    const indexes = [...ocrItems.keys()];
    const even = harmonizeOcrSizes(indexes.map((i) => ocrItems.get(i)!));
    indexes.forEach((pi, k) => (pages[pi] = { ...pages[pi], ...packItems(even[k]) }));
  }
  return pages;
}

/** Items as the strings and the flat x, y, width, fontSize numbers of a RawPage. */
function packItems(items: Item[]): Pick<RawPage, "strs" | "nums"> {
  const nums = new Float64Array(4 * items.length);
  items.forEach((it, i) => nums.set([it.x, it.y, it.width, it.fontSize], 4 * i));
  return { strs: items.map((it) => it.str), nums };
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
 * Text items a page may have: a dense book page has 3,000-6,000; a 200 MB content stream of text
 * operators has millions, and reading them all took a parsing child to its CPU limit (120 s)
 * under its memory cap. FOLIO_MAX_PAGE_ITEMS overrides.
 */
const MAX_PAGE_ITEMS = Number(process.env.FOLIO_MAX_PAGE_ITEMS) > 0 ? Number(process.env.FOLIO_MAX_PAGE_ITEMS) : 200_000;

export class PageTooComplexError extends Error {
  constructor(items: number) {
    super(`the page has more than ${items.toLocaleString("en")} text items (not a book page)`);
    this.name = "PageTooComplexError";
  }
}

/** pdf.js's text content of a page, read as a stream and abandoned past MAX_PAGE_ITEMS items. */
async function readTextContent(page: { streamTextContent(): ReadableStream<{ items: Array<TextItem | TextMarkedContent> }> }): Promise<{ items: Array<TextItem | TextMarkedContent> }> {
  const items: Array<TextItem | TextMarkedContent> = [];
  const reader = page.streamTextContent().getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    for (const it of value.items) items.push(it);
    if (items.length > MAX_PAGE_ITEMS) {
      await reader.cancel("too many text items").catch(() => undefined);
      throw new PageTooComplexError(MAX_PAGE_ITEMS);
    }
  }
  return { items };
}
