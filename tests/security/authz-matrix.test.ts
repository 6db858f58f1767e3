/**
 * Every API route × every kind of caller, against the three-process stack as `npm start` runs it
 * (web, functions, bundled runner in signed mode): anonymous, another user (cookie and token),
 * the owner by token, the owner by cookie (same-origin, as the app's own pages send it), and an
 * administrator. Other users' jobs are 404 (never 403: their existence is not told), admin routes
 * are 403 for users, and a refused call changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Stack } from "../helpers/stack";
import { newUser, signIn, upload, useBaseUrl, waitForJob, type TestUser } from "../helpers/client";
import { makeNovelPdf } from "../fixtures/pdfs";
import { db } from "@/lib/db";

type Who = "anonymous" | "otherCookie" | "otherToken" | "ownerToken" | "ownerCookie" | "admin";
const WHO: Who[] = ["anonymous", "otherCookie", "otherToken", "ownerToken", "ownerCookie", "admin"];

let stack: Stack;
let owner: TestUser;
let other: TestUser;
let adminCookie: string;
let jobId: string;
let chunkId: string;
const ADMIN = { email: "matrix-admin@folio.test", password: "matrix-admin-password-1" };

beforeAll(async () => {
  stack = await new Stack({ env: { FOLIO_ADMIN_EMAIL: ADMIN.email, FOLIO_ADMIN_PASSWORD: ADMIN.password } }).start();
  useBaseUrl(stack.baseUrl);
  stack.shareData();
  adminCookie = await signIn(ADMIN.email, ADMIN.password);
  owner = await newUser("owner");
  other = await newUser("other");
  const res = await upload(owner, await makeNovelPdf({ pages: 12, seed: 9 }));
  expect(res.status).toBe(202);
  jobId = ((await res.json()) as { job: { id: string } }).job.id;
  await waitForJob(owner, jobId);
  chunkId = (await db.chunk.findFirstOrThrow({ where: { jobId } })).id;
});

afterAll(async () => {
  useBaseUrl(null);
  await stack?.stop();
});

function headersFor(who: Who): Record<string, string> {
  switch (who) {
    case "anonymous":
      return {};
    case "otherCookie":
      return { cookie: other.cookie, origin: stack.baseUrl };
    case "otherToken":
      return { authorization: `Bearer ${other.token}` };
    case "ownerToken":
      return { authorization: `Bearer ${owner.token}` };
    case "ownerCookie":
      return { cookie: owner.cookie, origin: stack.baseUrl };
    case "admin":
      return { cookie: adminCookie, origin: stack.baseUrl };
  }
}

type Row = {
  name: string;
  method: string;
  path: () => string | Promise<string>;
  body?: () => BodyInit | undefined;
  json?: unknown;
  expect: Record<Who, number | number[]>;
};

const user = (n: number | number[]) => ({ otherCookie: n, otherToken: n, ownerToken: n, ownerCookie: n });
const job = (owner: number | number[], admin: number | number[] = owner): Record<Who, number | number[]> => ({
  anonymous: 401,
  otherCookie: 404,
  otherToken: 404,
  ownerToken: owner,
  ownerCookie: owner,
  admin,
});
const adminOnly = (admin: number | number[]): Record<Who, number | number[]> => ({ anonymous: 401, ...user(403), admin });
const signedIn = (n: number | number[]): Record<Who, number | number[]> => ({ anonymous: 401, ...user(n), admin: n });

const ROWS: Row[] = [
  { name: "list jobs", method: "GET", path: () => "/api/jobs", expect: signedIn(200) },
  { name: "list every user's jobs", method: "GET", path: () => "/api/jobs?all=1", expect: adminOnly(200) },
  { name: "upload (no file: auth passes, then 400)", method: "POST", path: () => "/api/jobs", body: () => new FormData(), expect: signedIn(400) },
  { name: "job", method: "GET", path: () => `/api/jobs/${jobId}`, expect: job(200) },
  { name: "job chunks", method: "GET", path: () => `/api/jobs/${jobId}/chunks`, expect: job(200) },
  { name: "job result", method: "GET", path: () => `/api/jobs/${jobId}/result?format=json`, expect: job(200) },
  { name: "job sentences", method: "GET", path: () => `/api/jobs/${jobId}/sentences`, expect: job(200) },
  { name: "cancel a finished job", method: "POST", path: () => `/api/jobs/${jobId}/cancel`, json: {}, expect: job(409) },
  { name: "retry chunks of a finished job", method: "POST", path: () => `/api/jobs/${jobId}/chunks/retry`, json: {}, expect: job(409) },
  { name: "an unknown job", method: "GET", path: () => "/api/jobs/not-a-job", expect: { anonymous: 401, ...user(404), admin: 404 } },
  // Deleting for real is tests/integration/delete.test.ts; here the answer to each caller, nothing removed.
  { name: "delete an unknown job", method: "DELETE", path: () => "/api/jobs/not-a-job", expect: { anonymous: 401, ...user(404), admin: 404 } },
  { name: "me", method: "GET", path: () => "/api/me", expect: signedIn(200) },
  { name: "tokens", method: "GET", path: () => "/api/tokens", expect: signedIn(200) },
  { name: "create a token", method: "POST", path: () => "/api/tokens", json: { name: "matrix" }, expect: signedIn(201) },
  {
    name: "revoke the owner's token",
    method: "DELETE",
    path: async () => {
      const t = await db.apiToken.create({ data: { userId: owner.id, name: "to revoke", tokenHash: `h-${Math.random()}`, prefix: "x" } });
      return `/api/tokens/${t.id}`;
    },
    expect: { anonymous: 401, otherCookie: 404, otherToken: 404, ownerToken: 200, ownerCookie: 200, admin: 404 },
  },
  { name: "admin chunk list", method: "GET", path: () => "/api/admin/chunks", expect: adminOnly(200) },
  { name: "admin chunk summary", method: "GET", path: () => "/api/admin/chunks/summary", expect: adminOnly(200) },
  { name: "admin bulk retry", method: "POST", path: () => "/api/admin/chunks/retry", json: { chunkIds: ["none"] }, expect: adminOnly(409) },
  { name: "admin credit grant", method: "POST", path: () => "/api/admin/credits", json: { email: "nobody@folio.test", amount: 1 }, expect: adminOnly(404) },
  { name: "admin invitation code", method: "POST", path: () => "/api/admin/invites", json: {}, expect: adminOnly(201) },
  { name: "admin approves an unknown account", method: "POST", path: () => "/api/admin/users/nobody/approve", json: {}, expect: adminOnly(404) },
  { name: "config (public)", method: "GET", path: () => "/api/config", expect: { anonymous: 200, ...user(200), admin: 200 } },
  { name: "health (public)", method: "GET", path: () => "/api/health", expect: { anonymous: 200, ...user(200), admin: 200 } },
  { name: "functions endpoint on the web process", method: "POST", path: () => "/api/inngest?fnId=folio-split-job&stepId=step", json: {}, expect: { anonymous: 404, ...user(404), admin: 404 } },
];

describe("authorization matrix (every route × every caller)", () => {
  for (const row of ROWS) {
    it(`${row.method} ${row.name}`, async () => {
      const seen: Record<string, number> = {};
      for (const who of WHO) {
        const headers: Record<string, string> = headersFor(who);
        let body: BodyInit | undefined = row.body?.();
        if (row.json !== undefined) {
          headers["content-type"] = "application/json";
          body = JSON.stringify(row.json);
        }
        const res = await fetch(`${stack.baseUrl}${await row.path()}`, { method: row.method, headers, body });
        await res.arrayBuffer();
        seen[who] = res.status;
      }
      const expected = Object.fromEntries(WHO.map((w) => [w, row.expect[w]]));
      const ok = WHO.every((w) => {
        const e = row.expect[w];
        return Array.isArray(e) ? e.includes(seen[w] ?? 0) : e === seen[w];
      });
      if (!ok) expect(seen).toEqual(expected);
    });
  }

  it("refused callers changed nothing: the owner's job, chunks and credits are as they were", async () => {
    const jobRow = await db.job.findUniqueOrThrow({ where: { id: jobId } });
    expect(jobRow.status).toBe("COMPLETED");
    const chunk = await db.chunk.findUniqueOrThrow({ where: { id: chunkId } });
    expect(chunk.status).toBe("SUCCEEDED");
    const grants = await db.creditEntry.count({ where: { kind: "GRANT", note: { contains: "granted by" } } });
    expect(grants).toBe(0);
  });
});
