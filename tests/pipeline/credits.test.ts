import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Stack } from "../helpers/stack";
import { bearer, newUser, upload, useBaseUrl, waitForJob, baseUrl, type TestUser } from "../helpers/client";
import { circularPageTreePdf, lyingCountPdf } from "../fixtures/credit-pdfs";
import { makeNovelPdf } from "../fixtures/pdfs";
import { imageOnlyPdf } from "../../scripts/lib/hostile-extra";
import { expectLedgerInvariant, setBalance } from "../helpers/ledger";
import { db } from "@/lib/db";
import { getStorage } from "@/lib/storage";

let stack: Stack;
const users: TestUser[] = [];

async function balance(u: TestUser): Promise<number> {
  return ((await (await fetch(`${baseUrl()}/api/me`, { headers: bearer(u) })).json()) as { credits: { balance: number } }).credits.balance;
}

async function upJob(u: TestUser, bytes: Uint8Array): Promise<{ id: string; creditsReserved: number }> {
  const res = await upload(u, bytes);
  expect(res.status).toBe(202);
  return ((await res.json()) as { job: { id: string; creditsReserved: number } }).job;
}

async function freshUser(prefix: string, credits: number): Promise<TestUser> {
  const u = await newUser(prefix);
  await setBalance(u.id, credits);
  users.push(u);
  return u;
}

/** Polls the balance until stopped; returns the lowest value seen. */
function watchBalance(u: TestUser): { stop(): Promise<number> } {
  let lowest = Infinity;
  let running = true;
  const loop = (async () => {
    while (running) {
      lowest = Math.min(lowest, await balance(u));
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return lowest;
    },
  };
}

beforeAll(async () => {
  stack = await new Stack().start();
  useBaseUrl(stack.baseUrl);
  stack.shareData();
  // The runner syncs the app's functions on start: an event sent before that finds no function.
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const { functions } = (await (await fetch(`${stack.runnerUrl}/functions`)).json()) as { functions: unknown[] };
    if (JSON.stringify(functions).includes("split-job")) break;
    await new Promise((r) => setTimeout(r, 200));
  }
}, 120_000);

afterAll(async () => {
  for (const u of users) await expectLedgerInvariant(u.id);
  useBaseUrl(null);
  await stack?.stop();
});

describe("credits through the whole stack", () => {
  it("a lying /Count (1 claimed, 40 real) with a balance that covers the lie only: FAILED INSUFFICIENT_CREDITS, no chunk ran, balance restored", async () => {
    const user = await freshUser("liar", 10);
    const watch = watchBalance(user);
    const job = await upJob(user, await lyingCountPdf(40, { hideLeaves: true }));
    expect(job.creditsReserved).toBe(1);
    const done = await waitForJob(user, job.id, (j) => j.terminal, 120_000);
    const lowest = await watch.stop();
    expect(done).toMatchObject({ status: "FAILED", creditsReserved: 0, creditsCharged: 0 });
    expect(String(done.errorSummary)).toMatch(/^INSUFFICIENT_CREDITS/);
    expect(await db.chunk.count({ where: { jobId: job.id, OR: [{ startedAt: { not: null } }, { status: { not: "PENDING" } }] } })).toBe(0);
    expect(await balance(user)).toBe(10);
    expect(lowest).toBeGreaterThanOrEqual(0);
    await expectLedgerInvariant(user.id);
  }, 150_000);

  it("a lying /Count with a balance that covers the truth: COMPLETED, the true page count reserved and charged", async () => {
    const user = await freshUser("rich-liar", 60);
    const job = await upJob(user, await lyingCountPdf(40, { hideLeaves: true, seed: 46 }));
    const done = await waitForJob(user, job.id, (j) => j.terminal, 120_000);
    expect(done).toMatchObject({ status: "COMPLETED", pageCount: 40, creditsReserved: 0, creditsCharged: 40 });
    const reserved = await db.creditEntry.aggregate({ where: { jobId: job.id, kind: "RESERVE" }, _sum: { amount: true } });
    expect(reserved._sum.amount).toBe(-40);
    expect(await balance(user)).toBe(20);
    await expectLedgerInvariant(user.id);
  }, 150_000);

  it("a scan without a text layer: FAILED NO_TEXT_LAYER, not COMPLETED empty, nothing charged", async () => {
    const user = await freshUser("scan", 100);
    const job = await upJob(user, imageOnlyPdf(6));
    const done = await waitForJob(user, job.id, (j) => j.terminal, 120_000);
    expect(done).toMatchObject({ status: "FAILED", sentenceCount: 0, creditsReserved: 0, creditsCharged: 0 });
    expect(String(done.errorSummary)).toMatch(/^NO_TEXT_LAYER: .*scan/);
    expect(await db.chunk.count({ where: { jobId: job.id, status: "SUCCEEDED" } })).toBeGreaterThan(0);
    expect(await balance(user)).toBe(100);
    await expectLedgerInvariant(user.id);
  }, 150_000);

  it("a circular page tree: FAILED with a code, reservation released", async () => {
    const user = await freshUser("circular", 100);
    const job = await upJob(user, await circularPageTreePdf(12));
    expect(await balance(user)).toBe(100 - job.creditsReserved);
    const done = await waitForJob(user, job.id, (j) => j.terminal, 120_000);
    expect(done).toMatchObject({ status: "FAILED", creditsReserved: 0, creditsCharged: 0 });
    expect(String(done.errorSummary)).toMatch(/^PDF_(UNREADABLE|TOO_COMPLEX)/);
    expect(await balance(user)).toBe(100);
    await expectLedgerInvariant(user.id);
  }, 150_000);

  it("a split that keeps failing: after its last retry the job is FAILED and the reservation released", async () => {
    const user = await freshUser("splitfail", 100);
    // The upload's file vanishes between the 202 and the split: every attempt of the split step
    // fails to read it (a retriable error of the surroundings, not a bad PDF). The runner is down
    // during the upload, so the split cannot run first; the test then sends the job's
    // folio/job.created itself, as the upload would have.
    await stack.kill("runner");
    let runnerUp = false;
    try {
      const job = await upJob(user, await makeNovelPdf({ pages: 8, seed: 47 }));
      const row = await db.job.findUniqueOrThrow({ where: { id: job.id } });
      await getStorage().delete(row.fileKey);
      await stack.startRunner();
      runnerUp = true;
      const sent = await fetch(`${stack.runnerUrl}/e/${stack.keys.eventKey}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: "folio/job.created", id: `job-created-${job.id}`, data: { jobId: job.id, userId: user.id } }),
      });
      expect(sent.ok).toBe(true);
      const done = await waitForJob(user, job.id, (j) => j.terminal, 120_000);
      expect(done).toMatchObject({ status: "FAILED", creditsReserved: 0 });
      expect(String(done.errorSummary)).toMatch(/^SPLIT_FAILED/);
      expect(await balance(user)).toBe(100);
      await expectLedgerInvariant(user.id);
    } finally {
      if (!runnerUp) await stack.startRunner();
    }
  }, 150_000);

  it("cancelled right after the upload (while it is split, lying /Count): released, nothing reserved after the cancel", async () => {
    const user = await freshUser("cancel-early", 100);
    const job = await upJob(user, await lyingCountPdf(60, { hideLeaves: true, seed: 48 }));
    const res = await fetch(`${baseUrl()}/api/jobs/${job.id}/cancel`, { method: "POST", headers: bearer(user) });
    expect(res.status).toBe(202);
    const done = await waitForJob(user, job.id, (j) => j.terminal, 60_000);
    expect(done).toMatchObject({ status: "CANCELLED", creditsReserved: 0, creditsCharged: 0 });
    // Let the split finish whatever it was doing; it must not reserve for a cancelled job.
    await new Promise((r) => setTimeout(r, 5000));
    expect((await db.job.findUniqueOrThrow({ where: { id: job.id } })).creditsReserved).toBe(0);
    expect(await balance(user)).toBe(100);
    await expectLedgerInvariant(user.id);
  }, 150_000);

  it("cancelled while processing: released, succeeded pages not charged", async () => {
    const user = await freshUser("cancel-late", 1000);
    const job = await upJob(user, await makeNovelPdf({ pages: 200, seed: 49 }));
    await waitForJob(user, job.id, (j) => j.status === "PROCESSING" && (j.succeededChunks as number) >= 1, 120_000);
    const res = await fetch(`${baseUrl()}/api/jobs/${job.id}/cancel`, { method: "POST", headers: bearer(user) });
    expect(res.status).toBe(202);
    const done = await waitForJob(user, job.id, (j) => j.terminal, 60_000);
    expect(done).toMatchObject({ status: "CANCELLED", creditsReserved: 0 });
    await new Promise((r) => setTimeout(r, 2000));
    expect(await balance(user)).toBe(1000);
    await expectLedgerInvariant(user.id);
  }, 150_000);
});
