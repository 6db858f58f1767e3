/**
 * The "pdftotext" extractor: Poppler's command-line tool (when installed), a child process per
 * chunk, its `-bbox-layout` words read back into lines (columns found by Poppler itself).
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PdfExtractError, rangeOf, type ExtractedLine, type ExtractedPage, type Item, type PdfSource } from "./extract-types";
import { toLine } from "./layout";

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

const PDFTOTEXT_TIMEOUT_MS = 120_000;

export async function extractWithPdftotext(source: PdfSource): Promise<ExtractedPage[]> {
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
