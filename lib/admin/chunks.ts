import { z } from "zod";
import { isChunkStale, staleChunkWhere } from "@/lib/jobs/stale";
import { db } from "@/lib/db";
import { pipelineConfig } from "@/lib/jobs/pipeline-config";
import { serializeChunk } from "@/lib/jobs/serialize";
import { summarizeChunks } from "@/lib/jobs/chunk-summary";
import type { ChunkStatus, Prisma } from "@/lib/generated/prisma/client";

/** Chunk statuses, as stored. */
export const CHUNK_STATUSES = ["PENDING", "PROCESSING", "SUCCEEDED", "FAILED", "RETRY_SCHEDULED", "CANCELLED"] as const satisfies readonly ChunkStatus[];

/** Seconds after which a PROCESSING chunk without a fresh heartbeat counts as stuck (FOLIO_STALE_CHUNK_SECONDS, default 300). */
export function staleChunkSeconds(): number {
  return Math.round(pipelineConfig().staleAfterMs / 1000);
}

const emptyToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const optionalString = (max: number) => z.preprocess(emptyToUndefined, z.string().trim().min(1).max(max).optional());
const optionalDate = z.preprocess(emptyToUndefined, z.coerce.date({ message: "must be an ISO date and time" }).optional());

/** Query parameters of GET /api/admin/chunks (all optional; "" counts as absent). */
export const adminChunksQuerySchema = z
  .object({
    /** One status, or several separated by commas. */
    status: z.preprocess(
      (v) => (typeof v === "string" && v.trim() ? v.split(",").map((s) => s.trim().toUpperCase()) : undefined),
      z.array(z.enum(CHUNK_STATUSES, { message: `status must be one of ${CHUNK_STATUSES.join(", ")}` })).optional(),
    ),
    jobId: optionalString(100),
    /** Part of the job owner's email (case-insensitive). */
    email: optionalString(320),
    errorCode: z.preprocess(
      (v) => (typeof v === "string" && v.trim() ? v.trim().toUpperCase() : undefined),
      z.string().regex(/^[A-Z_]{2,64}$/, "errorCode must be a SNAKE_CASE code").optional(),
    ),
    /** Chunks last changed at or after this time. */
    since: optionalDate,
    /** Chunks last changed before this time. */
    until: optionalDate,
    /** "1": only PROCESSING chunks whose heartbeat is older than the stale threshold. */
    stuck: z.preprocess(emptyToUndefined, z.enum(["0", "1", "true", "false"]).optional()),
    limit: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(500).default(100)),
  })
  .strict()
  .refine((q) => !q.since || !q.until || q.since < q.until, { message: "since must be before until", path: ["since"] });

export type AdminChunksQuery = z.output<typeof adminChunksQuerySchema>;

const chunkInclude = {
  job: { select: { id: true, fileName: true, status: true, userId: true, updatedAt: true, user: { select: { email: true } } } },
} satisfies Prisma.ChunkInclude;

type ChunkWithJob = Prisma.ChunkGetPayload<{ include: typeof chunkInclude }>;

export function serializeAdminChunk(c: ChunkWithJob, staleBefore: Date) {
  return {
    ...serializeChunk(c),
    jobId: c.jobId,
    updatedAt: c.updatedAt.toISOString(),
    stuck: isChunkStale(c, c.job.updatedAt, staleBefore),
    job: { id: c.job.id, fileName: c.job.fileName, status: c.job.status, userEmail: c.job.user.email },
  };
}
export type AdminChunkDTO = ReturnType<typeof serializeAdminChunk>;

/** Chunks across all jobs matching the filters, most recently changed first. */
export async function listAdminChunks(q: AdminChunksQuery, now = new Date()) {
  const staleSeconds = staleChunkSeconds();
  const staleBefore = new Date(now.getTime() - staleSeconds * 1000);
  const and: Prisma.ChunkWhereInput[] = [];
  if (q.status?.length) and.push({ status: { in: q.status } });
  if (q.jobId) and.push({ jobId: q.jobId });
  if (q.email) and.push({ job: { user: { email: { contains: q.email.toLowerCase() } } } });
  if (q.errorCode) and.push({ errorCode: q.errorCode });
  if (q.since || q.until) and.push({ updatedAt: { ...(q.since ? { gte: q.since } : {}), ...(q.until ? { lt: q.until } : {}) } });
  if (q.stuck === "1" || q.stuck === "true") and.push(staleChunkWhere(staleBefore));
  const where: Prisma.ChunkWhereInput = and.length ? { AND: and } : {};
  const [rows, total] = await Promise.all([
    db.chunk.findMany({
      where,
      include: chunkInclude,
      // A job's chunks read best in book order; across jobs, newest activity first.
      orderBy: q.jobId ? [{ index: "asc" }] : [{ updatedAt: "desc" }, { index: "asc" }],
      take: q.limit,
    }),
    db.chunk.count({ where }),
  ]);
  return { chunks: rows.map((c) => serializeAdminChunk(c, staleBefore)), total, limit: q.limit, staleSeconds };
}

export const THROUGHPUT_MINUTES = 60;
const MINUTE = 60_000;

export type ThroughputBucket = { start: string; succeeded: number; failed: number };

/** Chunks settled (SUCCEEDED or FAILED, by their finish time) per minute over the last hour; the last bucket is the current minute. */
export async function throughputBuckets(now = new Date()): Promise<ThroughputBucket[]> {
  const firstStart = Math.floor(now.getTime() / MINUTE) * MINUTE - (THROUGHPUT_MINUTES - 1) * MINUTE;
  const rows = await db.chunk.findMany({
    where: { finishedAt: { gte: new Date(firstStart) }, status: { in: ["SUCCEEDED", "FAILED"] } },
    select: { finishedAt: true, status: true },
  });
  const buckets = Array.from({ length: THROUGHPUT_MINUTES }, (_, i) => ({ start: new Date(firstStart + i * MINUTE).toISOString(), succeeded: 0, failed: 0 }));
  for (const r of rows) {
    if (!r.finishedAt) continue;
    const i = Math.floor((r.finishedAt.getTime() - firstStart) / MINUTE);
    if (i < 0 || i >= THROUGHPUT_MINUTES) continue;
    if (r.status === "SUCCEEDED") buckets[i].succeeded += 1;
    else buckets[i].failed += 1;
  }
  return buckets;
}

export type FailureGroup = {
  code: string;
  count: number;
  jobs: number;
  latestMessage: string | null;
  latestAt: string | null;
  latestJobId: string | null;
  latestChunkId: string | null;
};

/** Chunks currently FAILED, grouped by error code, biggest group first, with the latest message of each. */
export async function failuresByCode(): Promise<FailureGroup[]> {
  const groups = await db.chunk.groupBy({
    by: ["errorCode"],
    where: { status: "FAILED" },
    _count: { _all: true },
  });
  const out = await Promise.all(
    groups.map(async (g): Promise<FailureGroup> => {
      const where: Prisma.ChunkWhereInput = { status: "FAILED", errorCode: g.errorCode };
      const [latest, jobs] = await Promise.all([
        db.chunk.findFirst({ where, orderBy: { updatedAt: "desc" }, select: { id: true, jobId: true, lastError: true, updatedAt: true } }),
        db.chunk.findMany({ where, distinct: ["jobId"], select: { jobId: true } }),
      ]);
      return {
        code: g.errorCode ?? "UNKNOWN",
        count: g._count._all,
        jobs: jobs.length,
        latestMessage: latest?.lastError ?? null,
        latestAt: latest?.updatedAt.toISOString() ?? null,
        latestJobId: latest?.jobId ?? null,
        latestChunkId: latest?.id ?? null,
      };
    }),
  );
  return out.sort((a, b) => b.count - a.count || a.code.localeCompare(b.code));
}

const ACTIVE_JOB_STATUSES = ["PENDING", "SPLITTING", "PROCESSING", "FINALIZING"] as const;

/** Jobs worth a look: active ones and those with failed chunks, newest activity first. */
async function attentionJobs(limit = 20) {
  const jobs = await db.job.findMany({
    where: { OR: [{ status: { in: [...ACTIVE_JOB_STATUSES] } }, { failedChunks: { gt: 0 } }] },
    orderBy: { updatedAt: "desc" },
    take: limit,
    select: {
      id: true,
      fileName: true,
      status: true,
      pageCount: true,
      totalChunks: true,
      succeededChunks: true,
      failedChunks: true,
      progressPercent: true,
      updatedAt: true,
      user: { select: { email: true } },
    },
  });
  return jobs.map(({ user, updatedAt, ...j }) => ({ ...j, userEmail: user.email, updatedAt: updatedAt.toISOString() }));
}
export type AttentionJob = Awaited<ReturnType<typeof attentionJobs>>[number];

/** Everything the dashboard's overview shows, in one answer. */
export async function adminChunkSummary(now = new Date()) {
  const staleSeconds = staleChunkSeconds();
  const staleBefore = new Date(now.getTime() - staleSeconds * 1000);
  const [counts, stuckRows, stuckCount, failures, throughput, jobs] = await Promise.all([
    db.chunk.groupBy({ by: ["status"], _count: { _all: true } }),
    db.chunk.findMany({ where: staleChunkWhere(staleBefore), include: chunkInclude, orderBy: { heartbeatAt: "asc" }, take: 50 }),
    db.chunk.count({ where: staleChunkWhere(staleBefore) }),
    failuresByCode(),
    throughputBuckets(now),
    attentionJobs(),
  ]);
  const totals = summarizeChunks(counts, (c) => c._count._all);
  return {
    generatedAt: now.toISOString(),
    staleSeconds,
    totals,
    stuck: { count: stuckCount, chunks: stuckRows.map((c) => serializeAdminChunk(c, staleBefore)) },
    failures,
    throughput: { bucketMinutes: 1, buckets: throughput },
    jobs,
  };
}
export type AdminChunkSummary = Awaited<ReturnType<typeof adminChunkSummary>>;
