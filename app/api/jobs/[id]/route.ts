import { jobRoute, polledJobRoute } from "@/lib/http/job-route";
import { deleteJob } from "@/lib/jobs/delete";
import { forgetJob } from "@/lib/jobs/poll-cache";
import { serializeJob } from "@/lib/jobs/serialize";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = polledJobRoute(async (_req, job) => Response.json({ job: serializeJob(job) }, { headers: { "Cache-Control": "no-store" } }));

/** Removes the job, its files, chunks and sentences (an active job is cancelled first): 204. */
export const DELETE = jobRoute(async (_req, job, caller) => {
  await deleteJob(job.id, caller);
  forgetJob(job.id);
  return new Response(null, { status: 204 });
});
