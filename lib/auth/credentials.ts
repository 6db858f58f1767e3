import { db } from "@/lib/db";
import { SwrCache } from "@/lib/cache/swr";
import { needsRehash, hashPassword, verifyOrDummy } from "@/lib/auth/password";
import { clientIp, getAuthSettings } from "@/lib/auth/settings";
import { clear, hit, keys, lockedFor, retryAfterSeconds } from "@/lib/auth/throttle";
import { log } from "@/lib/log";

export type HeaderBag = Headers | Record<string, string | string[] | undefined>;

/** next-auth's `?error=` code for an account waiting for approval (SignInForm shows it). */
export const PENDING_APPROVAL = "PendingApproval";

/** The throttle keys of a sign-in attempt: the account (by email) and the client address. */
export function signInKeys(email: string, headers: HeaderBag): string[] {
  return [keys.signinAccount(email), keys.signinIp(clientIp(headers))];
}

/**
 * A 429 answer when the account or the address is locked, else null. Called by the [...nextauth]
 * route before next-auth runs, so the credentials callback can answer 429 + Retry-After.
 * The body also has next-auth's `url` (with `?error=TooManyAttempts`) so `signIn()` from
 * next-auth/react reports it instead of failing to parse.
 */
export async function signInThrottled(email: string, headers: HeaderBag, signinUrl: string): Promise<Response | null> {
  const wait = await lockedFor(signInKeys(email, headers));
  if (wait <= 0) return null;
  const secs = retryAfterSeconds(wait);
  return Response.json(
    {
      error: { code: "TOO_MANY_ATTEMPTS", message: `Too many failed sign-ins. Try again in ${secs} s.` },
      url: `${signinUrl}?error=TooManyAttempts&retryAfter=${secs}`,
    },
    { status: 429, headers: { "Retry-After": String(secs) } },
  );
}

/**
 * Checks an email and password (next-auth's credentials `authorize`). Unknown emails and accounts
 * without a password are checked against a dummy hash, so every attempt costs one hash and timing
 * does not tell which emails exist. Failures count against both throttle keys; a success clears
 * the account's count (not the address's) and re-hashes a legacy bcrypt hash with scrypt.
 */
export async function authorizeCredentials(email: string, password: string, headers: HeaderBag) {
  const settings = getAuthSettings();
  const [acctKey, ipKey] = signInKeys(email, headers);
  // Locked since the route's check (a concurrent attempt failed): refuse without hashing.
  if ((await lockedFor([acctKey, ipKey])) > 0) return null;
  const user = await db.user.findUnique({ where: { email } });
  const ok = await verifyOrDummy(password, user?.passwordHash);
  if (!ok || !user?.passwordHash) {
    await Promise.all([hit(acctKey, settings.signinAccount), hit(ipKey, settings.signinIp)]);
    return null;
  }
  await clear(acctKey);
  if (!user.approved) throw new Error(PENDING_APPROVAL);
  if (needsRehash(user.passwordHash)) {
    const old = user.passwordHash;
    void hashPassword(password)
      .then((passwordHash) => db.user.updateMany({ where: { id: user.id, passwordHash: old }, data: { passwordHash } }))
      .catch((err: unknown) => log.warn("password rehash failed", { userId: user.id, err: String(err) }));
  }
  return { id: user.id, email: user.email, name: user.name, role: user.role, sessionVersion: user.sessionVersion };
}

type SessionUser = { id: string; role: "USER" | "ADMIN"; sessionVersion: number; approved: boolean };
/** Users as the session callbacks see them, shared for 2 s (like requireCaller's lookup). */
const sessionUsers = new SwrCache<SessionUser | null>(2_000, 2_000, 5_000);
/** `minVersion`: the session's version; a cached user older than that is read again (versions only grow). */
export async function findSessionUser(id: string, minVersion = 0): Promise<SessionUser | null> {
  const load = () => db.user.findUnique({ where: { id }, select: { id: true, role: true, sessionVersion: true, approved: true } });
  const user = await sessionUsers.get(id, load);
  if (user && user.sessionVersion < minVersion) {
    sessionUsers.delete(id);
    return sessionUsers.get(id, load);
  }
  return user;
}
