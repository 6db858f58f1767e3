/**
 * Classes of pages through the whole stack (upload → split → parsing child → finalize):
 *  - a real scan (three pages of the Verne typeset by pdfLaTeX, printed to 200 dpi grey images,
 *    turned and speckled: scripts/books/scan.sh; committed as tests/fixtures/scan-verne-3p.pdf)
 *    is read by OCR: COMPLETED, its sentences, the pages marked as OCRed, charged;
 *  - a book whose last page is an image of noise: that page is reported as having no text and
 *    is not charged, the others are;
 *  - a Type 3 font whose codes are a private cipher: FAILED UNREADABLE_TEXT, nothing charged,
 *    no gibberish emitted;
 *  - a footnote (hand-set page: a raised call in the text, the note at the foot): its sentence
 *    comes out as kind "note", its marker removed, after the paragraph it interrupts.
 */
import fs from "node:fs";
import path from "node:path";
import { PDFDocument } from "pdf-lib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Stack } from "../helpers/stack";
import { bearer, baseUrl, newUser, upload, useBaseUrl, waitForJob, type TestUser } from "../helpers/client";
import { makeNovelPdf } from "../fixtures/pdfs";
import { FR_PAGES, handSetPdf } from "../fixtures/hand-set";
import { imageOnlyPdf, type3NoUnicodePdf } from "../../scripts/lib/hostile-extra";
import { expectLedgerInvariant, setBalance } from "../helpers/ledger";

type ResultJson = { status: string; ocrPages: number[]; pagesWithoutText: number[]; sentences: { text: string; page: number; kind: string }[] };

let stack: Stack;
const users: TestUser[] = [];

async function freshUser(prefix: string): Promise<TestUser> {
  const u = await newUser(prefix);
  await setBalance(u.id, 100);
  users.push(u);
  return u;
}

async function run(u: TestUser, bytes: Uint8Array, language = "fr") {
  const res = await upload(u, bytes, { fields: { language } });
  expect(res.status).toBe(202);
  const { job } = (await res.json()) as { job: { id: string } };
  return waitForJob(u, job.id, (j) => j.terminal, 300_000);
}

async function result(u: TestUser, id: string): Promise<ResultJson> {
  const res = await fetch(`${baseUrl()}/api/jobs/${id}/result?format=json`, { headers: bearer(u) });
  expect(res.status).toBe(200);
  return (await res.json()) as ResultJson;
}

beforeAll(async () => {
  stack = await new Stack().start();
  useBaseUrl(stack.baseUrl);
  stack.shareData();
}, 120_000);

afterAll(async () => {
  for (const u of users) await expectLedgerInvariant(u.id);
  useBaseUrl(null);
  await stack?.stop();
});

describe("classes of pages through the API: scans, noise, cipher fonts, footnotes", () => {
  it("a scanned book is read by OCR: COMPLETED, its sentences, pages marked as OCRed, charged", async () => {
    const user = await freshUser("scan-real");
    const bytes = fs.readFileSync(path.join(__dirname, "..", "fixtures", "scan-verne-3p.pdf"));
    const done = await run(user, bytes);
    expect(done).toMatchObject({ status: "COMPLETED", pageCount: 3, creditsCharged: 3, ocrPages: "1-3", pagesWithoutText: null });
    const json = await result(user, done.id as string);
    expect(json.ocrPages).toEqual([1, 2, 3]);
    const texts = json.sentences.map((s) => s.text.replace(/[’‘]/g, "'"));
    // Sentences of the Verne's first chapter, read from the images (a word or two may differ: OCR).
    expect(texts).toContain("Phileas Fogg était membre du Reform-Club, et voilà tout.");
    expect(texts.some((t) => t.startsWith("Ce Phileas Fogg était-il riche"))).toBe(true);
    // The running title (three lines on every page) is not a sentence.
    expect(texts.filter((t) => /PASSEPARTOUT/.test(t))).toEqual([]);
    expect(json.sentences.length).toBeGreaterThan(30);
    expect(new Set(json.sentences.map((s) => s.page))).toEqual(new Set([1, 2, 3]));
  }, 360_000);

  it("a page that is an image of noise has no text and is not charged; the book's other pages are", async () => {
    const user = await freshUser("scan-noise");
    const book = await PDFDocument.load(await makeNovelPdf({ pages: 3, seed: 31, language: "fr" }));
    const noise = await PDFDocument.load(imageOnlyPdf(1));
    const [page] = await book.copyPages(noise, [0]);
    book.addPage(page);
    const done = await run(user, await book.save());
    expect(done).toMatchObject({ status: "COMPLETED", pageCount: 4, creditsCharged: 3, pagesWithoutText: "4", ocrPages: null });
    const json = await result(user, done.id as string);
    expect(json.pagesWithoutText).toEqual([4]);
    expect(json.sentences.every((s) => s.page <= 3)).toBe(true);
  }, 360_000);

  it("a font whose codes are a private cipher: FAILED UNREADABLE_TEXT, no gibberish, nothing charged", async () => {
    const user = await freshUser("cipher");
    const done = await run(user, type3NoUnicodePdf(3));
    expect(done).toMatchObject({ status: "FAILED", sentenceCount: 0, creditsCharged: 0, creditsReserved: 0 });
    expect(String(done.errorSummary)).toMatch(/^UNREADABLE_TEXT: /);
  }, 360_000);

  it("a footnote comes out as a note, without its marker, after the paragraph it interrupts; CSV says so too", async () => {
    const user = await freshUser("footnote");
    const done = await run(user, await handSetPdf(FR_PAGES));
    expect(done).toMatchObject({ status: "COMPLETED", pageCount: 5, creditsCharged: 4, pagesWithoutText: "5" });
    const json = await result(user, done.id as string);
    const notes = json.sentences.filter((s) => s.kind === "note");
    expect(notes.map((s) => [s.page, s.text])).toEqual([[2, "L’arrière-boutique existe encore aujourd’hui."]]);
    expect(json.sentences.filter((s) => s.kind !== "note").every((s) => s.kind === "body")).toBe(true);
    const at = json.sentences.indexOf(notes[0]);
    // The paragraph running across the page break ends on the next page: the note follows it.
    expect(json.sentences[at - 1].text).toBe("Le lendemain, J. R. R. Tolkien n’était pas encore né.");
    const csv = await (await fetch(`${baseUrl()}/api/jobs/${done.id as string}/result?format=csv`, { headers: bearer(user) })).text();
    expect(csv.replace(/^\uFEFF/, "").split("\r\n")[0]).toBe("index,page,chunk,from_split,kind,text");
    expect(csv).toContain(",note,L’arrière-boutique existe encore aujourd’hui.");
  }, 360_000);
});
