import type { Chunk, Prisma } from "@/lib/generated/prisma/client";
import { CHUNK_STAGE } from "@/lib/jobs/chunk-stage";

/**
 * When a PROCESSING chunk has stopped moving (its worker died, or its request was lost):
 * - working chunks: their heartbeat (or, without one, their last change) is older than the cutoff;
 * - chunks waiting for a provider slot ("waiting-provider") have no heartbeat while they wait,
 *   so they are stale only when their job has not moved either (no chunk settled meanwhile).
 * Recovery (lib/jobs/recover.ts) and the admin dashboard's "stuck" use the same rule.
 */
export function staleChunkWhere(cutoff: Date): Prisma.ChunkWhereInput {
  const working: Prisma.ChunkWhereInput = { OR: [{ stage: null }, { stage: { not: CHUNK_STAGE.waitingProvider } }] };
  return {
    status: "PROCESSING",
    OR: [
      { AND: [working, { OR: [{ heartbeatAt: { lt: cutoff } }, { heartbeatAt: null, updatedAt: { lt: cutoff } }] }] },
      { stage: CHUNK_STAGE.waitingProvider, updatedAt: { lt: cutoff }, job: { updatedAt: { lt: cutoff } } },
    ],
  };
}

/** The same rule (exactly, so a chunk flagged stuck is one the stuck list shows) for one chunk already loaded with its job's last change. */
export function isChunkStale(c: Pick<Chunk, "status" | "stage" | "heartbeatAt" | "updatedAt">, jobUpdatedAt: Date, cutoff: Date): boolean {
  if (c.status !== "PROCESSING") return false;
  if (c.stage === CHUNK_STAGE.waitingProvider) return c.updatedAt < cutoff && jobUpdatedAt < cutoff;
  return (c.heartbeatAt ?? c.updatedAt) < cutoff;
}
