import { db } from "@/lib/db";

export const RESULT_FORMATS = ["json", "csv", "txt"] as const;
export type ResultFormat = (typeof RESULT_FORMATS)[number];

export type ResultSentence = { index: number; text: string; page: number; chunkIndex: number; fromSplit: boolean };

/** The job's kept sentences in book order. */
export async function loadSentences(jobId: string): Promise<ResultSentence[]> {
  const rows = await db.sentence.findMany({
    where: { jobId, dropped: false },
    orderBy: [{ chunkIndex: "asc" }, { chunkOrder: "asc" }],
    select: { text: true, page: true, chunkIndex: true, fromSplit: true },
  });
  return rows.map((r, index) => ({ index, ...r }));
}

const csvCell = (v: string | number | boolean) => {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export function renderResult(sentences: ResultSentence[], format: ResultFormat, meta: { status: string; partial: boolean }): { body: string; contentType: string } {
  if (format === "json") {
    return { body: JSON.stringify({ status: meta.status, partial: meta.partial, sentences }), contentType: "application/json; charset=utf-8" };
  }
  if (format === "csv") {
    const lines = ["index,page,chunk,from_split,text", ...sentences.map((s) => [s.index, s.page, s.chunkIndex, s.fromSplit, s.text].map(csvCell).join(","))];
    return { body: "\uFEFF" + lines.join("\r\n") + "\r\n", contentType: "text/csv; charset=utf-8" };
  }
  return { body: sentences.map((s) => s.text).join("\n") + (sentences.length ? "\n" : ""), contentType: "text/plain; charset=utf-8" };
}
