import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Stack } from "../helpers/stack";
import { bearer, newUser, upload, useBaseUrl, waitForJob, baseUrl, type TestUser } from "../helpers/client";
import { makeNovel } from "../fixtures/pdfs";
import { db } from "@/lib/db";

type ResultJson = { status: string; partial: boolean; sentences: { index: number; text: string; page: number; chunkIndex: number }[] };

let stack: Stack;
let user: TestUser;

async function balance(u: TestUser): Promise<number> {
  return ((await (await fetch(`${baseUrl()}/api/me`, { headers: bearer(u) })).json()) as { credits: { balance: number } }).credits.balance;
}

async function result(u: TestUser, jobId: string, format = "json") {
  return fetch(`${baseUrl()}/api/jobs/${jobId}/result?format=${format}`, { headers: bearer(u) });
}

/** Every known sentence of the book appears once, in order (headings may sit between them). */
function expectBookOrder(out: string[], truth: string[]) {
  const known = new Set(truth);
  expect(out.filter((s) => known.has(s))).toEqual(truth);
}

async function upJob(u: TestUser, bytes: Uint8Array): Promise<string> {
  const res = await upload(u, bytes);
  expect(res.status).toBe(202);
  return ((await res.json()) as { job: { id: string } }).job.id;
}

beforeAll(async () => {
  stack = await new Stack().start();
  useBaseUrl(stack.baseUrl);
  stack.shareData();
  user = await newUser("pipeline");
});

afterAll(async () => {
  useBaseUrl(null);
  await stack?.stop();
});

describe("the chunk pipeline through the bundled runner", () => {
  it("splits, processes and finalizes a book: page order, overlap de-duplicated, credits charged once", async () => {
    const book = await makeNovel({ pages: 47, seed: 21 });
    const before = await balance(user);
    const jobId = await upJob(user, book.bytes);
    const job = await waitForJob(user, jobId);
    expect(job).toMatchObject({ status: "COMPLETED", totalChunks: 3, succeededChunks: 3, failedChunks: 0, progressPercent: 100, creditsCharged: 47, creditsReserved: 0 });

    const json = (await (await result(user, jobId)).json()) as ResultJson;
    expect(json.partial).toBe(false);
    expectBookOrder(json.sentences.map((s) => s.text), book.sentences.map((s) => s.text));
    expect(json.sentences.map((s) => s.index)).toEqual(json.sentences.map((_, i) => i));
    const pages = json.sentences.map((s) => s.page);
    expect(pages).toEqual([...pages].sort((a, b) => a - b));
    expect(job.sentenceCount).toBe(json.sentences.length);

    const csv = await (await result(user, jobId, "csv")).text();
    expect(csv.trim().split(/\r\n/)).toHaveLength(json.sentences.length + 1);
    const txt = await (await result(user, jobId, "txt")).text();
    expect(txt.trimEnd().split("\n")).toEqual(json.sentences.map((s) => s.text));

    expect(before - (await balance(user))).toBe(47);
    const ledger = await db.creditEntry.findMany({ where: { jobId }, orderBy: { createdAt: "asc" } });
    expect(ledger.map((e) => [e.kind, e.amount])).toEqual([["RESERVE", -47], ["RELEASE", 47], ["CHARGE", -47]]);
    const chunks = await db.chunk.findMany({ where: { jobId } });
    expect(chunks.every((c) => c.attempts === 1 && c.heartbeatAt === null && c.durationMs !== null)).toBe(true);
  });

  it("reuses stored results when the same book is uploaded again: no extraction work", async () => {
    const book = await makeNovel({ pages: 47, seed: 21 });
    const hitsBefore = (await db.resultCache.aggregate({ _sum: { hits: true } }))._sum.hits ?? 0;
    const jobId = await upJob(user, book.bytes);
    expect(await waitForJob(user, jobId)).toMatchObject({ status: "COMPLETED" });
    const chunks = await db.chunk.findMany({ where: { jobId } });
    expect(chunks.map((c) => c.cacheHit)).toEqual([true, true, true]);
    const hitsAfter = (await db.resultCache.aggregate({ _sum: { hits: true } }))._sum.hits ?? 0;
    expect(hitsAfter - hitsBefore).toBeGreaterThanOrEqual(3);
  });

  it("refuses results before a job is done and for other users", async () => {
    const other = await newUser("nosy");
    const book = await makeNovel({ pages: 5, seed: 2 });
    const jobId = await upJob(user, book.bytes);
    await waitForJob(user, jobId);
    expect((await result(other, jobId)).status).toBe(404);
    expect((await result(user, jobId, "xml")).status).toBe(400);
  });

  it("cancels a running job: unfinished chunks stop, nothing is charged", async () => {
    const book = await makeNovel({ pages: 300, seed: 9 });
    const before = await balance(user);
    const jobId = await upJob(user, book.bytes);
    await waitForJob(user, jobId, (j) => j.status === "PROCESSING" && (j.succeededChunks as number) >= 1);
    const res = await fetch(`${baseUrl()}/api/jobs/${jobId}/cancel`, { method: "POST", headers: bearer(user) });
    expect(res.status).toBe(202);
    const answeredAt = Date.now();
    await new Promise((r) => setTimeout(r, 1500));
    const settled = await db.chunk.findMany({ where: { jobId }, select: { status: true } });
    expect(settled.filter((c) => ["PENDING", "PROCESSING", "RETRY_SCHEDULED"].includes(c.status))).toEqual([]);
    expect(settled.some((c) => c.status === "CANCELLED")).toBe(true);
    const succeeded = settled.filter((c) => c.status === "SUCCEEDED").length;
    await new Promise((r) => setTimeout(r, 1500));
    expect(await db.chunk.count({ where: { jobId, status: "SUCCEEDED" } })).toBe(succeeded);
    const job = await waitForJob(user, jobId);
    expect(job.status).toBe("CANCELLED");
    expect(await balance(user)).toBe(before);
    // No chunk started after the cancel was answered.
    const starts = await db.chunk.findMany({ where: { jobId, startedAt: { not: null } }, select: { startedAt: true } });
    expect(starts.filter((c) => c.startedAt!.getTime() > answeredAt)).toEqual([]);
  });
});

describe("crash recovery", () => {
  for (const victim of ["runner", "app"] as const) {
    it(`finishes a job after kill -9 of the ${victim}, without redoing finished chunks`, async () => {
      const book = await makeNovel({ pages: 200, seed: victim === "app" ? 31 : 32 });
      const jobId = await upJob(user, book.bytes);
      await waitForJob(user, jobId, (j) => (j.succeededChunks as number) >= 2 && !j.terminal);
      await stack.kill(victim, "SIGKILL");
      const done = await db.chunk.findMany({ where: { jobId, status: "SUCCEEDED" }, select: { id: true, attempts: true, finishedAt: true } });
      await new Promise((r) => setTimeout(r, 500));
      if (victim === "runner") await stack.startRunner();
      else await stack.startApp();

      const job = await waitForJob(user, jobId, (j) => j.terminal);
      expect(job.status).toBe("COMPLETED");
      const after = await db.chunk.findMany({ where: { id: { in: done.map((d) => d.id) } }, select: { id: true, attempts: true, finishedAt: true } });
      expect(after.map((c) => [c.id, c.attempts, c.finishedAt?.getTime()]).sort()).toEqual(done.map((c) => [c.id, c.attempts, c.finishedAt?.getTime()]).sort());
      const json = (await (await result(user, jobId)).json()) as ResultJson;
      expectBookOrder(json.sentences.map((s) => s.text), book.sentences.map((s) => s.text));
      expect(await db.creditEntry.count({ where: { jobId, kind: "CHARGE" } })).toBe(1);
      // No lost or duplicated chunk rows.
      const rows = await db.chunk.findMany({ where: { jobId }, select: { index: true, status: true } });
      expect(rows.map((r) => r.index).sort((a, b) => a - b)).toEqual(Array.from({ length: job.totalChunks as number }, (_, i) => i));
      expect(rows.every((r) => r.status === "SUCCEEDED")).toBe(true);
    });
  }
});

describe("finalize races", () => {
  it("two finalizers racing on the same settled job finalize it once", async () => {
    const book = await makeNovel({ pages: 35, seed: 77 });
    const jobId = await upJob(user, book.bytes);
    await waitForJob(user, jobId);
    const ledgerBefore = await db.creditEntry.count({ where: { jobId } });
    // As if the finalize event had been delivered twice after the last settle.
    await db.job.update({ where: { id: jobId }, data: { status: "PROCESSING" } });
    const { finalizeJob } = await import("@/lib/jobs/finalize");
    const outcomes = await Promise.all([finalizeJob(jobId), finalizeJob(jobId)]);
    expect(outcomes.map((o) => o.action).sort()).toEqual(["done", "noop"]);
    expect(await db.creditEntry.count({ where: { jobId } })).toBe(ledgerBefore);
    expect((await db.job.findUniqueOrThrow({ where: { id: jobId } })).status).toBe("COMPLETED");
  });
});
