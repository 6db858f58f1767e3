import type { NextRequest } from "next/server";
import { z } from "zod";
import { handle } from "@/lib/http/errors";
import { requireCaller } from "@/lib/auth/request";
import { createApiToken, listApiTokens } from "@/lib/auth/tokens";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const createSchema = z.object({
  name: z.string().trim().min(1).max(60).default("token"),
  ttlDays: z.number().int().min(1).max(3650).optional(),
});

export const GET = handle(async (req: NextRequest) => {
  const caller = await requireCaller(req);
  return Response.json({ tokens: await listApiTokens(caller.id) });
});

export const POST = handle(async (req: NextRequest) => {
  const caller = await requireCaller(req);
  const input = createSchema.parse(await req.json().catch(() => ({})));
  const created = await createApiToken(caller.id, input.name, input.ttlDays);
  return Response.json(created, { status: 201 });
});
