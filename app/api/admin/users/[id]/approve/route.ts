import type { NextRequest } from "next/server";
import { handle } from "@/lib/http/errors";
import { requireAdmin, requireCaller } from "@/lib/auth/request";
import { approveUser, publicUser } from "@/lib/users";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Admins approve an account made in FOLIO_SIGNUP=approval mode: it can sign in and gets its welcome credits. */
export const POST = handle(async (req: NextRequest, ctx: { params: Promise<{ id: string }> }) => {
  requireAdmin(await requireCaller(req));
  const { id } = await ctx.params;
  const user = await approveUser(id);
  return Response.json({ user: { ...publicUser(user), approved: user.approved } });
});
