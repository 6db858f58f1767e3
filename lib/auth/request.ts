import type { NextRequest } from "next/server";
import { getToken } from "next-auth/jwt";
import { db } from "@/lib/db";
import { ApiError } from "@/lib/http/errors";
import { assertSameOrigin } from "@/lib/http/origin";
import { verifyApiToken } from "@/lib/auth/tokens";
import { ensureAuthSecret } from "@/lib/auth/secret";
import { SwrCache } from "@/lib/cache/swr";

export type Caller = { id: string; email: string; role: "USER" | "ADMIN"; via: "session" | "token" };

/**
 * Recently checked users, so a browser polling every second is not a database read each time:
 * one shared read per user per 2 s, never served older than that (stale limit = TTL).
 */
const USER_TTL_MS = 2_000;
type CachedUser = { id: string; email: string; role: "USER" | "ADMIN"; sessionVersion: number; approved: boolean };
const recentUsers = new SwrCache<CachedUser | null>(USER_TTL_MS, USER_TTL_MS, 5_000);
function findUser(id: string) {
  return recentUsers.get(id, () =>
    db.user.findUnique({ where: { id }, select: { id: true, email: true, role: true, sessionVersion: true, approved: true } }),
  );
}

/**
 * Decoded session cookies (the JWE string → its subject and session version) for a short while:
 * decoding derives a key and decrypts on every call.
 */
type SessionClaims = { sub: string | undefined; sv: number };
const recentSessions = new Map<string, { expires: number } & SessionClaims>();
async function sessionUserId(req: NextRequest): Promise<SessionClaims | undefined> {
  const raw = req.cookies.get("next-auth.session-token")?.value ?? req.cookies.get("__Secure-next-auth.session-token")?.value;
  const now = Date.now();
  const hit = raw ? recentSessions.get(raw) : undefined;
  if (hit && hit.expires > now) return hit;
  const token = await getToken({ req, secret: ensureAuthSecret() });
  if (!token) return undefined;
  // Sessions issued before session versions existed carry none: they count as version 0.
  const claims: SessionClaims = { sub: token.sub, sv: typeof token.sv === "number" ? token.sv : 0 };
  if (raw) {
    const exp = typeof token.exp === "number" ? token.exp * 1000 : now;
    recentSessions.set(raw, { expires: Math.min(now + 30_000, exp), ...claims });
    if (recentSessions.size > 5_000) for (const [k, e] of recentSessions) if (e.expires <= now) recentSessions.delete(k);
  }
  return claims;
}

/** Authenticates an API request by `Authorization: Bearer <token>` or the next-auth session cookie. */
export async function requireCaller(req: NextRequest): Promise<Caller> {
  const auth = req.headers.get("authorization");
  let userId: string | undefined;
  let via: Caller["via"] = "session";
  let session: SessionClaims | undefined;
  if (auth) {
    const m = /^Bearer\s+(\S+)$/i.exec(auth.trim());
    if (!m) throw new ApiError(401, "INVALID_TOKEN", "The Authorization header must be 'Bearer <token>'.");
    const check = await verifyApiToken(m[1]);
    if (!check.ok) {
      const code = check.reason === "revoked" ? "TOKEN_REVOKED" : check.reason === "expired" ? "TOKEN_EXPIRED" : "INVALID_TOKEN";
      const msg = check.reason === "unknown" ? "This API token is not valid." : `This API token is ${check.reason}.`;
      throw new ApiError(401, code, msg);
    }
    userId = check.userId;
    via = "token";
  } else {
    assertSameOrigin(req); // CSRF: state-changing cookie requests must come from the app's own origin
    session = await sessionUserId(req);
    userId = session?.sub;
  }
  if (!userId) throw new ApiError(401, "UNAUTHENTICATED", "Sign in or send an API token.");
  let user = await findUser(userId);
  // A session newer than the cached user (signed in again after a sign-out or role change): the cache is behind.
  if (user && session && session.sv > user.sessionVersion) {
    recentUsers.delete(userId);
    user = await findUser(userId);
  }
  if (!user) throw new ApiError(401, "UNAUTHENTICATED", "This account no longer exists.");
  // A session ends with sign-out or a role change (both bump sessionVersion); API tokens are not affected.
  if (session && (session.sv !== user.sessionVersion || !user.approved)) {
    throw new ApiError(401, "SESSION_EXPIRED", "This session has ended. Sign in again.");
  }
  return { id: user.id, email: user.email, role: user.role, via };
}

export function requireAdmin(caller: Caller): void {
  if (caller.role !== "ADMIN") throw new ApiError(403, "FORBIDDEN", "Administrators only.");
}
