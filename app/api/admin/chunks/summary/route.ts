import type { NextRequest } from "next/server";
import { handle } from "@/lib/http/errors";
import { requireAdmin, requireCaller } from "@/lib/auth/request";
import { adminChunkSummary } from "@/lib/admin/chunks";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET /api/admin/chunks/summary → totals by status, stuck chunks, failures by code, throughput per minute, jobs to watch. */
export const GET = handle(async (req: NextRequest) => {
  requireAdmin(await requireCaller(req));
  return Response.json(await adminChunkSummary(), { headers: { "Cache-Control": "no-store" } });
});
