import type { NextRequest } from "next/server";
import { handle } from "@/lib/http/errors";
import { requireCaller } from "@/lib/auth/request";
import { getJobForCaller } from "@/lib/jobs/queries";
import { cancelJob } from "@/lib/jobs/cancel";
import { serializeJob } from "@/lib/jobs/serialize";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ id: string }> };

export const POST = handle(async (req: NextRequest, { params }: Ctx) => {
  const caller = await requireCaller(req);
  const job = await getJobForCaller((await params).id, caller);
  return Response.json({ job: serializeJob(await cancelJob(job)) }, { status: 202 });
});
