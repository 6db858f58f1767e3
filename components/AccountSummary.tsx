"use client";

import { errorMessage } from "./api";
import { formatNumber } from "./format";
import { useMe } from "./queries";
import { Alert } from "./ui/Alert";
import { Button } from "./ui/Button";
import { Card } from "./ui/Card";
import { Skeleton } from "./ui/Skeleton";

/** Email, name, role and credit balance from GET /api/me. */
export function AccountSummary() {
  const me = useMe();
  return (
    <section aria-labelledby="account-heading">
      <Card className="p-5 sm:p-6">
        <h2 id="account-heading" className="text-lg font-semibold text-zinc-900 dark:text-white">
          Account
        </h2>
        {me.data ? (
          <dl className="mt-4 grid gap-4 sm:grid-cols-[minmax(0,2fr)_minmax(0,1fr)_minmax(0,1fr)]">
            <div className="min-w-0">
              <dt className="text-xs text-zinc-600 dark:text-zinc-400">Email</dt>
              <dd className="mt-0.5 truncate text-sm font-medium text-zinc-900 dark:text-zinc-100" title={me.data.user.email}>
                {me.data.user.email}
              </dd>
            </div>
            <div>
              <dt className="text-xs text-zinc-600 dark:text-zinc-400">Role</dt>
              <dd className="mt-0.5 text-sm font-medium text-zinc-900 dark:text-zinc-100">
                {me.data.user.role === "ADMIN" ? "Administrator" : "User"}
              </dd>
            </div>
            <div>
              <dt className="text-xs text-zinc-600 dark:text-zinc-400">Credit balance</dt>
              <dd className="mt-0.5 text-sm font-medium tabular-nums text-zinc-900 dark:text-zinc-100">
                {formatNumber(me.data.credits.balance)} credits
              </dd>
            </div>
          </dl>
        ) : me.isError ? (
          <Alert
            variant="error"
            className="mt-4"
            action={
              <Button variant="secondary" size="sm" onClick={() => void me.refetch()} loading={me.isFetching}>
                Retry
              </Button>
            }
          >
            {errorMessage(me.error)}
          </Alert>
        ) : (
          <div className="mt-4 grid gap-4 sm:grid-cols-3" aria-busy="true">
            <Skeleton className="h-9" />
            <Skeleton className="h-9" />
            <Skeleton className="h-9" />
          </div>
        )}
      </Card>
    </section>
  );
}
