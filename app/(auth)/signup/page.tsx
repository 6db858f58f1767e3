import type { Metadata } from "next";
import { getServerSession } from "next-auth";
import { redirect } from "next/navigation";
import { enabledOAuthProviders, getAuthOptions } from "@/lib/auth/options";
import { SignUpForm } from "@/components/auth/SignUpForm";

export const metadata: Metadata = { title: "Sign up" };

export default async function SignUpPage() {
  const session = await getServerSession(getAuthOptions());
  if (session) redirect("/upload");
  return <SignUpForm providers={enabledOAuthProviders()} />;
}
