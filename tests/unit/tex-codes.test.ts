import { describe, expect, it } from "vitest";
import type { Item } from "@/lib/pdf/extract";
import { mapTexCodes } from "@/lib/pdf/tex-codes";

const page = (...strs: string[]): Item[] => strs.map((str, i) => ({ str, x: 50, y: 500 - 14 * i, width: 250, fontSize: 10.9 }));
const texts = (items: Item[]) => mapTexCodes(items).map((it) => it.str);

// Strings as pdf.js read them from pdfLaTeX books set in bitmap Type 3 fonts (no ToUnicode, no
// glyph names: scripts/books/latex.sh --bitmap), Verne in T1 and Austen in OT1.
describe("TeX's low codes in fonts without Unicode", () => {
  it("reads T1's dashes and ligatures (a page with real accented letters is T1)", () => {
    expect(texts(page("On disait qu'il ressemblait à Byron\u0016par la tête, car il était", "irréprochable quant aux pieds\u0016, mais un Byron à moustaches", "un e\u001bet di\u001berent, une \u001c\u001dn"))).toEqual([
      "On disait qu'il ressemblait à Byron—par la tête, car il était",
      "irréprochable quant aux pieds—, mais un Byron à moustaches",
      "un effet different, une fifln",
    ]);
  });

  it("reads OT1's ligatures, accents over the next letter, quotes and dashes", () => {
    expect(texts(page("was su\u000ecient to draw from her husband any satis\u000c", "\\Then, my dear, you may have the advantage of your friend,\" said he", "une d\u0013ecision d'\u0012a c^ot\u0013e | na\u007f\u0010ve enfin"))).toEqual([
      "was sufficient to draw from her husband any satisfi",
      "“Then, my dear, you may have the advantage of your friend,” said he",
      "une décision d'à côté — naïve enfin",
    ]);
  });

  it("reads OT1's ff, fi and fl (codes 0x0B-0x0D, which pdf.js used to turn into spaces) at a word's end and start", () => {
    // The Austen in OT1 Type 3, pages 281 and 6 as pdf.js reads them with lib/pdf/pdfjs-patch.ts:
    // no quote or accent on the page, only ligatures; "o\u000b." is "off." (T1 would read a cedilla).
    expect(texts(page("Mr. Gardiner had waited only for the letters before he set o\u000b.", "from the \u000crst, and was in a way to be very much in love", "had a value as arising in all probability from the in\u000duence of"))).toEqual([
      "Mr. Gardiner had waited only for the letters before he set off.",
      "from the first, and was in a way to be very much in love",
      "had a value as arising in all probability from the influence of",
    ]);
  });

  it("leaves a page without TeX's codes alone", () => {
    const plain = page("He said \"yes\" and left {quickly} | then", "déjà vu");
    expect(mapTexCodes(plain)).toBe(plain);
  });
});

describe("pdf.js's patched text extraction (lib/pdf/pdfjs-patch.ts)", () => {
  it("finds its one line in the installed pdf.js and keeps \\v \\f \\r glyphs as they are", async () => {
    const fs = await import("node:fs");
    const { createRequire } = await import("node:module");
    const { patchWorkerSource, pdfjsWorkerUrl } = await import("@/lib/pdf/pdfjs-patch");
    const file = createRequire(`${process.cwd()}/package.json`).resolve("pdfjs-dist/legacy/build/pdf.worker.mjs");
    const patched = patchWorkerSource(fs.readFileSync(file, "utf8"));
    expect(patched).not.toBeNull();
    expect(patched).toContain('glyph.unicode === "\\v"');
    expect(pdfjsWorkerUrl()).toMatch(/node_modules\/\.cache\/folio\/pdf\.worker-[0-9a-f]{16}\.mjs$/);
    expect(patchWorkerSource("nothing to patch here")).toBeNull();
  });
});
