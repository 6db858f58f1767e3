import type { NextRequest } from "next/server";
import { handle } from "@/lib/http/errors";
import { ServerTiming } from "@/lib/http/server-timing";
import { cachedJobRow } from "@/lib/jobs/poll-cache";
import { requireCaller, type Caller } from "@/lib/auth/request";
import { getJobForCaller, visibleJob } from "@/lib/jobs/queries";
import type { Job } from "@/lib/generated/prisma/client";

type Ctx = { params: Promise<{ id: string }> };

/**
 * A route under /api/jobs/:id: authenticates the caller and loads the job (404 when it is
 * not theirs, unless they are an admin) before the handler runs; errors become JSON answers.
 */
export function jobRoute(fn: (req: NextRequest, job: Job, caller: Caller) => Promise<Response>) {
  return handle(async (req: NextRequest, { params }: Ctx) => {
    const caller = await requireCaller(req);
    const job = await getJobForCaller((await params).id, caller);
    return fn(req, job, caller);
  });
}

/** Like jobRoute, for the polled reads: the job row may be up to FOLIO_POLL_CACHE_MS old (lib/jobs/poll-cache.ts). */
export function polledJobRoute(fn: (req: NextRequest, job: Job, caller: Caller) => Promise<Response>) {
  return handle(async (req: NextRequest, { params }: Ctx) => {
    const timing = new ServerTiming();
    const caller = await requireCaller(req);
    timing.mark("auth");
    const job = visibleJob(await cachedJobRow((await params).id), caller);
    timing.mark("job");
    const res = await fn(req, job, caller);
    timing.mark("body");
    res.headers.set("Server-Timing", timing.header());
    return res;
  });
}
