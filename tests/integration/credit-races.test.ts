/**
 * Concurrent spending of one user's credits, on whichever database the suite runs (SQLite by
 * default, PostgreSQL under `npm run test:distributed`). PostgreSQL runs these transactions truly
 * at once under READ COMMITTED, where a read-balance-then-insert reservation overdrew a balance
 * to -6 (issue 14): every check-then-spend must hold the user's lock or write conditionally.
 */
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { creditBalance, InsufficientCreditsError, reserveUpTo, settleCredits } from "@/lib/credits";
import { errorCode, newUser, upload } from "../helpers/client";
import { makeNovelPdf } from "../fixtures/pdfs";
import { setBalance } from "../helpers/ledger";

async function jobOf(userId: string, data: { status: "SPLITTING" | "PROCESSING"; creditsReserved?: number }) {
  return db.job.create({
    data: { userId, fileName: "race.pdf", fileKey: `uploads/race-${Math.random()}.pdf`, fileSha256: "0".repeat(64), fileSize: 1, pageCount: 0, ...data },
  });
}

describe(`credit races (${process.env.DATABASE_URL?.startsWith("postgres") ? "PostgreSQL" : "SQLite"})`, () => {
  it("eight splits reserving 30 pages each at once against a balance of 100: exactly three get them, the balance never goes below 0", async () => {
    const user = await newUser("race-reserve");
    await setBalance(user.id, 100);
    const jobs = await Promise.all(Array.from({ length: 8 }, () => jobOf(user.id, { status: "SPLITTING" })));
    const results = await Promise.allSettled(jobs.map((j) => reserveUpTo(j.id, 30)));
    const won = results.filter((r) => r.status === "fulfilled" && r.value.reserved === 30);
    const refused = results.filter((r) => r.status === "rejected" && r.reason instanceof InsufficientCreditsError);
    expect({ won: won.length, refused: refused.length }).toEqual({ won: 3, refused: 5 });
    expect(await creditBalance(user.id)).toBe(10);
    const reserved = await db.job.aggregate({ where: { userId: user.id }, _sum: { creditsReserved: true } });
    expect(reserved._sum.creditsReserved).toBe(90);
  });

  it("five uploads of a 12-page book at once against a balance of 30: two are accepted, three refused with 402, the balance ends at 6", async () => {
    const user = await newUser("race-upload");
    await setBalance(user.id, 30);
    const book = await makeNovelPdf({ pages: 12, seed: 4242 });
    const answers = await Promise.all(
      Array.from({ length: 5 }, async (_, i) => {
        const res = await upload(user, Buffer.concat([Buffer.from(book), Buffer.from(`\n%race ${i}\n`)]));
        return { status: res.status, code: res.status === 202 ? null : await errorCode(res) };
      }),
    );
    expect(answers.filter((a) => a.status === 202)).toHaveLength(2);
    expect(answers.filter((a) => a.status === 402 && a.code === "INSUFFICIENT_CREDITS")).toHaveLength(3);
    expect(await creditBalance(user.id)).toBe(6);
  });

  it("two settlements of one job at once: it is charged and released once", async () => {
    const user = await newUser("race-settle");
    await setBalance(user.id, 50);
    const job = await jobOf(user.id, { status: "PROCESSING", creditsReserved: 30 });
    await db.creditEntry.create({ data: { userId: user.id, jobId: job.id, kind: "RESERVE", amount: -30, note: "test reservation" } });
    const outcomes = await Promise.all([0, 1].map(() => db.$transaction((tx) => settleCredits(tx, job.id, 20))));
    expect(outcomes.filter((o) => o.settled)).toHaveLength(1);
    const entries = await db.creditEntry.findMany({ where: { jobId: job.id }, orderBy: { createdAt: "asc" } });
    expect(entries.map((e) => [e.kind, e.amount])).toEqual([
      ["RESERVE", -30],
      ["RELEASE", 30],
      ["CHARGE", -20],
    ]);
    expect(await creditBalance(user.id)).toBe(30);
    expect(await db.job.findUniqueOrThrow({ where: { id: job.id } })).toMatchObject({ creditsReserved: 0, creditsCharged: 20 });
  });
});
