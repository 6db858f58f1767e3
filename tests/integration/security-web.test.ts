import http from "node:http";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { baseUrl, bearer, errorCode, newUser, signIn, upload, type TestUser } from "../helpers/client";
import { makeNovelPdf } from "../fixtures/pdfs";
import { db } from "@/lib/db";
import { creditBalance } from "@/lib/credits";

/** Open redirect, CSRF, security headers and CSV injection, against the real app. */

const REDIRECT_PAYLOADS = [
  "%2F%09%2Fevil.example",
  "//evil.example",
  "/\\evil.example",
  "https://evil.example",
  "%0A",
  "%0D",
  "/%0A/evil.example",
  "/%0D/evil.example",
  "javascript:alert(1)",
  "%2F%2Fevil.example",
  "/%5Cevil.example",
];

let pdf: Uint8Array;
let alice: TestUser;
let admin: string;

beforeAll(async () => {
  pdf = await makeNovelPdf({ pages: 2, seed: 11 });
  alice = await newUser("sec");
  admin = await signIn(inject("adminEmail"), inject("adminPassword"));
});

/** next-auth's credentials callback with a chosen callbackUrl; answers the URL it would send the browser to. */
async function signInWithCallback(email: string, password: string, callbackUrl: string): Promise<{ status: number; url: string }> {
  const csrfRes = await fetch(`${baseUrl()}/api/auth/csrf`);
  const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
  const cookie = csrfRes.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const res = await fetch(`${baseUrl()}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie },
    body: new URLSearchParams({ csrfToken, email, password, callbackUrl, json: "true" }),
  });
  const body = (await res.json().catch(() => ({}))) as { url?: string };
  return { status: res.status, url: body.url ?? res.headers.get("location") ?? "" };
}

function sameOrigin(target: string): boolean {
  return new URL(target, baseUrl()).origin === new URL(baseUrl()).origin;
}

describe("open redirect after sign-in", () => {
  it("answers the sign-in page with 200 for every payload, signed out", async () => {
    for (const p of REDIRECT_PAYLOADS) {
      const res = await fetch(`${baseUrl()}/signin?callbackUrl=${p}`, { redirect: "manual" });
      expect([p, res.status]).toEqual([p, 200]);
      await res.text();
    }
  });

  it("redirects a signed-in visitor only to a same-origin path, never with a 500", async () => {
    for (const p of REDIRECT_PAYLOADS) {
      const res = await fetch(`${baseUrl()}/signin?callbackUrl=${p}`, { redirect: "manual", headers: { cookie: alice.cookie } });
      expect([p, res.status >= 300 && res.status < 400]).toEqual([p, true]);
      const location = res.headers.get("location") ?? "";
      expect([p, sameOrigin(location), new URL(location, baseUrl()).pathname]).toEqual([p, true, "/upload"]);
    }
    // An ordinary local destination is kept.
    const ok = await fetch(`${baseUrl()}/signin?callbackUrl=%2Fjobs%3Fpage%3D2`, { redirect: "manual", headers: { cookie: alice.cookie } });
    expect(new URL(ok.headers.get("location") ?? "", baseUrl()).href).toBe(`${baseUrl()}/jobs?page=2`);
  });

  it("makes next-auth's own callback answer only same-origin URLs", async () => {
    for (const p of REDIRECT_PAYLOADS) {
      const { status, url } = await signInWithCallback(alice.email, alice.password, decodeURIComponent(p));
      expect([p, status]).toEqual([p, 200]);
      expect([p, sameOrigin(url)]).toEqual([p, true]);
      // The browser parses the answer: tabs and newlines are dropped, so check the path too.
      expect([p, new URL(url).pathname.startsWith("//")]).toEqual([p, false]);
    }
    const { url } = await signInWithCallback(alice.email, alice.password, "/jobs");
    expect(url).toBe(`${baseUrl()}/jobs`);
  });
});

const FOREIGN = "https://evil.example";

type Attempt = { method: string; path: string; body?: string; origin?: string | null; cookie: string; headers?: Record<string, string> };

async function attempt(a: Attempt): Promise<Response> {
  const headers: Record<string, string> = { "content-type": "application/json", cookie: a.cookie, ...(a.headers ?? {}) };
  if (a.origin !== undefined && a.origin !== null) headers.origin = a.origin;
  return fetch(`${baseUrl()}${a.path}`, { method: a.method, headers, body: a.body });
}

async function newJob(user: TestUser): Promise<string> {
  const res = await upload(user, pdf);
  expect(res.status).toBe(202);
  return ((await res.json()) as { job: { id: string } }).job.id;
}

async function activeTokens(user: TestUser): Promise<string[]> {
  const rows = await db.apiToken.findMany({ where: { userId: user.id, revokedAt: null }, select: { id: true } });
  return rows.map((r) => r.id);
}

describe("CSRF: state-changing cookie requests must come from the app's own origin", () => {
  const refusedOrigins: [string, Partial<Attempt>][] = [
    ["a foreign Origin", { origin: FOREIGN }],
    ["Origin: null", { origin: "null" }],
    ["another port of the same host", { origin: "http://127.0.0.1:1" }],
    ["no Origin but Sec-Fetch-Site: cross-site", { headers: { "sec-fetch-site": "cross-site" } }],
    ["no Origin but Sec-Fetch-Site: same-site", { headers: { "sec-fetch-site": "same-site" } }],
    ["a text/plain body without Origin", { headers: { "content-type": "text/plain" } }],
    ["a form-encoded body without Origin", { headers: { "content-type": "application/x-www-form-urlencoded" } }],
  ];

  it.each(refusedOrigins)("refuses %s on every route, and nothing changes", async (_label, extra) => {
    const user = await newUser("csrf");
    const jobId = await newJob(user);
    const tokensBefore = await activeTokens(user);
    const jobsBefore = await db.job.count({ where: { userId: user.id } });
    const grantee = await newUser("grantee");
    const balanceBefore = await creditBalance(grantee.id);

    const cases: Attempt[] = [
      { method: "POST", path: "/api/tokens", body: JSON.stringify({ name: "evil" }), cookie: user.cookie },
      { method: "DELETE", path: `/api/tokens/${tokensBefore[0]}`, cookie: user.cookie },
      { method: "POST", path: `/api/jobs/${jobId}/cancel`, cookie: user.cookie },
      { method: "POST", path: `/api/jobs/${jobId}/chunks/retry`, body: "{}", cookie: user.cookie },
      { method: "POST", path: "/api/admin/credits", body: JSON.stringify({ email: grantee.email, amount: 999 }), cookie: admin },
      { method: "POST", path: "/api/admin/chunks/retry", body: JSON.stringify({ chunkIds: ["x"] }), cookie: admin },
    ];
    for (const c of cases) {
      const res = await attempt({ ...c, ...extra, headers: { ...(extra.headers ?? {}) } });
      expect([c.method, c.path, res.status]).toEqual([c.method, c.path, 403]);
      expect(await errorCode(res)).toBe("CSRF_REJECTED");
    }
    // The upload (multipart/form-data, which a cross-site form can send too); the body-type cases
    // do not apply to it.
    if (!extra.headers?.["content-type"]) {
      const headers: Record<string, string> = { cookie: user.cookie, ...(extra.headers ?? {}) };
      if (extra.origin) headers.origin = extra.origin;
      const up = await upload(null, pdf, { headers });
      expect(up.status).toBe(403);
      expect(await errorCode(up)).toBe("CSRF_REJECTED");
    }

    expect((await db.job.findUniqueOrThrow({ where: { id: jobId } })).status).not.toBe("CANCELLED");
    expect(await activeTokens(user)).toEqual(tokensBefore);
    expect(await db.job.count({ where: { userId: user.id } })).toBe(jobsBefore);
    expect(await creditBalance(grantee.id)).toBe(balanceBefore);
  });

  it("accepts the same requests from the app's own origin", async () => {
    const user = await newUser("csrf-ok");
    const jobId = await newJob(user);
    const grantee = await newUser("grantee-ok");
    const before = await creditBalance(grantee.id);
    const origin = baseUrl();

    const created = await attempt({ method: "POST", path: "/api/tokens", body: JSON.stringify({ name: "mine" }), origin, cookie: user.cookie });
    expect(created.status).toBe(201);
    const { id: tokenId } = (await created.json()) as { id: string };
    const del = await attempt({ method: "DELETE", path: `/api/tokens/${tokenId}`, origin, cookie: user.cookie, headers: { "sec-fetch-site": "same-origin" } });
    expect(del.status).toBe(200);
    // No Origin, Sec-Fetch-Site: same-origin (what a browser may send on a same-origin request).
    const retry = await attempt({ method: "POST", path: `/api/jobs/${jobId}/chunks/retry`, body: "{}", cookie: user.cookie, headers: { "sec-fetch-site": "same-origin" } });
    expect(retry.status).not.toBe(403);
    const cancel = await attempt({ method: "POST", path: `/api/jobs/${jobId}/cancel`, origin, cookie: user.cookie });
    expect(cancel.status).toBe(202);
    expect((await db.job.findUniqueOrThrow({ where: { id: jobId } })).status).toBe("CANCELLED");
    const grant = await attempt({ method: "POST", path: "/api/admin/credits", body: JSON.stringify({ email: grantee.email, amount: 5 }), origin, cookie: admin });
    expect(grant.status).toBe(201);
    expect(await creditBalance(grantee.id)).toBe(before + 5);
    const adminRetry = await attempt({ method: "POST", path: "/api/admin/chunks/retry", body: JSON.stringify({ chunkIds: ["x"] }), origin, cookie: admin });
    expect(adminRetry.status).toBe(409);
    const up = await upload(null, pdf, { headers: { cookie: user.cookie, origin } });
    expect(up.status).toBe(202);
  });

  it("accepts cookie requests with neither Origin nor Sec-Fetch-Site (curl, the CLI): no browser sends those cross-site", async () => {
    const user = await newUser("csrf-cli");
    const res = await attempt({ method: "POST", path: "/api/tokens", body: JSON.stringify({ name: "cli" }), cookie: user.cookie });
    expect(res.status).toBe(201);
  });

  it("accepts the origin of the Host the browser addressed (npm start on 0.0.0.0, opened by LAN address)", async () => {
    const user = await newUser("csrf-lan");
    const port = new URL(baseUrl()).port;
    const lan = `192.168.1.20:${port}`;
    const status = await new Promise<number>((resolve, reject) => {
      const body = JSON.stringify({ name: "lan" });
      const req = http.request(
        `${baseUrl()}/api/tokens`,
        { method: "POST", headers: { host: lan, origin: `http://${lan}`, cookie: user.cookie, "content-type": "application/json", "content-length": Buffer.byteLength(body) } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on("error", reject);
      req.end(body);
    });
    expect(status).toBe(201);
    // The same Origin with another Host is still refused.
    const other = await attempt({ method: "POST", path: "/api/tokens", body: "{}", origin: `http://${lan}`, cookie: user.cookie });
    expect(other.status).toBe(403);
  });

  it("leaves Bearer-token requests alone, whatever their Origin", async () => {
    const user = await newUser("csrf-bearer");
    const jobId = await newJob(user);
    const tok = await fetch(`${baseUrl()}/api/tokens`, { method: "POST", headers: { ...bearer(user), origin: FOREIGN, "content-type": "application/json" }, body: "{}" });
    expect(tok.status).toBe(201);
    const cancel = await fetch(`${baseUrl()}/api/jobs/${jobId}/cancel`, { method: "POST", headers: { ...bearer(user), origin: "null" } });
    expect(cancel.status).toBe(202);
    const up = await upload(user, pdf, { headers: { origin: FOREIGN } });
    expect(up.status).toBe(202);
  });

  it("does not touch safe methods", async () => {
    const res = await fetch(`${baseUrl()}/api/me`, { headers: { cookie: alice.cookie, origin: FOREIGN } });
    expect(res.status).toBe(200);
  });
});

function nonceOf(csp: string | null): string | null {
  return /'nonce-([^']+)'/.exec(csp ?? "")?.[1] ?? null;
}

describe("security headers", () => {
  it("sends a nonce CSP per page request, matching the nonce on the page's scripts", async () => {
    const a = await fetch(`${baseUrl()}/signin`);
    const b = await fetch(`${baseUrl()}/signin`);
    const csp = a.headers.get("content-security-policy");
    expect(csp).toMatch(/frame-ancestors 'none'/);
    expect(csp).toMatch(/script-src [^;]*'strict-dynamic'/);
    expect(csp).toMatch(/object-src 'none'/);
    expect(csp).not.toMatch(/script-src [^;]*'unsafe-inline'/);
    const n1 = nonceOf(csp);
    const n2 = nonceOf(b.headers.get("content-security-policy"));
    expect(n1).toMatch(/^[A-Za-z0-9+/=]{16,}$/);
    expect(n2).not.toBe(n1);
    const html = await a.text();
    await b.text();
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toContain(`nonce="${n1}"`);
    expect(a.headers.get("x-content-type-options")).toBe("nosniff");
    expect(a.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
    expect(a.headers.get("strict-transport-security")).toBeNull();
  });

  it("puts the CSP on the pages of a signed-in user too", async () => {
    for (const path of ["/upload", "/jobs", "/settings"]) {
      const res = await fetch(`${baseUrl()}${path}`, { headers: { cookie: alice.cookie } });
      expect([path, res.status]).toEqual([path, 200]);
      const n = nonceOf(res.headers.get("content-security-policy"));
      expect(n).not.toBeNull();
      const html = await res.text();
      for (const m of html.matchAll(/<script\b[^>]*>/g)) expect(m[0]).toContain(`nonce="${n}"`);
    }
  });

  it("sends HSTS only over https (X-Forwarded-Proto from a TLS proxy)", async () => {
    const page = await fetch(`${baseUrl()}/signin`, { headers: { "x-forwarded-proto": "https" } });
    expect(page.headers.get("strict-transport-security")).toMatch(/max-age=\d+/);
    expect(page.headers.get("content-security-policy")).toMatch(/upgrade-insecure-requests/);
    await page.text();
    const api = await fetch(`${baseUrl()}/api/health`, { headers: { "x-forwarded-proto": "https" } });
    expect(api.headers.get("strict-transport-security")).toMatch(/max-age=\d+/);
    const plain = await fetch(`${baseUrl()}/signin`);
    expect(plain.headers.get("content-security-policy")).not.toMatch(/upgrade-insecure-requests/);
    await plain.text();
  });

  it("sends nosniff and frame-ancestors on API answers, without running the page proxy", async () => {
    for (const [path, headers] of [
      ["/api/health", {}],
      ["/api/me", { cookie: alice.cookie }],
      ["/api/jobs", bearer(alice)],
    ] as const) {
      const res = await fetch(`${baseUrl()}${path}`, { headers });
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      const csp = res.headers.get("content-security-policy");
      expect(csp).toMatch(/frame-ancestors 'none'/);
      expect(csp).toMatch(/default-src 'none'/);
      expect(nonceOf(csp)).toBeNull();
      await res.text();
    }
  });
});

describe("CSV export", () => {
  it("neutralises formula-like cells in GET /api/jobs/:id/result?format=csv", async () => {
    const jobId = await newJob(alice);
    const chunk = await db.chunk.create({ data: { jobId, index: 999, startPage: 1, endPage: 1, status: "SUCCEEDED" } });
    const texts = ['=HYPERLINK("https://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "- Oui, dit-il.", "Une phrase ordinaire."];
    await db.sentence.createMany({ data: texts.map((text, i) => ({ jobId, chunkId: chunk.id, chunkIndex: 999, chunkOrder: i, text, page: 1 })) });
    await db.sentence.deleteMany({ where: { jobId, chunkIndex: { not: 999 } } });
    await db.job.update({ where: { id: jobId }, data: { status: "COMPLETED" } });
    const res = await fetch(`${baseUrl()}/api/jobs/${jobId}/result?format=csv`, { headers: bearer(alice) });
    expect(res.status).toBe(200);
    const body = (await res.text()).replace(/^\uFEFF/, "");
    expect(body).toContain(`,"'=HYPERLINK(""https://evil.example"",""x"")"\r\n`);
    expect(body).toContain(`,"'+1+1"\r\n`);
    expect(body).toContain(`,"'-2+3"\r\n`);
    expect(body).toContain(`,"'@SUM(A1)"\r\n`);
    expect(body).toContain(`,"'\t=1"\r\n`);
    expect(body).toContain(`,"'\r=1"\r\n`);
    expect(body).toContain(`,"'- Oui, dit-il."\r\n`);
    expect(body).toContain(`,Une phrase ordinaire.\r\n`);
  });
});
