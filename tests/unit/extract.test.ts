import { PDFDocument, StandardFonts } from "pdf-lib";
import { describe, expect, it } from "vitest";
import { extractPages, groupLines, PdfExtractError } from "@/lib/pdf/extract";
import { garbagePdf, makeEncryptedPdf, makeNovel, zeroPagePdf } from "@/tests/fixtures/pdfs";

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
