import { beforeAll, describe, expect, inject, it } from "vitest";
import { stored } from "../helpers/stored";
import { getStorage } from "@/lib/storage";
import { baseUrl, bearer, capturedEvents, errorCode, newUser, signIn, upload, type TestUser } from "../helpers/client";
import { finishJob } from "../helpers/finished-job";
import { makeNovelPdf } from "../fixtures/pdfs";
import { db } from "@/lib/db";
import { creditBalance } from "@/lib/credits";
import type { JobDTO } from "@/lib/jobs/serialize";

/**
 * DELETE /api/jobs/:id against the real app (next start on the test build, the shared SQLite file
 * and data directory). The global app runs no functions: jobs stay PENDING after the upload, and
 * tests bring them to an end by hand (tests/helpers/finished-job.ts).
 */

let pdf: Uint8Array;
let adminCookie: string;

beforeAll(async () => {
  pdf = await makeNovelPdf({ pages: 3, seed: 41 });
  adminCookie = await signIn(inject("adminEmail"), inject("adminPassword"));
});

// On local disk or in S3, whichever the suite runs with.
const onDisk = stored;

async function uploadedJob(user: TestUser): Promise<JobDTO> {
  const res = await upload(user, pdf);
  expect(res.status).toBe(202);
  return ((await res.json()) as { job: JobDTO }).job;
}

/** An uploaded job ended PARTIAL_SUCCESS: a legacy chunk file, a chunk on the upload itself, a failed chunk, sentences, a charge. */
async function finishedJob(user: TestUser) {
  const job = await uploadedJob(user);
  await finishJob(job.id, "PARTIAL_SUCCESS", [
    { status: "SUCCEEDED", file: "legacy", sentences: ["Première phrase.", "Deuxième phrase."] },
    { status: "SUCCEEDED", file: "upload", sentences: ["Troisième phrase."] },
    { status: "FAILED", file: "legacy" },
  ]);
  // A file the split wrote that no chunk row names (a split stopped after writing its files).
  await getStorage().put(`chunks/${job.id}/orphan.pdf`, new TextEncoder().encode("%PDF-1.7 orphan\n"));
  const row = await db.job.findUniqueOrThrow({ where: { id: job.id } });
  return { id: job.id, fileKey: row.fileKey };
}

function del(id: string, headers: Record<string, string>): Promise<Response> {
  return fetch(`${baseUrl()}/api/jobs/${id}`, { method: "DELETE", headers });
}

async function expectUntouched(job: { id: string; fileKey: string }) {
  expect(await db.job.findUnique({ where: { id: job.id } })).not.toBeNull();
  expect(await onDisk(job.fileKey)).toBe(true);
  expect(await onDisk(`chunks/${job.id}/0.pdf`)).toBe(true);
  expect(await db.sentence.count({ where: { jobId: job.id } })).toBe(3);
  expect(await db.chunk.count({ where: { jobId: job.id } })).toBe(3);
}

describe("DELETE /api/jobs/:id", () => {
  it("deletes the owner's job: 204, its files, chunks and sentences gone, GET 404, the credit history kept with jobId null", async () => {
    const owner = await newUser("delete");
    const job = await finishedJob(owner);
    const entries = await db.creditEntry.findMany({ where: { jobId: job.id }, orderBy: { id: "asc" } });
    expect(entries.map((e) => e.kind).sort()).toEqual(["CHARGE", "RELEASE", "RESERVE"]);
    const balance = await creditBalance(owner.id);
    expect(await onDisk(job.fileKey)).toBe(true);
    expect(await onDisk(`chunks/${job.id}/orphan.pdf`)).toBe(true);

    const res = await del(job.id, bearer(owner));
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");

    expect(await onDisk(job.fileKey)).toBe(false);
    expect(await onDisk(`chunks/${job.id}`)).toBe(false);
    const get = await fetch(`${baseUrl()}/api/jobs/${job.id}`, { headers: bearer(owner) });
    expect(get.status).toBe(404);
    expect(await errorCode(get)).toBe("JOB_NOT_FOUND");
    expect(await db.job.findUnique({ where: { id: job.id } })).toBeNull();
    expect(await db.chunk.count({ where: { jobId: job.id } })).toBe(0);
    expect(await db.sentence.count({ where: { jobId: job.id } })).toBe(0);

    const kept = await db.creditEntry.findMany({ where: { id: { in: entries.map((e) => e.id) } }, orderBy: { id: "asc" } });
    expect(kept.map((e) => ({ id: e.id, kind: e.kind, amount: e.amount, jobId: e.jobId }))).toEqual(entries.map((e) => ({ id: e.id, kind: e.kind, amount: e.amount, jobId: null })));
    expect(await creditBalance(owner.id)).toBe(balance);

    const again = await del(job.id, bearer(owner));
    expect(again.status).toBe(404);
    expect(await errorCode(again)).toBe("JOB_NOT_FOUND");
  });

  it("answers 404 to another user (token or cookie) and 401 without credentials, and removes nothing; an admin may delete", async () => {
    const owner = await newUser("delete-owner");
    const other = await newUser("delete-other");
    const job = await finishedJob(owner);

    const byToken = await del(job.id, bearer(other));
    expect(byToken.status).toBe(404);
    expect(await errorCode(byToken)).toBe("JOB_NOT_FOUND");
    const byCookie = await del(job.id, { cookie: other.cookie, origin: baseUrl() });
    expect(byCookie.status).toBe(404);
    const anonymous = await del(job.id, {});
    expect(anonymous.status).toBe(401);
    expect(await errorCode(anonymous)).toBe("UNAUTHENTICATED");
    await expectUntouched(job);

    const byAdmin = await del(job.id, { cookie: adminCookie, origin: baseUrl() });
    expect(byAdmin.status).toBe(204);
    expect(await db.job.findUnique({ where: { id: job.id } })).toBeNull();
    expect(await onDisk(job.fileKey)).toBe(false);
  });

  it("refuses a cookie DELETE from a foreign origin (403 CSRF_REJECTED) and removes nothing; from the app's own origin it deletes", async () => {
    const owner = await newUser("delete-csrf");
    const job = await finishedJob(owner);
    const refused: Record<string, string>[] = [{ origin: "https://evil.example" }, { origin: "null" }, { "sec-fetch-site": "cross-site" }];
    for (const headers of refused) {
      const res = await del(job.id, { cookie: owner.cookie, ...headers });
      expect([headers, res.status]).toEqual([headers, 403]);
      expect(await errorCode(res)).toBe("CSRF_REJECTED");
    }
    await expectUntouched(job);

    const own = await del(job.id, { cookie: owner.cookie, origin: baseUrl() });
    expect(own.status).toBe(204);
    expect(await db.job.findUnique({ where: { id: job.id } })).toBeNull();
  });

  it("cancels an active job before deleting it: the reservation is released, nothing stays reserved, its functions are told to stop", async () => {
    const owner = await newUser("delete-active");
    const before = await creditBalance(owner.id);
    const pending = await uploadedJob(owner);
    // A job mid-run: split into chunks, one being processed, one waiting.
    const running = await uploadedJob(owner);
    await db.job.update({ where: { id: running.id }, data: { status: "PROCESSING", stage: "processing", startedAt: new Date(), totalChunks: 2 } });
    const runningKey = (await db.job.findUniqueOrThrow({ where: { id: running.id } })).fileKey;
    await db.chunk.createMany({
      data: [
        { jobId: running.id, index: 0, status: "PROCESSING", stage: "extracting", startPage: 1, endPage: 2, storageKey: runningKey, heartbeatAt: new Date() },
        { jobId: running.id, index: 1, status: "PENDING", startPage: 3, endPage: 3, storageKey: runningKey },
      ],
    });
    expect(await creditBalance(owner.id)).toBe(before - 2 * pending.pageCount);

    for (const job of [pending, running]) {
      const res = await del(job.id, bearer(owner));
      expect(res.status).toBe(204);
      expect(await db.job.findUnique({ where: { id: job.id } })).toBeNull();
    }

    // Every credit back: each reservation has its release, kept in the ledger without a job.
    expect(await creditBalance(owner.id)).toBe(before);
    const ledger = await db.creditEntry.findMany({ where: { userId: owner.id, kind: { in: ["RESERVE", "RELEASE", "CHARGE"] } } });
    expect(ledger.map((e) => [e.kind, e.amount, e.jobId]).sort()).toEqual(
      [
        ["RELEASE", pending.pageCount, null],
        ["RELEASE", pending.pageCount, null],
        ["RESERVE", -pending.pageCount, null],
        ["RESERVE", -pending.pageCount, null],
      ].sort(),
    );
    const cancelled = (await capturedEvents()).filter((e) => e.name === "folio/job.cancelled").map((e) => e.data.jobId);
    expect(cancelled).toEqual(expect.arrayContaining([pending.id, running.id]));
    expect(await onDisk(runningKey)).toBe(false);
  });
});
