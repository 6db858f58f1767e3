import { jobRoute } from "@/lib/http/job-route";
import { serializeJob } from "@/lib/jobs/serialize";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = jobRoute(async (_req, job) => Response.json({ job: serializeJob(job) }, { headers: { "Cache-Control": "no-store" } }));
