import { afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { stored } from "../helpers/stored";
import { InngestTestEngine } from "@inngest/test";
import { baseUrl, bearer, errorCode, getJob, newUser, signIn, upload, type ApiErrorBody, type TestUser } from "../helpers/client";
import { finishJob } from "../helpers/finished-job";
import { makeNovelPdf } from "../fixtures/pdfs";
import { db } from "@/lib/db";
import { getConfig } from "@/lib/config";
import { sweepRetention } from "@/lib/jobs/retention";
import type { JobDTO } from "@/lib/jobs/serialize";
import { retentionSweepFn } from "@/inngest/functions/retention-sweep";
import { functions } from "@/inngest/functions";

/**
 * The retention sweep (lib/jobs/retention.ts) on the shared SQLite file and data directory of the
 * real app, then the app's own routes on what it left: results readable, retries refused.
 */

const DAY = 24 * 60 * 60 * 1000;
let pdf: Uint8Array;
let owner: TestUser;
let adminCookie: string;
const now = new Date();

// On local disk or in S3, whichever the suite runs with.
const onDisk = stored;

async function uploadedJob(user: TestUser): Promise<JobDTO> {
  const res = await upload(user, pdf);
  expect(res.status).toBe(202);
  return ((await res.json()) as { job: JobDTO }).job;
}

async function fileKeyOf(jobId: string): Promise<string> {
  return (await db.job.findUniqueOrThrow({ where: { id: jobId } })).fileKey;
}

let old: { id: string; fileKey: string; failedChunk: string };
let young: { id: string; fileKey: string; failedChunk: string };
let active: { id: string; fileKey: string };

beforeAll(async () => {
  pdf = await makeNovelPdf({ pages: 2, seed: 43 });
  owner = await newUser("retention");
  adminCookie = await signIn(inject("adminEmail"), inject("adminPassword"));
  const plan = [
    { status: "SUCCEEDED" as const, file: "legacy" as const, sentences: ["Une phrase gardée.", "Une autre."] },
    { status: "FAILED" as const, file: "legacy" as const },
  ];
  const a = await uploadedJob(owner);
  old = { id: a.id, fileKey: await fileKeyOf(a.id), failedChunk: (await finishJob(a.id, "PARTIAL_SUCCESS", plan, new Date(now.getTime() - 8 * DAY))).chunkIds[1] };
  const b = await uploadedJob(owner);
  young = { id: b.id, fileKey: await fileKeyOf(b.id), failedChunk: (await finishJob(b.id, "PARTIAL_SUCCESS", plan, new Date(now.getTime() - 6 * DAY))).chunkIds[1] };
  // Still running, with a finishedAt from long ago (left by an earlier round): not terminal, kept.
  const c = await uploadedJob(owner);
  await db.job.update({ where: { id: c.id }, data: { status: "PROCESSING", finishedAt: new Date(now.getTime() - 30 * DAY) } });
  active = { id: c.id, fileKey: await fileKeyOf(c.id) };
});

describe("retention sweep", () => {
  it("removes the files of a terminal job older than the period and marks it; its sentences stay; young and active jobs are untouched", async () => {
    for (const key of [old.fileKey, `chunks/${old.id}/0.pdf`, young.fileKey, active.fileKey]) expect(await onDisk(key)).toBe(true);

    const summary = await sweepRetention(now, 7);
    expect(summary.disabled).toBe(false);
    expect(summary.failed).toBe(0);
    expect(summary.jobs).toBeGreaterThanOrEqual(1);

    expect(await onDisk(old.fileKey)).toBe(false);
    expect(await onDisk(`chunks/${old.id}`)).toBe(false);
    const oldRow = await db.job.findUniqueOrThrow({ where: { id: old.id } });
    expect(oldRow.filesDeletedAt?.getTime()).toBe(now.getTime());
    expect(oldRow.status).toBe("PARTIAL_SUCCESS");
    expect(await db.sentence.count({ where: { jobId: old.id } })).toBe(2);
    expect(await db.chunk.count({ where: { jobId: old.id } })).toBe(2);

    for (const j of [young, active]) {
      expect(await onDisk(j.fileKey)).toBe(true);
      expect((await db.job.findUniqueOrThrow({ where: { id: j.id } })).filesDeletedAt).toBeNull();
    }
    expect(await onDisk(`chunks/${young.id}/0.pdf`)).toBe(true);

    // The results are still served, and the job says its files are gone.
    const result = await fetch(`${baseUrl()}/api/jobs/${old.id}/result?format=json`, { headers: bearer(owner) });
    expect(result.status).toBe(200);
    expect(((await result.json()) as { sentences: { text: string }[] }).sentences.map((s) => s.text)).toEqual(["Une phrase gardée.", "Une autre."]);
    expect((await getJob(owner, old.id)).filesDeletedAt).toBe(now.toISOString());
  });

  it("does nothing more on a second run, and nothing at all when switched off (0 days)", async () => {
    const again = await sweepRetention(now, 7);
    expect((await db.job.findUniqueOrThrow({ where: { id: old.id } })).filesDeletedAt?.getTime()).toBe(now.getTime());
    expect(again.failed).toBe(0);
    const off = await sweepRetention(new Date(now.getTime() + 365 * DAY), 0);
    expect(off).toMatchObject({ disabled: true, jobs: 0 });
    expect(await onDisk(young.fileKey)).toBe(true);
  });

  it("refuses a retry of the expired job (409 FILES_EXPIRED), by the owner and by an admin, and changes nothing", async () => {
    const entriesBefore = await db.creditEntry.count({ where: { userId: owner.id } });
    const res = await fetch(`${baseUrl()}/api/jobs/${old.id}/chunks/retry`, {
      method: "POST",
      headers: { ...bearer(owner), "content-type": "application/json" },
      body: JSON.stringify({ chunkIds: [old.failedChunk] }),
    });
    expect(res.status).toBe(409);
    const body = (await res.json()) as ApiErrorBody;
    expect(body.error.code).toBe("FILES_EXPIRED");
    expect(body.error.message).toMatch(/files were removed after the retention period/);

    const forced = await fetch(`${baseUrl()}/api/jobs/${old.id}/chunks/retry`, {
      method: "POST",
      headers: { ...bearer(owner), "content-type": "application/json" },
      body: JSON.stringify({ force: true }),
    });
    expect(forced.status).toBe(409);
    expect(await errorCode(forced)).toBe("FILES_EXPIRED");

    const admin = await fetch(`${baseUrl()}/api/admin/chunks/retry`, {
      method: "POST",
      headers: { cookie: adminCookie, origin: baseUrl(), "content-type": "application/json" },
      body: JSON.stringify({ chunkIds: [old.failedChunk] }),
    });
    expect(admin.status).toBe(409);
    const adminBody = (await admin.json()) as { error: { code: string; details: { jobs: { jobId: string; ok: boolean; error?: { code: string } }[] } } };
    expect(adminBody.error.details.jobs).toEqual([{ jobId: old.id, ok: false, error: { code: "FILES_EXPIRED", message: expect.stringMatching(/retention period/) } }]);

    const row = await db.job.findUniqueOrThrow({ where: { id: old.id } });
    expect(row.status).toBe("PARTIAL_SUCCESS");
    expect((await db.chunk.findUniqueOrThrow({ where: { id: old.failedChunk } })).status).toBe("FAILED");
    expect(await db.creditEntry.count({ where: { userId: owner.id } })).toBe(entriesBefore);
  });

  it("still retries a job within the period (the refusal is the expiry's)", async () => {
    const res = await fetch(`${baseUrl()}/api/jobs/${young.id}/chunks/retry`, {
      method: "POST",
      headers: { ...bearer(owner), "content-type": "application/json" },
      body: JSON.stringify({ chunkIds: [young.failedChunk] }),
    });
    expect(res.status).toBe(202);
    expect(((await res.json()) as { scheduled: string[] }).scheduled).toEqual([young.failedChunk]);
  });
});

describe("FOLIO_RETENTION_DAYS", () => {
  const saved = process.env.FOLIO_RETENTION_DAYS;
  afterEach(() => {
    if (saved === undefined) delete process.env.FOLIO_RETENTION_DAYS;
    else process.env.FOLIO_RETENTION_DAYS = saved;
  });

  it("is what the hourly retention-sweep function (registered with the others) sweeps with", async () => {
    expect(functions).toContain(retentionSweepFn);
    process.env.FOLIO_RETENTION_DAYS = "0";
    const off = await new InngestTestEngine({ function: retentionSweepFn }).execute();
    expect(off.result).toMatchObject({ disabled: true });
    process.env.FOLIO_RETENTION_DAYS = "7";
    const on = await new InngestTestEngine({ function: retentionSweepFn }).execute();
    expect(on.result).toMatchObject({ disabled: false, failed: 0 });
    // The job swept above stays as it was (its files are already gone).
    expect((await db.job.findUniqueOrThrow({ where: { id: old.id } })).filesDeletedAt?.getTime()).toBe(now.getTime());
  });

  it("defaults to 7 days (unset or empty), 0 switches the sweep off, a negative value is refused", () => {
    delete process.env.FOLIO_RETENTION_DAYS;
    expect(getConfig().retentionDays).toBe(7);
    process.env.FOLIO_RETENTION_DAYS = "";
    expect(getConfig().retentionDays).toBe(7);
    process.env.FOLIO_RETENTION_DAYS = "0";
    expect(getConfig().retentionDays).toBe(0);
    process.env.FOLIO_RETENTION_DAYS = "30";
    expect(getConfig().retentionDays).toBe(30);
    process.env.FOLIO_RETENTION_DAYS = "-1";
    expect(() => getConfig()).toThrow();
  });
});
