import { describe, expect, it } from "vitest";
import { baseUrl, bearer, errorCode, newUser, signIn } from "../helpers/client";
import { db } from "@/lib/db";

describe("sign-up, sign-in and API tokens", () => {
  it("signs up, signs in with a session cookie and reads /api/me", async () => {
    const user = await newUser("me");
    const res = await fetch(`${baseUrl()}/api/me`, { headers: { cookie: user.cookie } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { user: { email: string; role: string }; credits: { balance: number } };
    expect(body.user).toMatchObject({ email: user.email, role: "USER" });
    expect(body.credits.balance).toBeGreaterThan(0);
  });

  it("stores only a scrypt hash of the password and a sha256 of tokens", async () => {
    const user = await newUser("hash");
    const row = await db.user.findUniqueOrThrow({ where: { email: user.email }, include: { apiTokens: true } });
    expect(row.passwordHash).toMatch(/^\$scrypt\$N=\d+,r=\d+,p=\d+\$/);
    expect(row.passwordHash).not.toContain(user.password);
    expect(row.apiTokens[0].tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.apiTokens[0].tokenHash).not.toBe(user.token);
  });

  it("marks the session cookie httpOnly and SameSite", async () => {
    const csrf = await fetch(`${baseUrl()}/api/auth/csrf`);
    const setCookie = csrf.headers.getSetCookie().join("\n");
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
  });

  it("refuses a wrong password", async () => {
    const user = await newUser("wrongpw");
    await expect(signIn(user.email, "not-the-password")).rejects.toThrow(/sign-in failed/);
  });

  it("refuses a duplicate email and an invalid sign-up", async () => {
    const user = await newUser("dup");
    const dup = await fetch(`${baseUrl()}/api/users`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: user.email.toUpperCase(), password: "another-password" }),
    });
    expect(dup.status).toBe(409);
    expect(await errorCode(dup)).toBe("EMAIL_TAKEN");
    const bad = await fetch(`${baseUrl()}/api/users`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "not-an-email", password: "short" }),
    });
    expect(bad.status).toBe(400);
    expect(await errorCode(bad)).toBe("INVALID_INPUT");
  });

  it("answers 401 without credentials", async () => {
    const res = await fetch(`${baseUrl()}/api/jobs`);
    expect(res.status).toBe(401);
    expect(await errorCode(res)).toBe("UNAUTHENTICATED");
  });

  it("answers 401 for an unknown, malformed, revoked or expired token", async () => {
    const user = await newUser("tok");
    const unknown = await fetch(`${baseUrl()}/api/jobs`, { headers: { authorization: "Bearer folio_nope" } });
    expect([unknown.status, await errorCode(unknown)]).toEqual([401, "INVALID_TOKEN"]);
    const malformed = await fetch(`${baseUrl()}/api/jobs`, { headers: { authorization: "Basic abc" } });
    expect([malformed.status, await errorCode(malformed)]).toEqual([401, "INVALID_TOKEN"]);

    expect((await fetch(`${baseUrl()}/api/jobs`, { headers: bearer(user) })).status).toBe(200);
    const list = (await (await fetch(`${baseUrl()}/api/tokens`, { headers: bearer(user) })).json()) as { tokens: { id: string }[] };
    const del = await fetch(`${baseUrl()}/api/tokens/${list.tokens[0].id}`, { method: "DELETE", headers: { cookie: user.cookie } });
    expect(del.status).toBe(200);
    const revoked = await fetch(`${baseUrl()}/api/jobs`, { headers: bearer(user) });
    expect([revoked.status, await errorCode(revoked)]).toEqual([401, "TOKEN_REVOKED"]);

    const created = await fetch(`${baseUrl()}/api/tokens`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie: user.cookie },
      body: JSON.stringify({ name: "short-lived", ttlDays: 1 }),
    });
    const { token, id } = (await created.json()) as { token: string; id: string };
    expect((await fetch(`${baseUrl()}/api/jobs`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    await db.apiToken.update({ where: { id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const expired = await fetch(`${baseUrl()}/api/jobs`, { headers: { authorization: `Bearer ${token}` } });
    expect([expired.status, await errorCode(expired)]).toEqual([401, "TOKEN_EXPIRED"]);
  });

  it("reports health", async () => {
    const res = await fetch(`${baseUrl()}/api/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, db: "ok", runner: { reachable: true } });
  });
});

describe("admin credit grants", () => {
  it("lets an admin grant credits and refuses everyone else", async () => {
    const { inject } = await import("vitest");
    const user = await newUser("grantee");
    const adminCookie = await signIn(inject("adminEmail"), inject("adminPassword"));
    const grant = (headers: Record<string, string>, body: unknown) =>
      fetch(`${baseUrl()}/api/admin/credits`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
    const before = ((await (await fetch(`${baseUrl()}/api/me`, { headers: bearer(user) })).json()) as { credits: { balance: number } }).credits.balance;
    const ok = await grant({ cookie: adminCookie }, { email: user.email, amount: 250, note: "thanks" });
    expect(ok.status).toBe(201);
    expect(((await ok.json()) as { balance: number }).balance).toBe(before + 250);
    const denied = await grant(bearer(user), { email: user.email, amount: 1000 });
    expect([denied.status, await errorCode(denied)]).toEqual([403, "FORBIDDEN"]);
    const bad = await grant({ cookie: adminCookie }, { email: user.email, amount: -5 });
    expect(bad.status).toBe(400);
    const nobody = await grant({ cookie: adminCookie }, { email: "nobody@folio.test", amount: 5 });
    expect([nobody.status, await errorCode(nobody)]).toEqual([404, "USER_NOT_FOUND"]);
  });
});
