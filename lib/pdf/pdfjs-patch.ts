/**
 * One change to pdf.js's worker module (its text extraction), applied to a copy of the file at
 * first use and loaded instead of the original:
 *
 *   A glyph whose Unicode is a vertical tab, form feed or carriage return is kept as that
 *   character instead of being read as a space. TeX's OT1 encoding puts the ff, fi and fl
 *   ligatures on codes 0x0B, 0x0C and 0x0D; a bitmap Type 3 font (pdfLaTeX without Type 1 fonts)
 *   gives pdf.js no other Unicode for them, and pdf.js's text extraction turned them into spaces
 *   ("Nether eld", "in uence", "di erent" in the Austen in OT1 Type 3: 83% of its sentences
 *   verbatim). Kept, lib/pdf/tex-codes.ts reads them as the ligatures. No real font maps a glyph
 *   to those controls; genuine spaces, tabs and newlines are untouched.
 *
 * The copy goes to node_modules/.cache/folio/, named by the patched text's hash. If the line to
 * change is not found (another pdf.js version), the original module is used and a warning says so.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { resolvePackage } from "../runtime/resolve-package";

const FIND = "if (!keepWhiteSpace && category.isWhitespace) {";
const REPLACE = 'if (!keepWhiteSpace && category.isWhitespace && !(glyph.unicode === "\\v" || glyph.unicode === "\\f" || glyph.unicode === "\\r")) {';

let cached: string | undefined;

/** The patched text of pdf.js's worker module, or null when the line to change is not in it. */
export function patchWorkerSource(source: string): string | null {
  const at = source.indexOf(FIND);
  if (at < 0 || source.indexOf(FIND, at + 1) >= 0) return null;
  return source.slice(0, at) + REPLACE + source.slice(at + FIND.length);
}

/** A file URL of pdf.js's (legacy) worker module, patched as above when possible. */
export function pdfjsWorkerUrl(root: string = process.cwd()): string {
  if (cached) return cached;
  const original = resolvePackage("pdfjs-dist/legacy/build/pdf.worker.mjs", root);
  const patched = patchWorkerSource(fs.readFileSync(original, "utf8"));
  if (!patched) {
    console.warn("[folio] pdf.js's text extraction was not patched (pdfjs-dist changed): OT1 ligatures in bitmap fonts read as spaces");
    cached = pathToFileURL(original).href;
    return cached;
  }
  const hash = crypto.createHash("sha256").update(patched).digest("hex").slice(0, 16);
  const dir = path.join(root, "node_modules", ".cache", "folio");
  const file = path.join(dir, `pdf.worker-${hash}.mjs`);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, patched);
    fs.renameSync(tmp, file);
  }
  cached = pathToFileURL(file).href;
  return cached;
}

/** The directory of pdf.js's WebAssembly decoders (pdfjs-dist/wasm/), with its trailing slash, as pdf.js wants it. */
export function pdfjsWasmUrl(root: string = process.cwd()): string {
  return path.join(path.dirname(resolvePackage("pdfjs-dist/package.json", root)), "wasm") + path.sep;
}
