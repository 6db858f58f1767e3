import { db } from "@/lib/db";
import { parsePageRanges } from "@/lib/page-ranges";

export const RESULT_FORMATS = ["json", "csv", "txt"] as const;
export type ResultFormat = (typeof RESULT_FORMATS)[number];

/** `kind`: "body", or "note" for a footnote's sentences. */
export type ResultSentence = { index: number; text: string; page: number; chunkIndex: number; fromSplit: boolean; kind: string };

/** The job's kept sentences in book order. */
export async function loadSentences(jobId: string): Promise<ResultSentence[]> {
  const rows = await db.sentence.findMany({
    where: { jobId, dropped: false },
    orderBy: [{ chunkIndex: "asc" }, { chunkOrder: "asc" }],
    select: { text: true, page: true, chunkIndex: true, fromSplit: true, kind: true },
  });
  return rows.map((r, index) => ({ index, ...r }));
}

// OWASP's list, plus the full-width = + - @ that some (East Asian) Excel builds also read as formulas.
const FORMULA_START = /^[=+\-@\t\r\uff1d\uff0b\uff0d\uff20]/;

/**
 * One CSV cell. Text cells that a spreadsheet would read as a formula (starting with =, +, -, @,
 * tab or CR: OWASP "CSV Injection") get a leading single quote and are quoted, so Excel, LibreOffice
 * and Sheets show them as text. The sentence is otherwise unchanged ("- Oui" becomes "'- Oui").
 * Numbers and booleans are the app's own columns and are written as they are.
 */
export function csvCell(v: string | number | boolean): string {
  const s = String(v);
  if (typeof v === "string" && FORMULA_START.test(s)) return `"'${s.replace(/"/g, '""')}"`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export type ResultMeta = { status: string; partial: boolean; ocrPages?: string | null; pagesWithoutText?: string | null };

export function renderResult(sentences: ResultSentence[], format: ResultFormat, meta: ResultMeta): { body: string; contentType: string } {
  if (format === "json") {
    // Which book pages were read by OCR (no text layer) and which had no text at all.
    const ocrPages = parsePageRanges(meta.ocrPages);
    const pagesWithoutText = parsePageRanges(meta.pagesWithoutText);
    return { body: JSON.stringify({ status: meta.status, partial: meta.partial, ocrPages, pagesWithoutText, sentences }), contentType: "application/json; charset=utf-8" };
  }
  if (format === "csv") {
    const lines = ["index,page,chunk,from_split,kind,text", ...sentences.map((s) => [s.index, s.page, s.chunkIndex, s.fromSplit, s.kind, s.text].map(csvCell).join(","))];
    return { body: "\uFEFF" + lines.join("\r\n") + "\r\n", contentType: "text/csv; charset=utf-8" };
  }
  return { body: sentences.map((s) => s.text).join("\n") + (sentences.length ? "\n" : ""), contentType: "text/plain; charset=utf-8" };
}
