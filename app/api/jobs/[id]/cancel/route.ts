import { jobRoute } from "@/lib/http/job-route";
import { cancelJob } from "@/lib/jobs/cancel";
import { forgetJob } from "@/lib/jobs/poll-cache";
import { serializeJob } from "@/lib/jobs/serialize";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = jobRoute(async (_req, job) => {
  const cancelled = await cancelJob(job);
  forgetJob(job.id);
  return Response.json({ job: serializeJob(cancelled) }, { status: 202 });
});
