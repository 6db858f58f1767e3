import { PDFDocument, StandardFonts } from "pdf-lib";
import { afterAll, describe, expect, it } from "vitest";
import {
  closeExtractPool,
  extractPages,
  extractPoolSize,
  findPdftotext,
  groupLines,
  mergeDropCaps,
  parseBboxLayout,
  PdfExtractError,
  resolveExtractor,
  type Item,
} from "@/lib/pdf/extract";
import { makeLayout } from "@/tests/fixtures/layouts";
import { garbagePdf, makeEncryptedPdf, makeNovel, zeroPagePdf } from "@/tests/fixtures/pdfs";

// Before anything loads pdf.js (lib/pdf/extract imports it lazily).
const natives = { push: Array.prototype.push, stringify: JSON.stringify, parse: JSON.parse };

// pdfjs reads U+00A0 back as a plain space.
const plain = (s: string) => s.replace(/\u00a0/g, " ");

describe("extractPages", () => {
  it("gives the lines of every page in reading order with position and size", async () => {
    const novel = await makeNovel({ pages: 3, seed: 2, language: "fr" });
    const pages = await extractPages(novel.bytes);
    expect(pages.map((p) => p.page)).toEqual([1, 2, 3]);
    for (const [i, page] of pages.entries()) {
      const texts = page.lines.map((l) => l.text);
      // Body lines, in order, between the chrome (title page / running header and page number).
      const body = novel.pageLines[i].map(plain);
      const start = texts.indexOf(body[0]);
      expect(start).toBeGreaterThanOrEqual(0);
      expect(texts.slice(start, start + body.length)).toEqual(body);
      expect(texts.at(-1)).toBe(String(i + 1)); // page number at the bottom
      if (i > 0) expect(texts[0]).toBe(novel.title); // running header at the top
      // Top to bottom.
      for (let k = 1; k < page.lines.length; k++) expect(page.lines[k].y).toBeLessThan(page.lines[k - 1].y);
      const bodyLines = page.lines.slice(start, start + body.length);
      for (const l of bodyLines) {
        expect(l.fontSize).toBeCloseTo(10.5, 1);
        expect(l.x === 48 || l.x === 62).toBe(true); // margin or paragraph indent
        expect(l.width).toBeGreaterThan(0);
      }
      expect(page.width).toBeCloseTo(419.53, 1);
      expect(page.height).toBeCloseTo(595.28, 1);
    }
  });

  it("joins items on one baseline, with a space only where there is a visual gap", async () => {
    const doc = await PDFDocument.create();
    const font = await doc.embedFont(StandardFonts.Helvetica);
    const page = doc.addPage([400, 300]);
    const w = (s: string) => font.widthOfTextAtSize(s, 12);
    page.drawText("extra", { x: 50, y: 200, size: 12, font });
    page.drawText("ordinaire", { x: 50 + w("extra"), y: 200, size: 12, font });
    page.drawText("et", { x: 50 + w("extraordinaire") + 4, y: 200.4, size: 12, font });
    // A second line, drawn right to left, with a small raised footnote call.
    page.drawText("monde", { x: 50 + w("Le ") + 3, y: 180, size: 12, font });
    page.drawText("1", { x: 50 + w("Le ") + 3 + w("monde"), y: 184, size: 7, font });
    page.drawText(".", { x: 50 + w("Le ") + 3 + w("monde") + font.widthOfTextAtSize("1", 7), y: 180, size: 12, font });
    page.drawText("Le", { x: 50, y: 180, size: 12, font });
    const [p] = await extractPages(await doc.save());
    expect(p.lines.map((l) => l.text)).toEqual(["extraordinaire et", "Le monde."]);
    expect(p.lines[0]).toMatchObject({ x: 50, fontSize: 12 });
    expect(p.lines[0].width).toBeCloseTo(w("extraordinaire") + 4 + w("et"), 0);
  });

  it("returns no lines for a page without text", async () => {
    const doc = await PDFDocument.create();
    doc.addPage([300, 300]);
    const pages = await extractPages(await doc.save());
    expect(pages).toEqual([{ page: 1, lines: [], width: 300, height: 300 }]);
  });

  it("handles a PDF with no pages", async () => {
    expect(await extractPages(await zeroPagePdf())).toEqual([]);
  });

  it("reads PDFs saved with object streams (pdf-lib's default for chunks)", async () => {
    const novel = await makeNovel({ pages: 2, seed: 4, objectStreams: true });
    const pages = await extractPages(novel.bytes);
    expect(pages).toHaveLength(2);
    expect(pages[1].lines.map((l) => l.text)).toContain(plain(novel.pageLines[1][0]));
  });

  it("does not keep or change the caller's bytes", async () => {
    const novel = await makeNovel({ pages: 1, seed: 1 });
    const copy = novel.bytes.slice();
    await extractPages(novel.bytes);
    await extractPages(novel.bytes);
    expect(novel.bytes).toEqual(copy);
  });

  it.each([
    ["garbage", () => Promise.resolve(garbagePdf()), "PDF_UNREADABLE"],
    ["empty", () => Promise.resolve(new Uint8Array()), "PDF_UNREADABLE"],
    ["encrypted", () => makeEncryptedPdf(), "PDF_ENCRYPTED"],
  ])("fails with a coded error on %s input", async (_name, make, code) => {
    const err = await extractPages(await make()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PdfExtractError);
    expect((err as PdfExtractError).code).toBe(code);
  });

  it("groupLines tolerates baseline jitter and orders items by x", () => {
    const lines = groupLines([
      { str: "b", x: 20, y: 100.3, width: 5, fontSize: 10 },
      { str: "a", x: 10, y: 100, width: 5, fontSize: 10 },
      { str: "next", x: 10, y: 88, width: 20, fontSize: 10 },
    ]);
    expect(lines.map((l) => l.text)).toEqual(["a b", "next"]);
  });
});

const HAS_PDFTOTEXT = findPdftotext() !== null;

afterAll(async () => {
  await closeExtractPool();
});

/** Words of a line as separate items, spaced like justified text. */
function wordItems(words: string[], x: number, y: number, size = 10, gap = 4): Item[] {
  const out: Item[] = [];
  let at = x;
  for (const w of words) {
    const width = w.length * size * 0.5;
    out.push({ str: w, x: at, y, width, fontSize: size });
    at += width + gap;
  }
  return out;
}

describe("columns", () => {
  it("reads a two-column page column by column, between the lines that span both", () => {
    const items: Item[] = [{ str: "REVUE DES DEUX RIVES", x: 150, y: 760, width: 120, fontSize: 8 }];
    for (let i = 0; i < 10; i++) {
      items.push(...wordItems(["gauche", `ligne${i}`, "du", "texte"], 50, 700 - 14 * i));
      items.push(...wordItems(["droite", `ligne${i}`, "du", "texte"], 330, 700 - 14 * i));
    }
    items.push({ str: "12", x: 300, y: 40, width: 10, fontSize: 8 });
    const lines = groupLines(items);
    expect(lines.map((l) => l.text)).toEqual([
      "REVUE DES DEUX RIVES",
      ...Array.from({ length: 10 }, (_, i) => `gauche ligne${i} du texte`),
      ...Array.from({ length: 10 }, (_, i) => `droite ligne${i} du texte`),
      "12",
    ]);
    // Each column line knows its column; the spanning lines do not.
    expect(lines[1].column).toEqual({ left: 50, right: expect.closeTo(50 + 4 * 0 + lines[1].width, 0) });
    expect(lines[11].column?.left).toBe(330);
    expect(lines[0].column).toBeUndefined();
  });

  it("does not split one justified column at its word gaps", () => {
    const items: Item[] = [];
    const words = ["Le", "lendemain", "Jeanne", "regarda", "la", "lettre", "sans", "rien", "dire", "puis"];
    for (let i = 0; i < 20; i++) {
      // Rotate the words so the gaps fall at different places, stretch the spaces.
      const w = [...words.slice(i % 10), ...words.slice(0, i % 10)];
      items.push(...wordItems(w, 50, 700 - 14 * i, 10, 9));
    }
    const lines = groupLines(items);
    expect(lines).toHaveLength(20);
    expect(lines.every((l) => l.column === undefined)).toBe(true);
  });

  it("finds LaTeX's 10 pt gutter between two columns whose lines share their baselines (pdfLaTeX twocolumn, Flaubert)", () => {
    // Positions as pdf.js read them: the left column's lines end at 193.03, the right one's start at 203.0.
    const items: Item[] = [];
    for (let i = 0; i < 12; i++) {
      const y = 550.6 - 13.55 * i;
      items.push({ str: `gauche ${i + 1} du texte courant de la colonne`, x: 50.4, y, width: 142.63, fontSize: 10.91 });
      items.push({ str: `droite ${i + 1} du texte courant de la colonne`, x: 203.0, y, width: 142.6, fontSize: 10.91 });
    }
    const side = (name: string) => Array.from({ length: 12 }, (_, i) => `${name} ${i + 1} du texte courant de la colonne`);
    expect(groupLines(items).map((l) => l.text)).toEqual([...side("gauche"), ...side("droite")]);
  });

  it("reads a running head set over one column before both columns (pdfLaTeX twocolumn, Flaubert: the chapter's name on the right)", () => {
    const items: Item[] = [{ str: "II", x: 338.1, y: 585.0, width: 7.5, fontSize: 9.96 }];
    for (let i = 0; i < 12; i++) {
      const y = 550.6 - 13.55 * i;
      items.push({ str: `gauche ${i + 1} du texte courant de la colonne`, x: 50.4, y, width: 142.63, fontSize: 10.91 });
      items.push({ str: `droite ${i + 1} du texte courant de la colonne`, x: 203.0, y, width: 142.6, fontSize: 10.91 });
    }
    const text = groupLines(items).map((l) => l.text);
    expect(text[0]).toBe("II");
    expect(text[12]).toBe("gauche 12 du texte courant de la colonne");
    expect(text[13]).toBe("droite 1 du texte courant de la colonne");
  });

  it("extracts a generated two-column layout in reading order", async () => {
    const layout = await makeLayout("two-columns");
    const pages = await extractPages(layout.bytes);
    const text = pages.map((p) => p.lines.map((l) => l.text).join(" ")).join(" ").replace(/- /g, "");
    // The first sentences of the text come out in order (hyphenation aside).
    let at = 0;
    for (const s of layout.sentences.slice(2, 40)) {
      const head = s.split(" ").slice(0, 3).join(" ").replace(/\u00a0/g, " ");
      const found = text.indexOf(head, at);
      expect(found, head).toBeGreaterThanOrEqual(0);
      at = found;
    }
    expect(pages[1].lines.filter((l) => l.column).length).toBeGreaterThan(40);
  });
});

describe("drop caps", () => {
  it("puts a drop cap back at the start of the first line beside it (French and English)", () => {
    for (const [cap, first, expected] of [
      ["L", "e lendemain, Jeanne ouvrit", "Le lendemain, Jeanne ouvrit"],
      ["T", "he next morning, Jane opened", "The next morning, Jane opened"],
      ["À", "l’aube, Jeanne ouvrit", "À l’aube, Jeanne ouvrit"],
    ]) {
      const items: Item[] = [
        { str: cap, x: 48, y: 466, width: 24, fontSize: 36 },
        { str: first, x: 76, y: 480, width: 250, fontSize: 10.5 },
        { str: "la fenêtre et regarda", x: 76, y: 466, width: 250, fontSize: 10.5 },
        { str: "longtemps le jardin sous la pluie.", x: 48, y: 452, width: 280, fontSize: 10.5 },
      ];
      const lines = groupLines(items);
      expect(lines.map((l) => l.text)).toEqual([expected, "la fenêtre et regarda", "longtemps le jardin sous la pluie."]);
      expect(lines[0]).toMatchObject({ x: 48, dropCap: { right: 76, bottom: 466 } });
    }
  });

  it("leaves large letters alone when no text line sits beside them", () => {
    const items: Item[] = [
      { str: "I", x: 200, y: 600, width: 10, fontSize: 30 },
      { str: "Le lendemain, Jeanne ouvrit la fenêtre.", x: 48, y: 500, width: 250, fontSize: 10.5 },
      { str: "Elle regarda le jardin.", x: 48, y: 486, width: 150, fontSize: 10.5 },
    ];
    expect(mergeDropCaps(items)).toBe(items);
  });
});

describe("pdf.js in this process", () => {
  it("leaves Array.prototype.push and JSON.stringify / parse native (its legacy build installs slow polyfills over them)", async () => {
    const novel = await makeNovel({ pages: 2, seed: 8 });
    const pages = await extractPages(novel.bytes, { inThread: true });
    expect(pages).toHaveLength(2);
    expect(Array.prototype.push).toBe(natives.push);
    expect(JSON.stringify).toBe(natives.stringify);
    expect(JSON.parse).toBe(natives.parse);
    // And pdf.js, with them back, still reads a second document.
    expect((await extractPages(novel.bytes, { inThread: true }))[1].lines.length).toBeGreaterThan(5);
  });
});

describe("the extraction pool", () => {
  it("has min(2, CPUs) workers", () => {
    expect(extractPoolSize()).toBeGreaterThanOrEqual(1);
    expect(extractPoolSize()).toBeLessThanOrEqual(2);
  });

  it("gives the same pages as in-thread extraction, for several chunks at once", async () => {
    const novels = await Promise.all([1, 2, 3, 4].map((seed) => makeNovel({ pages: 4, seed })));
    const pooled = await Promise.all(novels.map((n) => extractPages(n.bytes)));
    for (const [i, n] of novels.entries()) {
      expect(pooled[i]).toEqual(await extractPages(n.bytes, { inThread: true }));
      expect(pooled[i][1].lines.map((l) => l.text)).toContain(plain(n.pageLines[1][0]));
    }
  });

  it("reports coded errors from a worker, and keeps working after them", async () => {
    const err = await extractPages(await makeEncryptedPdf()).catch((e: unknown) => e);
    expect((err as PdfExtractError).code).toBe("PDF_ENCRYPTED");
    const novel = await makeNovel({ pages: 1, seed: 3 });
    expect((await extractPages(novel.bytes))[0].lines.length).toBeGreaterThan(5);
  });
});

describe("choosing the extractor", () => {
  const saved = { ...process.env };
  afterAll(() => {
    process.env = saved;
  });

  it("uses pdfjs by default and when pdftotext is asked for but missing", () => {
    delete process.env.FOLIO_EXTRACTOR;
    expect(resolveExtractor()).toBe("pdfjs");
    expect(resolveExtractor("auto")).toBe("pdfjs");
    process.env.FOLIO_PDFTOTEXT = "/nonexistent/pdftotext";
    expect(findPdftotext()).toBeNull();
    expect(resolveExtractor("pdftotext")).toBe("pdfjs");
    process.env.FOLIO_EXTRACTOR = "pdftotext";
    expect(resolveExtractor()).toBe("pdfjs");
    delete process.env.FOLIO_PDFTOTEXT;
    delete process.env.FOLIO_EXTRACTOR;
  });

  it.skipIf(!HAS_PDFTOTEXT)("uses pdftotext when asked (FOLIO_EXTRACTOR or the option) and it is installed", () => {
    process.env.FOLIO_EXTRACTOR = "pdftotext";
    expect(resolveExtractor()).toBe("pdftotext");
    expect(resolveExtractor("pdfjs")).toBe("pdfjs");
    delete process.env.FOLIO_EXTRACTOR;
  });
});

describe("pdftotext", () => {
  it("parses -bbox-layout output: lines, entities, a raised footnote call left out", () => {
    const html = `<doc><page width="400.000000" height="600.000000"><flow><block><line xMin="48" yMin="100" xMax="200" yMax="109.45">
<word xMin="48.000000" yMin="100.000000" xMax="70.000000" yMax="109.450000">Tom&amp;Jerry</word>
<word xMin="72.000000" yMin="100.000000" xMax="100.000000" yMax="109.450000">rivière</word>
<word xMin="100.000000" yMin="99.200000" xMax="103.000000" yMax="104.400000">1</word>
<word xMin="103.000000" yMin="100.000000" xMax="106.000000" yMax="109.450000">.</word>
</line></block></flow></page><page width="400.000000" height="600.000000"></page></doc>`;
    const pages = parseBboxLayout(html);
    expect(pages).toHaveLength(2);
    expect(pages[0].lines).toHaveLength(1);
    expect(pages[0].lines[0]).toMatchObject({ text: "Tom&Jerry rivière.", x: 48 });
    expect(pages[0].lines[0].fontSize).toBeCloseTo(10.5, 0);
    expect(pages[1]).toEqual({ page: 2, lines: [], width: 400, height: 600 });
  });

  it.skipIf(!HAS_PDFTOTEXT)("extracts the same body lines as pdfjs", async () => {
    const novel = await makeNovel({ pages: 3, seed: 2, language: "fr" });
    const pages = await extractPages(novel.bytes, { extractor: "pdftotext" });
    expect(pages).toHaveLength(3);
    for (const [i, page] of pages.entries()) {
      const texts = page.lines.map((l) => l.text);
      for (const body of novel.pageLines[i].map(plain)) expect(texts).toContain(body);
      for (let k = 1; k < page.lines.length; k++) expect(page.lines[k].y).toBeLessThan(page.lines[k - 1].y);
    }
  });

  it.skipIf(!HAS_PDFTOTEXT)("fails with the same coded errors", async () => {
    for (const [bytes, code] of [
      [garbagePdf(), "PDF_UNREADABLE"],
      [new Uint8Array(), "PDF_UNREADABLE"],
      [await makeEncryptedPdf(), "PDF_ENCRYPTED"],
    ] as const) {
      const err = await extractPages(bytes, { extractor: "pdftotext" }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PdfExtractError);
      expect((err as PdfExtractError).code).toBe(code);
    }
  });
});
