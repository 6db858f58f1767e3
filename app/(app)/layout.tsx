import { getServerSession } from "next-auth";
import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { getAuthOptions } from "@/lib/auth/options";

/**
 * Every page in this group needs a signed-in user. Layouts cannot see the current path, so the
 * sign-in page falls back to /upload; API 401s caught on the client redirect with the exact path.
 */
export default async function AppLayout({ children }: { children: ReactNode }) {
  const session = await getServerSession(getAuthOptions());
  if (!session) redirect("/signin");
  return <div className="mx-auto w-full max-w-6xl px-4 py-8 sm:px-6 sm:py-10">{children}</div>;
}
