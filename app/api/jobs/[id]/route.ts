import { polledJobRoute } from "@/lib/http/job-route";
import { serializeJob } from "@/lib/jobs/serialize";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = polledJobRoute(async (_req, job) => Response.json({ job: serializeJob(job) }, { headers: { "Cache-Control": "no-store" } }));
