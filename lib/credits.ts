import { db } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";

type Tx = Prisma.TransactionClient;

/** A user's balance: the sum of their ledger entries (never a stored total). */
export async function creditBalance(userId: string, tx: Tx = db): Promise<number> {
  const agg = await tx.creditEntry.aggregate({ where: { userId }, _sum: { amount: true } });
  return agg._sum.amount ?? 0;
}

/** Credits needed to process a book: one per page. */
export function creditsForPages(pages: number): number {
  return pages;
}

export async function grantCredits(userId: string, amount: number, note?: string, tx: Tx = db) {
  if (!Number.isInteger(amount) || amount <= 0) throw new Error("grant must be a positive integer");
  return tx.creditEntry.create({ data: { userId, kind: "GRANT", amount, note } });
}

/**
 * Takes the per-user lock for the rest of the transaction by writing the user's row: a row
 * lock on PostgreSQL (a second transaction waits here, then reads what the first committed),
 * the write lock on SQLite (transactions are BEGIN IMMEDIATE, lib/db/adapter.ts). Every
 * check-then-spend (rate limit, balance, reserve) runs after it, so two requests of one user
 * can never both pass a check the pair of them should fail. Lock order: user, then job.
 */
export async function lockUser(tx: Tx, userId: string): Promise<void> {
  await tx.user.update({ where: { id: userId }, data: { updatedAt: new Date() } });
}

export type Settlement = { released: number; charged: number; settled: boolean };

/**
 * The one way credits of a job are settled, called in the transaction that moves the job to a
 * terminal state (after that status write, so the job's row is locked and re-read fresh):
 * charges `chargePages` pages in all (or keeps what is already charged when undefined), never
 * more than was charged plus reserved, and releases the rest of the reservation. Exactly once:
 * the write is conditional on the amounts read, and a second call finds nothing reserved.
 */
export async function settleCredits(tx: Tx, jobId: string, chargePages?: number): Promise<Settlement> {
  const job = await tx.job.findUnique({ where: { id: jobId }, select: { userId: true, creditsReserved: true, creditsCharged: true } });
  if (!job) return { released: 0, charged: 0, settled: false };
  const { userId, creditsReserved: reserved, creditsCharged: already } = job;
  const wanted = chargePages === undefined ? already : creditsForPages(chargePages);
  const charged = Math.max(0, Math.min(wanted, already + reserved));
  if (reserved === 0 && charged === already) return { released: 0, charged, settled: false };
  const won = await tx.job.updateMany({
    where: { id: jobId, creditsReserved: reserved, creditsCharged: already },
    data: { creditsReserved: 0, creditsCharged: charged },
  });
  if (won.count === 0) return { released: 0, charged: already, settled: false };
  if (reserved > 0) await tx.creditEntry.create({ data: { userId, jobId, kind: "RELEASE", amount: reserved, note: "release reservation" } });
  const delta = charged - already;
  if (delta !== 0) {
    const note = chargePages !== undefined && charged < wanted ? `${charged} of ${wanted} pages (capped at the reservation)` : `${charged} pages processed`;
    await tx.creditEntry.create({ data: { userId, jobId, kind: "CHARGE", amount: -delta, note } });
  }
  return { released: reserved, charged, settled: true };
}

export class InsufficientCreditsError extends Error {
  readonly code = "INSUFFICIENT_CREDITS";
  constructor(
    readonly needed: number,
    readonly balance: number,
    message = `This book needs ${needed} more credits (one per page); the balance is ${balance}.`,
  ) {
    super(message);
  }
}

/**
 * Tops a job's reservation up so that charged + reserved covers `pages` pages, when the split
 * found more pages than the upload reserved for. Takes the user lock, checks the balance, and
 * writes the job conditionally on it still being active (a job cancelled meanwhile gets
 * nothing reserved, so nothing can leak). Idempotent: a second call finds it covered.
 * Throws InsufficientCreditsError when the balance cannot cover the difference.
 */
export async function reserveUpTo(jobId: string, pages: number): Promise<{ reserved: number; active: boolean }> {
  return db.$transaction(async (tx) => {
    const job = await tx.job.findUniqueOrThrow({ where: { id: jobId }, select: { userId: true } });
    await lockUser(tx, job.userId);
    const fresh = await tx.job.findUniqueOrThrow({ where: { id: jobId }, select: { status: true, creditsReserved: true, creditsCharged: true } });
    const active = fresh.status === "PENDING" || fresh.status === "SPLITTING";
    const missing = creditsForPages(pages) - fresh.creditsReserved - fresh.creditsCharged;
    if (!active || missing <= 0) return { reserved: 0, active };
    const balance = await creditBalance(job.userId, tx);
    if (balance < missing) throw new InsufficientCreditsError(missing, balance, `This book has ${pages} pages, not the ${fresh.creditsReserved} its upload declared: ${missing} more credits are needed and the balance is ${balance}.`);
    const bumped = await tx.job.updateMany({
      where: { id: jobId, status: { in: ["PENDING", "SPLITTING"] }, creditsReserved: fresh.creditsReserved },
      data: { creditsReserved: { increment: missing } },
    });
    if (bumped.count === 0) return { reserved: 0, active: false };
    await tx.creditEntry.create({ data: { userId: job.userId, jobId, kind: "RESERVE", amount: -missing, note: `reserve ${missing} more pages (the split found ${pages})` } });
    return { reserved: missing, active: true };
  });
}
