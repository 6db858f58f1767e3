import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { countPagesFast, inspectPdf } from "@/lib/pdf/inspect";
import { garbagePdf, makeEncryptedPdf, makeNovelPdf, makePdfOfSize, truncatePdf, zeroPagePdf } from "../fixtures/pdfs";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "folio-inspect-"));
let n = 0;
async function inspect(bytes: Uint8Array) {
  const file = path.join(dir, `f${n++}.pdf`);
  fs.writeFileSync(file, bytes);
  return inspectPdf(file);
}

describe("inspectPdf", () => {
  it("reads the page count from the page tree", async () => {
    expect(await inspect(await makeNovelPdf({ pages: 37, seed: 1 }))).toMatchObject({ ok: true, pageCount: 37 });
  });

  it("falls back to a full parse when the page tree sits in object streams", async () => {
    const bytes = await makeNovelPdf({ pages: 12, seed: 2, objectStreams: true });
    expect(countPagesFast(Buffer.from(bytes))).toBeNull();
    expect(await inspect(bytes)).toMatchObject({ ok: true, pageCount: 12 });
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
