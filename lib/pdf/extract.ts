/**
 * Text extraction from one (chunk) PDF, server side: positioned lines per page.
 *
 * Two extractors:
 *  - "pdfjs" (pdfjs-dist, pure JS, the default). It runs in a small pool of worker threads
 *    (min(2, CPUs) workers, created on first use) so a chunk's parsing never blocks the caller's
 *    event loop and two chunks extract on two cores at once. Each worker has its own heap limit
 *    (FOLIO_EXTRACT_WORKER_MB, default 256), so one chunk's memory is bounded; a worker that dies
 *    fails only its chunk and is replaced. The worker's code is a string evaluated by Node
 *    (lib/pdf/extract-worker-source.ts), so no bundler has to ship a worker file; it imports
 *    pdfjs-dist from node_modules (an external package in next.config.mjs). If the pool cannot
 *    start (no worker_threads, pdfjs not resolvable from a worker), extraction runs in the
 *    calling thread instead. FOLIO_EXTRACT_WORKERS=0 forces in-thread extraction.
 *  - "pdftotext" (Poppler's command-line tool, when installed): a child process per chunk, faster.
 *    Opt-in, see `resolveExtractor`.
 * FOLIO_EXTRACTOR=pdfjs|pdftotext|auto (default auto) chooses; an explicit option wins.
 *
 * Both give the same shape: lines top to bottom in reading order (columns detected on pdfjs
 * output, by Poppler itself on pdftotext output), with position, size and width, and a footnote
 * call (a small raised number) left out of the line's text.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { TextItem, TextMarkedContent } from "pdfjs-dist/types/src/display/api";
import { EXTRACT_WORKER_SOURCE } from "./extract-worker-source";
import { composeAccents } from "./accents";
import { mapTexCodes } from "./tex-codes";
import { drawsImages, harmonizeOcrSizes, OCR_MIN_CONFIDENCE, ocrBudget, ocrEnabled, ocrPage, releaseOcr, type CanvasFactory } from "./ocr";
import { looksUnreadable } from "../text/unreadable";
import { pdfjsWasmUrl, pdfjsWorkerUrl } from "./pdfjs-patch";

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
  /** On a page with columns: the left and right ends of this line's column. */
  column?: { left: number; right: number };
  /** The line starts with a drop cap: lines down to `bottom` (baseline) starting near `right` sit beside it. */
  dropCap?: { right: number; bottom: number };
};

export type ExtractedPage = {
  /** 1-based page number within the PDF (the chunk). */
  page: number;
  /** In reading order: top to bottom (column by column when the page has columns), then left to right. */
  lines: ExtractedLine[];
  /** Page box size in PDF units. */
  width: number;
  height: number;
  /** Set when this page's content could not be read (the other pages still are). */
  error?: string;
  /** Set when the page had no text layer and its text was read by OCR (lib/pdf/ocr.ts). */
  ocr?: { confidence: number };
  /**
   * Set when the page gives no text although it might hold some: "unreadable" (its text layer is
   * a font's private codes, and OCR could not read the glyphs either), "ocr-nothing" (an image
   * OCR found no print in), "ocr-budget" (an image not read: the chunk's OCR time ran out, or
   * its first three OCRed images were costly noise).
   */
  noText?: NoTextReason;
};

export type NoTextReason = "unreadable" | "ocr-nothing" | "ocr-budget";

export type PdfExtractErrorCode = "PDF_ENCRYPTED" | "PDF_UNREADABLE";

export class PdfExtractError extends Error {
  readonly code: PdfExtractErrorCode;
  constructor(code: PdfExtractErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "PdfExtractError";
    this.code = code;
  }
}

export type ExtractorName = "pdfjs" | "pdftotext";
export type ExtractorChoice = ExtractorName | "auto";
export type ExtractOptions = {
  /** Default: FOLIO_EXTRACTOR, else "auto". */
  extractor?: ExtractorChoice;
  /** pdfjs only: run in the calling thread rather than the worker pool. */
  inThread?: boolean;
  /**
   * The book's language: pages without a text layer that draw images are then read by OCR in
   * that language (pdfjs on a file or in-thread; not in the worker-thread pool). Without it, no OCR.
   */
  language?: string;
};

/** A text item: its string, left end, baseline, width and font size (PDF units). */
export type Item = { str: string; x: number; y: number; width: number; fontSize: number; dropCap?: { right: number; bottom: number } };
/** The items of one page as the pdfjs worker sends them. */
type RawPage = {
  page: number;
  width: number;
  height: number;
  error?: string;
  strs: string[];
  nums: Float64Array;
  ocr?: { confidence: number };
  /** Why a page has no text: ExtractedPage.noText. */
  noText?: NoTextReason;
};

// ---------------------------------------------------------------------------------------------
// Choosing the extractor

let pdftotextCache: { key: string; path: string | null } | undefined;

/** The pdftotext executable (FOLIO_PDFTOTEXT, else the first one on PATH), or null. */
export function findPdftotext(): string | null {
  const key = `${process.env.FOLIO_PDFTOTEXT ?? ""}|${process.env.PATH ?? ""}`;
  if (pdftotextCache?.key === key) return pdftotextCache.path;
  const candidates = process.env.FOLIO_PDFTOTEXT ? [process.env.FOLIO_PDFTOTEXT] : (process.env.PATH ?? "").split(path.delimiter).filter(Boolean).map((d) => path.join(d, "pdftotext"));
  let found: string | null = null;
  for (const c of candidates) {
    try {
      fs.accessSync(c, fs.constants.X_OK);
      if (fs.statSync(c).isFile()) {
        found = c;
        break;
      }
    } catch {
      // not there
    }
  }
  pdftotextCache = { key, path: found };
  return found;
}

/**
 * The extractor to use: an explicit "pdfjs" or "pdftotext" (pdftotext falls back to pdfjs when
 * it is not installed), or "auto" (the default). Auto means pdfjs: on the quality benchmark
 * (npm run bench:quality) Poppler's text scores lower on footnote calls and some layouts, so
 * pdftotext stays opt-in for speed (FOLIO_EXTRACTOR=pdftotext).
 */
export function resolveExtractor(choice?: ExtractorChoice): ExtractorName {
  const raw = (choice ?? process.env.FOLIO_EXTRACTOR ?? "auto").trim().toLowerCase();
  if (raw === "pdftotext") return findPdftotext() ? "pdftotext" : "pdfjs";
  return "pdfjs";
}

/**
 * A PDF to read: its bytes, or a file on disk with an optional page range (1-based, inclusive;
 * the pages of a chunk read straight from the stored upload). Pages are numbered from 1 at the
 * range's first page in the answer.
 */
export type PdfSource = Uint8Array | { path: string; firstPage?: number; lastPage?: number };
type PageRange = { first: number; last: number };

function rangeOf(source: PdfSource): PageRange | undefined {
  if (source instanceof Uint8Array) return undefined;
  return { first: Math.max(1, source.firstPage ?? 1), last: source.lastPage ?? Number.MAX_SAFE_INTEGER };
}

/** Lines of text per page, in reading order. */
export async function extractPages(source: PdfSource, opts: ExtractOptions = {}): Promise<ExtractedPage[]> {
  const extractor = resolveExtractor(opts.extractor);
  if (extractor === "pdftotext") return extractWithPdftotext(source);
  if (!(source instanceof Uint8Array)) {
    // A file and a page range (the parsing child's case): read in this thread, the document kept open for the next range.
    const doc = await openCachedDocument(source.path);
    return (await readPages(doc, rangeOf(source), opts.language)).map(linesOfRawPage);
  }
  const raw = opts.inThread || !poolEnabled() ? await pdfjsInThread(source, opts.language) : await pdfjsInPool(source);
  return raw.map(linesOfRawPage);
}

function linesOfRawPage(p: RawPage): ExtractedPage {
  const items: Item[] = [];
  for (let i = 0; i < p.strs.length; i++) items.push({ str: p.strs[i], x: p.nums[4 * i], y: p.nums[4 * i + 1], width: p.nums[4 * i + 2], fontSize: p.nums[4 * i + 3] });
  // OCR's words are Unicode already: no TeX codes to map, no separate accents to compose.
  const lines = groupLines(p.ocr ? items : composeAccents(mapTexCodes(items)));
  const out: ExtractedPage = { page: p.page, lines, width: p.width, height: p.height };
  if (p.error !== undefined) out.error = p.error;
  if (p.ocr) out.ocr = p.ocr;
  if (p.noText) out.noText = p.noText;
  return out;
}

// ---------------------------------------------------------------------------------------------
// pdfjs in this thread

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

async function openCachedDocument(file: string): Promise<PdfjsDocument> {
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

async function pdfjsInThread(pdf: Uint8Array, language?: string): Promise<RawPage[]> {
  const doc = await openDocument(pdf);
  try {
    return await readPages(doc, undefined, language);
  } finally {
    await doc.destroy();
  }
}

async function readPages(doc: PdfjsDocument, range?: PageRange, language?: string): Promise<RawPage[]> {
  const pages: RawPage[] = [];
  const first = range?.first ?? 1;
  const last = Math.min(doc.numPages, range?.last ?? doc.numPages);
  const ocr = language !== undefined && ocrEnabled();
  const budget = ocrBudget();
  let ocrUsed = false;
  let ocrRead = 0;
  let costlyMisses = 0;
  const ocrItems = new Map<number, Item[]>();
  try {
    for (let n = first; n <= last; n++) {
      let page: Awaited<ReturnType<typeof doc.getPage>> | undefined;
      const at = n - first + 1;
      try {
        page = await doc.getPage(n);
        const [x0, y0, x1, y1] = page.view;
        const content = await page.getTextContent();
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
          // Images of noise cost seconds each and give nothing (pages with no text are not
          // charged): after three such in a row and none read, the chunk's OCR stops.
          if (budget.spent() > budget.seconds || (ocrRead === 0 && costlyMisses >= 3)) {
            why = "ocr-budget";
          } else {
            ocrUsed = true;
            const before = budget.spent();
            const seen = await ocrPage(page, (doc as unknown as { canvasFactory: CanvasFactory }).canvasFactory, language);
            if (seen.confidence >= OCR_MIN_CONFIDENCE && seen.items.length) {
              items = seen.items;
              read = { confidence: Math.round(seen.confidence) };
              why = undefined;
              ocrRead++;
              costlyMisses = 0;
            } else {
              // Noise, or a cipher's boxes: Tesseract's guesses are not text.
              why = unreadable ? "unreadable" : "ocr-nothing";
              costlyMisses = budget.spent() - before >= budget.noiseSeconds ? costlyMisses + 1 : 0;
            }
          }
        }
        const nums = new Float64Array(4 * items.length);
        items.forEach((it, i) => nums.set([it.x, it.y, it.width, it.fontSize], 4 * i));
        const raw: RawPage = { page: at, width: Math.abs(x1 - x0), height: Math.abs(y1 - y0), strs: items.map((it) => it.str), nums };
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
    if (ocrUsed) await releaseOcr();
  }
  if (ocrItems.size) {
    const indexes = [...ocrItems.keys()];
    const even = harmonizeOcrSizes(indexes.map((i) => ocrItems.get(i)!));
    indexes.forEach((pi, k) => {
      const items = even[k];
      const nums = new Float64Array(4 * items.length);
      items.forEach((it, i) => nums.set([it.x, it.y, it.width, it.fontSize], 4 * i));
      pages[pi] = { ...pages[pi], strs: items.map((it) => it.str), nums };
    });
  }
  return pages;
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

// ---------------------------------------------------------------------------------------------
// pdfjs in a pool of worker threads

type Job = { id: number; data: ArrayBuffer; resolve: (pages: RawPage[]) => void; reject: (err: unknown) => void };
type Slot = { worker: Worker; job: Job | null; done: number };
type WorkerAnswer = { id: number; ok: true; pages: RawPage[] } | { id: number; ok: false; code: string; message: string };

const RECYCLE_AFTER = 200; // chunks per worker, then a fresh heap
let poolBroken = false;
let poolState: { slots: Slot[]; queue: Job[]; size: number; pdfjsUrl: string; nextId: number } | null = null;

function poolEnabled(): boolean {
  return !poolBroken && process.env.FOLIO_EXTRACT_WORKERS !== "0";
}

/**
 * Workers in the pool: FOLIO_EXTRACT_WORKERS, else one per CPU but one (at least 1, at most 2):
 * the process's main thread (repair, segmentation, database, HTTP) keeps a core to itself.
 */
export function extractPoolSize(): number {
  const env = Number(process.env.FOLIO_EXTRACT_WORKERS);
  if (Number.isInteger(env) && env > 0) return Math.min(env, 16);
  const cpus = typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, Math.min(2, cpus - 1));
}

/** pdfjs-dist's legacy build, as a file URL a worker can import (from the app's node_modules). */
function resolvePdfjsUrl(): string {
  const spec = "pdfjs-dist/legacy/build/pdf.mjs";
  const bases = [path.join(process.cwd(), "package.json")];
  let lastErr: unknown;
  for (const base of bases) {
    try {
      return pathToFileURL(createRequire(base).resolve(spec)).href;
    } catch (err) {
      lastErr = err;
    }
  }
  throw lastErr instanceof Error ? lastErr : new Error(`cannot resolve ${spec}`);
}

function workerHeapMb(): number {
  const v = Number(process.env.FOLIO_EXTRACT_WORKER_MB);
  return Number.isFinite(v) && v >= 64 ? v : 256;
}

async function pdfjsInPool(pdf: Uint8Array): Promise<RawPage[]> {
  let state = poolState;
  if (!state) {
    let pdfjsUrl: string;
    try {
      pdfjsUrl = resolvePdfjsUrl();
    } catch (err) {
      return fallBack(pdf, err);
    }
    state = poolState = { slots: [], queue: [], size: extractPoolSize(), pdfjsUrl, nextId: 1 };
  }
  const data = new ArrayBuffer(pdf.byteLength);
  new Uint8Array(data).set(pdf);
  try {
    return await new Promise<RawPage[]>((resolve, reject) => {
      state.queue.push({ id: state.nextId++, data, resolve, reject });
      pump();
    });
  } catch (err) {
    if ((err as { loadFailed?: boolean }).loadFailed) return fallBack(pdf, err);
    throw err;
  }
}

function fallBack(pdf: Uint8Array, err: unknown): Promise<RawPage[]> {
  if (!poolBroken) {
    poolBroken = true;
    console.warn(`[folio] PDF extraction workers unavailable, extracting in-thread: ${(err as Error)?.message ?? String(err)}`);
  }
  return pdfjsInThread(pdf);
}

function pump(): void {
  const state = poolState;
  if (!state) return;
  while (state.queue.length) {
    let slot = state.slots.find((s) => !s.job);
    if (!slot && state.slots.length < state.size) slot = spawnSlot(state.pdfjsUrl);
    if (!slot) return;
    const job = state.queue.shift()!;
    slot.job = job;
    slot.worker.ref();
    slot.worker.postMessage({ id: job.id, data: job.data }, [job.data]);
  }
}

function spawnSlot(pdfjsUrl: string): Slot {
  const state = poolState!;
  const worker = new Worker(EXTRACT_WORKER_SOURCE, {
    eval: true,
    workerData: { pdfjsUrl, workerUrl: pdfjsWorkerUrl() },
    // A small young generation keeps a worker's resident memory low (pdfjs makes much short-lived
    // garbage) at no measurable cost in speed; the old generation bounds one chunk's memory.
    resourceLimits: { maxOldGenerationSizeMb: workerHeapMb(), maxYoungGenerationSizeMb: 6 },
    stdout: false,
    stderr: false,
  });
  const slot: Slot = { worker, job: null, done: 0 };
  state.slots.push(slot);
  worker.unref();
  const remove = () => {
    const i = state.slots.indexOf(slot);
    if (i >= 0) state.slots.splice(i, 1);
  };
  worker.on("message", (msg: WorkerAnswer) => {
    const job = slot.job;
    if (!job || job.id !== msg.id) return;
    slot.job = null;
    slot.done++;
    worker.unref();
    if (msg.ok) job.resolve(msg.pages);
    else if (msg.code === "LOAD_FAILED") job.reject(Object.assign(new Error(msg.message), { loadFailed: true }));
    else job.reject(new PdfExtractError(msg.code === "PDF_ENCRYPTED" ? "PDF_ENCRYPTED" : "PDF_UNREADABLE", msg.message));
    if (slot.done >= RECYCLE_AFTER) {
      remove();
      void worker.terminate();
    }
    pump();
  });
  const fail = (err: unknown) => {
    remove();
    const job = slot.job;
    slot.job = null;
    if (job) {
      const code = (err as { code?: string })?.code;
      const message =
        code === "ERR_WORKER_OUT_OF_MEMORY"
          ? `extracting this chunk needs more than ${workerHeapMb()} MB (FOLIO_EXTRACT_WORKER_MB)`
          : `the PDF extraction worker failed: ${(err as Error)?.message ?? String(err)}`;
      job.reject(new Error(message, { cause: err }));
    }
    pump();
  };
  worker.on("error", fail);
  worker.on("exit", (code) => {
    if (state.slots.includes(slot)) fail(new Error(`worker exited with code ${code}`));
  });
  return slot;
}

/** Stops the pool's workers (they are also unref'd when idle, so they never keep a process alive). */
export async function closeExtractPool(): Promise<void> {
  const state = poolState;
  poolState = null;
  if (!state) return;
  for (const job of state.queue) job.reject(new Error("the extraction pool was closed"));
  await Promise.all(state.slots.map((s) => s.worker.terminate()));
}

// ---------------------------------------------------------------------------------------------
// pdftotext (Poppler)

const PDFTOTEXT_TIMEOUT_MS = 120_000;

async function extractWithPdftotext(source: PdfSource): Promise<ExtractedPage[]> {
  const exe = findPdftotext();
  if (!exe) throw new Error("pdftotext is not installed");
  const range = rangeOf(source);
  const dir = source instanceof Uint8Array ? fs.mkdtempSync(path.join(os.tmpdir(), "folio-pdftotext-")) : null;
  const file = dir ? path.join(dir, "chunk.pdf") : (source as { path: string }).path;
  const pages = range ? ["-f", String(range.first), "-l", String(Math.min(range.last, 2 ** 31 - 1))] : [];
  try {
    if (dir) fs.writeFileSync(file, source as Uint8Array);
    const { code, stdout, stderr } = await run(exe, [...pages, "-bbox-layout", "-enc", "UTF-8", file, "-"]);
    if (code !== 0) {
      if (/password|encrypt/i.test(stderr)) throw new PdfExtractError("PDF_ENCRYPTED", "This PDF is encrypted or password-protected.");
      throw new PdfExtractError("PDF_UNREADABLE", `This PDF cannot be read: pdftotext exited with code ${code}${stderr.trim() ? ` (${stderr.trim().split("\n").slice(-1)[0].slice(0, 200)})` : ""}`);
    }
    return parseBboxLayout(stdout);
  } finally {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }
}

function run(cmd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => child.kill("SIGKILL"), PDFTOTEXT_TIMEOUT_MS);
    child.stdout.on("data", (b: Buffer) => out.push(b));
    let errBytes = 0;
    child.stderr.on("data", (b: Buffer) => {
      // Poppler may print a line per syntax error of a damaged PDF: keep the first 16 kB.
      if (errBytes < 16_384) err.push(b);
      errBytes += b.length;
    });
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") });
    });
  });
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
function unescapeXml(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === "#") return String.fromCodePoint(e[1] === "x" || e[1] === "X" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
    return ENTITIES[e.toLowerCase()] ?? m;
  });
}

/** Height of a word box over the font size, for Poppler's boxes (ascent + descent of the font). */
const BOX_PER_SIZE = 0.9;

/** Parses `pdftotext -bbox-layout` output: Poppler's lines (in its reading order) of words with boxes. */
export function parseBboxLayout(html: string): ExtractedPage[] {
  const pages: ExtractedPage[] = [];
  const pageRe = /<page width="([\d.]+)" height="([\d.]+)">([\s\S]*?)<\/page>|<page width="([\d.]+)" height="([\d.]+)"\s*\/>/g;
  const flowRe = /<flow>([\s\S]*?)<\/flow>/g;
  const lineRe = /<line [^>]*>([\s\S]*?)<\/line>/g;
  const wordRe = /<word xMin="([-\d.]+)" yMin="([-\d.]+)" xMax="([-\d.]+)" yMax="([-\d.]+)">([\s\S]*?)<\/word>/g;
  for (const pm of html.matchAll(pageRe)) {
    const width = Number(pm[1] ?? pm[4]);
    const height = Number(pm[2] ?? pm[5]);
    const lines: ExtractedLine[] = [];
    const flows: ExtractedLine[][] = [];
    for (const fm of (pm[3] ?? "").matchAll(flowRe)) {
    const flowLines: ExtractedLine[] = [];
    flows.push(flowLines);
    for (const lm of fm[1].matchAll(lineRe)) {
      const items: Item[] = [];
      for (const wm of lm[1].matchAll(wordRe)) {
        const [x0, y0, x1, y1] = [Number(wm[1]), Number(wm[2]), Number(wm[3]), Number(wm[4])];
        const h = Math.max(0.1, y1 - y0);
        const str = unescapeXml(wm[5]);
        if (!str.trim()) continue;
        // Baseline in PDF space (upwards): the box bottom less the descent (about a quarter of the box).
        items.push({ str, x: x0, y: height - y1 + 0.24 * h, width: Math.max(0, x1 - x0), fontSize: h / BOX_PER_SIZE });
      }
      if (!items.length) continue;
      const line = toLine(items);
      if (line.text) flowLines.push(line);
    }
    }
    // Flows side by side (no horizontal overlap with another flow that shares their height) are columns.
    const extent = flows.map((f) => ({ left: Math.min(...f.map((l) => l.x)), right: Math.max(...f.map((l) => l.x + l.width)), top: Math.max(...f.map((l) => l.y)), bottom: Math.min(...f.map((l) => l.y)) }));
    flows.forEach((f, i) => {
      const e = extent[i];
      const beside = extent.some((o, j) => j !== i && (o.left >= e.right || o.right <= e.left) && o.top >= e.bottom && o.bottom <= e.top);
      if (beside && f.length > 1) for (const l of f) l.column = { left: e.left, right: e.right };
      lines.push(...f);
    });
    pages.push({ page: pages.length + 1, lines, width, height });
  }
  return pages;
}

// ---------------------------------------------------------------------------------------------
// Lines and columns

/**
 * Groups text items into lines in reading order. Columns are found first (a vertical strip that
 * almost no line crosses, with text on both sides); within a page band between lines that span
 * the columns (headers, titles, page numbers), the left column is read before the right one.
 */
export function groupLines(items: Item[]): ExtractedLine[] {
  return layoutLines(mergeDropCaps(items), 0);
}

/**
 * Drop caps: a letter (maybe after an opening quote) at least 2.2 times the size of the text,
 * with text lines of ordinary size just to its right, is the first letter of the topmost of those
 * lines ("L" + "e lendemain" → "Le lendemain"). A one-letter word that cannot start a longer
 * word ("À") keeps a space after it.
 */
export function mergeDropCaps(items: Item[]): Item[] {
  if (items.length < 3) return items;
  const sizes = items.map((it) => it.fontSize).sort((a, b) => a - b);
  const body = sizes[Math.floor(sizes.length / 2)];
  let out = items;
  for (const cap of items) {
    if (cap.fontSize < 2.2 * body || !/^[«“"‘(]?\p{Lu}$/u.test(cap.str.trim())) continue;
    const capRight = cap.x + cap.width;
    // Lines beside it: ordinary size, starting just right of it, within its height.
    const beside = out.filter(
      (it) => it !== cap && it.fontSize < 0.7 * cap.fontSize && it.x >= capRight - 0.5 && it.x <= capRight + 1.5 * it.fontSize && it.y >= cap.y - 0.3 * it.fontSize && it.y <= cap.y + 0.9 * cap.fontSize,
    );
    if (!beside.length) continue;
    const topY = Math.max(...beside.map((it) => it.y));
    const first = beside.filter((it) => Math.abs(it.y - topY) < 0.3 * it.fontSize).sort((a, b) => a.x - b.x)[0];
    const letter = cap.str.trim();
    const sep = /^[ÀÂÔÔ]$/u.test(letter.slice(-1)) || /^[\s\u00a0]/.test(first.str) ? " " : "";
    const bottom = Math.min(...beside.map((it) => it.y));
    const merged: Item = { str: letter + sep + first.str.replace(/^\s+/, ""), x: cap.x, y: first.y, width: first.x + first.width - cap.x, fontSize: first.fontSize, dropCap: { right: first.x, bottom } };
    out = out.filter((it) => it !== cap && it !== first);
    out.push(merged);
  }
  return out;
}

function layoutLines(items: Item[], depth: number): ExtractedLine[] {
  const gutter = depth < 2 ? findGutter(items) : null;
  if (!gutter) return rowsOf(items).map(toLine).filter((l) => l.text !== "");
  const [g0, g1] = gutter;
  const left: Item[] = [];
  const right: Item[] = [];
  const spanning: Item[] = [];
  for (const it of items) {
    if (it.x + it.width <= g0 + 0.5) left.push(it);
    else if (it.x >= g1 - 0.5) right.push(it);
    else spanning.push(it);
  }
  // A line above everything in the other column (a running head set over one column: the
  // chapter's name on the right, the book's title on the left) belongs above both: it is read
  // first, not in the middle of the page after the left column.
  const topOf = (its: Item[]) => Math.max(...its.map((it) => it.y));
  for (const [mine, other] of [[left, right], [right, left]] as const) {
    if (!other.length) continue;
    const top = topOf(other);
    for (let i = mine.length - 1; i >= 0; i--) if (mine[i].y > top + 1.5 * mine[i].fontSize) spanning.push(...mine.splice(i, 1));
  }
  const across = rowsOf(spanning).map(toLine).filter((l) => l.text !== "");
  const l = inColumn(layoutLines(left, depth + 1), left);
  const r = inColumn(layoutLines(right, depth + 1), right);
  // Bands between spanning lines (top to bottom): left column, then right column, then the spanning line.
  const out: ExtractedLine[] = [];
  let upper = Infinity;
  for (const bound of [...across, null]) {
    const lower = bound ? bound.y : -Infinity;
    const inBand = (x: ExtractedLine) => x.y < upper && x.y >= lower;
    out.push(...l.filter(inBand), ...r.filter(inBand));
    if (bound) out.push(bound);
    upper = lower;
  }
  return out;
}

/** Marks lines with the extent of their column (unless a narrower column was found inside it). */
function inColumn(lines: ExtractedLine[], items: Item[]): ExtractedLine[] {
  let left = Infinity;
  let right = -Infinity;
  for (const it of items) {
    left = Math.min(left, it.x);
    right = Math.max(right, it.x + it.width);
  }
  for (const line of lines) line.column ??= { left, right };
  return lines;
}

/**
 * A column gutter: the widest vertical strip, in the middle half of the text, at least about a
 * font size wide, crossed by at most a tenth of the rows (headers and titles may cross it), with
 * a good share of rows having text on each side and left-column lines reaching up to it.
 */
function findGutter(items: Item[]): [number, number] | null {
  if (items.length < 12) return null;
  const rows = rowsOf(items);
  if (rows.length < 6) return null;
  let minX = Infinity;
  let maxX = -Infinity;
  const sizes: number[] = [];
  for (const it of items) {
    minX = Math.min(minX, it.x);
    maxX = Math.max(maxX, it.x + it.width);
    sizes.push(it.fontSize);
  }
  const span = maxX - minX;
  if (!(span > 40) || span > 20000) return null;
  sizes.sort((a, b) => a - b);
  const fs = sizes[Math.floor(sizes.length / 2)];
  // Rows covering each 1-unit bin (difference array over the rows' item intervals).
  const n = Math.ceil(span) + 2;
  const diff = new Int32Array(n + 1);
  for (const row of rows) {
    // The union of the row's item intervals [a, b) in whole bins, each bin counted once per row.
    const spans = row
      .map((it) => [Math.max(0, Math.floor(it.x - minX)), Math.min(n, Math.ceil(it.x + it.width - minX))] as const)
      .filter(([a, b]) => b > a)
      .sort((p, q) => p[0] - q[0]);
    let start = -1;
    let end = -1;
    for (const [a, b] of spans) {
      if (a > end) {
        if (end > start) {
          diff[start]++;
          diff[end]--;
        }
        start = a;
        end = b;
      } else if (b > end) end = b;
    }
    if (end > start) {
      diff[start]++;
      diff[end]--;
    }
  }
  // Rows allowed across the gutter: the lines spanning both columns (a chapter's title, a
  // dedication) and a centred page number; a chapter's first page has fewer column rows to weigh them.
  const limit = Math.max(2, Math.ceil(0.12 * rows.length));
  // LaTeX's twocolumn gutter is 10 pt (\columnsep) at 10-11 pt type, 9 whole bins once the
  // lines' ends are rounded up: 0.9 em missed it and read the columns across (Flaubert, F1 0.28).
  const minWidth = Math.max(0.6 * fs, 5);
  let best: [number, number] | null = null;
  let run = -1;
  let cov = 0;
  for (let x = 0; x <= n; x++) {
    cov += x < n ? diff[x] : 0;
    const low = x < n && cov <= limit;
    if (low && run < 0) run = x;
    if (!low && run >= 0) {
      const a = minX + run;
      const b = minX + x;
      const mid = (a + b) / 2;
      if (b - a >= minWidth && mid > minX + 0.25 * span && mid < maxX - 0.25 * span && (!best || b - a > best[1] - best[0])) best = [a, b];
      run = -1;
    }
  }
  if (!best) return null;
  const [g0, g1] = best;
  let leftRows = 0;
  let rightRows = 0;
  let reaching = 0;
  for (const row of rows) {
    const l = row.filter((it) => it.x + it.width <= g0 + 0.5);
    if (l.length) leftRows++;
    if (row.some((it) => it.x >= g1 - 0.5)) rightRows++;
    if (l.some((it) => it.x + it.width >= g0 - 3 * fs)) reaching++;
  }
  const need = Math.max(3, 0.3 * rows.length);
  return leftRows >= need && rightRows >= need && reaching >= 3 ? best : null;
}

/**
 * Groups items into rows by baseline (with a tolerance of about half a font size), top to bottom;
 * toLine orders each row's items left to right.
 */
function rowsOf(items: Item[]): Item[][] {
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
  return groups;
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
  const line: ExtractedLine = { text: text.replace(/\s+/g, (m) => (/^[\u00a0\u202f]+$/.test(m) ? m : " ")).trim(), y: main.y, x, fontSize, width: Math.max(0, right - x) };
  const cap = parts.find((it) => it.dropCap)?.dropCap;
  if (cap) line.dropCap = cap;
  return line;
}
