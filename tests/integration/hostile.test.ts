/**
 * Hostile PDFs: every one ends in a 4xx with a code at upload, or in a refusal with a code at
 * the split (which parses in a capped child process, so the process running the test, standing
 * in for the functions process, stays small and alive).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { getStorage } from "@/lib/storage";
import { inspectPdf } from "@/lib/pdf/inspect";
import { splitJob, InvalidPdfError } from "@/lib/jobs/split";
import { baseUrl, errorCode, newUser, upload, type TestUser } from "../helpers/client";
import { hiddenPagesPdf, lyingCountPdf, manyObjectsPdf, objectStreamBombPdf } from "../fixtures/hostile-pdfs";
import { manyPagesPdf } from "../../scripts/lib/hostile-extra";

async function jobFor(userId: string, bytes: Uint8Array) {
  const key = `uploads/hostile-${Math.random().toString(36).slice(2)}.pdf`;
  const put = await getStorage().put(key, bytes);
  return db.job.create({ data: { userId, fileName: "hostile.pdf", fileKey: key, fileSha256: put.sha256, fileSize: put.size, pageCount: 0 } });
}

async function splitError(jobId: string): Promise<InvalidPdfError> {
  const err = await splitJob(jobId).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InvalidPdfError);
  return err as InvalidPdfError;
}

async function healthy(): Promise<void> {
  const res = await fetch(`${baseUrl()}/api/health`);
  expect(res.status).toBe(200);
}

describe("hostile PDFs", () => {
  let user: TestUser;
  beforeAll(async () => {
    user = await newUser("hostile");
  });

  it("an object-stream bomb (1 GiB inflated) is refused by the split with PDF_TOO_COMPLEX; this process does not grow", async () => {
    const bomb = await objectStreamBombPdf(1024 * 1024 * 1024);
    expect(bomb.length).toBeLessThan(4 * 1024 * 1024);
    const job = await jobFor(user.id, bomb);
    const before = process.memoryUsage().rss;
    const err = await splitError(job.id);
    expect(err.code).toBe("PDF_TOO_COMPLEX");
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024);
    expect(await db.chunk.count({ where: { jobId: job.id } })).toBe(0);
  });

  it("the same bomb uploads without the web process parsing it: 202 at once, health fine", async () => {
    const res = await upload(user, await objectStreamBombPdf(1024 * 1024 * 1024), { fileName: "bomb.pdf" });
    expect(res.status).toBe(202);
    await healthy();
  });

  it("a page tree hidden in an object stream is counted by the split, against the page limit", async () => {
    const job = await jobFor(user.id, hiddenPagesPdf(40));
    process.env.FOLIO_MAX_PAGES = "30";
    try {
      expect((await splitError(job.id)).code).toBe("PDF_TOO_MANY_PAGES");
    } finally {
      delete process.env.FOLIO_MAX_PAGES;
    }
    const ok = await splitJob(job.id);
    expect(ok.pageCount).toBe(40);
  });

  it("far more page objects in plain sight than the page limit: refused by the split's cheap count (PDF_TOO_MANY_PAGES), before pdf-lib parses them", async () => {
    const job = await jobFor(user.id, manyPagesPdf(12_000));
    process.env.FOLIO_MAX_PAGES = "5000";
    try {
      const err = await splitError(job.id);
      expect(err.code).toBe("PDF_TOO_MANY_PAGES");
      expect(err.message).toMatch(/12000 page objects; the limit is 5000 pages/);
    } finally {
      delete process.env.FOLIO_MAX_PAGES;
    }
    // Under twice the limit the real page tree decides (pdf-lib counts the leaves).
    const near = await jobFor(user.id, manyPagesPdf(6_000));
    process.env.FOLIO_MAX_PAGES = "5000";
    try {
      const err = await splitError(near.id);
      expect(err.code).toBe("PDF_TOO_MANY_PAGES");
      expect(err.message).toMatch(/has 6000 pages/);
    } finally {
      delete process.env.FOLIO_MAX_PAGES;
    }
  });

  it("a file with over a million objects is refused by the upload's cheap check (PDF_TOO_COMPLEX), parsing nothing", async () => {
    // 49 MB: over this suite's 5 MB upload limit, so the check the upload runs is called directly.
    const file = path.join(os.tmpdir(), `folio-objects-${process.pid}.pdf`);
    fs.writeFileSync(file, manyObjectsPdf(1_100_000));
    try {
      expect(await inspectPdf(file, { maxPages: 5000, maxObjects: 1_000_000 })).toMatchObject({ ok: false, code: "PDF_TOO_COMPLEX" });
    } finally {
      fs.rmSync(file, { force: true });
    }
  });

  it("a page tree claiming 200,000 pages is refused at upload (413 PDF_TOO_MANY_PAGES)", async () => {
    const res = await upload(user, lyingCountPdf(200_000), { fileName: "huge.pdf" });
    expect(res.status).toBe(413);
    expect(await errorCode(res)).toBe("PDF_TOO_MANY_PAGES");
    await healthy();
  });
});
