"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { apiFetch, errorMessage } from "../api";
import { formatDateTime, formatRelativeTime } from "../format";
import { Button } from "../ui/Button";
import { cn } from "../ui/cn";
import { tokenState, tokensQueryKey, type ApiToken } from "./types";

export type TokenRowProps = { token: ApiToken; now: number };

const STATE_STYLE = {
  active: "bg-emerald-50 text-emerald-800 ring-emerald-300 dark:bg-emerald-950 dark:text-emerald-200 dark:ring-emerald-800",
  revoked: "bg-zinc-100 text-zinc-700 ring-zinc-300 dark:bg-zinc-800 dark:text-zinc-300 dark:ring-zinc-700",
  expired: "bg-amber-50 text-amber-900 ring-amber-300 dark:bg-amber-950 dark:text-amber-200 dark:ring-amber-800",
} as const;

const STATE_LABEL = { active: "Active", revoked: "Revoked", expired: "Expired" } as const;

export function TokenRow({ token, now }: TokenRowProps) {
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const state = tokenState(token, now);

  const revoke = useMutation({
    mutationFn: () => apiFetch<unknown>(`/api/tokens/${encodeURIComponent(token.id)}`, { method: "DELETE" }),
    onSuccess: () => {
      setConfirming(false);
      void queryClient.invalidateQueries({ queryKey: tokensQueryKey });
    },
  });

  return (
    <li className="py-4">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0">
          <p className="flex flex-wrap items-center gap-2">
            <span className="truncate font-medium text-zinc-900 dark:text-zinc-100">{token.name}</span>
            <span className={cn("rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset", STATE_STYLE[state])}>{STATE_LABEL[state]}</span>
          </p>
          <p className="mt-1 text-xs text-zinc-600 dark:text-zinc-400">
            <code className="font-mono">{token.prefix}…</code> · created{" "}
            <time dateTime={token.createdAt} title={formatDateTime(token.createdAt)}>
              {formatRelativeTime(token.createdAt, now)}
            </time>{" "}
            · {token.lastUsedAt ? <>last used {formatRelativeTime(token.lastUsedAt, now)}</> : "never used"}
            {token.expiresAt && state !== "revoked" ? <> · {state === "expired" ? "expired" : "expires"} {formatRelativeTime(token.expiresAt, now)}</> : null}
          </p>
        </div>
        {state !== "revoked" && !confirming ? (
          <Button variant="ghost" size="sm" onClick={() => setConfirming(true)} aria-label={`Revoke token ${token.name}`}>
            Revoke
          </Button>
        ) : null}
      </div>
      {confirming ? (
        <div role="group" aria-label={`Confirm revoking ${token.name}`} className="mt-3 rounded-lg border border-red-200 bg-red-50 p-3 dark:border-red-900 dark:bg-red-950/40">
          <p className="text-sm text-red-900 dark:text-red-100">
            Revoke “{token.name}”? Anything using it will stop working immediately. This cannot be undone.
          </p>
          <div className="mt-3 flex flex-wrap gap-2">
            <Button variant="danger" size="sm" loading={revoke.isPending} onClick={() => revoke.mutate()}>
              Revoke token
            </Button>
            <Button variant="secondary" size="sm" onClick={() => setConfirming(false)} disabled={revoke.isPending}>
              Keep it
            </Button>
          </div>
          {revoke.isError ? (
            <p role="alert" className="mt-2 text-sm font-medium text-red-800 dark:text-red-300">
              {errorMessage(revoke.error)}
            </p>
          ) : null}
        </div>
      ) : null}
    </li>
  );
}
