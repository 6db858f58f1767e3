/**
 * Real-book quality benchmark: `npm run bench:books`.
 *
 * Typesets the shared corpus's novels with real toolchains (scripts/books/index.ts
 * QUALITY_BOOKS: pdfLaTeX in the old OT1 and in T1 encodings, two columns, XeLaTeX with an
 * OpenType font, groff; with tables of contents, running heads and footnotes), reads each PDF
 * with the local processor (the whole book as one chunk, word limit FOLIO_BENCH_BOOKS_LIMIT, 40)
 * and scores its sentences against the source text, next to `pdftotext` + a naive split on
 * `.!?` as a baseline. The truth: the source's paragraphs (titles and headings one sentence
 * each, body paragraphs split by Folio's segmenter: on clean text, so what the score measures is
 * what the PDF's layout costs), footnotes after their paragraph when the recipe sets them.
 *
 * Per PDF: word recall and precision (bags of words), verbatim sentences, boundary F1, words
 * with a damaged accent (a spacing accent, ≪ ≫, a combining mark left over, or a word of the
 * source that lost its accents), junk sentences (a bare page number, a dot leader, a line
 * repeated on 3+ pages that the source does not have: running heads), sentences over the word
 * limit. Targets (issue 13): recall and precision ≥ 0.995, verbatim ≥ 0.98, F1 ≥ 0.98, 0 damaged
 * accents, ≤ 5 junk, 0 over the limit, and ahead of the baseline.
 *
 * FOLIO_BENCH_BOOKS_ONLY=name,name runs a subset; a recipe whose typesetter is missing is
 * skipped with a note (scripts/books/index.ts says which Debian packages give them).
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { QUALITY_BOOKS, corpusDir, ensureBook, missingTools, type BuiltBook } from "./books/index";
import { createLocalProcessor } from "@/lib/processors/local";
import { splitSentenceSpans } from "@/lib/text/segment";
import { countWords } from "@/lib/text/word-limit";
import { findPdftotext } from "@/lib/pdf/extract";
import { naiveSplit, normalizeSentence, scoreSentences, wordsOf, type Score, type ScoredSentence } from "./lib/quality/score";

const LIMIT = Number(process.env.FOLIO_BENCH_BOOKS_LIMIT ?? 40);

type Paragraph = { type: string; text: string; footnotes?: Array<{ text: string }> };
type Structure = { lang: string; paragraphs: Paragraph[] };

function truthOf(structureFile: string, footnotes: boolean, firstParagraphs = 0): { lang: string; sentences: string[] } {
  const book = JSON.parse(fs.readFileSync(structureFile, "utf8")) as Structure;
  const sentences: string[] = [];
  for (const p of firstParagraphs > 0 ? book.paragraphs.slice(0, firstParagraphs) : book.paragraphs) {
    if (p.type !== "p") sentences.push(p.text);
    else for (const s of splitSentenceSpans(p.text, book.lang)) sentences.push(s.text);
    if (footnotes) for (const n of p.footnotes ?? []) for (const s of splitSentenceSpans(n.text, book.lang)) sentences.push(s.text);
  }
  return { lang: book.lang, sentences };
}

const ACCENT_DAMAGE = /[\u0060\u00a8\u00af\u00b4\u00b8\u02c6\u02c7\u02d8-\u02dd\u226a\u226b]|\p{M}/u;
const strip = (w: string) => w.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();

type Extra = { damaged: number; damagedExamples: string[]; junk: number; junkExamples: string[] };

/** Accent-damaged words and junk sentences of an output, against the truth's words and sentences. */
function extras(truth: string[], output: ScoredSentence[]): Extra {
  const truthWords = new Set(truth.flatMap((s) => wordsOf(s)));
  // Accent-free spellings of the source's accented words ("reciproquement" for "RÉCIPROQUEMENT").
  const accentedAs = new Set([...truthWords].filter((w) => strip(w) !== w.toLowerCase()).map(strip));
  const out: Extra = { damaged: 0, damagedExamples: [], junk: 0, junkExamples: [] };
  for (const s of output) {
    for (const tok of s.text.normalize("NFC").split(/\s+/)) {
      const w = wordsOf(tok)[0] ?? "";
      const lostAccents = w !== "" && !truthWords.has(w) && strip(w) === w.toLowerCase() && accentedAs.has(strip(w));
      if (ACCENT_DAMAGE.test(tok) || lostAccents) {
        out.damaged++;
        if (out.damagedExamples.length < 8) out.damagedExamples.push(tok);
      }
    }
  }
  const truthSet = new Set(truth.map(normalizeSentence));
  const seen = new Map<string, number>();
  for (const s of output) seen.set(normalizeSentence(s.text), (seen.get(normalizeSentence(s.text)) ?? 0) + 1);
  for (const s of output) {
    const t = normalizeSentence(s.text);
    if (truthSet.has(t)) continue;
    if (/^\p{N}+$/u.test(t) || /(\.\s*){4,}|…\s*…/.test(t) || (seen.get(t) ?? 0) >= 3) {
      out.junk++;
      if (out.junkExamples.length < 6) out.junkExamples.push(t.slice(0, 60));
    }
  }
  return out;
}

type Row = { book: BuiltBook; folio: Score; folioX: Extra; folioMs: number; base: Score | null; baseX: Extra | null; baseMs: number };

const f3 = (x: number) => x.toFixed(3);
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const recall = (s: Score) => 1 - s.wordsLost / Math.max(1, s.truthWords);
const precision = (s: Score) => {
  const outWords = s.truthWords - s.wordsLost + s.wordsInvented;
  return outWords ? 1 - s.wordsInvented / outWords : 1;
};

async function main(): Promise<void> {
  const only = (process.env.FOLIO_BENCH_BOOKS_ONLY ?? "").split(",").filter(Boolean);
  const recipes = QUALITY_BOOKS.filter((r) => !only.length || only.includes(r.name));
  const exe = findPdftotext();
  const processor = createLocalProcessor({ extractor: "pdfjs" });
  const rows: Row[] = [];
  for (const recipe of recipes) {
    const missing = missingTools(recipe);
    if (missing) {
      console.log(`${recipe.name}: skipped (${missing} not installed)`);
      continue;
    }
    const book = ensureBook(recipe);
    const structure = path.join(corpusDir(), "structure", `${path.basename(recipe.source).replace(/\.(txt|json)$/, "")}.json`);
    // The footnotes are in the truth when the recipe typesets them.
    // An excerpt (--paragraphs=N) is scored against the same paragraphs.
    const excerpt = Number(recipe.args?.find((a) => a.startsWith("--paragraphs="))?.slice(13) ?? 0);
    const { lang, sentences: truth } = truthOf(structure, recipe.args?.includes("--footnotes") ?? false, excerpt);
    const t0 = performance.now();
    const result = await processor.process({ path: book.path }, { language: lang, sentenceWordLimit: LIMIT, firstPage: 1, overlapPages: 0 });
    const folioMs = performance.now() - t0;
    const output = result.sentences.map((s) => ({ text: s.text, fromSplit: s.fromSplit }));
    const folio = scoreSentences(truth, output, { limit: LIMIT, countWords });
    let base: Score | null = null;
    let baseX: Extra | null = null;
    let baseMs = 0;
    if (exe) {
      const b0 = performance.now();
      const r = spawnSync(exe, ["-enc", "UTF-8", "-q", book.path, "-"], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
      baseMs = performance.now() - b0;
      const baseOut = naiveSplit(r.stdout ?? "").map((text) => ({ text }));
      base = scoreSentences(truth, baseOut, {});
      baseX = extras(truth, baseOut);
    }
    const row: Row = { book, folio, folioX: extras(truth, output), folioMs, base, baseX, baseMs };
    rows.push(row);
    console.log(
      `${recipe.name}: ${book.pages ?? "?"} pages, ${(book.bytes / 1e6).toFixed(1)} MB${book.cached ? "" : ` (built in ${(book.buildMs / 1000).toFixed(1)} s)`}; ` +
        `Folio ${(folioMs / 1000).toFixed(1)} s${exe ? `, pdftotext ${(baseMs / 1000).toFixed(1)} s` : ""}`,
    );
    if (row.folioX.damagedExamples.length) console.log(`  damaged accents: ${row.folioX.damagedExamples.join(" ")}`);
    if (row.folioX.junkExamples.length) console.log(`  junk: ${row.folioX.junkExamples.map((j) => JSON.stringify(j)).join(", ")}`);
    if (folio.examples.missed.length) console.log(`  missed boundaries: ${folio.examples.missed.slice(0, 3).map((j) => JSON.stringify(j.slice(0, 70))).join(", ")}`);
  }

  console.log("");
  console.log(`Word limit ${LIMIT}. Folio = local processor (pdf.js), whole book as one chunk; base = pdftotext + naive split on .!?`);
  const head = "book                      who     recall  precis  verbat  F1     accents  junk  over";
  console.log(head);
  const targets: Array<{ name: string; pass: boolean }> = [];
  for (const r of rows) {
    const line = (who: string, s: Score, x: Extra) =>
      `${r.book.recipe.name.padEnd(25)} ${who.padEnd(7)} ${f3(recall(s)).padEnd(7)} ${f3(precision(s)).padEnd(7)} ${pct(s.exactRate).padEnd(7)} ${f3(s.boundaryF1).padEnd(6)} ${String(x.damaged).padEnd(8)} ${String(x.junk).padEnd(5)} ${s.overLimit}`;
    console.log(line("Folio", r.folio, r.folioX));
    if (r.base && r.baseX) console.log(line("base", r.base, r.baseX));
    const scan = r.book.recipe.scan === true;
    const ok = scan
      ? recall(r.folio) >= 0.95 && r.folio.boundaryF1 >= 0.9 && r.folio.overLimit === 0 && (!r.base || r.folio.boundaryF1 >= r.base.boundaryF1)
      : recall(r.folio) >= 0.995 &&
      precision(r.folio) >= 0.995 &&
      r.folio.exactRate >= 0.98 &&
      r.folio.boundaryF1 >= 0.98 &&
      r.folioX.damaged === 0 &&
      r.folioX.junk <= 5 &&
      r.folio.overLimit === 0 &&
      (!r.base || r.folio.boundaryF1 >= r.base.boundaryF1);
    targets.push({ name: r.book.recipe.name, pass: ok });
  }
  console.log("");
  console.log("Targets per PDF: recall and precision >= 0.995, verbatim >= 98%, F1 >= 0.98, 0 damaged accents, <= 5 junk, 0 over the limit, F1 ahead of the baseline");
  console.log("Targets per scan (read by OCR): recall >= 0.95, F1 >= 0.90, 0 over the limit, F1 ahead of the baseline (pdftotext reads nothing from a scan)");
  for (const t of targets) console.log(`${t.name.padEnd(25)} ${t.pass ? "PASS" : "FAIL"}`);
  console.log(`${targets.filter((t) => t.pass).length}/${targets.length} PDFs meet every target.`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
