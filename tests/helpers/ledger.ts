import { expect } from "vitest";
import { db } from "@/lib/db";
import { creditBalance } from "@/lib/credits";

/** Sets the user's balance to exactly `target` with one adjusting ledger entry (no job). */
export async function setBalance(userId: string, target: number): Promise<void> {
  const delta = target - (await creditBalance(userId));
  if (delta !== 0) await db.creditEntry.create({ data: { userId, kind: delta > 0 ? "GRANT" : "ADJUST", amount: delta, note: "test: set balance" } });
}

/**
 * The ledger invariant: for every terminal job of the user nothing stays reserved and its
 * RESERVE + RELEASE + CHARGE entries sum to −creditsCharged; the balance is not negative.
 */
export async function expectLedgerInvariant(userId: string): Promise<void> {
  const jobs = await db.job.findMany({ where: { userId, status: { in: ["COMPLETED", "PARTIAL_SUCCESS", "FAILED", "CANCELLED"] } } });
  for (const job of jobs) {
    const sum = await db.creditEntry.aggregate({ where: { jobId: job.id, kind: { in: ["RESERVE", "RELEASE", "CHARGE"] } }, _sum: { amount: true } });
    expect({ job: job.id, status: job.status, reserved: job.creditsReserved, sum: sum._sum.amount ?? 0 }).toEqual({
      job: job.id,
      status: job.status,
      reserved: 0,
      sum: 0 - job.creditsCharged, // not -x: toEqual tells -0 from 0
    });
  }
  expect(await creditBalance(userId)).toBeGreaterThanOrEqual(0);
}
