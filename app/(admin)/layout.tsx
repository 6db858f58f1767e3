import { getServerSession } from "next-auth";
import { notFound, redirect } from "next/navigation";
import type { ReactNode } from "react";
import { getAuthOptions } from "@/lib/auth/options";
import { db } from "@/lib/db";

/**
 * Admin pages: signed-out visitors go to sign in; signed-in users who are not administrators
 * get a 404 (the pages do not exist for them). The role is read from the database, not only
 * from the session token, so a demoted admin loses access at once.
 */
export default async function AdminLayout({ children }: { children: ReactNode }) {
  const session = await getServerSession(getAuthOptions());
  if (!session) redirect("/signin");
  const user = await db.user.findUnique({ where: { id: session.user.id }, select: { role: true } });
  if (user?.role !== "ADMIN") notFound();
  return <div className="mx-auto w-full max-w-6xl px-4 py-8 sm:px-6 sm:py-10">{children}</div>;
}
