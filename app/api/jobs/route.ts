import type { NextRequest } from "next/server";
import { ServerTiming } from "@/lib/http/server-timing";
import { handle } from "@/lib/http/errors";
import { requireCaller } from "@/lib/auth/request";
import { createJobFromUpload } from "@/lib/jobs/create";
import { listJobs } from "@/lib/jobs/queries";
import { serializeJob } from "@/lib/jobs/serialize";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = handle(async (req: NextRequest) => {
  const timing = new ServerTiming();
  const caller = await requireCaller(req);
  timing.mark("auth");
  const { job, created } = await createJobFromUpload(req, caller, timing);
  return Response.json(
    { job: serializeJob(job), replayed: !created },
    { status: 202, headers: { Location: `/api/jobs/${job.id}`, "Server-Timing": timing.header() } },
  );
});

export const GET = handle(async (req: NextRequest) => {
  const caller = await requireCaller(req);
  const { jobs, ...page } = await listJobs(caller, req.nextUrl.searchParams);
  return Response.json({ jobs: jobs.map(serializeJob), ...page });
});
