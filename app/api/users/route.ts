import { handle, ApiError } from "@/lib/http/errors";
import { signUp } from "@/lib/auth/signup";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Sign-up, as FOLIO_SIGNUP allows (open | approval | invite | closed; see lib/auth/signup.ts). */
export const POST = handle(async (req: Request) => {
  const body: unknown = await req.json().catch(() => {
    throw new ApiError(400, "INVALID_JSON", "Send a JSON body with email and password.");
  });
  const input = body && typeof body === "object" ? (body as Record<string, unknown>) : {};
  const str = (v: unknown) => (typeof v === "string" && v ? v : undefined);
  const result = await signUp(
    { email: String(input.email ?? ""), password: String(input.password ?? ""), name: str(input.name), invite: str(input.invite) },
    req.headers,
  );
  return Response.json(result.body, { status: result.status });
});
