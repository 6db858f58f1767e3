import type { NextRequest } from "next/server";
import { handle } from "@/lib/http/errors";
import { requireAdmin, requireCaller } from "@/lib/auth/request";
import { createInvite } from "@/lib/auth/signup";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Admins create a single-use invitation code for FOLIO_SIGNUP=invite: POST → 201 { code, expiresAt }. */
export const POST = handle(async (req: NextRequest) => {
  const caller = await requireCaller(req);
  requireAdmin(caller);
  const invite = await createInvite(caller.id);
  return Response.json({ code: invite.code, expiresAt: invite.expiresAt.toISOString() }, { status: 201 });
});
