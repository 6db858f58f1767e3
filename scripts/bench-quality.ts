/**
 * Sentence-quality benchmark: `npm run bench:quality` (add `--verbose` for examples of errors).
 * See scripts/lib/quality/bench.ts; FOLIO_BENCH_LIMIT sets the word limit of the second run (12).
 */
import { runQualityBench } from "./lib/quality/bench";

const limit = Number(process.env.FOLIO_BENCH_LIMIT);

runQualityBench({ limit: Number.isInteger(limit) && limit > 0 ? limit : 12, verbose: process.argv.includes("--verbose") }).then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
