import type { NextRequest } from "next/server";
import { z } from "zod";
import { handle, ApiError } from "@/lib/http/errors";
import { requireAdmin, requireCaller } from "@/lib/auth/request";
import { db } from "@/lib/db";
import { creditBalance, grantCredits } from "@/lib/credits";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const grantSchema = z
  .object({
    email: z.string().trim().toLowerCase().pipe(z.email()),
    amount: z.number().int().min(1).max(10_000_000),
    note: z.string().trim().max(200).optional(),
  })
  .strict();

/** Admins grant credits: POST { email, amount, note? } → 201 { entry, balance }. */
export const POST = handle(async (req: NextRequest) => {
  const caller = await requireCaller(req);
  requireAdmin(caller);
  const input = grantSchema.parse(await req.json().catch(() => ({})));
  const user = await db.user.findUnique({ where: { email: input.email } });
  if (!user) throw new ApiError(404, "USER_NOT_FOUND", `No user with email ${input.email}.`);
  const entry = await grantCredits(user.id, input.amount, input.note ?? `granted by ${caller.email}`);
  return Response.json({ entry: { id: entry.id, amount: entry.amount, note: entry.note }, balance: await creditBalance(user.id) }, { status: 201 });
});
