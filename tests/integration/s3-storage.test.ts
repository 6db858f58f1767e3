/**
 * lib/storage/s3.ts against a real S3 implementation (Ceph's RADOS Gateway, started by
 * `npm run test:distributed`; skipped without it). Checks what the upload path relies on: the
 * size limit and sha256 while streaming, no object and no multipart parts left after a refused
 * or broken upload, no overwrite of an existing key, the host cache for parsers, and deletes.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { ListMultipartUploadsCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { S3Storage, s3SettingsFromEnv } from "@/lib/storage/s3";
import { StorageLimitError } from "@/lib/storage/types";
import { freshStorageEnv } from "../helpers/database";

const enabled = Boolean(process.env.FOLIO_TEST_S3_ENDPOINT);

function storage(): S3Storage {
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "folio-s3-cache-"));
  return new S3Storage(s3SettingsFromEnv({ ...freshStorageEnv("unit"), FOLIO_S3_CACHE_DIR: cacheDir }, cacheDir));
}

/** `n` random bytes in 1 MiB pieces, optionally failing after `failAfter` bytes. */
function stream(n: number, failAfter?: number): { body: Readable; sha256: string } {
  const bytes = crypto.randomBytes(n);
  let at = 0;
  const body = new Readable({
    read() {
      if (failAfter !== undefined && at >= failAfter) return this.destroy(new Error("the client went away"));
      if (at >= n) return this.push(null);
      this.push(bytes.subarray(at, at + (1 << 20)));
      at += 1 << 20;
    },
  });
  return { body, sha256: crypto.createHash("sha256").update(bytes).digest("hex") };
}

async function leftovers(s: S3Storage): Promise<{ objects: number; uploads: number }> {
  const { bucket, prefix } = s.settings;
  const objects = await s.client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  const uploads = await s.client.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: prefix }));
  return { objects: objects.KeyCount ?? 0, uploads: (uploads.Uploads ?? []).length };
}

describe.skipIf(!enabled)("S3 storage (RADOS Gateway)", () => {
  it("streams a 20 MiB upload in parts, with its size and sha256, readable back whole and through this host's cache", async () => {
    const s = storage();
    const { body, sha256 } = stream(20 << 20);
    const put = await s.put("uploads/a.pdf", body, { maxBytes: 50 << 20 });
    expect(put).toEqual({ key: "uploads/a.pdf", size: 20 << 20, sha256 });
    expect(await s.exists("uploads/a.pdf")).toBe(true);
    const bytes = await s.getBytes("uploads/a.pdf");
    expect(crypto.createHash("sha256").update(bytes).digest("hex")).toBe(sha256);
    // A second host (empty cache) downloads it once for the parsers.
    const other = new S3Storage({ ...s.settings, cacheDir: fs.mkdtempSync(path.join(os.tmpdir(), "folio-s3-cache-")) });
    const file = await other.localFile("uploads/a.pdf");
    expect(crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex")).toBe(sha256);
    expect(await other.localFile("uploads/a.pdf")).toBe(file);
  });

  it("an upload past the limit, or one whose client goes away, leaves no object and no parts", { repeats: 4 }, async () => {
    const s = storage();
    await expect(s.put("uploads/big.pdf", stream(30 << 20).body, { maxBytes: 17 << 20 })).rejects.toBeInstanceOf(StorageLimitError);
    await expect(s.put("uploads/cut.pdf", stream(30 << 20, 12 << 20).body)).rejects.toThrow(/went away/);
    expect(await leftovers(s)).toEqual({ objects: 0, uploads: 0 });
    expect(await s.exists("uploads/big.pdf")).toBe(false);
    expect(fs.readdirSync(s.settings.cacheDir, { recursive: true }).filter((f) => String(f).endsWith(".pdf") || String(f).endsWith(".partial"))).toEqual([]);
  });

  it("never overwrites an existing key (If-None-Match)", async () => {
    const s = storage();
    await s.put("uploads/once.pdf", Buffer.from("%PDF-first"));
    await expect(s.put("uploads/once.pdf", Buffer.from("%PDF-second"))).rejects.toThrow();
    expect(Buffer.from(await s.getBytes("uploads/once.pdf")).toString()).toBe("%PDF-first");
  });

  it("deletes an object and a folder, with the cached copies", async () => {
    const s = storage();
    await s.put("uploads/x.pdf", Buffer.from("%PDF-x"));
    await s.put("chunks/job1/0.pdf", Buffer.from("%PDF-0"));
    await s.put("chunks/job1/1.pdf", Buffer.from("%PDF-1"));
    await s.delete("uploads/x.pdf");
    await s.deleteFolder("chunks/job1");
    expect(await leftovers(s)).toEqual({ objects: 0, uploads: 0 });
    expect(fs.existsSync(s.cachePath("uploads/x.pdf"))).toBe(false);
    expect(fs.existsSync(s.cachePath("chunks/job1/0.pdf"))).toBe(false);
    await expect(s.deleteFolder("")).rejects.toThrow(/root|invalid storage key/);
    await expect(s.deleteFolder("/")).rejects.toThrow(/root|invalid storage key/);
  });
});
