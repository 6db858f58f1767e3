/**
 * Book benchmark: a generated 500-page novel through the whole product (built app + bundled
 * runner, fresh data dir, local processor, default chunking and concurrency), from the upload to
 * the job's COMPLETED status, with the peak resident memory of the app's and the runner's
 * process trees. Targets: under 25 s, under 400 MB per process (the app's and the runner's trees;
 * the functions process and each of its parsing children apart, their sum printed beside).
 *
 * `runBookBench()` is called by `npm run bench:pipeline`; it prints its own table and returns
 * the figures. FOLIO_BOOK_BENCH_PAGES changes the book size (500).
 */
import fs from "node:fs";
import { Stack } from "../../../tests/helpers/stack";
import { makeNovel } from "../../../tests/fixtures/pdfs";
import { ensureBuild } from "../app-server";
import { RssSampler } from "../rss";
import { ProcSampler, groupPeaks } from "../proc-sampler";
import { benchAccount } from "../bench-accounts";

export type BookBenchResult = {
  pages: number;
  chunks: number;
  sentences: number;
  knownSentences: number;
  /** Known sentences found, in order, in the job's result. */
  exactSentences: number;
  uploadMs: number;
  wallS: number;
  appPeakMb: number;
  runnerPeakMb: number;
  /** 0 when the functions are served by the app process. */
  functionsPeakMb: number;
  pass: boolean;
};

const TARGET_S = 25;
const TARGET_MB = 400;

export async function runBookBench(opts: { pages?: number; log?: (line: string) => void } = {}): Promise<BookBenchResult> {
  const log = opts.log ?? ((l: string) => console.log(l));
  const envPages = Number(process.env.FOLIO_BOOK_BENCH_PAGES);
  const pages = opts.pages ?? (Number.isInteger(envPages) && envPages > 0 ? envPages : 500);
  ensureBuild(".next-test");
  log(`Book bench: generating a ${pages}-page novel...`);
  const novel = await makeNovel({ pages, seed: 500, language: "fr" });
  const small = await makeNovel({ pages: 2, seed: 501, language: "fr" });

  const stack = new Stack({ env: { FOLIO_UPLOADS_PER_HOUR: "1000", FOLIO_DEFAULT_CREDITS: "100000" } });
  let appRss: RssSampler | null = null;
  let runnerRss: RssSampler | null = null;
  let functionsRss: RssSampler | null = null;
  let functionsProcs: ProcSampler | null = null;
  try {
    await stack.start();
    stack.shareData();
    const { db } = await import("../../../lib/db");
    const { token } = await benchAccount("book-bench@folio.test", { tokenName: "book-bench" });
    appRss = new RssSampler(stack.app!.pid!);
    runnerRss = new RssSampler(stack.runner!.pid!);
    if (stack.functions?.pid) {
      functionsRss = new RssSampler(stack.functions.pid);
      functionsProcs = new ProcSampler([{ role: "functions", pid: stack.functions.pid }]);
    }

    const upload = async (bytes: Uint8Array): Promise<{ id: string; ms: number }> => {
      const form = new FormData();
      form.set("language", "fr");
      form.set("processor", "local");
      form.set("file", new Blob([new Uint8Array(bytes)], { type: "application/pdf" }), "book.pdf");
      const t0 = performance.now();
      const res = await fetch(`${stack.baseUrl}/api/jobs`, { method: "POST", headers: { authorization: `Bearer ${token}` }, body: form });
      if (res.status !== 202) throw new Error(`upload answered ${res.status}: ${await res.text()}`);
      return { id: ((await res.json()) as { job: { id: string } }).job.id, ms: performance.now() - t0 };
    };
    const waitDone = async (id: string, limitMs: number): Promise<number> => {
      const deadline = Date.now() + limitMs;
      for (;;) {
        const job = await db.job.findUniqueOrThrow({ where: { id } });
        if (["COMPLETED", "PARTIAL_SUCCESS", "FAILED", "CANCELLED"].includes(job.status)) {
          if (job.status !== "COMPLETED") throw new Error(`the job ended ${job.status}: ${job.errorSummary}`);
          return performance.now();
        }
        if (Date.now() > deadline) throw new Error(`the job did not finish in ${limitMs / 1000} s`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };

    // Warm-up: a 2-page job, so first-call costs (loading pdfjs in the workers, the first Prisma
    // queries) are not counted.
    const idleAppMb = (await appRss.settle(300)) / 1024;
    const warm = await upload(small.bytes);
    await waitDone(warm.id, 120_000);
    await new Promise((r) => setTimeout(r, 500));
    const warmAppMb = (await appRss.settle(300)) / 1024;
    appRss.resetPeak();
    runnerRss.resetPeak();
    functionsRss?.resetPeak();
    await functionsProcs?.mark();

    const t0 = performance.now();
    const big = await upload(novel.bytes);
    const t1 = await waitDone(big.id, 10 * 60_000);
    const wallS = (t1 - t0) / 1000;
    await new Promise((r) => setTimeout(r, 100));
    const appPeakMb = appRss.peakKb / 1024;
    const runnerPeakMb = runnerRss.peakKb / 1024;
    const functionsTreePeakMb = functionsRss ? functionsRss.peakKb / 1024 : 0;
    // Per process: the functions process itself, and its largest parsing child.
    const groups = functionsProcs ? groupPeaks(await functionsProcs.mark(), ["functions"]) : [];
    const functionsPeakMb = groups.find((g) => g.root)?.peakMb ?? functionsTreePeakMb;
    const childPeakMb = Math.max(0, ...groups.filter((g) => !g.root && /parse-child/.test(g.label)).map((g) => g.peakMb));

    const chunks = await db.chunk.count({ where: { jobId: big.id } });
    const { loadSentences } = await import("../../../lib/jobs/result");
    const got = await loadSentences(big.id);
    // Known sentences recovered exactly and in order (the result also holds the title and chapter headings).
    let cursor = 0;
    let exact = 0;
    for (const k of novel.sentences) {
      let j = cursor;
      while (j < got.length && j < cursor + 25 && got[j].text !== k.text) j++;
      if (j < got.length && got[j].text === k.text) {
        exact++;
        cursor = j + 1;
      }
    }

    const timeOk = wallS < TARGET_S;
    const appOk = appPeakMb < TARGET_MB;
    const runnerOk = runnerPeakMb < TARGET_MB;
    const functionsOk = functionsPeakMb < TARGET_MB && childPeakMb < TARGET_MB;
    log("");
    log(`Book: ${pages} pages, ${chunks} chunks, local processor, default concurrency; ${got.length} sentences out, ${exact}/${novel.sentences.length} known sentences exact and in order`);
    log(`app process tree RSS: ${idleAppMb.toFixed(0)} MB idle at start, ${warmAppMb.toFixed(0)} MB after the warm-up job`);
    if (/extraction workers unavailable/.test(stack.log("app") + stack.log("functions"))) log("note: the app extracted in-thread (the worker pool could not start)");
    log("measure                              value      target     result");
    log(`upload -> COMPLETED (wall)           ${(wallS.toFixed(2) + " s").padEnd(10)} < ${TARGET_S} s     ${timeOk ? "PASS" : "FAIL"}`);
    log(`  of which the upload (202)          ${((big.ms / 1000).toFixed(2) + " s").padEnd(10)}`);
    log(`app process tree, peak RSS          ${(appPeakMb.toFixed(0) + " MB").padEnd(10)} < ${TARGET_MB} MB   ${appOk ? "PASS" : "FAIL"}`);
    if (functionsRss) {
      log(`functions process, peak RSS         ${(functionsPeakMb.toFixed(0) + " MB").padEnd(10)} < ${TARGET_MB} MB   ${functionsPeakMb < TARGET_MB ? "PASS" : "FAIL"}`);
      log(`  each parsing child, peak RSS      ${(childPeakMb.toFixed(0) + " MB").padEnd(10)} < ${TARGET_MB} MB   ${childPeakMb < TARGET_MB ? "PASS" : "FAIL"}`);
      log(`  the functions tree (sum)          ${(functionsTreePeakMb.toFixed(0) + " MB").padEnd(10)} (the process and its children; not a target)`);
    }
    log(`runner process tree, peak RSS       ${(runnerPeakMb.toFixed(0) + " MB").padEnd(10)} < ${TARGET_MB} MB   ${runnerOk ? "PASS" : "FAIL"}`);
    return {
      pages,
      chunks,
      sentences: got.length,
      knownSentences: novel.sentences.length,
      exactSentences: exact,
      uploadMs: big.ms,
      wallS,
      appPeakMb,
      runnerPeakMb,
      functionsPeakMb,
      pass: timeOk && appOk && runnerOk && functionsOk,
    };
  } finally {
    await appRss?.stop();
    await runnerRss?.stop();
    await functionsRss?.stop();
    await functionsProcs?.stop();
    if (process.env.FOLIO_KEEP_TEST_DATA) log(`data dir kept: ${stack.dataDir}`);
    await stack.stop();
    if (!process.env.FOLIO_KEEP_TEST_DATA && fs.existsSync(stack.dataDir)) fs.rmSync(stack.dataDir, { recursive: true, force: true });
  }
}

// `npx tsx scripts/lib/quality/book-bench.ts` runs it alone.
if (require.main === module) {
  runBookBench().then(
    () => process.exit(0),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
