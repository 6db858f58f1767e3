/**
 * The function endpoint as `npm start` runs it (web process, functions process, bundled runner in
 * signed mode): anonymous, unsigned and badly signed calls to /api/inngest change nothing, the web
 * process does not serve it at all (404), the functions process refuses them (401), and a forged
 * sync cannot move the runner to another URL.
 */
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Stack } from "../helpers/stack";
import { newUser, upload, useBaseUrl, waitForJob, type TestUser } from "../helpers/client";
import { makeNovelPdf } from "../fixtures/pdfs";
import { signatureHeader } from "../../runner/signing";
import { newInngestKeys } from "../../scripts/inngest-keys.mjs";
import { db } from "@/lib/db";

let stack: Stack;
let victim: TestUser;
let jobId: string;

beforeAll(async () => {
  stack = await new Stack().start();
  useBaseUrl(stack.baseUrl);
  stack.shareData();
  victim = await newUser("victim");
  const res = await upload(victim, await makeNovelPdf({ pages: 12, seed: 5 }));
  expect(res.status).toBe(202);
  jobId = ((await res.json()) as { job: { id: string } }).job.id;
  // Generous: the machine may be loaded; the job's end state is what matters.
  await waitForJob(victim, jobId, (j) => j.terminal);
}, 300_000);

afterAll(async () => {
  useBaseUrl(null);
  await stack?.stop();
});

type Snapshot = { job: unknown; chunks: unknown; sentences: number; jobs: number; credits: number };
async function snapshot(): Promise<Snapshot> {
  return {
    job: await db.job.findUnique({ where: { id: jobId } }),
    chunks: await db.chunk.findMany({ where: { jobId }, orderBy: { index: "asc" } }),
    sentences: await db.sentence.count(),
    jobs: await db.job.count(),
    credits: await db.creditEntry.count(),
  };
}

async function runnerFunctionUrls(): Promise<string[]> {
  const body = (await (await fetch(`${stack.runnerUrl}/functions`)).json()) as { functions: Array<{ url: string }> };
  return body.functions.map((f) => f.url).sort();
}

/** A forged split-job call: the victim's job with a forged step state. */
function forgedCall(): string {
  return JSON.stringify({
    event: { name: "folio/job.created", data: { jobId, userId: victim.id } },
    events: [{ name: "folio/job.created", data: { jobId, userId: victim.id } }],
    steps: {},
    ctx: { run_id: "01FORGED", attempt: 0, disable_immediate_execution: false, use_api: false, stack: { stack: [], current: 0 } },
    version: 2,
  });
}

function rawRequest(url: string, method: string, headers: Record<string, string>, body = ""): Promise<number> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, path: u.pathname + u.search, method, headers: { ...headers, "content-length": String(Buffer.byteLength(body)) } }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end(body);
  });
}

describe("/api/inngest under npm start's three processes", () => {
  it("ran the victim's job to the end in signed mode", async () => {
    const job = await db.job.findUniqueOrThrow({ where: { id: jobId } });
    expect(job.status).toBe("COMPLETED");
  });

  it("the public web process answers 404 to every method, signed or not", async () => {
    const before = await snapshot();
    const body = forgedCall();
    const url = `${stack.baseUrl}/api/inngest?fnId=folio-split-job&stepId=step`;
    expect((await fetch(`${stack.baseUrl}/api/inngest`)).status).toBe(404);
    expect(await rawRequest(`${stack.baseUrl}/api/inngest`, "PUT", { host: "evil.example" })).toBe(404);
    expect((await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body })).status).toBe(404);
    const signed = { "content-type": "application/json", "x-inngest-signature": signatureHeader(body, stack.keys.signingKey) };
    expect((await fetch(url, { method: "POST", headers: signed, body })).status).toBe(404);
    expect(await snapshot()).toEqual(before);
  });

  it("the functions process refuses unsigned and badly signed calls (401) and nothing changes", async () => {
    const before = await snapshot();
    const body = forgedCall();
    const url = `${stack.functionsUrl}/api/inngest?fnId=folio-split-job&stepId=step`;
    const unsigned = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body });
    expect(unsigned.status).toBe(401);
    const wrongKey = await fetch(url, { method: "POST", headers: { "content-type": "application/json", "x-inngest-signature": signatureHeader(body, newInngestKeys().signingKey) }, body });
    expect(wrongKey.status).toBe(401);
    const garbage = await fetch(url, { method: "POST", headers: { "content-type": "application/json", "x-inngest-signature": "t=1&s=00" }, body });
    expect(garbage.status).toBe(401);
    // A valid signature over another body does not cover this one.
    const replayed = await fetch(url, { method: "POST", headers: { "content-type": "application/json", "x-inngest-signature": signatureHeader("{}", stack.keys.signingKey) }, body });
    expect(replayed.status).toBe(401);
    expect(await snapshot()).toEqual(before);
  });

  it("a PUT with a forged Host leaves the runner's app URL as configured", async () => {
    const before = await runnerFunctionUrls();
    expect(before.length).toBeGreaterThan(0);
    expect(before.every((u) => u.startsWith(`${stack.functionsUrl}/api/inngest`))).toBe(true);
    await rawRequest(`${stack.functionsUrl}/api/inngest`, "PUT", { host: "evil.example:80", "x-forwarded-host": "evil.example" });
    await rawRequest(`${stack.functionsUrl}/api/inngest?deployId=x`, "PUT", { host: "evil.example" });
    expect(await runnerFunctionUrls()).toEqual(before);
  });

  it("the runner refuses events without the event key", async () => {
    const before = await snapshot();
    const res = await fetch(`${stack.runnerUrl}/e/anything`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "folio/job.created", data: { jobId, userId: victim.id } }),
    });
    expect(res.status).toBe(401);
    expect(await snapshot()).toEqual(before);
  });
});
