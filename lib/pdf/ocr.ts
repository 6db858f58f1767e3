/**
 * OCR for pages that have no text layer (scans, photographed pages): the page is rendered by
 * pdf.js (its Node canvas, @napi-rs/canvas) in grey, then read by Tesseract (tesseract.js: the
 * engine compiled to WebAssembly, Apache-2.0; French and English trained data from the npm
 * packages @tesseract.js-data/fra and /eng, read from node_modules, never fetched). The words
 * come back as text items placed where Tesseract saw them, in PDF units, so the layout repair
 * (running heads, page numbers, hyphenation, columns) treats a scanned page like a typeset one.
 *
 * Runs only where the page is parsed: in a parsing child (lib/sandbox), under its memory, CPU
 * and time caps. One Tesseract worker (a thread of that child) per chunk and language; it is
 * ended when the chunk's pages are read (releaseOcr), so its WASM memory goes back.
 *
 * Bounds: the page image is at most FOLIO_OCR_MAX_PIXELS (default 6 million: 300 dpi on a
 * 6 × 9 in page); FOLIO_OCR_DPI (default 300). FOLIO_OCR=0 turns OCR off (pages without text
 * are then reported NO_TEXT_LAYER, as before).
 */
import path from "node:path";
import type { PDFPageProxy } from "pdfjs-dist/types/src/display/api";
import type { Item } from "./extract-types";
import { resolvePackage } from "../runtime/resolve-package";

/** pdf.js's Node canvas (its NodeCanvasFactory over @napi-rs/canvas), typed as the DOM's. */
type CanvasAndContext = { canvas: HTMLCanvasElement; context: CanvasRenderingContext2D };
export type CanvasFactory = { create(w: number, h: number): CanvasAndContext; destroy(c: CanvasAndContext): void };
type PdfjsPage = PDFPageProxy;

/** What OCR read on a page: its words as items, and Tesseract's mean word confidence (0-100). */
export type OcrPage = { items: Item[]; confidence: number };

// pdf.js's operator codes for drawing an image (pdfjs-dist OPS): paintImageMaskXObject 83,
// paintImageMaskXObjectGroup 84, paintImageXObject 85, paintInlineImageXObject 86,
// paintInlineImageXObjectGroup 87, paintImageXObjectRepeat 88, paintImageMaskXObjectRepeat 89,
// paintSolidColorImageMask 90.
const IMAGE_OPS = new Set([83, 84, 85, 86, 87, 88, 89]);

/** Below this mean word confidence (0-100), what Tesseract read is noise, not print (a clean scan: 90+; speckled noise: 25). */
export const OCR_MIN_CONFIDENCE = 50;

/**
 * The OCR time of one chunk: FOLIO_OCR_SECONDS, else half the parsing child's CPU limit per task
 * (FOLIO_PARSE_CPU_SECONDS, default 120), so a chunk of noisy images ends with its pages reported
 * rather than with its child killed. Measured in this process's CPU time (the OCR thread included).
 * `noiseSeconds` (FOLIO_OCR_NOISE_SECONDS, 1.5): an OCR that read nothing and cost this much was
 * noise; after three in a row with nothing read yet, the chunk's other images are not OCRed.
 */
export function ocrBudget(env: Record<string, string | undefined> = process.env): { seconds: number; noiseSeconds: number; spent: () => number } {
  const start = process.cpuUsage();
  const seconds = num(env.FOLIO_OCR_SECONDS, 0.5 * num(env.FOLIO_PARSE_CPU_SECONDS, 120));
  // An OCR that read nothing after this much CPU was noise, not a blank page (blank: ~0.3 s; noise: 4 s).
  const noise = Number(env.FOLIO_OCR_NOISE_SECONDS);
  return {
    seconds,
    noiseSeconds: Number.isFinite(noise) && noise >= 0 ? noise : 1.5,
    spent: () => {
      const d = process.cpuUsage(start);
      return (d.user + d.system) / 1e6;
    },
  };
}

export function ocrEnabled(env: Record<string, string | undefined> = process.env): boolean {
  return env.FOLIO_OCR !== "0";
}

/** Tesseract's language for the job's (BCP 47) language: French and English are installed. */
export function ocrLanguage(language: string | undefined): "fra" | "eng" {
  return /^fr\b/i.test(language ?? "") ? "fra" : "eng";
}

/** True when the page draws at least one image (a page without text or images is simply blank). */
export async function drawsImages(page: PdfjsPage): Promise<boolean> {
  const ops = await page.getOperatorList();
  return ops.fnArray.some((op) => IMAGE_OPS.has(op));
}

const num = (v: string | undefined, d: number) => {
  const n = Number(v);
  return Number.isFinite(n) && n > 0 ? n : d;
};

/** The render scale: FOLIO_OCR_DPI, lowered so that the image has at most FOLIO_OCR_MAX_PIXELS. */
export function ocrScale(widthPt: number, heightPt: number, env: Record<string, string | undefined> = process.env): number {
  const dpi = Math.min(600, num(env.FOLIO_OCR_DPI, 300));
  const maxPixels = Math.min(40e6, num(env.FOLIO_OCR_MAX_PIXELS, 6e6));
  const wanted = dpi / 72;
  const area = Math.max(1, widthPt * heightPt);
  return Math.min(wanted, Math.sqrt(maxPixels / area));
}

/** A grey image as PGM (netpbm), which Tesseract's image library reads without a codec. */
export function toPgm(rgba: Uint8ClampedArray, width: number, height: number): Buffer {
  const head = Buffer.from(`P5\n${width} ${height}\n255\n`, "latin1");
  const out = Buffer.allocUnsafe(head.length + width * height);
  head.copy(out, 0);
  for (let i = 0, o = head.length; i < width * height; i++, o++) {
    const r = rgba[4 * i];
    const g = rgba[4 * i + 1];
    const b = rgba[4 * i + 2];
    const a = rgba[4 * i + 3];
    // Transparent pixels are paper (white).
    out[o] = a === 0 ? 255 : (r * 77 + g * 150 + b * 29) >> 8;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The Tesseract worker

type Bbox = { x0: number; y0: number; x1: number; y1: number };
type TessWord = { text: string; confidence: number; bbox: Bbox };
type TessLine = { words: TessWord[]; bbox: Bbox; baseline?: Bbox; rowAttributes?: { row_height?: number } };
type TessBlock = { paragraphs: Array<{ lines: TessLine[] }> };
type TessResult = { data: { confidence: number; blocks: TessBlock[] | null } };
type TessWorker = {
  recognize(image: Buffer, options?: object, output?: object): Promise<TessResult>;
  terminate(): Promise<unknown>;
};

let current: { lang: string; worker: Promise<TessWorker> } | null = null;

/** The directory holding `<lang>.traineddata.gz` (the packages' integer-quantised LSTM models). */
export function trainedDataDir(lang: "fra" | "eng"): string {
  return path.join(path.dirname(resolvePackage(`@tesseract.js-data/${lang}/package.json`)), "4.0.0_best_int");
}

async function workerFor(lang: "fra" | "eng"): Promise<TessWorker> {
  if (current?.lang === lang) return current.worker;
  await releaseOcr();
  const worker = (async () => {
    const tesseract = (await import(/*turbopackIgnore: true*/ "tesseract.js")) as unknown as {
      createWorker(lang: string, oem: number, opts: object): Promise<TessWorker>;
      OEM: { LSTM_ONLY: number };
    };
    return tesseract.createWorker(lang, tesseract.OEM.LSTM_ONLY, {
      langPath: trainedDataDir(lang),
      gzip: true,
      cacheMethod: "none",
      // No console output from the worker (errors reject the call instead).
      logger: () => undefined,
      errorHandler: () => undefined,
    });
  })();
  current = { lang, worker };
  worker.catch(() => {
    if (current?.worker === worker) current = null;
  });
  return worker;
}

let onFirstOcr: (() => void) | null = null;

/**
 * Called once in this process before its first page is read by OCR. The parsing child lowers its
 * priority there (lib/sandbox/parse-child.ts): OCR costs seconds of CPU a page, and another
 * user's text chunk must not wait for it (under two busy cores the 3 s of OCR before the pool's
 * CPU check demoted the child slowed a bystander's job 2.5×).
 */
export function beforeFirstOcr(hook: () => void): void {
  onFirstOcr = hook;
}

/**
 * The OCR of one chunk's pages: each page within the chunk's budget (ocrBudget), and no more
 * after three costly misses with nothing read (images of noise). `end()` lets the engine go.
 */
export function ocrSession(language: string | undefined) {
  const budget = ocrBudget();
  let used = false;
  let read = 0;
  let costlyMisses = 0;
  return {
    async read(page: PdfjsPage, canvasFactory: CanvasFactory): Promise<OcrPage | { missed: "budget" | "nothing" }> {
      // Images of noise cost seconds each and give nothing (pages with no text are not charged).
      if (budget.spent() > budget.seconds || (read === 0 && costlyMisses >= 3)) return { missed: "budget" };
      used = true;
      if (onFirstOcr) {
        const hook = onFirstOcr;
        onFirstOcr = null;
        hook();
      }
      const before = budget.spent();
      const seen = await ocrPage(page, canvasFactory, language);
      if (seen.confidence >= OCR_MIN_CONFIDENCE && seen.items.length) {
        read++;
        costlyMisses = 0;
        return seen;
      }
      costlyMisses = budget.spent() - before >= budget.noiseSeconds ? costlyMisses + 1 : 0;
      return { missed: "nothing" };
    },
    async end(): Promise<void> {
      if (used) await releaseOcr();
    },
  };
}

/** Ends the Tesseract worker if one runs (its memory goes back); the next OCR starts a new one. */
export async function releaseOcr(): Promise<void> {
  const old = current;
  current = null;
  if (old) await old.worker.then((w) => w.terminate()).catch(() => undefined);
}

/**
 * Reads one page by OCR. `canvasFactory` is the document's (pdf.js makes it from @napi-rs/canvas
 * in Node). Items are in PDF user space: x from the left, y the baseline from the bottom.
 */
export async function ocrPage(page: PdfjsPage, canvasFactory: CanvasFactory, language: string | undefined): Promise<OcrPage> {
  const [x0, y0, x1, y1] = page.view;
  const widthPt = Math.abs(x1 - x0);
  const heightPt = Math.abs(y1 - y0);
  const scale = ocrScale(widthPt, heightPt);
  const viewport = page.getViewport({ scale });
  const w = Math.max(1, Math.ceil(viewport.width));
  const h = Math.max(1, Math.ceil(viewport.height));
  const target = canvasFactory.create(w, h);
  let pgm: Buffer;
  try {
    await page.render({ canvasContext: target.context, viewport, canvas: target.canvas }).promise;
    pgm = toPgm(target.context.getImageData(0, 0, w, h).data, w, h);
  } finally {
    canvasFactory.destroy(target);
  }
  const worker = await workerFor(ocrLanguage(language));
  const { data } = await worker.recognize(pgm, {}, { text: false, blocks: true });
  return { items: wordsToItems(data.blocks ?? [], scale, heightPt), confidence: data.confidence };
}

/** Strokes Tesseract reads from a page's edge, a rule or dust: never words. */
const SPECK = /^[|¦_~`^]+$/;

/**
 * Tesseract's lines as text items: one item per word, all words of a line on the line's baseline
 * (a skewed scan keeps its lines whole), the font size from the line's height (harmonizeOcrSizes
 * then evens it out over the chunk). Specks are left out: strokes, one low-confidence character
 * that is not a letter or digit, a character or two far from the rest of their line.
 */
export function wordsToItems(blocks: TessBlock[], scale: number, pageHeightPt: number): Item[] {
  const lines: Array<{ y: number; size: number; words: TessWord[] }> = [];
  for (const block of blocks)
    for (const para of block.paragraphs)
      for (const line of para.lines) {
        const rowPx = line.rowAttributes?.row_height && line.rowAttributes.row_height > 0 ? line.rowAttributes.row_height : line.bbox.y1 - line.bbox.y0;
        const words = line.words.filter((word, i, all) => {
          const text = word.text.trim();
          if (text === "" || SPECK.test(text)) return false;
          if (text.length === 1 && !/[\p{L}\p{N}]/u.test(text) && word.confidence < 60) return false;
          // A short "word" Tesseract itself doubts is dust read as letters ("oo" between two quotes).
          if (text.length <= 2 && word.confidence < 35) return false;
          // Nor does a line start with a lone colon, semicolon, comma or full stop: a speck.
          if (i === 0 && all.length > 1 && /^[:;,.·]$/.test(text)) return false;
          // A mark in the margin read as a character or two and glued to a line far away.
          const gapTo = (o: TessWord | undefined) => (o ? Math.max(o.bbox.x0 - word.bbox.x1, word.bbox.x0 - o.bbox.x1) : Infinity);
          return !(text.length <= 2 && Math.min(gapTo(all[i - 1]), gapTo(all[i + 1])) > 6 * rowPx && all.length > 1);
        });
        if (!words.length) continue;
        const baselinePx = line.baseline && Number.isFinite(line.baseline.y0) ? line.baseline.y0 : line.bbox.y1;
        lines.push({ y: pageHeightPt - baselinePx / scale, size: Math.max(1, rowPx / scale), words });
      }
  const items: Item[] = [];
  for (const line of lines) {
    line.words.forEach((word, i) => {
      // The space Tesseract saw goes with the word: the line's joiner would otherwise guess it from the gap.
      const str = word.text.trim() + (i < line.words.length - 1 ? " " : "");
      items.push({ str, x: word.bbox.x0 / scale, y: line.y, width: (word.bbox.x1 - word.bbox.x0) / scale, fontSize: line.size });
    });
  }
  return items;
}

/**
 * Evens out OCR font sizes over a chunk's OCR pages (in place). A line's height says little about
 * its font size on a short line or one without ascenders or descenders (an 11 pt scan measured 8
 * to 12 pt for body lines, 7 pt for a last line "moins.", 15 pt for a full line under a running
 * title, 17 to 23 pt for its headings). So: sizes from 0.55 to 1.3 times the body size (the
 * median by characters), to 1.6 times for a line as wide as the text block, become the body
 * size; lines of larger type next to each other (a heading over several lines) share their median
 * size; lines under half the body size (dust, ornaments) are dropped.
 */
export function harmonizeOcrSizes(pages: Item[][]): Item[][] {
  const body = weightedMedian(pages.flat().map((it) => [it.fontSize, it.str.length]));
  if (!(body > 0)) return pages;
  // A full line of text whose height was overestimated (its neighbours' ascenders or
  // descenders counted) is body text too: headings are not set across the whole measure.
  const spans = pages.flatMap((items) => [...lineExtents(items).values()]);
  const measure = median(spans.filter((l) => l.size >= 0.65 * body && l.size <= 1.3 * body).map((l) => l.width));
  return pages.map((items) => {
    const kept = items.filter((it) => it.fontSize >= 0.5 * body);
    const extents = lineExtents(kept);
    for (const it of kept) {
      const full = measure > 0 && (extents.get(it.y)?.width ?? 0) >= 0.9 * measure;
      if (it.fontSize >= 0.55 * body && it.fontSize <= (full ? 1.6 : 1.3) * body) it.fontSize = body;
    }
    // Runs of large lines, top to bottom.
    const large = [...lineExtents(kept)].filter(([, l]) => l.size > 1.3 * body).sort((a, b) => b[0] - a[0]);
    let run = new Set<number>();
    let lastY = Infinity;
    const close = () => {
      const inRun = kept.filter((it) => run.has(it.y));
      const size = weightedMedian(inRun.map((it) => [it.fontSize, it.str.length]));
      for (const it of inRun) it.fontSize = size;
      run = new Set();
    };
    for (const [y, l] of large) {
      if (run.size && lastY - y > 2 * l.size) close();
      run.add(y);
      lastY = y;
    }
    if (run.size) close();
    return kept;
  });
}

/** Per line (items sharing a baseline): its width and its largest size. */
function lineExtents(items: Item[]): Map<number, { width: number; size: number }> {
  const lines = new Map<number, { left: number; right: number; size: number }>();
  for (const it of items) {
    const l = lines.get(it.y) ?? { left: Infinity, right: -Infinity, size: 0 };
    l.left = Math.min(l.left, it.x);
    l.right = Math.max(l.right, it.x + it.width);
    l.size = Math.max(l.size, it.fontSize);
    lines.set(it.y, l);
  }
  return new Map([...lines].map(([y, l]) => [y, { width: l.right - l.left, size: l.size }]));
}

function median(values: number[]): number {
  if (!values.length) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function weightedMedian(pairs: Array<[number, number]>): number {
  const sorted = pairs.filter(([, w]) => w > 0).sort((a, b) => a[0] - b[0]);
  const total = sorted.reduce((n, [, w]) => n + w, 0);
  let acc = 0;
  for (const [v, w] of sorted) {
    acc += w;
    if (acc >= total / 2) return Math.round(v * 2) / 2;
  }
  return 0;
}
