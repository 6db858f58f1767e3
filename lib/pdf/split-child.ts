/**
 * The split, run in a capped child process (lib/pdf/split-isolated.ts starts it with
 * `node --import tsx`). Reads one JSON request on stdin: the source PDF's path, the chunking
 * rules, the limits and where to store the chunks; checks the decoded size, loads the PDF with
 * pdf-lib, stores each chunk PDF (LocalStorage: temporary file, then rename) and prints one
 * JSON answer. Run by tsx outside the bundler; it must not be imported (it reads stdin at load).
 */
import fs from "node:fs/promises";
import type { PDFDocument } from "pdf-lib";
import { chunkFileKey, planChunks, type ChunkingRules } from "./chunking";
import { checkDecodedSize } from "./decoded-size";
import { extractChunkPdf, loadPdf } from "./split";
import { LocalStorage } from "../storage/local";
import { EXIT_ENVIRONMENT } from "../sandbox/isolated";


/** keyTemplate: the chunks' storage key with "{index}" (see chunkFileKey), under storageRoot. */
export type SplitRequest = { source: string; rules: ChunkingRules; maxPages: number; maxStreamBytes: number; maxDecodedBytes: number; storageRoot: string; keyTemplate: string; skip: number[] };
export type SplitAnswer =
  | { ok: true; pageCount: number; chunks: { index: number; startPage: number; endPage: number; overlapPages: number; sha256: string | null }[] }
  | { ok: false; code: "PDF_UNREADABLE" | "PDF_ENCRYPTED" | "PDF_NO_PAGES" | "PDF_TOO_MANY_PAGES" | "PDF_TOO_COMPLEX"; message: string };

async function readStdin(): Promise<string> {
  let s = "";
  for await (const d of process.stdin) s += String(d);
  return s;
}

async function split(req: SplitRequest): Promise<SplitAnswer> {
  let source: PDFDocument;
  const bytes = await fs.readFile(req.source);
  const tooBig = checkDecodedSize(bytes, req.maxStreamBytes, req.maxDecodedBytes);
  if (tooBig) return { ok: false, code: "PDF_TOO_COMPLEX", message: `This PDF is too complex to process: ${tooBig}.` };
  try {
    source = await loadPdf(bytes);
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
  const storage = new LocalStorage(req.storageRoot);
  const chunks = [];
  for (const plan of planChunks(pageCount, req.rules)) {
    if (skip.has(plan.index)) {
      chunks.push({ ...plan, sha256: null });
      continue;
    }
    const put = await storage.put(chunkFileKey(req.keyTemplate, plan.index), await extractChunkPdf(source, plan));
    chunks.push({ ...plan, sha256: put.sha256 });
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
