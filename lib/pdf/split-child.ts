/**
 * The split, run in a capped child process (lib/pdf/split-isolated.ts starts it with
 * `node --import tsx`). Reads one JSON request on stdin: the source PDF's path, the chunking
 * rules, the page limit and, per chunk index, the path to write it to; loads the PDF with
 * pdf-lib, writes each chunk PDF (temporary file, then rename) and prints one JSON answer.
 * Relative imports only: this file runs outside the bundler.
 */
import crypto from "node:crypto";
import fs from "node:fs/promises";
import zlib from "node:zlib";
import { PDFDocument } from "pdf-lib";
import { planChunks, type ChunkingRules } from "./chunking";

/** Kept equal to EXIT_ENVIRONMENT in lib/sandbox/isolated.ts (not imported: this file runs outside the bundler). */
const EXIT_ENVIRONMENT = 75;

export type SplitRequest = { source: string; rules: ChunkingRules; maxPages: number; maxStreamBytes: number; maxDecodedBytes: number; outPath: string; skip: number[] };
export type SplitAnswer =
  | { ok: true; pageCount: number; chunks: { index: number; startPage: number; endPage: number; overlapPages: number; sha256: string | null }[] }
  | { ok: false; code: "PDF_UNREADABLE" | "PDF_ENCRYPTED" | "PDF_NO_PAGES" | "PDF_TOO_MANY_PAGES" | "PDF_TOO_COMPLEX"; message: string };

async function readStdin(): Promise<string> {
  let s = "";
  for await (const d of process.stdin) s += String(d);
  return s;
}

/**
 * The decoded-size budget: inflates every Flate stream (zlib, bounded output) before any parser
 * sees the file, and refuses a stream that inflates past `maxStreamBytes` or a file whose streams
 * inflate past `maxTotalBytes` in all (decompression bombs, in page or object streams alike).
 */
export function checkDecodedSize(bytes: Buffer, maxStreamBytes: number, maxTotalBytes: number): string | null {
  let total = 0;
  for (let at = bytes.indexOf("/FlateDecode"); at >= 0; at = bytes.indexOf("/FlateDecode", at + 12)) {
    const kw = bytes.indexOf("stream", at);
    if (kw < 0 || kw - at > 4096) continue;
    let start = kw + 6;
    if (bytes[start] === 0x0d) start++;
    if (bytes[start] === 0x0a) start++;
    const end = bytes.indexOf("endstream", start);
    if (end < 0) break;
    let size = 0;
    try {
      size = zlib.inflateSync(bytes.subarray(start, end), { maxOutputLength: maxStreamBytes, finishFlush: zlib.constants.Z_SYNC_FLUSH }).length;
    } catch (err) {
      if ((err as { code?: string }).code === "ERR_BUFFER_TOO_LARGE" || err instanceof RangeError) {
        return `a stream inflates to more than ${Math.round(maxStreamBytes / 1048576)} MB (decompression bomb)`;
      }
      continue; // a broken stream is the parser's business
    }
    total += size;
    if (total > maxTotalBytes) return `its streams inflate to more than ${Math.round(maxTotalBytes / 1048576)} MB in all`;
    at = end;
  }
  return null;
}

async function split(req: SplitRequest): Promise<SplitAnswer> {
  let source: PDFDocument;
  const bytes = await fs.readFile(req.source);
  const tooBig = checkDecodedSize(bytes, req.maxStreamBytes, req.maxDecodedBytes);
  if (tooBig) return { ok: false, code: "PDF_TOO_COMPLEX", message: `This PDF is too complex to process: ${tooBig}.` };
  try {
    source = await PDFDocument.load(bytes, { updateMetadata: false });
  } catch (err) {
    const msg = (err as Error).message ?? String(err);
    if (err instanceof RangeError) throw err; // memory: reported by the parent as PDF_TOO_COMPLEX
    if (/encrypt/i.test(msg)) return { ok: false, code: "PDF_ENCRYPTED", message: "This PDF is encrypted or password-protected." };
    return { ok: false, code: "PDF_UNREADABLE", message: `The PDF could not be read: ${msg.slice(0, 300)}` };
  }
  let pageCount: number;
  try {
    pageCount = source.getPageCount();
  } catch (err) {
    return { ok: false, code: "PDF_UNREADABLE", message: `The PDF could not be read: its page tree is broken (${String((err as Error).message).slice(0, 200)})` };
  }
  if (pageCount < 1) return { ok: false, code: "PDF_NO_PAGES", message: "The PDF has no pages." };
  if (pageCount > req.maxPages) {
    return { ok: false, code: "PDF_TOO_MANY_PAGES", message: `This PDF has ${pageCount} pages; the limit is ${req.maxPages} pages per upload.` };
  }
  const skip = new Set(req.skip);
  const chunks = [];
  for (const plan of planChunks(pageCount, req.rules)) {
    if (skip.has(plan.index)) {
      chunks.push({ ...plan, sha256: null });
      continue;
    }
    const out = await PDFDocument.create({ updateMetadata: false });
    const indices = Array.from({ length: plan.endPage - plan.startPage + 1 }, (_, i) => plan.startPage - 1 + i);
    for (const p of await out.copyPages(source, indices)) out.addPage(p);
    const bytes = await out.save({ useObjectStreams: true });
    const file = req.outPath.replace("{index}", String(plan.index).padStart(5, "0"));
    await fs.mkdir(file.slice(0, file.lastIndexOf("/")), { recursive: true });
    const tmp = `${file}.tmp-${process.pid}`;
    await fs.writeFile(tmp, bytes);
    await fs.rename(tmp, file);
    chunks.push({ ...plan, sha256: crypto.createHash("sha256").update(bytes).digest("hex") });
  }
  return { ok: true, pageCount, chunks };
}

readStdin()
  .then((raw) => split(JSON.parse(raw) as SplitRequest))
  .then(
    (answer) => {
      process.stdout.write(JSON.stringify(answer), () => process.exit(0));
    },
    (err: unknown) => {
      process.stderr.write(`split failed: ${(err as Error)?.stack ?? String(err)}\n`);
      // A system call that failed (disk full, a path that is not a directory) is not the PDF's doing.
      const environment = typeof (err as { syscall?: unknown })?.syscall === "string";
      process.exit(environment ? EXIT_ENVIRONMENT : /allocation failed|heap/i.test(String((err as Error)?.message)) ? 134 : 1);
    },
  );
