import type { NextRequest } from "next/server";
import { handle } from "@/lib/http/errors";
import { requireAdmin, requireCaller } from "@/lib/auth/request";
import { adminChunksQuerySchema, listAdminChunks } from "@/lib/admin/chunks";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET /api/admin/chunks?status=&jobId=&email=&errorCode=&since=&until=&stuck=&limit= → { chunks, total, limit, staleSeconds }. */
export const GET = handle(async (req: NextRequest) => {
  requireAdmin(await requireCaller(req));
  const query = adminChunksQuerySchema.parse(Object.fromEntries(req.nextUrl.searchParams));
  return Response.json(await listAdminChunks(query), { headers: { "Cache-Control": "no-store" } });
});
