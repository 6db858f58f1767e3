"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { apiFetch, errorMessage } from "./api";
import { useNow } from "./useNow";
import { CreateTokenForm } from "./tokens/CreateTokenForm";
import { NewTokenSecret } from "./tokens/NewTokenSecret";
import { TokenRow } from "./tokens/TokenRow";
import { tokensQueryKey, type CreatedToken, type TokensResponse } from "./tokens/types";
import { Alert } from "./ui/Alert";
import { Button } from "./ui/Button";
import { Card } from "./ui/Card";
import { Skeleton } from "./ui/Skeleton";

/** Settings section: list, create (secret shown once) and revoke API tokens. */
export function ApiTokens() {
  const [created, setCreated] = useState<(CreatedToken & { name: string }) | null>(null);
  const now = useNow(60_000);
  const tokens = useQuery({ queryKey: tokensQueryKey, queryFn: () => apiFetch<TokensResponse>("/api/tokens") });

  return (
    <section aria-labelledby="tokens-heading">
      <Card className="p-5 sm:p-6">
        <h2 id="tokens-heading" className="text-lg font-semibold text-zinc-900 dark:text-white">
          API tokens
        </h2>
        <p className="mt-1 text-sm text-zinc-700 dark:text-zinc-300">
          Tokens let scripts and the <code className="font-mono text-[0.9em]">folio</code> command-line tool upload books as you.
        </p>

        <div className="mt-5 space-y-4">
          {created ? (
            <NewTokenSecret name={created.name} token={created.token} onDone={() => setCreated(null)} />
          ) : (
            <CreateTokenForm onCreated={setCreated} />
          )}
        </div>

        <div className="mt-6 border-t border-zinc-200 dark:border-zinc-800">
          {tokens.isPending ? (
            <div className="space-y-3 py-4" aria-busy="true">
              <p className="sr-only" role="status">
                Loading tokens…
              </p>
              <Skeleton className="h-10" />
              <Skeleton className="h-10" />
            </div>
          ) : tokens.isError && !tokens.data ? (
            <Alert
              variant="error"
              className="mt-4"
              action={
                <Button variant="secondary" size="sm" loading={tokens.isFetching} onClick={() => void tokens.refetch()}>
                  Retry
                </Button>
              }
            >
              {errorMessage(tokens.error)}
            </Alert>
          ) : tokens.data.tokens.length === 0 ? (
            <p className="py-6 text-center text-sm text-zinc-600 dark:text-zinc-400">No tokens yet.</p>
          ) : (
            <ul aria-label="Your API tokens" className="divide-y divide-zinc-200 dark:divide-zinc-800">
              {tokens.data.tokens.map((t) => (
                <TokenRow key={t.id} token={t} now={now} />
              ))}
            </ul>
          )}
        </div>
      </Card>
    </section>
  );
}
