import crypto from "node:crypto";
import { db } from "@/lib/db";
import { ApiError } from "@/lib/http/errors";
import { clientIp, getAuthSettings } from "@/lib/auth/settings";
import { hit, keys, lockedFor, tooManyAttempts } from "@/lib/auth/throttle";
import { createUser, publicUser } from "@/lib/users";

/**
 * Sign-up under FOLIO_SIGNUP (FOLIO_ALLOW_SIGNUP=false still means "closed"):
 * - open: anyone; a taken email answers 409 EMAIL_TAKEN. With open sign-up and no email round trip
 *   an honest form has to say so (the person may simply have forgotten they have an account), so
 *   instead of hiding it every attempt counts against the per-IP sign-up limit.
 * - approval: the account is created but cannot sign in nor has credits until an admin approves it.
 *   New and taken emails get the same 202 answer (no user object), so it confirms nothing.
 * - invite: an unused, unexpired invitation code is required; it is checked before the email.
 * - closed: 403 SIGNUP_DISABLED.
 */
export type SignupBody = { email: string; password: string; name?: string; invite?: string };
export type SignupResult = { status: number; body: Record<string, unknown> };

const PENDING_MESSAGE = "Thanks. If this email can be registered, the account will be usable once an administrator approves it.";

export async function signUp(input: SignupBody, headers: Headers): Promise<SignupResult> {
  const settings = getAuthSettings();
  const mode = settings.signupMode;
  if (mode === "closed") throw new ApiError(403, "SIGNUP_DISABLED", "Sign-up is turned off on this server.");

  const key = keys.signupIp(clientIp(headers, settings));
  const wait = await lockedFor([key]);
  if (wait > 0) throw tooManyAttempts(wait, "Too many sign-ups from your network.");
  const counted = await hit(key, settings.signupIp);
  // A burst racing past the check above: the atomic count decides.
  if (counted.count > settings.signupIp.max) throw tooManyAttempts(counted.lockedUntil - Date.now(), "Too many sign-ups from your network.");

  const base = { email: input.email, password: input.password, name: input.name };
  if (mode === "invite") {
    const codeHash = hashCode(input.invite ?? "");
    const invite = input.invite ? await db.invite.findUnique({ where: { codeHash } }) : null;
    if (!invite || invite.usedAt || invite.expiresAt.getTime() <= Date.now()) {
      throw new ApiError(400, "INVITE_INVALID", "Sign-up needs a valid invitation code (unused and not expired).");
    }
    const user = await createUser(base, {
      inTransaction: async (tx, userId) => {
        const used = await tx.invite.updateMany({ where: { codeHash, usedAt: null, expiresAt: { gt: new Date() } }, data: { usedAt: new Date(), usedById: userId } });
        if (used.count !== 1) throw new ApiError(400, "INVITE_INVALID", "This invitation code has just been used.");
      },
    });
    return { status: 201, body: { user: publicUser(user) } };
  }
  if (mode === "approval") {
    try {
      await createUser(base, { approved: false });
    } catch (err) {
      if (!(err instanceof ApiError && err.code === "EMAIL_TAKEN")) throw err;
    }
    return { status: 202, body: { pending: true, message: PENDING_MESSAGE } };
  }
  const user = await createUser(base);
  return { status: 201, body: { user: publicUser(user) } };
}

function hashCode(code: string): string {
  return crypto.createHash("sha256").update(code.trim()).digest("hex");
}

/** A single-use invitation code (shown once; only its sha256 is stored). */
export async function createInvite(createdById: string, ttlMs = getAuthSettings().inviteTtlMs): Promise<{ code: string; expiresAt: Date }> {
  const code = crypto.randomBytes(18).toString("base64url");
  const expiresAt = new Date(Date.now() + ttlMs);
  await db.invite.create({ data: { codeHash: hashCode(code), createdById, expiresAt } });
  return { code, expiresAt };
}
