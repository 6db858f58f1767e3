import { beforeAll, describe, expect, it } from "vitest";
import { newUser, type TestUser } from "../helpers/client";
import { db } from "@/lib/db";
import { findStalledWork } from "@/lib/jobs/recover";

const MIN = 60_000;
let user: TestUser;

async function setUpdatedAt(table: "Job" | "Chunk", id: string, agoMs: number): Promise<void> {
  // updatedAt is maintained by Prisma, but a value given explicitly is kept: the row is placed in the past.
  const updatedAt = new Date(Date.now() - agoMs);
  if (table === "Job") await db.job.update({ where: { id }, data: { updatedAt } });
  else await db.chunk.update({ where: { id }, data: { updatedAt } });
}

async function processingJob(name: string) {
  return db.job.create({
    data: { userId: user.id, status: "PROCESSING", fileName: name, fileKey: `uploads/${name}`, fileSha256: "0".repeat(64), fileSize: 1, pageCount: 40, totalChunks: 2 },
  });
}

async function processingChunk(jobId: string, index: number, stage: string, heartbeatAgoMs: number) {
  const chunk = await db.chunk.create({
    data: { jobId, index, status: "PROCESSING", stage, startPage: index * 20 + 1, endPage: index * 20 + 20, attempts: 1, heartbeatAt: new Date(Date.now() - heartbeatAgoMs), startedAt: new Date(Date.now() - heartbeatAgoMs) },
  });
  await setUpdatedAt("Chunk", chunk.id, heartbeatAgoMs);
  return chunk;
}

const requested = async () => new Set((await findStalledWork()).events.map((e) => (e.data as { chunkId?: string }).chunkId).filter(Boolean));

beforeAll(async () => {
  user = await newUser("stale");
});

describe("stale chunk detection (recovery and the admin dashboard)", () => {
  it("does not re-request a chunk waiting for a provider slot while its job moves, but does once the job stops moving", async () => {
    const moving = await processingJob("moving.pdf");
    const waiting = await processingChunk(moving.id, 0, "waiting-provider", 20 * MIN);
    const deadWorker = await processingChunk(moving.id, 1, "extracting", 20 * MIN);
    let ids = await requested();
    expect(ids.has(waiting.id)).toBe(false);
    // A chunk whose worker stopped heart-beating is stale even in a job that moves.
    expect(ids.has(deadWorker.id)).toBe(true);

    const stalled = await processingJob("stalled.pdf");
    const stuckWaiting = await processingChunk(stalled.id, 0, "waiting-provider", 20 * MIN);
    await setUpdatedAt("Job", stalled.id, 20 * MIN);
    ids = await requested();
    expect(ids.has(stuckWaiting.id)).toBe(true);
    expect(ids.has(waiting.id)).toBe(false);
  });

  it("does not re-request a working chunk with a fresh heartbeat", async () => {
    const job = await processingJob("fresh.pdf");
    await setUpdatedAt("Job", job.id, 20 * MIN);
    const fresh = await processingChunk(job.id, 0, "rewriting", 1_000);
    expect((await requested()).has(fresh.id)).toBe(false);
  });
});
