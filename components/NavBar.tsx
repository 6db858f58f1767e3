"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { signOut, useSession } from "next-auth/react";
import { useState } from "react";
import { formatNumber } from "./format";
import { useMe } from "./queries";
import { buttonClasses } from "./ui/Button";
import { cn } from "./ui/cn";
import { Wordmark } from "./Wordmark";

const LINKS = [
  { href: "/upload", label: "Upload", match: "/upload" },
  { href: "/jobs", label: "Jobs", match: "/jobs" },
  { href: "/settings", label: "Settings", match: "/settings" },
];

const ADMIN_LINK = { href: "/admin/chunks", label: "Admin", match: "/admin" };

function NavLinks({ isAdmin }: { isAdmin: boolean }) {
  const pathname = usePathname();
  const links = isAdmin ? [...LINKS, ADMIN_LINK] : LINKS;
  return (
    <ul className="flex items-center gap-1">
      {links.map((link) => {
        const active = pathname === link.match || pathname.startsWith(`${link.match}/`);
        return (
          <li key={link.href}>
            <Link
              href={link.href}
              aria-current={active ? "page" : undefined}
              className={cn(
                "rounded-lg px-3 py-1.5 text-sm font-medium transition-colors",
                active
                  ? "bg-indigo-50 text-indigo-700 dark:bg-indigo-950 dark:text-indigo-300"
                  : "text-zinc-700 hover:bg-zinc-100 hover:text-zinc-900 dark:text-zinc-300 dark:hover:bg-zinc-800 dark:hover:text-white",
              )}
            >
              {link.label}
            </Link>
          </li>
        );
      })}
    </ul>
  );
}

function CreditBalance() {
  const { data } = useMe();
  if (!data) return null;
  return (
    <Link
      href="/settings"
      className="inline-flex items-center gap-1 rounded-full bg-zinc-100 px-2.5 py-1 text-xs font-medium tabular-nums text-zinc-800 hover:bg-zinc-200 dark:bg-zinc-800 dark:text-zinc-200 dark:hover:bg-zinc-700"
      title="Credit balance"
    >
      {formatNumber(data.credits.balance)}
      <span>credits</span>
    </Link>
  );
}

function SignOutButton() {
  const [pending, setPending] = useState(false);
  return (
    <button
      type="button"
      className={buttonClasses("secondary", "sm")}
      disabled={pending}
      onClick={() => {
        setPending(true);
        void signOut({ callbackUrl: "/signin" });
      }}
    >
      {pending ? "Signing out…" : "Sign out"}
    </button>
  );
}

export function NavBar() {
  const { data: session, status } = useSession();
  const signedIn = status === "authenticated";
  return (
    <header className="sticky top-0 z-30 border-b border-zinc-200 bg-white/85 backdrop-blur supports-[backdrop-filter]:bg-white/70 dark:border-zinc-800 dark:bg-zinc-950/85 dark:supports-[backdrop-filter]:bg-zinc-950/70">
      <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-4 gap-y-2 px-4 py-3 sm:px-6">
        <Wordmark />
        {signedIn ? (
          <>
            <nav aria-label="Main" className="order-last w-full overflow-x-auto sm:order-none sm:w-auto">
              <NavLinks isAdmin={session.user.role === "ADMIN"} />
            </nav>
            <div className="ml-auto flex min-w-0 items-center gap-3">
              <span className="hidden max-w-56 truncate text-sm text-zinc-600 md:inline dark:text-zinc-400" title={session.user.email ?? undefined}>
                {session.user.email}
              </span>
              <CreditBalance />
              <SignOutButton />
            </div>
          </>
        ) : status === "unauthenticated" ? (
          <nav aria-label="Account" className="ml-auto flex items-center gap-2">
            <Link href="/signin" className={buttonClasses("ghost", "sm")}>
              Sign in
            </Link>
            <Link href="/signup" className={buttonClasses("primary", "sm")}>
              Sign up
            </Link>
          </nav>
        ) : null}
      </div>
    </header>
  );
}
