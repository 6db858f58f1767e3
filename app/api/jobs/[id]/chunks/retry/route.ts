import type { NextRequest } from "next/server";
import { handle, ApiError } from "@/lib/http/errors";
import { requireCaller } from "@/lib/auth/request";
import { getJobForCaller } from "@/lib/jobs/queries";
import { retryRequestSchema, scheduleManualRetry } from "@/lib/jobs/retry";
import { dispatchChunkRequests } from "@/lib/jobs/dispatch";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ id: string }> };

export const POST = handle(async (req: NextRequest, { params }: Ctx) => {
  const caller = await requireCaller(req);
  const job = await getJobForCaller((await params).id, caller);
  const text = await req.text();
  let body: unknown = {};
  if (text.trim()) {
    try {
      body = JSON.parse(text);
    } catch {
      throw new ApiError(400, "INVALID_JSON", "The body must be JSON: { chunkIds?: string[], force?: boolean }.");
    }
  }
  const scheduled = await scheduleManualRetry(job, retryRequestSchema.parse(body));
  await dispatchChunkRequests({ jobId: job.id, ...scheduled });
  return Response.json({ scheduled: scheduled.chunkIds, round: scheduled.round }, { status: 202 });
});
