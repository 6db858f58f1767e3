import type { NextRequest } from "next/server";
import { ApiError, handle } from "@/lib/http/errors";
import { requireAdmin, requireCaller } from "@/lib/auth/request";
import { adminRetrySchema, retryChunksAsAdmin } from "@/lib/admin/retry";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * POST /api/admin/chunks/retry { chunkIds, force? } → 202 { scheduled, jobs: [...], notFound }
 * (per job: { ok: true, round, scheduled } or { ok: false, error }); 409 NOTHING_TO_RETRY when no chunk could be scheduled.
 */
export const POST = handle(async (req: NextRequest) => {
  requireAdmin(await requireCaller(req));
  let body: unknown;
  try {
    body = JSON.parse((await req.text()) || "null");
  } catch {
    throw new ApiError(400, "INVALID_JSON", "The body must be JSON: { chunkIds: string[], force?: boolean }.");
  }
  const result = await retryChunksAsAdmin(adminRetrySchema.parse(body));
  if (result.scheduled === 0) {
    const first = result.jobs.find((j) => !j.ok);
    const message = first && !first.ok ? first.error.message : "None of these chunks exist.";
    throw new ApiError(409, "NOTHING_TO_RETRY", message, {}, result);
  }
  return Response.json(result, { status: 202 });
});
