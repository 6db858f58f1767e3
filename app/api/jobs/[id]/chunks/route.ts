import type { NextRequest } from "next/server";
import { handle } from "@/lib/http/errors";
import { requireCaller } from "@/lib/auth/request";
import { getJobForCaller, listChunks } from "@/lib/jobs/queries";
import { serializeChunk } from "@/lib/jobs/serialize";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ id: string }> };

export const GET = handle(async (req: NextRequest, { params }: Ctx) => {
  const caller = await requireCaller(req);
  const job = await getJobForCaller((await params).id, caller);
  const { chunks, summary } = await listChunks(job.id);
  return Response.json({ chunks: chunks.map(serializeChunk), summary }, { headers: { "Cache-Control": "no-store" } });
});
