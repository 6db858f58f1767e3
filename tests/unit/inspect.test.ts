import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { countPagesFast, inspectPdf } from "@/lib/pdf/inspect";
import { garbagePdf, makeEncryptedPdf, makeNovelPdf, makePdfOfSize, truncatePdf, zeroPagePdf } from "../fixtures/pdfs";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "folio-inspect-"));
let n = 0;
async function inspect(bytes: Uint8Array, limits?: { maxPages: number; maxObjects: number }) {
  const file = path.join(dir, `f${n++}.pdf`);
  fs.writeFileSync(file, bytes);
  return inspectPdf(file, limits);
}

describe("inspectPdf", () => {
  it("reads the page count from the page tree", async () => {
    expect(await inspect(await makeNovelPdf({ pages: 37, seed: 1 }))).toMatchObject({ ok: true, pageCount: 37 });
  });

  it("parses nothing when the page tree sits in object streams: the count is left to the isolated split", async () => {
    const bytes = await makeNovelPdf({ pages: 12, seed: 2, objectStreams: true });
    expect(countPagesFast(Buffer.from(bytes))).toBeNull();
    expect(await inspect(bytes)).toMatchObject({ ok: true, pageCount: 0 });
  });

  it("refuses more pages than the limit when the page tree shows them", async () => {
    expect(await inspect(await makeNovelPdf({ pages: 12, seed: 3 }), { maxPages: 11, maxObjects: 1e6 })).toMatchObject({ ok: false, code: "PDF_TOO_MANY_PAGES" });
    expect(await inspect(await makeNovelPdf({ pages: 12, seed: 3 }), { maxPages: 12, maxObjects: 1e6 })).toMatchObject({ ok: true, pageCount: 12 });
  });

  it("refuses a file with more objects than the limit", async () => {
    const bytes = await makeNovelPdf({ pages: 12, seed: 4 });
    const r = await inspect(bytes, { maxPages: 5000, maxObjects: 20 });
    expect(r).toMatchObject({ ok: false, code: "PDF_TOO_COMPLEX" });
    expect(await inspect(bytes, { maxPages: 5000, maxObjects: 100_000 })).toMatchObject({ ok: true });
  });

  it("handles a large file with an embedded payload", async () => {
    expect(await inspect(await makePdfOfSize(3 * 1024 * 1024))).toMatchObject({ ok: true });
  });

  it.each([
    ["empty", async () => new Uint8Array(0), "EMPTY_FILE"],
    ["not a PDF", async () => new TextEncoder().encode("plain text"), "NOT_A_PDF"],
    ["truncated", async () => truncatePdf(await makeNovelPdf({ pages: 3 }), 0.5), "PDF_TRUNCATED"],
    ["garbage after the header", async () => garbagePdf(), "PDF_UNREADABLE"],
    ["garbage without a trailer", async () => garbagePdf({ trailer: false }), "PDF_TRUNCATED"],
    ["encrypted", async () => makeEncryptedPdf(), "PDF_ENCRYPTED"],
    ["without pages", async () => zeroPagePdf(), "PDF_NO_PAGES"],
  ])("refuses a file that is %s", async (_name, make, code) => {
    expect(await inspect(await make())).toMatchObject({ ok: false, code });
  });
});
