import { polledJobRoute } from "@/lib/http/job-route";
import { cachedChunksBody } from "@/lib/jobs/poll-cache";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Served from the poll cache (one read and serialization per job per window). */
export const GET = polledJobRoute(async (_req, job) => {
  const body = await cachedChunksBody(job.id);
  return new Response(body, { headers: { "Content-Type": "application/json", "Cache-Control": "no-store" } });
});
