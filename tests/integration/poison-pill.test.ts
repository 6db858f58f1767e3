/**
 * A chunk whose work keeps being started without ever finishing (the process running it died
 * each time, and each restart ran it again) is failed with a code once it passes the hard attempt
 * cap, instead of running again; below the cap it is computed and persisted in one step.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { getStorage } from "@/lib/storage";
import { splitJob } from "@/lib/jobs/split";
import { claimAndWorkChunk, claimChunk, computeAndPersistChunk } from "@/lib/jobs/chunk-work";
import { hardAttemptCap } from "@/lib/jobs/attempts";
import { ChunkError } from "@/lib/jobs/chunk-errors";
import { makeNovelPdf } from "../fixtures/pdfs";
import { newUser } from "../helpers/client";

async function splitBook(userId: string) {
  const bytes = await makeNovelPdf({ pages: 6, seed: 41 });
  const key = `uploads/test-${Math.random().toString(36).slice(2)}.pdf`;
  const put = await getStorage().put(key, bytes);
  const job = await db.job.create({ data: { userId, fileName: "book.pdf", fileKey: key, fileSha256: put.sha256, fileSize: put.size, pageCount: 6 } });
  const { chunkIds } = await splitJob(job.id);
  await db.job.update({ where: { id: job.id }, data: { status: "PROCESSING" } });
  return { job, chunkId: chunkIds[0] };
}

describe("the chunk poison pill", () => {
  let userId: string;
  beforeAll(async () => {
    userId = (await newUser("poison")).id;
  });

  it("fails a chunk started past the cap with PARSER_CRASHED, for good, without parsing it", async () => {
    const { job, chunkId } = await splitBook(userId);
    const cap = hardAttemptCap(3, job.maxRetryRounds);
    // `cap` starts already happened and none finished: the next one is past the cap.
    await db.chunk.update({ where: { id: chunkId }, data: { attempts: cap } });
    expect((await claimChunk(chunkId)).ok).toBe(true);
    const err = await computeAndPersistChunk(chunkId).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChunkError);
    expect((err as ChunkError).code).toBe("PARSER_CRASHED");
    expect((err as ChunkError).retryable).toBe(false);
    expect((err as Error).message).toMatch(new RegExp(`started ${cap} times without finishing`));
    expect(await db.sentence.count({ where: { chunkId } })).toBe(0);
  });

  it("below the cap computes and persists the chunk in the same call", async () => {
    const { job, chunkId } = await splitBook(userId);
    const cap = hardAttemptCap(3, job.maxRetryRounds);
    await db.chunk.update({ where: { id: chunkId }, data: { attempts: cap - 1 } });
    expect((await claimChunk(chunkId)).ok).toBe(true);
    const work = await computeAndPersistChunk(chunkId);
    expect(work.persisted).toBe(true);
    const chunk = await db.chunk.findUniqueOrThrow({ where: { id: chunkId } });
    expect(chunk.status).toBe("SUCCEEDED");
    expect(chunk.attempts).toBe(cap);
    expect(await db.sentence.count({ where: { chunkId } })).toBe(chunk.sentenceCount);
    expect(chunk.sentenceCount).toBeGreaterThan(5);
    // Run again (the step retried after its persist committed): nothing is settled twice.
    // The round is complete all the same (this job's one chunk), so the replay says so again.
    const again = await computeAndPersistChunk(chunkId);
    expect(again).toEqual({ persisted: true, settle: { settled: false, allSettled: true, round: 0 } });
    expect(await db.sentence.count({ where: { chunkId } })).toBe(chunk.sentenceCount);
  });

  it("a work step replayed after its persist committed is skipped, and still says the round is complete", async () => {
    const { job, chunkId } = await splitBook(userId);
    const first = await claimAndWorkChunk(chunkId);
    expect(first).toMatchObject({ persisted: true, settle: { settled: true, allSettled: true, round: 0 } });
    // The hand-written INSERT binds booleans: they read back as booleans, and filter as such.
    const rows = await db.sentence.findMany({ where: { chunkId }, orderBy: { chunkOrder: "asc" } });
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.every((r) => r.dropped === false && r.fromSplit === false)).toBe(true);
    expect(await db.sentence.count({ where: { chunkId, dropped: false, fromSplit: false } })).toBe(rows.length);
    expect(rows.map((r) => r.chunkOrder)).toEqual(rows.map((_, i) => i));
    // The runner died before it recorded the step: the same step runs again.
    const replay = await claimAndWorkChunk(chunkId);
    expect(replay).toEqual({ skipped: "chunk is SUCCEEDED", allSettled: true, round: 0 });
    expect((await db.chunk.findUniqueOrThrow({ where: { id: chunkId } })).attempts).toBe(1);
    // Once the job is finalized, a late duplicate request says nothing more.
    await db.job.update({ where: { id: job.id }, data: { status: "COMPLETED" } });
    expect(await claimAndWorkChunk(chunkId)).toEqual({ skipped: "job is COMPLETED", allSettled: false, round: 0 });
  });
});
