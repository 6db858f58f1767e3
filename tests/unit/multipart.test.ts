import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { receiveMultipart } from "@/lib/upload/multipart";
import { LocalStorage } from "@/lib/storage/local";
import { ApiError } from "@/lib/http/errors";

function formRequest(parts: Record<string, string | Uint8Array>): Request {
  const form = new FormData();
  for (const [k, v] of Object.entries(parts)) {
    if (typeof v === "string") form.set(k, v);
    else form.set(k, new Blob([new Uint8Array(v)], { type: "application/pdf" }), "a.pdf");
  }
  return new Request("http://folio.test/api/jobs", { method: "POST", body: form });
}

function tempStorage() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "folio-mp-"));
  return { root, storage: new LocalStorage(root) };
}

const pdfBytes = new TextEncoder().encode("%PDF-1.7\n" + "x".repeat(5000));

describe("receiveMultipart", () => {
  it("streams the file to storage with its size and sha256, and collects fields", async () => {
    const { root, storage } = tempStorage();
    const got = await receiveMultipart(formRequest({ language: "en", file: pdfBytes }), storage, "uploads/x.pdf", 1e6);
    expect(got.fields).toEqual({ language: "en" });
    expect(got.file).toMatchObject({ key: "uploads/x.pdf", size: pdfBytes.byteLength, fileName: "a.pdf" });
    expect(got.file?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(fs.readFileSync(path.join(root, "uploads/x.pdf")).equals(Buffer.from(pdfBytes))).toBe(true);
  });

  it.each([
    ["not a PDF", new TextEncoder().encode("hello, this is not a PDF"), 1e6, 415, "NOT_A_PDF"],
    ["shorter than the magic", new TextEncoder().encode("%PD"), 1e6, 415, "NOT_A_PDF"],
    ["over the limit", pdfBytes, 1000, 413, "FILE_TOO_LARGE"],
  ])("refuses a file %s and removes what it wrote", async (_n, bytes, limit, status, code) => {
    const { root, storage } = tempStorage();
    const err = await receiveMultipart(formRequest({ file: bytes, language: "fr" }), storage, "uploads/y.pdf", limit).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status, code });
    const dir = path.join(root, "uploads");
    expect(fs.existsSync(dir) ? fs.readdirSync(dir) : []).toEqual([]);
  });

  it("refuses a body that is not multipart", async () => {
    const { storage } = tempStorage();
    const req = new Request("http://folio.test/api/jobs", { method: "POST", body: "{}", headers: { "content-type": "application/json" } });
    await expect(receiveMultipart(req, storage, "uploads/z.pdf", 1e6)).rejects.toMatchObject({ status: 400, code: "EXPECTED_MULTIPART" });
  });
});
