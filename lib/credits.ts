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
