import { beforeAll, describe, expect, it } from "vitest";
import { InngestTestEngine } from "@inngest/test";
import { db } from "@/lib/db";
import { getStorage } from "@/lib/storage";
import { splitJob } from "@/lib/jobs/split";
import { splitJobFn } from "@/inngest/functions/split-job";
import { makeNovelPdf, garbagePdf } from "../fixtures/pdfs";
import { newUser } from "../helpers/client";
/** Every stored object (local disk or S3, whichever the suite runs with). */
async function storedFiles(): Promise<string[]> {
  const storage = getStorage();
  return [...(await storage.list("uploads/")), ...(await storage.list("chunks/"))].sort();
}

async function jobFor(userId: string, bytes: Uint8Array, pages: number) {
  const key = `uploads/test-${Math.random().toString(36).slice(2)}.pdf`;
  const put = await getStorage().put(key, bytes);
  return db.job.create({
    data: { userId, fileName: "book.pdf", fileKey: key, fileSha256: put.sha256, fileSize: put.size, pageCount: pages },
  });
}

describe("splitting a job into chunks", () => {
  let userId: string;
  let book: Uint8Array;
  beforeAll(async () => {
    userId = (await newUser("split")).id;
    book = await makeNovelPdf({ pages: 47, seed: 3 });
  });

  it("plans chunks as page ranges of the stored upload (no file of their own) and is idempotent", async () => {
    const job = await jobFor(userId, book, 47);
    const filesBefore = await storedFiles();
    const first = await splitJob(job.id);
    expect(first.pageCount).toBe(47);
    const chunks = await db.chunk.findMany({ where: { jobId: job.id }, orderBy: { index: "asc" } });
    expect(chunks.map((c) => [c.startPage, c.endPage, c.overlapPages])).toEqual([
      [1, 20, 0],
      [20, 40, 1],
      [40, 47, 1],
    ]);
    const upload = await db.job.findUniqueOrThrow({ where: { id: job.id } });
    for (const c of chunks) {
      expect(c.storageKey).toBe(upload.fileKey);
      expect(c.sha256).toBe(upload.fileSha256);
    }
    // Chunk storage over upload size: 0 (nothing written).
    expect(await storedFiles()).toEqual(filesBefore);
    // A second run after a "crash" reuses rows and ids.
    const second = await splitJob(job.id);
    expect(second.chunkIds).toEqual(first.chunkIds);
    expect(await db.chunk.count({ where: { jobId: job.id } })).toBe(3);
  });

  it("walks the job PENDING → SPLITTING → PROCESSING through the real Inngest SDK", async () => {
    const job = await jobFor(userId, book, 47);
    // The fan-out is an event send (to the Inngest server): mocked here, checked below.
    const sent: unknown[] = [];
    const t = new InngestTestEngine({
      function: splitJobFn,
      events: [{ name: "folio/job.created", data: { jobId: job.id, userId } }],
      steps: [{ id: "request-chunks", handler: () => ({ ids: ["a", "b", "c"] }) }],
      transformCtx: (ctx) => {
        const send = ctx.step.sendEvent;
        ctx.step.sendEvent = ((id: string, payload: unknown) => {
          sent.push(payload);
          return send(id, payload as Parameters<typeof send>[1]);
        }) as typeof send;
        return ctx;
      },
    });
    const { result } = await t.execute();
    expect(result).toMatchObject({ jobId: job.id, chunks: 3, pageCount: 47 });
    const chunkIds = (await db.chunk.findMany({ where: { jobId: job.id }, orderBy: { index: "asc" } })).map((c) => c.id);
    expect(sent).toEqual([
      chunkIds.map((chunkId) => expect.objectContaining({ name: "folio/chunk.requested", id: `chunk-${chunkId}-r0`, data: { jobId: job.id, chunkId, userId, priority: 0, round: 0 } })),
    ]);
    const after = await db.job.findUniqueOrThrow({ where: { id: job.id } });
    expect(after).toMatchObject({ status: "PROCESSING", totalChunks: 3, stage: "processing" });
    expect(after.startedAt).not.toBeNull();
  });

  it("fails the job without retrying when pdf-lib cannot read the file", async () => {
    const job = await jobFor(userId, garbagePdf(), 1);
    const t = new InngestTestEngine({
      function: splitJobFn,
      events: [{ name: "folio/job.created", data: { jobId: job.id, userId } }],
    });
    const { error } = await t.execute();
    expect(String((error as Error | undefined)?.message ?? error)).toMatch(/could not be read/);
    const after = await db.job.findUniqueOrThrow({ where: { id: job.id } });
    expect(after.status).toBe("FAILED");
    expect(after.errorSummary).toMatch(/^PDF_UNREADABLE/);
    expect(after.errorSummary).toMatch(/could not be read/);
  });

  it("does nothing for a job that was cancelled before splitting", async () => {
    const job = await jobFor(userId, book, 47);
    await db.job.update({ where: { id: job.id }, data: { status: "CANCELLED" } });
    const t = new InngestTestEngine({ function: splitJobFn, events: [{ name: "folio/job.created", data: { jobId: job.id, userId } }] });
    const { result } = await t.execute();
    expect(result).toMatchObject({ skipped: "job is no longer waiting to be split" });
    expect(await db.chunk.count({ where: { jobId: job.id } })).toBe(0);
  });
});
