import NextAuth from "next-auth";
import type { NextRequest } from "next/server";
import { getAuthOptions } from "@/lib/auth/options";
import { signInThrottled } from "@/lib/auth/credentials";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const handler = NextAuth(getAuthOptions());
type Ctx = { params: Promise<{ nextauth: string[] }> };

/** Reads the email of a credentials sign-in from a copy of the body (next-auth reads the original). */
async function credentialsEmail(req: NextRequest): Promise<string> {
  const copy = req.clone();
  const type = req.headers.get("content-type") ?? "";
  try {
    if (type.includes("application/json")) {
      const body = (await copy.json()) as { email?: unknown };
      return typeof body.email === "string" ? body.email : "";
    }
    const form = new URLSearchParams(await copy.text());
    return form.get("email") ?? "";
  } catch {
    return "";
  }
}

async function POST(req: NextRequest, ctx: Ctx): Promise<Response> {
  // Throttled sign-ins answer 429 + Retry-After before next-auth (and any password hashing) runs.
  if (req.nextUrl.pathname.endsWith("/callback/credentials")) {
    const signinUrl = new URL("/signin", req.nextUrl.origin).toString();
    const limited = await signInThrottled(await credentialsEmail(req), req.headers, signinUrl);
    if (limited) return limited;
  }
  return handler(req, ctx) as Promise<Response>;
}

export { handler as GET, POST };
