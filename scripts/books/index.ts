/**
 * Real books for the benches, typeset from the shared plain-text corpus by a recipe (a shell
 * script in this directory) and cached under .tmp-bench/books/ (git-ignored; FOLIO_BENCH_CACHE_DIR
 * moves it), keyed by the recipe's text, its helpers and arguments, the source's sha256 and the
 * typesetter's version: a cached book is rebuilt only when one of them changes.
 *
 * The corpus: FOLIO_CORPUS_DIR, else ../shared/corpus next to the repository, else /work/shared/corpus.
 */
import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");

export type BookRecipe = {
  name: string;
  /** The corpus file typeset. */
  source: string;
  /** The shell script (in scripts/books/) run as `sh <script> <source> <out.pdf>`. */
  script: string;
  /** Pages the recipe was verified to give (a different count is reported, not fatal). */
  expectedPages: number;
  /** Programs the recipe needs on PATH (the first one's --version is part of the cache key). */
  needs: string[];
  /** More arguments for the script, after the source and the output. */
  args?: string[];
  /** Other files the script uses (in scripts/books/), part of the cache key. */
  helpers?: string[];
  /** An image-only scan (read by OCR): bench:books holds it to the scan's targets. */
  scan?: boolean;
};

export const BOOKS = {
  dumas: {
    name: "dumas-les-trois-mousquetaires",
    source: "dumas-les-trois-mousquetaires.txt",
    script: "dumas-trois-mousquetaires.sh",
    expectedPages: 934,
    needs: ["groff"],
  },
} satisfies Record<string, BookRecipe>;

const latex = (name: string, source: string, expectedPages: number, engine: "pdflatex" | "xelatex", options: string[]): BookRecipe => ({
  name,
  source: `structure/${source}.json`,
  script: "latex.sh",
  expectedPages,
  needs: [engine],
  args: [engine, ...options],
  helpers: ["to-latex.ts"],
});

const chromium = (name: string, source: string, mode: "header" | "plain"): BookRecipe => ({
  name,
  source: `structure/${source}.json`,
  script: "chromium.sh",
  expectedPages: 0,
  needs: ["chromium"],
  args: [mode],
  helpers: ["to-html.ts"],
});

/**
 * The corpus of `npm run bench:books`: real toolchains on the shared novels, each a layout
 * readers meet (see to-latex.ts for the options). The groff book is bench:book's Dumas.
 */
export const QUALITY_BOOKS: BookRecipe[] = [
  latex("verne-pdflatex-ot1", "verne-le-tour-du-monde-en-80-jours", 251, "pdflatex", ["--encoding=OT1", "--toc", "--heads", "--footnotes"]),
  latex("verne-pdflatex-t1", "verne-le-tour-du-monde-en-80-jours", 251, "pdflatex", ["--encoding=T1", "--toc", "--heads", "--footnotes"]),
  latex("verne-pdflatex-type3", "verne-le-tour-du-monde-en-80-jours", 0, "pdflatex", ["--encoding=T1", "--bitmap", "--heads"]),
  latex("austen-pdflatex-ot1-type3", "austen-pride-and-prejudice", 0, "pdflatex", ["--encoding=OT1", "--bitmap", "--heads"]),
  latex("austen-pdflatex-ot1", "austen-pride-and-prejudice", 0, "pdflatex", ["--encoding=OT1", "--heads"]),
  latex("flaubert-pdflatex-2col", "flaubert-madame-bovary", 0, "pdflatex", ["--encoding=T1", "--twocolumn", "--heads"]),
  latex("twain-xelatex", "twain-huckleberry-finn", 0, "xelatex", ["--font=Latin Modern Roman", "--heads", "--toc"]),
  chromium("verne-chromium-header", "verne-le-tour-du-monde-en-80-jours", "header"),
  { name: "flaubert-libreoffice", source: "structure/flaubert-madame-bovary.json", script: "libreoffice.sh", expectedPages: 0, needs: ["soffice"], helpers: ["to-fodt.ts"] },
  chromium("austen-chromium-plain", "austen-pride-and-prejudice", "plain"),
  // The first 240 paragraphs (34 pages) of the Verne, printed to 200 dpi grey images, turned and speckled: a scan.
  {
    name: "verne-scan",
    source: "structure/verne-le-tour-du-monde-en-80-jours.json",
    script: "scan.sh",
    expectedPages: 34,
    needs: ["pdflatex", "pdftoppm"],
    args: ["200", "--paragraphs=240"],
    helpers: ["latex.sh", "to-latex.ts", "to-scan.ts"],
    scan: true,
  },
  BOOKS.dumas,
];

export type BuiltBook = {
  recipe: BookRecipe;
  path: string;
  bytes: number;
  /** From pdfinfo, or null when pdfinfo is missing. */
  pages: number | null;
  cached: boolean;
  key: string;
  buildMs: number;
};

/** The absolute path of a program on PATH, or null. */
export function which(program: string): string | null {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (!dir) continue;
    const p = path.join(dir, program);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return null;
}

export function corpusDir(): string {
  const candidates = [process.env.FOLIO_CORPUS_DIR, path.resolve(ROOT, "..", "shared", "corpus"), "/work/shared/corpus"].filter((p): p is string => !!p);
  const found = candidates.find((p) => fs.existsSync(p));
  if (!found) throw new Error(`no corpus directory: tried ${candidates.join(", ")} (set FOLIO_CORPUS_DIR)`);
  return found;
}

export function pdfPages(file: string): number | null {
  if (!which("pdfinfo")) return null;
  const r = spawnSync("pdfinfo", [file], { encoding: "utf8" });
  const m = /^Pages:\s+(\d+)/m.exec(r.stdout ?? "");
  return m ? Number(m[1]) : null;
}

/** Why the recipe cannot run here (a missing program), or null. */
export function missingTools(recipe: BookRecipe): string | null {
  const missing = recipe.needs.filter((p) => !which(p));
  return missing.length ? missing.join(", ") : null;
}

/** Builds the book unless the cache already holds this exact recipe's output. */
export function ensureBook(recipe: BookRecipe): BuiltBook {
  const missing = missingTools(recipe);
  if (missing) throw new Error(`cannot build ${recipe.name}: ${missing} not installed`);
  const source = path.join(corpusDir(), recipe.source);
  if (!fs.existsSync(source)) throw new Error(`corpus file missing: ${source}`);
  const scriptPath = path.join(__dirname, recipe.script);
  const toolVersion = spawnSync(recipe.needs[0], ["--version"], { encoding: "utf8" }).stdout?.split("\n")[0] ?? "";
  const hash = crypto
    .createHash("sha256")
    .update(fs.readFileSync(scriptPath))
    .update("\0")
    .update(crypto.createHash("sha256").update(fs.readFileSync(source)).digest("hex"))
    .update("\0")
    .update(toolVersion);
  for (const h of recipe.helpers ?? []) hash.update("\0").update(fs.readFileSync(path.join(__dirname, h)));
  if (recipe.args?.length) hash.update("\0").update(JSON.stringify(recipe.args));
  const key = hash.digest("hex").slice(0, 16);
  const cacheRoot = process.env.FOLIO_BENCH_CACHE_DIR ?? path.join(ROOT, ".tmp-bench", "books");
  const dir = path.join(cacheRoot, `${recipe.name}-${key}`);
  const out = path.join(dir, "book.pdf");
  if (fs.existsSync(out)) {
    return { recipe, path: out, bytes: fs.statSync(out).size, pages: pdfPages(out), cached: true, key, buildMs: 0 };
  }
  const tmp = `${dir}.partial-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  const t0 = performance.now();
  const r = spawnSync("sh", [scriptPath, source, path.join(tmp, "book.pdf"), ...(recipe.args ?? [])], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  const buildMs = performance.now() - t0;
  if (r.status !== 0) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw new Error(`the recipe ${recipe.script} failed (exit ${r.status ?? r.signal}): ${(r.stderr ?? "").trim().split("\n").slice(-5).join("\n")}`);
  }
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(tmp, dir);
  return { recipe, path: out, bytes: fs.statSync(out).size, pages: pdfPages(out), cached: false, key, buildMs };
}

// `npx tsx scripts/books/index.ts` builds (or finds) the books and prints where they are.
if (require.main === module) {
  for (const recipe of Object.values(BOOKS)) {
    const missing = missingTools(recipe);
    if (missing) {
      console.log(`${recipe.name}: skipped (${missing} not installed)`);
      continue;
    }
    const b = ensureBook(recipe);
    console.log(`${recipe.name}: ${b.path} (${b.pages ?? "?"} pages, ${(b.bytes / 1e6).toFixed(2)} MB, ${b.cached ? "cached" : `built in ${(b.buildMs / 1000).toFixed(1)} s`})`);
  }
}
