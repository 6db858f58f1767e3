import { jobRoute } from "@/lib/http/job-route";
import { cancelJob } from "@/lib/jobs/cancel";
import { serializeJob } from "@/lib/jobs/serialize";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = jobRoute(async (_req, job) => Response.json({ job: serializeJob(await cancelJob(job)) }, { status: 202 }));
