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

  it("counts objects and pages exactly in a file read window by window (a marker cut by a window boundary counts once)", async () => {
    const pages = 10_500;
    const MiB = 1024 * 1024;
    /** A PDF of `pages` page objects of ~1 kB each, with `shift` bytes of comment after the header. */
    const build = (shift: number): Buffer => {
      const parts: string[] = [`%PDF-1.7\n%${"x".repeat(shift)}\n`];
      let at = parts[0].length;
      const offsets: number[] = [];
      const push = (obj: string) => {
        offsets.push(at);
        parts.push(obj);
        at += obj.length;
      };
      const kids = Array.from({ length: pages }, (_, i) => `${i + 3} 0 R`).join(" ");
      push(`1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n`);
      push(`2 0 obj\n<< /Type /Pages /Count ${pages} /Kids [${kids}] >>\nendobj\n`);
      for (let i = 0; i < pages; i++) push(`${i + 3} 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] % ${"p".repeat(900 + (i % 97))}\n>>\nendobj\n`);
      const xref = at;
      parts.push(`xref\n0 ${offsets.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("")}`);
      parts.push(`trailer\n<< /Size ${offsets.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`);
      return Buffer.from(parts.join(""), "latin1");
    };
    // Shift the file so that an "endobj" starts 3 bytes before the first 4 MiB window ends.
    const plain = build(0);
    const before = plain.subarray(0, 4 * MiB - 3).lastIndexOf("endobj");
    const bytes = build(4 * MiB - 3 - before);
    expect(bytes.toString("latin1", 4 * MiB - 3, 4 * MiB + 3)).toBe("endobj");
    const objects = pages + 2;
    expect(await inspect(bytes, { maxPages: 20_000, maxObjects: objects })).toMatchObject({ ok: true, pageCount: pages });
    expect(await inspect(bytes, { maxPages: 20_000, maxObjects: objects - 1 })).toMatchObject({ ok: false, code: "PDF_TOO_COMPLEX" });
    expect(await inspect(bytes, { maxPages: pages - 1, maxObjects: objects })).toMatchObject({ ok: false, code: "PDF_TOO_MANY_PAGES" });
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
