import type { NextRequest } from "next/server";
import { handle } from "@/lib/http/errors";
import { requireCaller, type Caller } from "@/lib/auth/request";
import { getJobForCaller } from "@/lib/jobs/queries";
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
