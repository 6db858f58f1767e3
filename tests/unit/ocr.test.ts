/**
 * The pure parts of OCR (lib/pdf/ocr.ts), the unreadable-text detector (lib/text/unreadable.ts)
 * and page ranges (lib/page-ranges.ts). Inputs are taken from real runs: Tesseract's lines on
 * the committed scan (tests/fixtures/scan-verne-3p.pdf, 200 dpi) and pdf.js's strings for a
 * Type 3 font whose codes are a private cipher (scripts/lib/hostile-extra.ts type3NoUnicodePdf).
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createLocalProcessor } from "@/lib/processors/local";
import { harmonizeOcrSizes, ocrLanguage, ocrScale, toPgm, wordsToItems } from "@/lib/pdf/ocr";
import type { Item } from "@/lib/pdf/extract";
import { looksUnreadable } from "@/lib/text/unreadable";
import { formatPageRanges, parsePageRanges } from "@/lib/page-ranges";

const word = (text: string, x0: number, x1: number, confidence = 90) => ({ text, confidence, bbox: { x0, y0: 0, x1, y1: 30 } });
const line = (y: number, rowHeight: number, words: ReturnType<typeof word>[]) => ({ words, bbox: { x0: 0, y0: y - 30, x1: 1000, y1: y }, baseline: { x0: 0, y0: y, x1: 1000, y1: y }, rowAttributes: { row_height: rowHeight } });

describe("wordsToItems", () => {
  it("places words on their line's baseline in PDF units, the space Tesseract saw kept with the word", () => {
    // 200 dpi: scale 200/72; a page 612 pt high.
    const scale = 200 / 72;
    const items = wordsToItems([{ paragraphs: [{ lines: [line(1000, 32, [word("Phileas", 140, 300), word("Fogg", 320, 420)])] }] }], scale, 612);
    expect(items).toHaveLength(2);
    expect(items.map((i) => i.str)).toEqual(["Phileas ", "Fogg"]);
    expect(items[0].x).toBeCloseTo(140 / scale);
    expect(items[0].y).toBeCloseTo(612 - 1000 / scale);
    expect(items[1].y).toBe(items[0].y);
    expect(items[0].fontSize).toBeCloseTo(32 / scale);
  });

  it("drops strokes, a lone low-confidence mark, and a character far out in the margin glued to a line", () => {
    // Seen on the scan: "PASSEPARTOUT |", "3 L'AUTRE COMME DOMESTIQUE" with the 3 at the page's edge.
    const items = wordsToItems(
      [
        {
          paragraphs: [
            {
              lines: [
                line(400, 30, [word("PASSEPARTOUT", 100, 700), word("|", 760, 770, 95)]),
                line(500, 30, [word("3", 20, 35, 70), word("L'AUTRE", 500, 650), word("COMME", 670, 800)]),
                line(600, 30, [word("“", 100, 110, 40), word("membres", 120, 300)]),
                line(700, 30, [word("—", 100, 140, 90), word("moins.", 160, 300)]),
              ],
            },
          ],
        },
      ],
      1,
      1000,
    );
    expect(items.map((i) => i.str.trim())).toEqual(["PASSEPARTOUT", "L'AUTRE", "COMME", "membres", "—", "moins."]);
  });
});

describe("harmonizeOcrSizes", () => {
  const it_ = (str: string, y: number, fontSize: number): Item => ({ str, x: 50, y, width: 200, fontSize });

  it("reads body lines whose height OCR misjudged as the body size, keeps headings, drops dust", () => {
    // The sizes Tesseract's row heights gave on the scan's page 3 (body 11.5 pt): a short line
    // "sans vieillir." at 8, a line of capitals at 12; specks at 3.5-5.
    const page = [
      it_("et à favoris, un Byron impassible, qui aurait vécu mille ans", 495, 11.5),
      it_("sans vieillir.", 482, 8),
      it_("Anglais, à coup sûr, Phileas Fogg n'était peut-être pas Lon-", 468, 11.5),
      it_("au Banc de la Reine, ni à l'Échiquier, ni en Cour", 361, 13.5),
      it_("æ", 341, 5),
    ];
    const [out] = harmonizeOcrSizes([page]);
    expect(out.map((i) => [i.str.slice(0, 12), i.fontSize])).toEqual([
      ["et à favoris", 11.5],
      ["sans vieilli", 11.5],
      ["Anglais, à c", 11.5],
      ["au Banc de l", 11.5],
    ]);
  });

  it("reads a full line measured too tall, and a short last line measured too small, as body (scan's pages 1-2)", () => {
    const line = (str: string, y: number, fontSize: number, x: number, right: number): Item => ({ str, x, y, width: right - x, fontSize });
    const body = Array.from({ length: 20 }, (_, i) => line("ne pouvaient dire, et Mr. Fogg était le dernier auquel il", 500 - 13.5 * i, 11.5, 52, 346));
    const [out] = harmonizeOcrSizes([
      [
        line("de s'adresser pour l’apprendre. En tout cas, il n’était prodigue", 551.8, 15, 51.6, 347.8),
        line("moins.", 308.2, 7, 50.9, 80.4),
        line("DANS LEQUEL", 620, 19, 60, 200),
        ...body,
      ],
    ]);
    expect(out.slice(0, 3).map((i) => i.fontSize)).toEqual([11.5, 11.5, 19]);
  });

  it("gives a heading of several lines one size", () => {
    // The chapter title of the scan's page 2: 23, 19.5, 19, 18.5, 23 pt by row height.
    const body = Array.from({ length: 20 }, (_, i) => it_("Le corps du texte, une ligne ordinaire de prose.", 300 - 14 * i, 11.5));
    const heading = [it_("DANS LEQUEL", 442, 23), it_("PHILEAS FOGG ET", 413, 19.5), it_("PASSEPARTOUT", 383, 19), it_("S'ACCEPTENT", 352, 18.5), it_("RÉCIPROQUEMENT", 323, 23)];
    const [out] = harmonizeOcrSizes([[...heading, ...body]]);
    const sizes = new Set(out.filter((i) => i.y > 310).map((i) => i.fontSize));
    expect(sizes.size).toBe(1);
    expect([...sizes][0]).toBeGreaterThan(1.3 * 11.5);
  });
});

describe("ocr helpers", () => {
  it("chooses Tesseract's language from the job's", () => {
    expect(ocrLanguage("fr")).toBe("fra");
    expect(ocrLanguage("fr-CA")).toBe("fra");
    expect(ocrLanguage("en")).toBe("eng");
    expect(ocrLanguage("de")).toBe("eng");
  });

  it("renders at 300 dpi unless that passes the pixel budget", () => {
    expect(ocrScale(396, 612, {})).toBeCloseTo(300 / 72);
    // An A3 poster at 300 dpi would be 17 million pixels: scaled down to 6 million.
    const s = ocrScale(842, 1191, {});
    expect(842 * s * 1191 * s).toBeLessThanOrEqual(6e6 + 1);
    expect(ocrScale(396, 612, { FOLIO_OCR_DPI: "150" })).toBeCloseTo(150 / 72);
  });

  it("writes grey PGM from RGBA, transparent pixels as paper", () => {
    const rgba = new Uint8ClampedArray([0, 0, 0, 255, 255, 255, 255, 255, 10, 20, 30, 0]);
    const pgm = toPgm(rgba, 3, 1);
    expect(pgm.subarray(0, 11).toString("latin1")).toBe("P5\n3 1\n255\n");
    expect([...pgm.subarray(11)]).toEqual([0, 255, 255]);
  });
});

describe("looksUnreadable", () => {
  it("flags a font's private codes as pdf.js returns them", () => {
    // pdf.js's strings for type3NoUnicodePdf (codes 0x80-0xBF, no ToUnicode).
    const cipher = ["μ¯\x83\x9A\x96\x84 ³ª\x94®¤\x9A®\x83 °¶\x92¸μ± ½©¨\x82\x8B\x8B \x91«© ´μ¸\x95\x98\x97\x84μ \x9A\x82 ¸¾©´¢ \x89½®½"];
    expect(looksUnreadable(cipher)).toBe(true);
    expect(looksUnreadable(["\ue001\ue002\ue003 \ue004\ue005".repeat(10)])).toBe(true);
  });

  it("leaves prose, a page of figures and a short page alone", () => {
    expect(looksUnreadable(["En l’année 1872, la maison portant le numéro 7 de Saville-row, Burlington Gardens—maison dans laquelle Sheridan mourut en 1814—, était habitée par Phileas Fogg."])).toBe(false);
    expect(looksUnreadable(["It is a truth universally acknowledged, that a single man in possession of a good fortune, must be in want of a wife."])).toBe(false);
    expect(looksUnreadable(["1872 — 20 000 £ — 2 oct. 8 h 45 — 21 déc. 8 h 44 — 80 jours — 1 234,50 F — 3 × 4 = 12"])).toBe(false);
    expect(looksUnreadable(["¶ § †"])).toBe(false);
  });
});

describe("page ranges", () => {
  it("writes and reads compact page lists", () => {
    expect(formatPageRanges([3, 1, 2, 7, 7, 9, 10])).toBe("1-3,7,9-10");
    expect(formatPageRanges([])).toBeNull();
    expect(parsePageRanges("1-3,7,9-10")).toEqual([1, 2, 3, 7, 9, 10]);
    expect(parsePageRanges(null)).toEqual([]);
    expect(parsePageRanges("x,4")).toEqual([4]);
  });
});

describe("OCR of a JPEG 2000 scan", () => {
  it("decodes the image with pdf.js's WebAssembly decoder and reads it", async () => {
    // One page of the Verne printed at 200 dpi, compressed by OpenJPEG's opj_compress (-r 20) and
    // put in a PDF as a /JPXDecode image: without pdf.js's wasmUrl the image decoded to nothing.
    const file = path.join(__dirname, "..", "fixtures", "scan-verne-jpx-1p.pdf");
    const r = await createLocalProcessor({ extractor: "pdfjs" }).process({ path: file }, { language: "fr", sentenceWordLimit: 40, firstPage: 1, overlapPages: 0 });
    expect(r.pages[0].ocr?.confidence).toBeGreaterThan(70);
    expect(r.warnings[0]).toMatch(/^OCR: page 1 has no text layer and was read by OCR/);
    expect(r.sentences.map((s) => s.text.replace(/[’]/g, "'"))).toContain("Phileas Fogg était membre du Reform-Club, et voilà tout.");
  }, 60_000);
});

describe("OCR in English", () => {
  it("reads an English scan with the English model (Austen, pdfLaTeX, 200 dpi, speckled)", async () => {
    const file = path.join(__dirname, "..", "fixtures", "scan-austen-1p.pdf");
    const r = await createLocalProcessor({ extractor: "pdfjs" }).process({ path: file }, { language: "en", sentenceWordLimit: null, firstPage: 1, overlapPages: 0 });
    const texts = r.sentences.map((s) => s.text);
    expect(texts).toContain("It is a truth universally acknowledged, that a single man in possession of a good fortune, must be in want of a wife.");
    expect(texts).toContain("Mr. Bennet replied that he had not.");
    expect(texts).toContain("“What is his name?”");
    expect(r.pages[0].ocr?.confidence).toBeGreaterThan(80);
  }, 60_000);
});

describe("OCR of noise", () => {
  it("reads nothing from speckled images and stops after three of them in a chunk", async () => {
    const { imageOnlyPdf } = await import("@/scripts/lib/hostile-extra");
    const fs = await import("node:fs");
    const os = await import("node:os");
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "folio-noise-")), "noise.pdf");
    fs.writeFileSync(file, imageOnlyPdf(4, 600, 800));
    // Every miss counts as costly here (on this machine a noise page costs about 4 s; a blank one 0.3 s).
    process.env.FOLIO_OCR_NOISE_SECONDS = "0";
    try {
      const r = await createLocalProcessor({ extractor: "pdfjs" }).process({ path: file }, { language: "fr", sentenceWordLimit: null, firstPage: 1, overlapPages: 0 });
      expect(r.sentences).toEqual([]);
      expect(r.pages.map((p) => [p.noTextLayer, p.noText])).toEqual([
        [true, "ocr-nothing"],
        [true, "ocr-nothing"],
        [true, "ocr-nothing"],
        [true, "ocr-budget"],
      ]);
      expect(r.warnings[0]).toMatch(/^NO_TEXT_LAYER: no page of this chunk has a text layer \(pages 1-4\)/);
    } finally {
      delete process.env.FOLIO_OCR_NOISE_SECONDS;
    }
  }, 120_000);
});
