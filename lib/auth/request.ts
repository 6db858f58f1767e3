import type { NextRequest } from "next/server";
import { getToken } from "next-auth/jwt";
import { db } from "@/lib/db";
import { ApiError } from "@/lib/http/errors";
import { verifyApiToken } from "@/lib/auth/tokens";
import { ensureAuthSecret } from "@/lib/auth/secret";

export type Caller = { id: string; email: string; role: "USER" | "ADMIN"; via: "session" | "token" };

/** Authenticates an API request by `Authorization: Bearer <token>` or the next-auth session cookie. */
export async function requireCaller(req: NextRequest): Promise<Caller> {
  const auth = req.headers.get("authorization");
  let userId: string | undefined;
  let via: Caller["via"] = "session";
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
    const token = await getToken({ req, secret: ensureAuthSecret() });
    userId = token?.sub;
  }
  if (!userId) throw new ApiError(401, "UNAUTHENTICATED", "Sign in or send an API token.");
  const user = await db.user.findUnique({ where: { id: userId }, select: { id: true, email: true, role: true } });
  if (!user) throw new ApiError(401, "UNAUTHENTICATED", "This account no longer exists.");
  return { id: user.id, email: user.email, role: user.role, via };
}

export function requireAdmin(caller: Caller): void {
  if (caller.role !== "ADMIN") throw new ApiError(403, "FORBIDDEN", "Administrators only.");
}
