import { beforeAll, describe, expect, it } from "vitest";
import { storedUnder } from "../helpers/stored";
import { InngestTestEngine } from "@inngest/test";
import { errorCode, newUser, upload, type TestUser } from "../helpers/client";
import { makeNovelPdf } from "../fixtures/pdfs";
import { circularPageTreePdf, lyingCountPdf } from "../fixtures/credit-pdfs";
import { db } from "@/lib/db";
import { creditBalance } from "@/lib/credits";
import { countPagesFast } from "@/lib/pdf/inspect";
import { expectLedgerInvariant, setBalance } from "../helpers/ledger";
import { splitJobFn } from "@/inngest/functions/split-job";
import { finalizeJob } from "@/lib/jobs/finalize";
import type { JobDTO } from "@/lib/jobs/serialize";

// The global app runs with FOLIO_UPLOADS_PER_HOUR=6 (tests/global-setup.ts) and no job runner:
// jobs stay PENDING unless a test drives a function itself (InngestTestEngine, lib calls).
const LIMIT = 6;

/** The uploads stored, on local disk or in S3 (whichever the suite runs with). */
const uploadsOnDisk = () => storedUnder("uploads");

async function uploadedJob(user: TestUser, bytes: Uint8Array): Promise<JobDTO> {
  const res = await upload(user, bytes);
  expect(res.status).toBe(202);
  return ((await res.json()) as { job: JobDTO }).job;
}

describe("upload rate limit under concurrency", () => {
  it(`30 simultaneous uploads by a fresh user: exactly ${LIMIT} accepted, the rest 429, nothing left behind`, async () => {
    const user = await newUser("burst");
    const book = await makeNovelPdf({ pages: 2, seed: 5 });
    const filesBefore = (await uploadsOnDisk()).length;
    const balanceBefore = await creditBalance(user.id);

    const answers = await Promise.all(Array.from({ length: 30 }, () => upload(user, book)));
    const statuses = answers.map((r) => r.status);
    const codes = await Promise.all(answers.map(async (r) => (r.status === 202 ? "ACCEPTED" : errorCode(r))));

    expect(statuses.filter((s) => s === 202)).toHaveLength(LIMIT);
    expect(statuses.filter((s) => s === 429)).toHaveLength(30 - LIMIT);
    expect(codes.filter((c) => c !== "ACCEPTED").every((c) => c === "RATE_LIMITED")).toBe(true);
    // Refused uploads leave no job, no ledger entry and no file.
    expect(await db.job.count({ where: { userId: user.id } })).toBe(LIMIT);
    const entries = await db.creditEntry.findMany({ where: { userId: user.id, kind: { not: "GRANT" } } });
    expect(entries.map((e) => [e.kind, e.amount])).toEqual(Array.from({ length: LIMIT }, () => ["RESERVE", -2]));
    expect(entries.every((e) => e.jobId !== null)).toBe(true);
    expect(balanceBefore - (await creditBalance(user.id))).toBe(2 * LIMIT);
    expect((await uploadsOnDisk()).length).toBe(filesBefore + LIMIT);
    expect((await uploadsOnDisk()).some((f) => f.endsWith(".partial"))).toBe(false);
  }, 120_000);
});

describe("the upload's own page count", () => {
  it("counts the page leaves, not only the root's /Count", async () => {
    expect(countPagesFast(Buffer.from(await lyingCountPdf(30)))).toBe(30);
    expect(countPagesFast(Buffer.from(await lyingCountPdf(30, { claimed: 500 })))).toBe(500);
    expect(countPagesFast(Buffer.from(await makeNovelPdf({ pages: 12, seed: 1 })))).toBe(12);
  });

  it("refuses with 402 a lying /Count whose true page count the balance cannot cover", async () => {
    const user = await newUser("liar");
    await setBalance(user.id, 10);
    const res = await upload(user, await lyingCountPdf(30));
    expect(res.status).toBe(402);
    expect(await errorCode(res)).toBe("INSUFFICIENT_CREDITS");
    expect(await db.job.count({ where: { userId: user.id } })).toBe(0);
    expect(await creditBalance(user.id)).toBe(10);
  });
});

describe("split-time reservation and releases (split-job through the Inngest SDK)", () => {
  let user: TestUser;
  beforeAll(async () => {
    user = await newUser("splitcredits");
  });

  const runSplit = (jobId: string) =>
    new InngestTestEngine({
      function: splitJobFn,
      events: [{ name: "folio/job.created", data: { jobId, userId: user.id } }],
      steps: [{ id: "request-chunks", handler: () => ({ ids: [] }) }],
    }).execute();

  it("a lying /Count the upload could not see: the split reserves the difference when the balance covers it", async () => {
    await setBalance(user.id, 100);
    const job = await uploadedJob(user, await lyingCountPdf(30, { hideLeaves: true }));
    expect(job.creditsReserved).toBe(1);
    const { result } = await runSplit(job.id);
    expect(result).toMatchObject({ jobId: job.id, pageCount: 30 });
    const row = await db.job.findUniqueOrThrow({ where: { id: job.id } });
    expect(row).toMatchObject({ status: "PROCESSING", pageCount: 30, creditsReserved: 30 });
    expect(await creditBalance(user.id)).toBe(70);
    // Run again (a step retried): nothing is reserved twice.
    const { splitJob } = await import("@/lib/jobs/split");
    await db.job.update({ where: { id: job.id }, data: { status: "SPLITTING" } });
    await splitJob(job.id);
    expect((await db.job.findUniqueOrThrow({ where: { id: job.id } })).creditsReserved).toBe(30);
    expect(await creditBalance(user.id)).toBe(70);
  });

  it("a lying /Count the balance cannot cover: FAILED with INSUFFICIENT_CREDITS before any chunk, reservation released", async () => {
    await setBalance(user.id, 10);
    const job = await uploadedJob(user, await lyingCountPdf(30, { hideLeaves: true, seed: 44 }));
    expect(await creditBalance(user.id)).toBe(9);
    await runSplit(job.id);
    const row = await db.job.findUniqueOrThrow({ where: { id: job.id } });
    expect(row).toMatchObject({ status: "FAILED", creditsReserved: 0, creditsCharged: 0 });
    expect(row.errorSummary).toMatch(/^INSUFFICIENT_CREDITS/);
    expect(await db.chunk.count({ where: { jobId: job.id } })).toBe(0);
    expect(await creditBalance(user.id)).toBe(10);
    await expectLedgerInvariant(user.id);
  });

  it("a circular page tree: FAILED with a code, reservation released", async () => {
    await setBalance(user.id, 100);
    const job = await uploadedJob(user, await circularPageTreePdf(10));
    expect(await creditBalance(user.id)).toBe(90);
    await runSplit(job.id);
    const row = await db.job.findUniqueOrThrow({ where: { id: job.id } });
    expect(row).toMatchObject({ status: "FAILED", creditsReserved: 0 });
    expect(row.errorSummary).toMatch(/^PDF_(UNREADABLE|TOO_COMPLEX)/);
    expect(await creditBalance(user.id)).toBe(100);
    await expectLedgerInvariant(user.id);
  });

  it("a split that reserves after the job was cancelled reserves nothing", async () => {
    await setBalance(user.id, 100);
    const job = await uploadedJob(user, await lyingCountPdf(20, { hideLeaves: true, seed: 45 }));
    await db.job.update({ where: { id: job.id }, data: { status: "SPLITTING" } });
    const { cancelJob } = await import("@/lib/jobs/cancel");
    await cancelJob(await db.job.findUniqueOrThrow({ where: { id: job.id } }));
    expect(await creditBalance(user.id)).toBe(100);
    const { splitJob } = await import("@/lib/jobs/split");
    await splitJob(job.id);
    expect((await db.job.findUniqueOrThrow({ where: { id: job.id } })).creditsReserved).toBe(0);
    expect(await creditBalance(user.id)).toBe(100);
    await expectLedgerInvariant(user.id);
  });
});

describe("finalize never charges more than was reserved", () => {
  /** A user with 5 credits and a job of `pages` pages, `reserved` of them reserved, its one chunk SUCCEEDED. */
  async function settledJob(name: string, pages: number, reserved: number) {
    const user = await newUser(name);
    await setBalance(user.id, 5);
    const key = `uploads/test-${Math.random().toString(36).slice(2)}.pdf`;
    const job = await db.job.create({
      data: { userId: user.id, fileName: `${name}.pdf`, fileKey: key, fileSha256: "x", fileSize: 1, pageCount: pages, status: "PROCESSING", totalChunks: 1, succeededChunks: 1, creditsReserved: reserved },
    });
    await db.creditEntry.create({ data: { userId: user.id, jobId: job.id, kind: "RESERVE", amount: -reserved } });
    const chunk = await db.chunk.create({ data: { jobId: job.id, index: 0, status: "SUCCEEDED", startPage: 1, endPage: pages } });
    return { user, job, chunk };
  }

  it("charges min(pages processed, reserved)", async () => {
    const { user, job, chunk } = await settledJob("overcharge", 30, 1);
    await db.sentence.create({ data: { jobId: job.id, chunkId: chunk.id, chunkIndex: 0, chunkOrder: 0, text: "Une phrase lue.", page: 1 } });
    const outcome = await finalizeJob(job.id);
    expect(outcome).toMatchObject({ action: "done", status: "COMPLETED", charged: 1 });
    expect(await creditBalance(user.id)).toBe(4);
    await expectLedgerInvariant(user.id);
  });

  it("charges nothing when no chunk read a sentence (FAILED NO_TEXT), reservation released", async () => {
    const { user, job } = await settledJob("empty-read", 3, 3);
    const outcome = await finalizeJob(job.id);
    expect(outcome).toMatchObject({ action: "done", status: "FAILED", sentences: 0, charged: 0 });
    expect((await db.job.findUniqueOrThrow({ where: { id: job.id } })).errorSummary).toMatch(/^NO_TEXT: /);
    expect(await creditBalance(user.id)).toBe(5);
    await expectLedgerInvariant(user.id);
  });
});
