import { beforeAll, describe, expect, it } from "vitest";
import { storedUnder } from "../helpers/stored";
import { getStorage } from "@/lib/storage";
import { inject } from "vitest";
import { capturedEvents, errorCode, newUser, upload, baseUrl, bearer, type TestUser } from "../helpers/client";
import { makeNovelPdf, makeEncryptedPdf, truncatePdf, garbagePdf, zeroPagePdf, makePdfOfSize } from "../fixtures/pdfs";
import { db } from "@/lib/db";
import { creditBalance } from "@/lib/credits";
import type { JobDTO } from "@/lib/jobs/serialize";

let novel: Uint8Array;
let alice: TestUser;

/** The uploads stored, on local disk or in S3 (whichever the suite runs with). */
const uploadsOnDisk = () => storedUnder("uploads");

beforeAll(async () => {
  novel = await makeNovelPdf({ pages: 12, seed: 7 });
  alice = await newUser("alice");
});

describe("POST /api/jobs", () => {
  it("accepts a PDF with 202, stores it, creates the job, reserves credits and sends folio/job.created", async () => {
    const before = (await (await fetch(`${baseUrl()}/api/me`, { headers: bearer(alice) })).json()) as { credits: { balance: number } };
    const res = await upload(alice, novel, { fields: { sentenceWordLimit: "20", language: "fr" }, fileName: "roman.pdf" });
    expect(res.status).toBe(202);
    const { job } = (await res.json()) as { job: JobDTO };
    expect(job).toMatchObject({ status: "PENDING", pageCount: 12, fileName: "roman.pdf", sentenceWordLimit: 20, language: "fr", fileSize: novel.byteLength });
    expect(res.headers.get("location")).toBe(`/api/jobs/${job.id}`);

    const row = await db.job.findUniqueOrThrow({ where: { id: job.id } });
    const stored = Buffer.from(await getStorage().getBytes(row.fileKey));
    expect(Buffer.compare(stored, Buffer.from(novel))).toBe(0);
    expect(row.fileSha256).toBe((await import("node:crypto")).createHash("sha256").update(novel).digest("hex"));

    const events = await capturedEvents();
    const sent = events.find((e) => e.name === "folio/job.created" && e.data.jobId === job.id);
    expect(sent).toMatchObject({ data: { jobId: job.id, userId: alice.id }, id: `job-created-${job.id}` });

    const after = (await (await fetch(`${baseUrl()}/api/me`, { headers: bearer(alice) })).json()) as { credits: { balance: number } };
    expect(before.credits.balance - after.credits.balance).toBe(12);
  });

  it("returns the same job for a repeated Idempotency-Key", async () => {
    const headers = { "idempotency-key": "book-42" };
    const first = await upload(alice, novel, { headers });
    const second = await upload(alice, novel, { headers });
    expect(first.status).toBe(202);
    expect(second.status).toBe(202);
    const a = ((await first.json()) as { job: JobDTO }).job;
    const b = ((await second.json()) as { job: JobDTO; replayed: boolean });
    expect(b.job.id).toBe(a.id);
    expect(b.replayed).toBe(true);
    expect(await db.job.count({ where: { idempotencyKey: "book-42" } })).toBe(1);
  });

  describe("refuses bad input with a specific code and leaves nothing behind", () => {
    let bob: TestUser;
    beforeAll(async () => {
      bob = await newUser("bob");
    });

    const cases: [string, () => Promise<Response>, number, string][] = [
      ["an empty file", async () => upload(bob, new Uint8Array(0)), 422, "EMPTY_FILE"],
      ["a text file", async () => upload(bob, new TextEncoder().encode("hello, this is not a PDF")), 415, "NOT_A_PDF"],
      ["a PDF header with a garbage body", async () => upload(bob, garbagePdf()), 422, "PDF_UNREADABLE"],
      ["a truncated PDF", async () => upload(bob, truncatePdf(novel, 0.6)), 422, "PDF_TRUNCATED"],
      ["an encrypted PDF", async () => upload(bob, await makeEncryptedPdf()), 422, "PDF_ENCRYPTED"],
      ["a PDF without pages", async () => upload(bob, await zeroPagePdf()), 422, "PDF_NO_PAGES"],
      ["a file over the size limit", async () => upload(bob, await makePdfOfSize(6 * 1024 * 1024)), 413, "FILE_TOO_LARGE"],
      ["no file at all", async () => upload(bob, null, { fields: { language: "fr" } }), 400, "MISSING_FILE"],
      ["the file in the wrong field", async () => upload(bob, novel, { fileField: "pdf" }), 400, "MISSING_FILE"],
      ["an unknown language", async () => upload(bob, novel, { fields: { language: "xx" } }), 400, "INVALID_OPTION"],
      ["a word limit that is not a number", async () => upload(bob, novel, { fields: { sentenceWordLimit: "lots" } }), 400, "INVALID_OPTION"],
      ["an unknown processor", async () => upload(bob, novel, { fields: { processor: "gpt-9" } }), 400, "INVALID_OPTION"],
      ["the LLM processor when none is configured", async () => upload(bob, novel, { fields: { processor: "llm" } }), 400, "PROCESSOR_UNAVAILABLE"],
      ["an unknown field", async () => upload(bob, novel, { fields: { colour: "red" } }), 400, "INVALID_OPTION"],
      ["a priority from a non-admin", async () => upload(bob, novel, { fields: { priority: "9" } }), 403, "PRIORITY_FORBIDDEN"],
      ["a JSON body", async () => fetch(`${baseUrl()}/api/jobs`, { method: "POST", headers: { ...bearer(bob), "content-type": "application/json" }, body: "{}" }), 400, "EXPECTED_MULTIPART"],
      ["no auth", async () => upload(null, novel), 401, "UNAUTHENTICATED"],
    ];

    it.each(cases)("%s", async (_name, send, status, code) => {
      const filesBefore = (await uploadsOnDisk()).length;
      const jobsBefore = await db.job.count();
      const res = await send();
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect({ status: res.status, code: body.error.code, message: body.error.message }).toMatchObject({ status, code });
      expect(body.error.message.length).toBeGreaterThan(10);
      expect((await uploadsOnDisk()).length).toBe(filesBefore);
      expect(await db.job.count()).toBe(jobsBefore);
      expect((await uploadsOnDisk()).some((f) => f.endsWith(".partial"))).toBe(false);
    });
  });

  it("refuses an upload the credit balance cannot cover with 402", async () => {
    const poor = await newUser("poor");
    const balance = await creditBalance(poor.id);
    await db.creditEntry.create({ data: { userId: poor.id, kind: "RESERVE", amount: -(balance - 5), note: "test: spend all but 5" } });
    const res = await upload(poor, novel);
    expect(res.status).toBe(402);
    expect(await errorCode(res)).toBe("INSUFFICIENT_CREDITS");
  });

  it("rate-limits uploads per user with 429 and Retry-After", async () => {
    const busy = await newUser("busy");
    for (let i = 0; i < 6; i++) expect((await upload(busy, novel)).status).toBe(202);
    const res = await upload(busy, novel);
    expect(res.status).toBe(429);
    expect(await errorCode(res)).toBe("RATE_LIMITED");
    const retryAfter = Number(res.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(3000);
    expect(retryAfter).toBeLessThanOrEqual(3600);
  });
});

describe("reading jobs", () => {
  it("lists the caller's jobs newest first and hides other users' jobs with 404", async () => {
    const carol = await newUser("carol");
    const dave = await newUser("dave");
    const a = ((await (await upload(carol, novel, { fileName: "first.pdf" })).json()) as { job: JobDTO }).job;
    const b = ((await (await upload(carol, novel, { fileName: "second.pdf" })).json()) as { job: JobDTO }).job;

    const list = (await (await fetch(`${baseUrl()}/api/jobs`, { headers: bearer(carol) })).json()) as { jobs: JobDTO[]; total: number };
    expect(list.jobs.map((j) => j.id)).toEqual([b.id, a.id]);
    expect(list.total).toBe(2);

    const own = await fetch(`${baseUrl()}/api/jobs/${a.id}`, { headers: bearer(carol) });
    expect(own.status).toBe(200);
    const other = await fetch(`${baseUrl()}/api/jobs/${a.id}`, { headers: bearer(dave) });
    expect([other.status, await errorCode(other)]).toEqual([404, "JOB_NOT_FOUND"]);
    const otherChunks = await fetch(`${baseUrl()}/api/jobs/${a.id}/chunks`, { headers: bearer(dave) });
    expect(otherChunks.status).toBe(404);
    const none = await fetch(`${baseUrl()}/api/jobs/does-not-exist`, { headers: bearer(carol) });
    expect(none.status).toBe(404);

    const chunks = (await (await fetch(`${baseUrl()}/api/jobs/${a.id}/chunks`, { headers: bearer(carol) })).json()) as {
      chunks: unknown[];
      summary: Record<string, number>;
    };
    expect(chunks.summary).toEqual({ pending: 0, processing: 0, succeeded: 0, failed: 0, retryScheduled: 0, cancelled: 0, total: 0 });

    const daveList = await fetch(`${baseUrl()}/api/jobs?all=1`, { headers: bearer(dave) });
    expect(daveList.status).toBe(403);
  });

  it("lets an admin read any job and list all jobs", async () => {
    const erin = await newUser("erin");
    const job = ((await (await upload(erin, novel)).json()) as { job: JobDTO }).job;
    const { signIn } = await import("../helpers/client");
    const adminCookie = await signIn(inject("adminEmail"), inject("adminPassword"));
    const res = await fetch(`${baseUrl()}/api/jobs/${job.id}`, { headers: { cookie: adminCookie } });
    expect(res.status).toBe(200);
    const all = (await (await fetch(`${baseUrl()}/api/jobs?all=1&pageSize=100`, { headers: { cookie: adminCookie } })).json()) as { jobs: JobDTO[] };
    expect(all.jobs.some((j) => j.id === job.id)).toBe(true);
  });
});

describe("cancelling a job", () => {
  it("cancels an active job, refunds its reserved credits, and answers 409 the second time", async () => {
    const frank = await newUser("frank");
    const balance = async () =>
      ((await (await fetch(`${baseUrl()}/api/me`, { headers: bearer(frank) })).json()) as { credits: { balance: number } }).credits.balance;
    const start = await balance();
    const job = ((await (await upload(frank, novel)).json()) as { job: JobDTO }).job;
    expect(await balance()).toBe(start - 12);

    const other = await newUser("mallory");
    const foreign = await fetch(`${baseUrl()}/api/jobs/${job.id}/cancel`, { method: "POST", headers: bearer(other) });
    expect(foreign.status).toBe(404);

    const res = await fetch(`${baseUrl()}/api/jobs/${job.id}/cancel`, { method: "POST", headers: bearer(frank) });
    expect(res.status).toBe(202);
    expect(((await res.json()) as { job: JobDTO }).job).toMatchObject({ status: "CANCELLED", terminal: true });
    expect(await balance()).toBe(start);
    expect((await capturedEvents()).some((e) => e.name === "folio/job.cancelled" && e.data.jobId === job.id)).toBe(true);

    const again = await fetch(`${baseUrl()}/api/jobs/${job.id}/cancel`, { method: "POST", headers: bearer(frank) });
    expect([again.status, await errorCode(again)]).toEqual([409, "JOB_NOT_ACTIVE"]);
    expect(await balance()).toBe(start);
  });
});
