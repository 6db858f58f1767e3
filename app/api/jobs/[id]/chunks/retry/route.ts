import { ApiError } from "@/lib/http/errors";
import { jobRoute } from "@/lib/http/job-route";
import { retryRequestSchema, scheduleManualRetry } from "@/lib/jobs/retry";
import { dispatchChunkRequests } from "@/lib/jobs/dispatch";
import { forgetJob } from "@/lib/jobs/poll-cache";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = jobRoute(async (req, job) => {
  const text = await req.text();
  let body: unknown = {};
  if (text.trim()) {
    try {
      body = JSON.parse(text);
    } catch {
      throw new ApiError(400, "INVALID_JSON", "The body must be JSON: { chunkIds?: string[], force?: boolean }.");
    }
  }
  const scheduled = await scheduleManualRetry(job, retryRequestSchema.parse(body));
  forgetJob(job.id);
  await dispatchChunkRequests({ jobId: job.id, ...scheduled });
  return Response.json({ scheduled: scheduled.chunkIds, round: scheduled.round }, { status: 202 });
});
