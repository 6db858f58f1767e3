import { db } from "@/lib/db";
import { ApiError } from "@/lib/http/errors";
import type { ThrottlePolicy } from "@/lib/auth/settings";

/**
 * Throttle state in the database (table AuthThrottle) so every web process sees the same counts.
 * Each hit is one atomic upsert (SQLite serialises writers): no read-then-write.
 *
 * A key's count is forgotten `windowMs` after its last hit (or the end of its lock, whichever is
 * later). Reaching `max` locks the key for `lockMs`; each further hit doubles the lock, up to
 * `maxLockMs` (backoff).
 */

export const keys = {
  signinAccount: (email: string) => `signin:acct:${email.trim().toLowerCase()}`,
  signinIp: (ip: string) => `signin:ip:${ip}`,
  signupIp: (ip: string) => `signup:ip:${ip}`,
};

/** Milliseconds until the longest lock among `list` ends (0: none locked). */
export async function lockedFor(list: string[], now = Date.now()): Promise<number> {
  if (list.length === 0) return 0;
  const rows = await db.authThrottle.findMany({ where: { key: { in: list } }, select: { lockedUntil: true } });
  const until = rows.reduce((m, r) => Math.max(m, Number(r.lockedUntil)), 0);
  return Math.max(0, until - now);
}

/** Counts one hit on `key`; returns the new count and when the key is locked until (epoch ms). */
export async function hit(key: string, p: ThrottlePolicy, now = Date.now()): Promise<{ count: number; lockedUntil: number }> {
  now = Math.round(now);
  const [max, lockMs, maxLockMs] = [Math.round(p.max), Math.round(p.lockMs), Math.round(p.maxLockMs)];
  const firstLock = max <= 1 ? now + lockMs : 0;
  const stale = now - Math.round(p.windowMs);
  // `fresh` is the count after this hit; SET expressions all see the row's old values.
  const fresh = `CASE WHEN MAX("lastAt", "lockedUntil") < ${stale} THEN 1 ELSE "count" + 1 END`;
  const rows = await db.$queryRawUnsafe<{ count: number | bigint; lockedUntil: number | bigint }[]>(
    `INSERT INTO "AuthThrottle" ("key", "count", "lastAt", "lockedUntil") VALUES (?, 1, ?, ?)
     ON CONFLICT ("key") DO UPDATE SET
       "lockedUntil" = CASE WHEN (${fresh}) >= ${max}
         THEN MAX("lockedUntil", ${now} + MIN(${maxLockMs}, ${lockMs} * (1 << MIN((${fresh}) - ${max}, 30))))
         ELSE "lockedUntil" END,
       "count" = ${fresh},
       "lastAt" = ${now}
     RETURNING "count", "lockedUntil"`,
    key,
    now,
    firstLock,
  );
  if (Math.random() < 0.01) void prune(now);
  return { count: Number(rows[0].count), lockedUntil: Number(rows[0].lockedUntil) };
}

/** Forgets a key (a successful sign-in clears its account's failures). */
export async function clear(key: string): Promise<void> {
  await db.authThrottle.deleteMany({ where: { key } });
}

/** Drops rows idle for a day (all policies' windows are shorter by default). */
async function prune(now: number): Promise<void> {
  const before = now - 24 * 3600 * 1000;
  await db.$executeRawUnsafe(`DELETE FROM "AuthThrottle" WHERE MAX("lastAt", "lockedUntil") < ?`, before).catch(() => undefined);
}

export function retryAfterSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

/** The 429 answer: `Retry-After` in seconds. */
export function tooManyAttempts(ms: number, message: string): ApiError {
  const secs = retryAfterSeconds(ms);
  return new ApiError(429, "TOO_MANY_ATTEMPTS", `${message} Try again in ${secs} s.`, { "Retry-After": String(secs) });
}
