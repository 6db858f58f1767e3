import { db } from "@/lib/db";
import { ApiError } from "@/lib/http/errors";
import type { Prisma } from "@/lib/generated/prisma/client";

const HOUR = 3600_000;

/**
 * Refuses an upload when the user created `perHour` jobs in the last hour (429 + Retry-After).
 * Outside a transaction it is only the cheap early answer (before the upload is streamed);
 * the authoritative check runs in the job-creating transaction, after lockUser (lib/credits.ts),
 * so concurrent uploads of one user are counted one after another.
 */
export async function enforceUploadRateLimit(userId: string, perHour: number, tx: Prisma.TransactionClient = db): Promise<void> {
  const since = new Date(Date.now() - HOUR);
  const recent = await tx.job.findMany({
    where: { userId, createdAt: { gt: since } },
    orderBy: { createdAt: "asc" },
    select: { createdAt: true },
    take: perHour,
  });
  if (recent.length < perHour) return;
  const retryAfter = Math.max(1, Math.ceil((recent[0].createdAt.getTime() + HOUR - Date.now()) / 1000));
  throw new ApiError(
    429,
    "RATE_LIMITED",
    `You can upload ${perHour} books per hour. Try again in ${Math.ceil(retryAfter / 60)} minute(s).`,
    { "Retry-After": String(retryAfter) },
  );
}
