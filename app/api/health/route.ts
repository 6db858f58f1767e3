import { db } from "@/lib/db";
import { runnerHealth } from "@/lib/inngest-health";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function GET() {
  let dbOk = false;
  try {
    await db.$queryRawUnsafe("SELECT 1");
    dbOk = true;
  } catch {
    dbOk = false;
  }
  const runner = await runnerHealth();
  return Response.json({ ok: dbOk, db: dbOk ? "ok" : "down", runner }, { status: dbOk ? 200 : 503 });
}
