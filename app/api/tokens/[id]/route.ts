import type { NextRequest } from "next/server";
import { handle, ApiError } from "@/lib/http/errors";
import { requireCaller } from "@/lib/auth/request";
import { revokeApiToken } from "@/lib/auth/tokens";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ id: string }> };

export const DELETE = handle(async (req: NextRequest, { params }: Ctx) => {
  const caller = await requireCaller(req);
  if (!(await revokeApiToken(caller.id, (await params).id))) throw new ApiError(404, "TOKEN_NOT_FOUND", "No such active token.");
  return Response.json({ revoked: true });
});
