/**
 * The sentence-quality benchmark behind `npm run bench:quality`: the local processor on every
 * layout of the ground-truth corpus (tests/fixtures/layouts.ts), without and with a word limit,
 * scored against the known sentences, next to a baseline of `pdftotext` + a naive split on
 * `.!?` (and the local processor on Poppler's text), with PASS/FAIL per target.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { closeExtractPool, findPdftotext } from "@/lib/pdf/extract";
import { createLocalProcessor } from "@/lib/processors/local";
import type { ChunkResult } from "@/lib/processors/types";
import { countWords } from "@/lib/text/word-limit";
import { makeAllLayouts, type LayoutCase } from "@/tests/fixtures/layouts";
import { combineScores, naiveSplit, scoreSentences, type Score } from "./score";

export type QualityOptions = { limit?: number; verbose?: boolean; log?: (line: string) => void };

export type LayoutResult = {
  layout: LayoutCase;
  local: Score;
  limited: Score;
  localMs: number;
  baseline?: Score;
  poppler?: Score;
  popplerMs?: number;
};

export type QualityReport = { results: LayoutResult[]; targets: Array<{ name: string; value: string; pass: boolean | null }>; pdftotext: string | null };

const TARGETS = { f1: 0.97, hardestF1: 0.93, lostPct: 0.5 };

function pdftotextPlain(exe: string, bytes: Uint8Array): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "folio-quality-"));
  try {
    const file = path.join(dir, "in.pdf");
    fs.writeFileSync(file, bytes);
    const r = spawnSync(exe, ["-enc", "UTF-8", "-q", file, "-"], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    if (r.status !== 0) throw new Error(`pdftotext failed: ${r.stderr}`);
    return r.stdout;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const f3 = (x: number) => x.toFixed(3);
const pad = (s: string | number, n: number) => String(s).padEnd(n);
const lpad = (s: string | number, n: number) => String(s).padStart(n);

export async function runQualityBench(opts: QualityOptions = {}): Promise<QualityReport> {
  const log = opts.log ?? ((l: string) => console.log(l));
  const limit = opts.limit ?? 12;
  const exe = findPdftotext();
  const layouts = await makeAllLayouts();
  const pdfjs = createLocalProcessor({ extractor: "pdfjs" });
  const poppler = exe ? createLocalProcessor({ extractor: "pdftotext" }) : null;
  const results: LayoutResult[] = [];
  for (const layout of layouts) {
    const base = { language: layout.language, firstPage: 1, overlapPages: 0 };
    const t0 = performance.now();
    const full: ChunkResult = await pdfjs.process(layout.bytes, { ...base, sentenceWordLimit: null });
    const localMs = performance.now() - t0;
    const lim = await pdfjs.process(layout.bytes, { ...base, sentenceWordLimit: limit });
    const r: LayoutResult = {
      layout,
      local: scoreSentences(layout.sentences, full.sentences),
      limited: scoreSentences(layout.sentences, lim.sentences, { limit, countWords }),
      localMs,
    };
    if (exe && poppler) {
      r.baseline = scoreSentences(
        layout.sentences,
        naiveSplit(pdftotextPlain(exe, layout.bytes)).map((text) => ({ text })),
      );
      const t1 = performance.now();
      const pr = await poppler.process(layout.bytes, { ...base, sentenceWordLimit: null });
      r.popplerMs = performance.now() - t1;
      r.poppler = scoreSentences(layout.sentences, pr.sentences);
    }
    results.push(r);
    if (opts.verbose) {
      const ex = r.local.examples;
      log(`--- ${layout.name}`);
      for (const s of ex.missed) log(`  missed boundary after: ${s}`);
      for (const s of ex.spurious) log(`  spurious boundary after: ${s}`);
      if (ex.lost.length) log(`  lost: ${ex.lost.join(" | ")}`);
      if (ex.invented.length) log(`  invented: ${ex.invented.join(" | ")}`);
      const lx = r.limited.examples;
      for (const s of lx.spurious) log(`  [limit] spurious boundary after: ${s}`);
    }
  }
  await closeExtractPool();

  const W = Math.max(...results.map((r) => r.layout.name.length), 8) + 1;
  log("");
  log(`Sentence quality: local processor (pdfjs extractor) on ${results.length} generated layouts, scored against their known sentences`);
  log(`${pad("layout", W)} ${lpad("pages", 5)} ${lpad("sent", 5)} | ${lpad("P", 5)} ${lpad("R", 5)} ${lpad("F1", 5)} ${lpad("exact", 6)} ${lpad("lost", 6)} ${lpad("inv", 6)} ${lpad("order", 5)} | limit ${lpad(limit, 2)}: ${lpad("F1", 5)} ${lpad("exact", 6)} ${lpad("over", 4)} ${lpad("lost", 6)} ${lpad("inv", 6)} | ${lpad("ms", 5)}`);
  const row = (name: string, pages: number | string, r: { local: Score; limited: Score; ms: number | string }) =>
    log(
      `${pad(name, W)} ${lpad(pages, 5)} ${lpad(r.local.truthSentences, 5)} | ${lpad(f3(r.local.boundaryPrecision), 5)} ${lpad(f3(r.local.boundaryRecall), 5)} ${lpad(f3(r.local.boundaryF1), 5)} ${lpad(pct(r.local.exactRate), 6)} ${lpad(r.local.lostPct.toFixed(2) + "%", 6)} ${lpad(r.local.inventedPct.toFixed(2) + "%", 6)} ${lpad(r.local.orderErrors, 5)} | limit ${lpad(limit, 2)}: ${lpad(f3(r.limited.boundaryF1), 5)} ${lpad(pct(r.limited.exactRate), 6)} ${lpad(r.limited.overLimit, 4)} ${lpad(r.limited.lostPct.toFixed(2) + "%", 6)} ${lpad(r.limited.inventedPct.toFixed(2) + "%", 6)} | ${lpad(r.ms, 5)}`,
    );
  for (const r of results) row(r.layout.name, r.layout.pages, { local: r.local, limited: r.limited, ms: Math.round(r.localMs) });
  const overall = combineScores(results.map((r) => r.local));
  const overallLimited = combineScores(results.map((r) => r.limited));
  row("OVERALL", results.reduce((n, r) => n + r.layout.pages, 0), { local: overall, limited: overallLimited, ms: Math.round(results.reduce((n, r) => n + r.localMs, 0)) });

  log("");
  if (exe) {
    log(`Baseline: pdftotext (${exe}) + naive split on .!?  |  local processor with the pdftotext extractor (FOLIO_EXTRACTOR=pdftotext)`);
    log(`${pad("layout", W)} | ${lpad("F1", 5)} ${lpad("exact", 6)} ${lpad("lost", 7)} ${lpad("inv", 7)} ${lpad("order", 5)} | ahead of baseline | poppler+local: ${lpad("F1", 5)} ${lpad("exact", 6)} ${lpad("lost", 6)} ${lpad("inv", 6)} ${lpad("ms", 5)}`);
    for (const r of results) {
      const b = r.baseline!;
      const p = r.poppler!;
      const ahead = r.local.boundaryF1 > b.boundaryF1 && r.local.exactRate > b.exactRate;
      log(
        `${pad(r.layout.name, W)} | ${lpad(f3(b.boundaryF1), 5)} ${lpad(pct(b.exactRate), 6)} ${lpad(b.lostPct.toFixed(2) + "%", 7)} ${lpad(b.inventedPct.toFixed(2) + "%", 7)} ${lpad(b.orderErrors, 5)} | ${pad(ahead ? "yes" : "NO", 17)} | poppler+local: ${lpad(f3(p.boundaryF1), 5)} ${lpad(pct(p.exactRate), 6)} ${lpad(p.lostPct.toFixed(2) + "%", 6)} ${lpad(p.inventedPct.toFixed(2) + "%", 6)} ${lpad(Math.round(r.popplerMs!), 5)}`,
      );
    }
    const ob = combineScores(results.map((r) => r.baseline!));
    const op = combineScores(results.map((r) => r.poppler!));
    log(
      `${pad("OVERALL", W)} | ${lpad(f3(ob.boundaryF1), 5)} ${lpad(pct(ob.exactRate), 6)} ${lpad(ob.lostPct.toFixed(2) + "%", 7)} ${lpad(ob.inventedPct.toFixed(2) + "%", 7)} ${lpad(ob.orderErrors, 5)} | ${pad("", 17)} | poppler+local: ${lpad(f3(op.boundaryF1), 5)} ${lpad(pct(op.exactRate), 6)} ${lpad(op.lostPct.toFixed(2) + "%", 6)} ${lpad(op.inventedPct.toFixed(2) + "%", 6)} ${lpad(Math.round(results.reduce((n, r) => n + r.popplerMs!, 0)), 5)}`,
    );
  } else {
    log("Baseline skipped: pdftotext is not installed (Debian: apt-get install poppler-utils); the pdftotext extractor is not compared either.");
  }

  const hardest = results.reduce((a, b) => (b.local.boundaryF1 < a.local.boundaryF1 ? b : a));
  const maxLost = Math.max(overall.lostPct, overallLimited.lostPct);
  const invented = overall.wordsInvented + overallLimited.wordsInvented;
  const behind = exe ? results.filter((r) => !(r.local.boundaryF1 > r.baseline!.boundaryF1 && r.local.exactRate > r.baseline!.exactRate)).map((r) => r.layout.name) : [];
  const targets: QualityReport["targets"] = [
    { name: `boundary F1 overall >= ${TARGETS.f1}`, value: f3(overall.boundaryF1), pass: overall.boundaryF1 >= TARGETS.f1 },
    { name: `boundary F1 on the hardest layout >= ${TARGETS.hardestF1}`, value: `${f3(hardest.local.boundaryF1)} (${hardest.layout.name})`, pass: hardest.local.boundaryF1 >= TARGETS.hardestF1 },
    { name: `words lost <= ${TARGETS.lostPct}%`, value: `${maxLost.toFixed(3)}% (worst of no limit / limit ${limit})`, pass: maxLost <= TARGETS.lostPct },
    { name: "no invented words", value: `${invented} (no limit + limit ${limit})`, pass: invented === 0 },
    { name: `every sentence within the limit (${limit})`, value: `${overallLimited.overLimit} over`, pass: overallLimited.overLimit === 0 },
    {
      name: "ahead of the baseline on every layout (F1 and exact rate)",
      value: exe ? (behind.length ? `behind on ${behind.join(", ")}` : `ahead on ${results.length}/${results.length}`) : "not measured: pdftotext absent",
      pass: exe ? behind.length === 0 : null,
    },
  ];
  log("");
  log("Targets");
  for (const t of targets) log(`  ${pad(t.pass === null ? "SKIP" : t.pass ? "PASS" : "FAIL", 5)} ${pad(t.name, 58)} ${t.value}`);
  return { results, targets, pdftotext: exe };
}
