import type { NextRequest } from "next/server";
import { handle } from "@/lib/http/errors";
import { requireCaller } from "@/lib/auth/request";
import { db } from "@/lib/db";
import { creditBalance } from "@/lib/credits";
import { publicUser } from "@/lib/users";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = handle(async (req: NextRequest) => {
  const caller = await requireCaller(req);
  const user = await db.user.findUniqueOrThrow({ where: { id: caller.id } });
  return Response.json({ user: publicUser(user), credits: { balance: await creditBalance(caller.id) } });
});
