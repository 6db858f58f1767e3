import { db } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import { ApiError } from "@/lib/http/errors";
import type { ThrottlePolicy } from "@/lib/auth/settings";

/**
 * Throttle state in the database (table AuthThrottle) so every web process sees the same counts.
 * Each hit is one atomic upsert (INSERT ... ON CONFLICT DO UPDATE, atomic on SQLite and
 * PostgreSQL alike): no read-then-write.
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

// Portable SQL (SQLite and PostgreSQL): CASE instead of SQLite's two-argument MAX/MIN
// (PostgreSQL's GREATEST/LEAST), bound values cast to BIGINT so PostgreSQL infers their type and
// 64-bit arithmetic never overflows its 32-bit INTEGER.
const big = (v: number) => Prisma.sql`CAST(${v} AS BIGINT)`;
const greatest = (a: Prisma.Sql, b: Prisma.Sql) => Prisma.sql`(CASE WHEN ${a} > ${b} THEN ${a} ELSE ${b} END)`;
const least = (a: Prisma.Sql, b: Prisma.Sql) => Prisma.sql`(CASE WHEN ${a} < ${b} THEN ${a} ELSE ${b} END)`;
// Columns named with their table: in PostgreSQL's DO UPDATE a bare name is ambiguous (the
// stored row or the one proposed, `excluded`); SQLite reads both forms.
const lastSeen = greatest(Prisma.sql`"AuthThrottle"."lastAt"`, Prisma.sql`"AuthThrottle"."lockedUntil"`);

/** Counts one hit on `key`; returns the new count and when the key is locked until (epoch ms). */
export async function hit(key: string, p: ThrottlePolicy, now = Date.now()): Promise<{ count: number; lockedUntil: number }> {
  now = Math.round(now);
  const [max, lockMs, maxLockMs] = [Math.round(p.max), Math.round(p.lockMs), Math.round(p.maxLockMs)];
  const firstLock = max <= 1 ? now + lockMs : 0;
  const stale = now - Math.round(p.windowMs);
  // `fresh` is the count after this hit; SET expressions all see the row's old values.
  const fresh = Prisma.sql`(CASE WHEN ${lastSeen} < ${big(stale)} THEN 1 ELSE "AuthThrottle"."count" + 1 END)`;
  const doublings = Prisma.sql`CAST(${least(Prisma.sql`${fresh} - ${big(max)}`, big(30))} AS INTEGER)`;
  const lock = Prisma.sql`${big(now)} + ${least(big(maxLockMs), Prisma.sql`${big(lockMs)} * (CAST(1 AS BIGINT) << ${doublings})`)}`;
  const rows = await db.$queryRaw<{ count: number | bigint; lockedUntil: number | bigint }[]>`
    INSERT INTO "AuthThrottle" ("key", "count", "lastAt", "lockedUntil") VALUES (${key}, 1, ${big(now)}, ${big(firstLock)})
    ON CONFLICT ("key") DO UPDATE SET
      "lockedUntil" = CASE WHEN ${fresh} >= ${big(max)} THEN ${greatest(Prisma.sql`"AuthThrottle"."lockedUntil"`, lock)} ELSE "AuthThrottle"."lockedUntil" END,
      "count" = ${fresh},
      "lastAt" = ${big(now)}
    RETURNING "count", "lockedUntil"`;
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
  await db.$executeRaw`DELETE FROM "AuthThrottle" WHERE ${lastSeen} < ${big(before)}`.catch(() => undefined);
}

export function retryAfterSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

/** The 429 answer: `Retry-After` in seconds. */
export function tooManyAttempts(ms: number, message: string): ApiError {
  const secs = retryAfterSeconds(ms);
  return new ApiError(429, "TOO_MANY_ATTEMPTS", `${message} Try again in ${secs} s.`, { "Retry-After": String(secs) });
}
