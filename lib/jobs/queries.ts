import { z } from "zod";
import { db } from "@/lib/db";
import { ApiError } from "@/lib/http/errors";
import type { Caller } from "@/lib/auth/request";
import { summarizeChunks } from "@/lib/jobs/chunk-summary";

const notFound = () => new ApiError(404, "JOB_NOT_FOUND", "No such job.");

/** The job if the caller owns it (or is an admin); 404 otherwise, so ids of others' jobs leak nothing. */
export async function getJobForCaller(id: string, caller: Caller) {
  return visibleJob(await db.job.findUnique({ where: { id } }), caller);
}

/** The same rule for a job row already read (e.g. from the poll cache). */
export function visibleJob<J extends { userId: string }>(job: J | null, caller: Pick<Caller, "id" | "role">): J {
  if (!job || (job.userId !== caller.id && caller.role !== "ADMIN")) throw notFound();
  return job;
}

export const listQuerySchema = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
  all: z.enum(["0", "1", "true", "false"]).optional(),
});

export async function listJobs(caller: Caller, params: URLSearchParams) {
  const q = listQuerySchema.parse(Object.fromEntries(params));
  const all = q.all === "1" || q.all === "true";
  if (all && caller.role !== "ADMIN") throw new ApiError(403, "FORBIDDEN", "Only administrators can list every user's jobs.");
  const where = all ? {} : { userId: caller.id };
  const [jobs, total] = await Promise.all([
    db.job.findMany({ where, orderBy: { createdAt: "desc" }, skip: (q.page - 1) * q.pageSize, take: q.pageSize }),
    db.job.count({ where }),
  ]);
  return { jobs, total, page: q.page, pageSize: q.pageSize };
}

export async function listChunks(jobId: string) {
  const chunks = await db.chunk.findMany({ where: { jobId }, orderBy: { index: "asc" } });
  return { chunks, summary: summarizeChunks(chunks) };
}
