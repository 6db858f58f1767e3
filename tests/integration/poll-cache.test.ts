import { beforeAll, describe, expect, it } from "vitest";
import { baseUrl, bearer, newUser, upload, type TestUser } from "../helpers/client";
import { makeNovel } from "../fixtures/pdfs";
import { db } from "@/lib/db";

/**
 * The polled reads share one database read per job per FOLIO_POLL_CACHE_MS (500 ms) and the
 * caller's user row is cached 2 s (lib/jobs/poll-cache.ts, lib/auth/request.ts). These tests pin
 * how stale an answer may be, and that this process's own writes are seen at once.
 */
let user: TestUser;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function polledJob(u: { token: string }, id: string) {
  const res = await fetch(`${baseUrl()}/api/jobs/${id}`, { headers: bearer(u) });
  expect(res.status).toBe(200);
  return ((await res.json()) as { job: { status: string; currentStep: string | null } }).job;
}

async function pendingJob(u: TestUser): Promise<string> {
  // A job row written straight to the database: nothing else changes it during the test.
  const job = await db.job.create({
    data: { userId: u.id, status: "PROCESSING", fileName: "polled.pdf", fileKey: "uploads/polled.pdf", fileSha256: "0".repeat(64), fileSize: 1, pageCount: 3, totalChunks: 1 },
  });
  return job.id;
}

beforeAll(async () => {
  user = await newUser("poll");
});

describe("polling cache", () => {
  it("shows a change made by another process within the 500 ms window", async () => {
    const id = await pendingJob(user);
    expect((await polledJob(user, id)).currentStep).toBeNull();
    await db.job.update({ where: { id }, data: { currentStep: "Processing chunk 1/1" } });
    const changedAt = Date.now();
    let seenAfter = -1;
    while (Date.now() - changedAt < 3_000) {
      if ((await polledJob(user, id)).currentStep === "Processing chunk 1/1") {
        seenAfter = Date.now() - changedAt;
        break;
      }
      await sleep(25);
    }
    expect(seenAfter).toBeGreaterThanOrEqual(0);
    expect(seenAfter).toBeLessThan(1_000);
  });

  it("answers a cancel and then polls the cancelled job at once (the app's own write forgets the entry)", async () => {
    // This suite's app sends events to a sink (no runner), so the job stays PENDING until cancelled.
    const book = await makeNovel({ pages: 3, seed: 301 });
    const res = await upload(user, book.bytes);
    const id = ((await res.json()) as { job: { id: string } }).job.id;
    await polledJob(user, id);
    const cancel = await fetch(`${baseUrl()}/api/jobs/${id}/cancel`, { method: "POST", headers: bearer(user) });
    expect(cancel.status).toBe(202);
    expect((await polledJob(user, id)).status).toBe("CANCELLED");
  });

  it("sees a user's changed role within about 2 s", async () => {
    const admin = await newUser("poll-admin");
    await db.user.update({ where: { id: admin.id }, data: { role: "ADMIN" } });
    let status = 0;
    for (let t = Date.now(); Date.now() - t < 4_000; await sleep(100)) {
      status = (await fetch(`${baseUrl()}/api/admin/chunks/summary`, { headers: bearer(admin) })).status;
      if (status === 200) break;
    }
    expect(status).toBe(200);
    await db.user.update({ where: { id: admin.id }, data: { role: "USER" } });
    const demotedAt = Date.now();
    for (; Date.now() - demotedAt < 5_000; await sleep(100)) {
      status = (await fetch(`${baseUrl()}/api/admin/chunks/summary`, { headers: bearer(admin) })).status;
      if (status === 403) break;
    }
    expect(status).toBe(403);
    expect(Date.now() - demotedAt).toBeLessThan(3_000);
  });
});
