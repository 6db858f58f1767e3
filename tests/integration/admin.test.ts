import { beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { baseUrl, bearer, capturedEvents, errorCode, newUser, signIn, type TestUser } from "../helpers/client";
import { db } from "@/lib/db";
import type { AdminChunkDTO, AdminChunkSummary } from "@/lib/admin/chunks";
import type { AdminRetryResult } from "@/lib/admin/retry";
import type { ChunkStatus, JobStatus } from "@/lib/generated/prisma/client";

type ChunksList = { chunks: AdminChunkDTO[]; total: number; limit: number; staleSeconds: number };

let admin: { cookie: string };
let alice: TestUser;
let bob: TestUser;
const MIN = 60_000;

async function makeJob(user: TestUser, status: JobStatus, fileName: string, counters: { succeededChunks: number; failedChunks: number }) {
  return db.job.create({
    data: {
      userId: user.id,
      status,
      fileName,
      fileKey: `uploads/${fileName}`,
      fileSha256: "0".repeat(64),
      fileSize: 1234,
      pageCount: 45,
      totalChunks: 3,
      ...counters,
      retryRound: 1,
      maxRetryRounds: 1,
      startedAt: new Date(Date.now() - 10 * MIN),
    },
  });
}

type ChunkSeed = { status: ChunkStatus; errorCode?: string; lastError?: string; heartbeatAgoMs?: number; finishedAgoMs?: number; updatedAgoMs?: number };

async function makeChunks(jobId: string, seeds: ChunkSeed[]) {
  const out = [];
  for (const [index, s] of seeds.entries()) {
    const now = Date.now();
    const chunk = await db.chunk.create({
      data: {
        jobId,
        index,
        status: s.status,
        startPage: index === 0 ? 1 : index * 20,
        endPage: Math.min(45, (index + 1) * 20),
        overlapPages: index === 0 ? 0 : 1,
        attempts: s.status === "PENDING" ? 0 : s.status === "FAILED" ? 3 : 1,
        errorCode: s.errorCode ?? null,
        lastError: s.lastError ?? null,
        heartbeatAt: s.heartbeatAgoMs !== undefined ? new Date(now - s.heartbeatAgoMs) : null,
        startedAt: new Date(now - (s.finishedAgoMs ?? 0) - 2_000),
        finishedAt: s.finishedAgoMs !== undefined ? new Date(now - s.finishedAgoMs) : null,
      },
    });
    if (s.updatedAgoMs !== undefined) {
      // updatedAt is maintained by Prisma, but a value given explicitly is kept: the chunk is placed in the past.
      await db.chunk.update({ where: { id: chunk.id }, data: { updatedAt: new Date(now - s.updatedAgoMs) } });
    }
    out.push(chunk);
  }
  return out;
}

async function asAdmin(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${baseUrl()}${path}`, { ...init, headers: { ...(init.headers ?? {}), cookie: admin.cookie } });
}

async function json<T>(res: Response): Promise<T> {
  return (await res.json()) as T;
}

let partialJob: { id: string };
let otherJob: { id: string };
let failedA: { id: string };
let failedB: { id: string };
let stuck: { id: string };

beforeAll(async () => {
  admin = { cookie: await signIn(inject("adminEmail"), inject("adminPassword")) };
  alice = await newUser("admin-alice");
  bob = await newUser("admin-bob");
  // Alice: a job partly done (one chunk failed with a timeout), Bob: a running job with a stuck chunk and a failure.
  partialJob = await makeJob(alice, "PARTIAL_SUCCESS", "alice-book.pdf", { succeededChunks: 2, failedChunks: 1 });
  [failedA] = await makeChunks(partialJob.id, [
    { status: "FAILED", errorCode: "PROVIDER_TIMEOUT", lastError: "openai timed out after 60000 ms (alice)", finishedAgoMs: 3 * MIN },
    { status: "SUCCEEDED", finishedAgoMs: 2 * MIN },
    { status: "SUCCEEDED", finishedAgoMs: 90 * MIN, updatedAgoMs: 90 * MIN },
  ]);
  otherJob = await makeJob(bob, "PROCESSING", "bob-book.pdf", { succeededChunks: 0, failedChunks: 1 });
  [failedB, stuck] = await makeChunks(otherJob.id, [
    { status: "FAILED", errorCode: "PROVIDER_TIMEOUT", lastError: "openai timed out after 60000 ms (bob, latest)", finishedAgoMs: 1 * MIN },
    { status: "PROCESSING", heartbeatAgoMs: 20 * MIN, updatedAgoMs: 20 * MIN },
    { status: "PROCESSING", heartbeatAgoMs: 2_000 },
  ]);
});

describe("admin API access", () => {
  const endpoints: [string, string, unknown?][] = [
    ["GET", "/api/admin/chunks"],
    ["GET", "/api/admin/chunks/summary"],
    ["POST", "/api/admin/chunks/retry", { chunkIds: ["nope"] }],
  ];

  it.each(endpoints)("%s %s answers 401 without credentials and 403 to a user who is not an admin", async (method, path, body) => {
    const init = (headers: Record<string, string>): RequestInit => ({
      method,
      headers: { ...headers, ...(body ? { "content-type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const anonymous = await fetch(`${baseUrl()}${path}`, init({}));
    expect(anonymous.status).toBe(401);
    const user = await fetch(`${baseUrl()}${path}`, init(bearer(alice)));
    expect(user.status).toBe(403);
    expect(await errorCode(user)).toBe("FORBIDDEN");
    const viaCookie = await fetch(`${baseUrl()}${path}`, init({ cookie: alice.cookie }));
    expect(viaCookie.status).toBe(403);
  });
});

describe("GET /api/admin/chunks/summary", () => {
  it("totals chunks by status across all jobs, lists stuck chunks and groups failures by code with the latest message", async () => {
    const res = await asAdmin("/api/admin/chunks/summary");
    expect(res.status).toBe(200);
    const s = await json<AdminChunkSummary>(res);
    const counts = await db.chunk.groupBy({ by: ["status"], _count: { _all: true } });
    const count = (st: ChunkStatus) => counts.find((c) => c.status === st)?._count._all ?? 0;
    expect(s.totals).toMatchObject({ failed: count("FAILED"), succeeded: count("SUCCEEDED"), processing: count("PROCESSING") });
    expect(s.totals.total).toBe(counts.reduce((n, c) => n + c._count._all, 0));

    expect(s.staleSeconds).toBe(300);
    const stuckIds = s.stuck.chunks.map((c) => c.id);
    expect(stuckIds).toContain(stuck.id);
    expect(s.stuck.chunks.find((c) => c.id === stuck.id)).toMatchObject({ stuck: true, job: { fileName: "bob-book.pdf", userEmail: bob.email } });
    // A fresh heartbeat is not stuck.
    expect(s.stuck.chunks.every((c) => Date.now() - Date.parse(c.heartbeatAt ?? c.updatedAt) > 300_000)).toBe(true);

    const timeouts = s.failures.find((f) => f.code === "PROVIDER_TIMEOUT");
    expect(timeouts).toBeDefined();
    expect(timeouts!.count).toBeGreaterThanOrEqual(2);
    expect(timeouts!.jobs).toBeGreaterThanOrEqual(2);
    expect(timeouts!.latestMessage).toBe("openai timed out after 60000 ms (bob, latest)");
    expect(timeouts!.latestJobId).toBe(otherJob.id);

    expect(s.jobs.map((j) => j.id)).toEqual(expect.arrayContaining([partialJob.id, otherJob.id]));
  });

  it("buckets chunks settled per minute over the last hour", async () => {
    const s = await json<AdminChunkSummary>(await asAdmin("/api/admin/chunks/summary"));
    const buckets = s.throughput.buckets;
    expect(buckets).toHaveLength(60);
    const starts = buckets.map((b) => Date.parse(b.start));
    expect(starts.every((t, i) => i === 0 || t - starts[i - 1] === MIN)).toBe(true);
    expect(Date.now() - starts[59]).toBeLessThan(MIN);
    const alices = await db.chunk.findMany({ where: { jobId: partialJob.id }, orderBy: { index: "asc" } });
    const bucketOf = (d: Date | null) => buckets.findIndex((b) => Date.parse(b.start) <= d!.getTime() && d!.getTime() < Date.parse(b.start) + MIN);
    // Alice's failure 3 min ago and success 2 min ago are in; her chunk from 90 min ago is not.
    expect(buckets[bucketOf(alices[0].finishedAt)].failed).toBeGreaterThanOrEqual(1);
    expect(buckets[bucketOf(alices[1].finishedAt)].succeeded).toBeGreaterThanOrEqual(1);
    expect(bucketOf(alices[2].finishedAt)).toBe(-1);
    const inWindow = await db.chunk.count({ where: { finishedAt: { gte: new Date(starts[0]) }, status: { in: ["SUCCEEDED", "FAILED"] } } });
    expect(buckets.reduce((n, b) => n + b.succeeded + b.failed, 0)).toBe(inWindow);
  });
});

describe("GET /api/admin/chunks", () => {
  it("filters by status, job, user email, error code and time range", async () => {
    const byJob = await json<ChunksList>(await asAdmin(`/api/admin/chunks?jobId=${otherJob.id}`));
    expect(byJob.chunks.map((c) => c.index)).toEqual([0, 1, 2]);
    expect(byJob.total).toBe(3);

    const failed = await json<ChunksList>(await asAdmin(`/api/admin/chunks?status=FAILED&errorCode=provider_timeout`));
    const ids = failed.chunks.map((c) => c.id);
    expect(ids).toEqual(expect.arrayContaining([failedA.id, failedB.id]));
    expect(failed.chunks.every((c) => c.status === "FAILED" && c.errorCode === "PROVIDER_TIMEOUT")).toBe(true);

    const alices = await json<ChunksList>(await asAdmin(`/api/admin/chunks?email=${encodeURIComponent(alice.email.slice(0, 14).toUpperCase())}`));
    expect(alices.chunks.length).toBeGreaterThanOrEqual(3);
    expect(alices.chunks.every((c) => c.job.userEmail === alice.email)).toBe(true);

    const several = await json<ChunksList>(await asAdmin(`/api/admin/chunks?jobId=${otherJob.id}&status=FAILED,PROCESSING`));
    expect(several.total).toBe(3);

    const stuckOnly = await json<ChunksList>(await asAdmin(`/api/admin/chunks?jobId=${otherJob.id}&stuck=1`));
    expect(stuckOnly.chunks.map((c) => c.id)).toEqual([stuck.id]);

    const since = new Date(Date.now() - 60 * MIN).toISOString();
    const recent = await json<ChunksList>(await asAdmin(`/api/admin/chunks?jobId=${partialJob.id}&since=${since}`));
    expect(recent.chunks.map((c) => c.index).sort()).toEqual([0, 1]);
    const old = await json<ChunksList>(await asAdmin(`/api/admin/chunks?jobId=${partialJob.id}&until=${since}`));
    expect(old.chunks.map((c) => c.index)).toEqual([2]);

    const limited = await json<ChunksList>(await asAdmin(`/api/admin/chunks?limit=1`));
    expect(limited.chunks).toHaveLength(1);
    expect(limited.total).toBeGreaterThanOrEqual(6);
  });

  it.each([
    ["status=BOGUS"],
    ["since=yesterday"],
    ["limit=0"],
    ["limit=501"],
    ["errorCode=not a code"],
    ["colour=red"],
    [`since=${new Date().toISOString()}&until=${new Date(Date.now() - MIN).toISOString()}`],
  ])("refuses %s with 400", async (query) => {
    const res = await asAdmin(`/api/admin/chunks?${query}`);
    expect(res.status).toBe(400);
    expect(await errorCode(res)).toBe("INVALID_INPUT");
  });
});

describe("POST /api/admin/chunks/retry", () => {
  it("groups the chunks by job, schedules each job's retry like a user's retry and sends the chunk events", async () => {
    const res = await asAdmin("/api/admin/chunks/retry", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ chunkIds: [failedA.id, failedB.id, "no-such-chunk"] }),
    });
    expect(res.status).toBe(202);
    const body = await json<AdminRetryResult>(res);
    expect(body.scheduled).toBe(2);
    expect(body.notFound).toEqual(["no-such-chunk"]);
    expect(body.jobs).toHaveLength(2);
    expect(body.jobs.find((j) => j.jobId === partialJob.id)).toMatchObject({ ok: true, scheduled: [failedA.id], round: 2 });
    expect(body.jobs.find((j) => j.jobId === otherJob.id)).toMatchObject({ ok: true, scheduled: [failedB.id] });

    for (const id of [failedA.id, failedB.id]) expect((await db.chunk.findUniqueOrThrow({ where: { id } })).status).toBe("RETRY_SCHEDULED");
    const job = await db.job.findUniqueOrThrow({ where: { id: partialJob.id } });
    expect(job).toMatchObject({ status: "PROCESSING", retryRound: 2, failedChunks: 0, errorSummary: null });

    const events = await capturedEvents();
    const requested = events.filter((e) => e.name === "folio/chunk.requested").map((e) => e.data.chunkId);
    expect(requested).toEqual(expect.arrayContaining([failedA.id, failedB.id]));
  });

  it("answers 409 NOTHING_TO_RETRY when no chunk can be retried, with the reason per job", async () => {
    const res = await asAdmin("/api/admin/chunks/retry", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ chunkIds: [failedA.id] }),
    });
    expect(res.status).toBe(409);
    const body = (await res.json()) as { error: { code: string; details: AdminRetryResult } };
    expect(body.error.code).toBe("NOTHING_TO_RETRY");
    expect(body.error.details.jobs[0]).toMatchObject({ jobId: partialJob.id, ok: false, error: { code: "NOTHING_TO_RETRY" } });

    const none = await asAdmin("/api/admin/chunks/retry", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ chunkIds: ["gone"] }) });
    expect(none.status).toBe(409);
  });

  it.each([
    ["not JSON", "{nope", "INVALID_JSON"],
    ["no chunk ids", JSON.stringify({}), "INVALID_INPUT"],
    ["an empty list", JSON.stringify({ chunkIds: [] }), "INVALID_INPUT"],
    ["an unknown field", JSON.stringify({ chunkIds: ["a"], colour: "red" }), "INVALID_INPUT"],
  ])("refuses %s with 400", async (_what, body, code) => {
    const res = await asAdmin("/api/admin/chunks/retry", { method: "POST", headers: { "content-type": "application/json" }, body });
    expect(res.status).toBe(400);
    expect(await errorCode(res)).toBe(code);
  });
});
