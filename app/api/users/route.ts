import { handle, ApiError } from "@/lib/http/errors";
import { createUser, publicUser } from "@/lib/users";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Sign-up. Turned off with FOLIO_ALLOW_SIGNUP=false (admins then create users with the CLI). */
export const POST = handle(async (req: Request) => {
  if (process.env.FOLIO_ALLOW_SIGNUP === "false") throw new ApiError(403, "SIGNUP_DISABLED", "Sign-up is turned off on this server.");
  const body: unknown = await req.json().catch(() => {
    throw new ApiError(400, "INVALID_JSON", "Send a JSON body with email and password.");
  });
  const input = body && typeof body === "object" ? (body as Record<string, unknown>) : {};
  const user = await createUser({ email: String(input.email ?? ""), password: String(input.password ?? ""), name: typeof input.name === "string" && input.name ? input.name : undefined });
  return Response.json({ user: publicUser(user) }, { status: 201 });
});
