import { describe, expect, it } from "vitest";
import { composeAccent, composeAccents, composeInline } from "@/lib/pdf/accents";
import { groupLines, type Item } from "@/lib/pdf/extract";

/** Items as pdf.js reads them: [str, x, y, width, fontSize]. */
const items = (...rows: Array<[string, number, number, number, number]>): Item[] => rows.map(([str, x, y, width, fontSize]) => ({ str, x, y, width, fontSize }));
const lines = (its: Item[]) => groupLines(composeAccents(its)).map((l) => l.text);

// Every sequence below was read by pdf.js from a pdfLaTeX book in the OT1 encoding (Verne, Le
// Tour du monde en quatre-vingts jours, typeset by scripts/books/latex.sh): positions as given.
describe("accents drawn apart (TeX OT1)", () => {
  it("puts an accent at the end of an item on the letter that starts the next one, left of the accent's end", () => {
    const page = items(
      ["int´", 50.4, 550.64, 18.18, 10.91],
      ["erieur, jamais il n’´", 63.43, 550.64, 93.38, 10.91],
      ["etait question. Un seul domestique suffi-", 151.66, 550.64, 193.94, 10.91],
      ["sait `", 50.4, 537.09, 26.68, 10.91],
      ["a le servir. D´", 71.63, 537.09, 68.93, 10.91],
      ["ejeunant, dˆ", 135.41, 537.09, 58.14, 10.91],
      ["ınant au club `", 189.31, 537.09, 74.12, 10.91],
      ["a des heures chro-", 257.97, 537.09, 87.63, 10.91],
    );
    expect(lines(page)).toEqual(["intérieur, jamais il n’était question. Un seul domestique suffi-", "sait à le servir. Déjeunant, dînant au club à des heures chro-"]);
  });

  it("puts a raised accent of its own on the capital under it", () => {
    const page = items(
      ["S’ACCEPTENT R", 52.95, 574.59, 83.64, 9.96],
      ["´", 136.59, 577.11, 4.98, 9.96],
      ["ECIPROQUEMENT L’UN COMME MA", 135.69, 574.59, 181.54, 9.96],
      ["ˆ", 317.23, 577.11, 4.98, 9.96],
      ["ITRE,", 317.93, 574.59, 27.67, 9.96],
    );
    expect(lines(page)).toEqual(["S’ACCEPTENT RÉCIPROQUEMENT L’UN COMME MAÎTRE,"]);
  });

  it("reads a dotless ı under a circumflex as î, and babel's math guillemets as « »", () => {
    const page = items(
      ["≪", 67.34, 298.93, 7.31, 5.98],
      ["Sur ma foi, se dit Passepartout, un peu ahuri tout d’abord,", 77.07, 297.99, 271.07, 10.91],
      ["que mon nouveau maˆ", 50.4, 270.89, 106.36, 10.91],
      ["ıtre !", 152.52, 270.89, 21.25, 10.91],
      ["≫", 177.4, 271.83, 7.31, 5.98],
    );
    expect(lines(page)).toEqual(["« Sur ma foi, se dit Passepartout, un peu ahuri tout d’abord,", "que mon nouveau maître ! »"]);
  });

  it("drops the space pdf.js reads in the kern that centres an accent over a wider capital", () => {
    expect(lines(items(["O `", 50.4, 441.05, 38.63, 24.79], ["U PASSEPARTOUT", 71.34, 441.05, 255.22, 24.79]))).toEqual(["OÙ PASSEPARTOUT"]);
    expect(lines(items(["— ", 67.34, 171.26, 12.27, 10.91], ["`", 79.61, 174.02, 5.45, 10.91], ["A Bombay.", 78.25, 171.26, 52.87, 10.91]))).toEqual(["—À Bombay."]);
    // After a word, the space is a real one.
    expect(lines(items(["jouer au whist. ", 50.4, 400, 80.2, 10.91], ["`", 130.6, 402.76, 5.45, 10.91], ["A ce jeu", 129.2, 400, 40.1, 10.91]))).toEqual(["jouer au whist. À ce jeu"]);
  });

  it("leaves text alone without the evidence: a backtick with no letter drawn under it, plain accented text", () => {
    expect(lines(items(["run `make' first", 50, 500, 80, 10]))).toEqual(["run `make' first"]);
    expect(lines(items(["sait `", 50.4, 537.09, 26.68, 10.91], ["a le servir", 120, 537.09, 50, 10.91]))).toEqual(["sait ` a le servir"]);
    const plain = items(["déjà vu, à côté", 50, 500, 80, 10]);
    expect(composeAccents(plain)).toBe(plain);
  });

  it("composes inside one item: an accent before its letter, a cedilla or ogonek after", () => {
    expect(composeInline("gar¸con fran¸cais")).toBe("garçon français");
    expect(composeInline("C¸a")).toBe("Ça");
    expect(composeInline("na¨ıve, ˇcesky, p˛e")).toBe("naïve, česky, pę");
    expect(composeInline("a`b")).toBe("a`b");
  });

  it("composes by Unicode (precomposed when it exists), only on letters", () => {
    expect(composeAccent("e", "´")).toBe("é");
    expect(composeAccent("ı", "ˆ")).toBe("î");
    expect(composeAccent("C", "¸")).toBe("Ç");
    expect(composeAccent("A", "˚")).toBe("Å");
    expect(composeAccent("1", "´")).toBeNull();
  });
});
