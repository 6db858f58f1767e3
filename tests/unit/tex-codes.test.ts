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

  it("leaves a page without TeX's codes alone", () => {
    const plain = page("He said \"yes\" and left {quickly} | then", "déjà vu");
    expect(mapTexCodes(plain)).toBe(plain);
  });
});
