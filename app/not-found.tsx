import type { Metadata } from "next";
import { ButtonLink } from "@/components/ui/Button";
import { Card } from "@/components/ui/Card";

export const metadata: Metadata = { title: "Page not found" };

/** Any unknown address (and pages an account may not see, such as /admin for non-admins). */
export default function NotFound() {
  return (
    <div className="mx-auto w-full max-w-3xl px-4 py-16 sm:px-6">
      <Card className="mx-auto flex max-w-lg flex-col items-center px-6 py-14 text-center">
        <p className="text-sm font-semibold tracking-wide text-zinc-600 dark:text-zinc-400">404</p>
        <h1 className="mt-1 font-serif text-2xl font-semibold text-zinc-900 dark:text-white">Page not found</h1>
        <p className="mt-2 text-sm text-zinc-700 dark:text-zinc-300">There is nothing at this address, or it is not open to your account.</p>
        <div className="mt-6 flex flex-wrap justify-center gap-3">
          <ButtonLink href="/jobs" variant="secondary">
            Your jobs
          </ButtonLink>
          <ButtonLink href="/upload">Upload a book</ButtonLink>
        </div>
      </Card>
    </div>
  );
}
