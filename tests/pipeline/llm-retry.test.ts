import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Stack } from "../helpers/stack";
import { bearer, baseUrl, errorCode, newUser, upload, useBaseUrl, waitForJob, STATE_WAIT_MS, type TestUser } from "../helpers/client";
import { startFakeLlm, type FakeLlm } from "../fakes/fake-llm-server";
import { makeNovel } from "../fixtures/pdfs";
import { db } from "@/lib/db";
import { countWords } from "@/lib/text/word-limit";

type ResultJson = { partial: boolean; sentences: { text: string; page: number; chunkIndex: number }[] };

let stack: Stack;
let fake: FakeLlm;
let user: TestUser;

const chunkCalls = (jobId: string, index: number) => fake.stats().byChunk[`${jobId}/${index}`] ?? 0;

async function retry(jobId: string, body: unknown = {}) {
  return fetch(`${baseUrl()}/api/jobs/${jobId}/chunks/retry`, {
    method: "POST",
    headers: { ...bearer(user), "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

beforeAll(async () => {
  fake = await startFakeLlm({ latencyMs: 5 });
  stack = await new Stack({
    env: {
      FOLIO_LLM_PROVIDER: "openai",
      FOLIO_LLM_BASE_URL: fake.url,
      FOLIO_LLM_MODEL: "fake-model",
      // No test here waits on a client timeout; the concurrency test holds provider calls until a state.
      FOLIO_LLM_TIMEOUT_MS: "600000",
      // One provider call per chunk attempt, so a random failure fails one attempt.
      FOLIO_LLM_MAX_SENTENCES_PER_CALL: "100000",
      // One provider call at a time (below the per-user limit of 2), to observe the provider stage's own limit.
      FOLIO_LLM_CONCURRENCY: "1",
    },
  }).start();
  useBaseUrl(stack.baseUrl);
  stack.shareData();
  user = await newUser("llm");
});

afterAll(async () => {
  useBaseUrl(null);
  await stack?.stop();
  await fake?.close();
});

describe("LLM processor, failures and retries (fake provider)", () => {
  it("fails one chunk after every attempt and retry round, keeps partial results, then a manual retry completes it without paying twice", async () => {
    const book = await makeNovel({ pages: 47, seed: 44 });
    fake.configure({ failChunks: { "*/1": "always" } });
    const res = await upload(user, book.bytes, { fields: { processor: "llm", sentenceWordLimit: "8" } });
    expect(res.status).toBe(202);
    const jobId = ((await res.json()) as { job: { id: string } }).job.id;

    const partial = await waitForJob(user, jobId, (j) => j.terminal);
    expect(partial).toMatchObject({ status: "PARTIAL_SUCCESS", succeededChunks: 2, failedChunks: 1, retryRound: 2 });
    expect(String(partial.errorSummary)).toMatch(/^PROVIDER_ERROR: 1 chunk \(pages 20-40\)/);
    const failed = await db.chunk.findFirstOrThrow({ where: { jobId, index: 1 } });
    expect(failed).toMatchObject({ status: "FAILED", errorCode: "PROVIDER_ERROR", attempts: 9 });
    expect(chunkCalls(jobId, 1)).toBe(9);

    const partialJson = (await (await fetch(`${baseUrl()}/api/jobs/${jobId}/result?format=json`, { headers: bearer(user) })).json()) as ResultJson;
    expect(partialJson.partial).toBe(true);
    expect(new Set(partialJson.sentences.map((s) => s.chunkIndex))).toEqual(new Set([0, 2]));
    expect(partial.creditsCharged).toBe(20 + 7);

    const callsDone = [chunkCalls(jobId, 0), chunkCalls(jobId, 2)];
    expect(callsDone.every((n) => n >= 1)).toBe(true);
    fake.configure({ failChunks: {} });

    // Two clicks at once schedule one retry.
    const [a, b] = await Promise.all([retry(jobId), retry(jobId)]);
    expect([a.status, b.status].sort()).toEqual([202, 409]);
    const loser = a.status === 409 ? a : b;
    expect(await errorCode(loser)).toBe("NOTHING_TO_RETRY");

    const done = await waitForJob(user, jobId, (j) => j.terminal);
    expect(done).toMatchObject({ status: "COMPLETED", failedChunks: 0, succeededChunks: 3, creditsCharged: 47, errorSummary: null });
    expect([chunkCalls(jobId, 0), chunkCalls(jobId, 2)]).toEqual(callsDone);
    expect(done.providerCalls as number).toBeGreaterThanOrEqual(3);
    expect(done.providerTokens as number).toBeGreaterThan(0);

    const json = (await (await fetch(`${baseUrl()}/api/jobs/${jobId}/result?format=json`, { headers: bearer(user) })).json()) as ResultJson;
    expect(json.partial).toBe(false);
    expect(json.sentences.every((s) => countWords(s.text) <= 8)).toBe(true);
    expect(await db.chunk.count({ where: { jobId } })).toBe(3);
    const charges = await db.creditEntry.aggregate({ where: { jobId, kind: "CHARGE" }, _sum: { amount: true } });
    expect(charges._sum.amount).toBe(-47);
  });

  it("re-processes a completed chunk on a forced retry, bypassing the cache, without charging again", async () => {
    const book = await makeNovel({ pages: 12, seed: 45 });
    const res = await upload(user, book.bytes, { fields: { processor: "llm", sentenceWordLimit: "10" } });
    const jobId = ((await res.json()) as { job: { id: string } }).job.id;
    await waitForJob(user, jobId);
    const chunk = await db.chunk.findFirstOrThrow({ where: { jobId } });
    const before = chunkCalls(jobId, 0);

    expect((await retry(jobId, { chunkIds: [chunk.id] })).status).toBe(409);
    const forced = await retry(jobId, { chunkIds: [chunk.id], force: true });
    expect(forced.status).toBe(202);
    expect(await forced.json()).toMatchObject({ scheduled: [chunk.id], round: 1 });
    const done = await waitForJob(user, jobId, (j) => j.terminal && (j.retryRound as number) === 1);
    expect(done).toMatchObject({ status: "COMPLETED", creditsCharged: 12 });
    expect(chunkCalls(jobId, 0)).toBeGreaterThan(before);
    const again = await db.chunk.findUniqueOrThrow({ where: { id: chunk.id } });
    expect(again).toMatchObject({ id: chunk.id, status: "SUCCEEDED", cacheHit: false, attempts: 2 });
    expect(await db.creditEntry.count({ where: { jobId, kind: "CHARGE" } })).toBe(1);
  });

  it("completes a 300-page book with 30% random provider failures, identical to a run without failures", async () => {
    const book = await makeNovel({ pages: 300, seed: 47 });
    const run = async (failureRate: number) => {
      fake.configure({ failureRate, seed: 7, failChunks: {} });
      const res = await upload(user, book.bytes, { fields: { processor: "llm", sentenceWordLimit: "12" } });
      const jobId = ((await res.json()) as { job: { id: string } }).job.id;
      const job = await waitForJob(user, jobId, (j) => j.terminal);
      const json = (await (await fetch(`${baseUrl()}/api/jobs/${jobId}/result?format=json`, { headers: bearer(user) })).json()) as ResultJson;
      const chunks = await db.chunk.findMany({ where: { jobId }, select: { status: true, attempts: true } });
      return { job, json, chunks };
    };
    const flaky = await run(0.3);
    expect(flaky.job.status).toBe("COMPLETED");
    expect(flaky.chunks.every((c) => c.status === "SUCCEEDED")).toBe(true);
    expect(flaky.chunks.some((c) => c.attempts > 1)).toBe(true);
    expect(fake.stats().serverErrors).toBeGreaterThan(0);
    // A clean run that computes everything again (no cached results).
    await db.resultCache.deleteMany();
    const clean = await run(0);
    expect(clean.job.status).toBe("COMPLETED");
    expect(clean.chunks.every((c) => c.attempts === 1)).toBe(true);
    expect(flaky.json.sentences).toEqual(clean.json.sentences);
  }, 400_000);

  it("keeps provider calls within FOLIO_LLM_CONCURRENCY while extraction runs ahead of the provider", async () => {
    const book = await makeNovel({ pages: 120, seed: 48 });
    fake.reset();
    // The provider holds its calls until chunks are seen queuing behind the one slot: the state is
    // waited for, however slow extraction is (a fixed 400 ms latency raced extraction on a loaded
    // machine, and no chunk ever had to wait).
    fake.hold();
    try {
      const res = await upload(user, book.bytes, { fields: { processor: "llm", sentenceWordLimit: "8" } });
      const jobId = ((await res.json()) as { job: { id: string } }).job.id;
      // Chunks whose extraction is done and that wait for the one provider slot, seen at once.
      let mostWaiting = 0;
      for (let t = Date.now(); mostWaiting < 2 && Date.now() - t < STATE_WAIT_MS; ) {
        const job = await db.job.findUniqueOrThrow({ where: { id: jobId }, select: { status: true } });
        if (["COMPLETED", "PARTIAL_SUCCESS", "FAILED", "CANCELLED"].includes(job.status)) break;
        mostWaiting = Math.max(mostWaiting, await db.chunk.count({ where: { jobId, status: "PROCESSING", stage: "waiting-provider" } }));
        await new Promise((r) => setTimeout(r, 50));
      }
      fake.release();
      const done = await waitForJob(user, jobId, (j) => j.terminal);
      expect(done).toMatchObject({ status: "COMPLETED", totalChunks: 4, succeededChunks: 4 });
      expect(fake.stats().calls).toBe(4);
      expect(fake.stats().maxInFlight).toBe(1);
      expect(mostWaiting).toBeGreaterThanOrEqual(2);
      expect(await db.chunk.count({ where: { jobId, stage: { not: null } } })).toBe(0);
    } finally {
      fake.reset();
    }
  });

  it("cancels a job whose chunks wait for the provider: no provider call starts after the cancel is answered", async () => {
    const book = await makeNovel({ pages: 120, seed: 49 });
    fake.reset();
    fake.configure({ latencyMs: 400 });
    try {
      const res = await upload(user, book.bytes, { fields: { processor: "llm", sentenceWordLimit: "8" } });
      const jobId = ((await res.json()) as { job: { id: string } }).job.id;
      for (let t = Date.now(); fake.stats().calls < 2 && Date.now() - t < 60_000; ) await new Promise((r) => setTimeout(r, 20));
      const cancel = await fetch(`${baseUrl()}/api/jobs/${jobId}/cancel`, { method: "POST", headers: bearer(user) });
      expect(cancel.status).toBe(202);
      const callsAtAnswer = fake.stats().calls;
      await new Promise((r) => setTimeout(r, 2_000));
      expect(fake.stats().calls).toBe(callsAtAnswer);
      const job = await waitForJob(user, jobId, (j) => j.terminal);
      expect(job.status).toBe("CANCELLED");
      expect(await db.chunk.count({ where: { jobId, status: { in: ["PENDING", "PROCESSING", "RETRY_SCHEDULED"] } } })).toBe(0);
      expect(await db.chunk.count({ where: { jobId, status: "CANCELLED" } })).toBeGreaterThan(0);
    } finally {
      fake.reset();
    }
  });

  it("answers a bad retry request clearly", async () => {
    const book = await makeNovel({ pages: 3, seed: 46 });
    const jobId = ((await (await upload(user, book.bytes)).json()) as { job: { id: string } }).job.id;
    await waitForJob(user, jobId);
    const bad = await retry(jobId, { chunkIds: "all" });
    expect([bad.status, await errorCode(bad)]).toEqual([400, "INVALID_INPUT"]);
    const none = await retry(jobId);
    expect([none.status, await errorCode(none)]).toEqual([409, "NOTHING_TO_RETRY"]);
  });
});
