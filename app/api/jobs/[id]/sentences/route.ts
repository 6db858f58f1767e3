import { ApiError } from "@/lib/http/errors";
import { jobRoute } from "@/lib/http/job-route";
import { pageOfSentences, sentencesQuerySchema } from "@/lib/admin/sentences";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * GET /api/jobs/:id/sentences?q=&offset=&limit= → { status, partial, total, matched, offset, limit,
 * sentences: [{ index, text, page, chunkIndex, fromSplit, kind }] }: a page of the result in book order,
 * optionally filtered by a search (case- and accent-insensitive). 409 until the job has a result.
 */
export const GET = jobRoute(async (req, job) => {
  const query = sentencesQuerySchema.parse(Object.fromEntries(req.nextUrl.searchParams));
  if (job.status !== "COMPLETED" && job.status !== "PARTIAL_SUCCESS") {
    throw new ApiError(409, "RESULT_NOT_READY", `The job is ${job.status.toLowerCase().replace("_", " ")}; results are ready once it completes.`);
  }
  const page = await pageOfSentences(job.id, job.updatedAt.toISOString(), query);
  return Response.json({ status: job.status, partial: job.status === "PARTIAL_SUCCESS", ...page }, { headers: { "Cache-Control": "no-store" } });
});
