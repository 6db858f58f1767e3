import type { Metadata } from "next";
import { getServerSession } from "next-auth";
import { redirect } from "next/navigation";
import { enabledOAuthProviders, getAuthOptions } from "@/lib/auth/options";
import { SignInForm } from "@/components/auth/SignInForm";
import { DEFAULT_AFTER_SIGNIN, safeCallbackPath } from "@/lib/auth/callback-url";

export const metadata: Metadata = { title: "Sign in" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** A same-origin path to go to after signing in; never back to the auth pages themselves (a loop). */
function afterSignIn(raw: string | undefined): string {
  const path = safeCallbackPath(raw);
  return /^\/(signin|signup)(?:[/?#]|$)/.test(path) ? DEFAULT_AFTER_SIGNIN : path;
}

export default async function SignInPage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const callbackUrl = afterSignIn(first(params.callbackUrl));
  const session = await getServerSession(getAuthOptions());
  if (session) redirect(callbackUrl);
  return <SignInForm callbackUrl={callbackUrl} providers={enabledOAuthProviders()} errorCode={first(params.error) ?? null} />;
}
