import { jobRoute } from "@/lib/http/job-route";
import { listChunks } from "@/lib/jobs/queries";
import { serializeChunk } from "@/lib/jobs/serialize";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = jobRoute(async (_req, job) => {
  const { chunks, summary } = await listChunks(job.id);
  return Response.json({ chunks: chunks.map(serializeChunk), summary }, { headers: { "Cache-Control": "no-store" } });
});
