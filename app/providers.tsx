"use client";

import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import type { Session } from "next-auth";
import { SessionProvider, signOut } from "next-auth/react";
import { useState, type ReactNode } from "react";
import { ApiRequestError } from "@/components/api";

let signingOut = false;

/**
 * An API answer of 401 means the session no longer works (expired, or the account is gone):
 * clear it and go to sign-in, coming back here afterwards. Signing out (rather than only
 * navigating) matters: /signin sends still-signed-in visitors back, which would loop.
 */
function signOutOnUnauthenticated(error: unknown) {
  if (signingOut || !(error instanceof ApiRequestError) || error.status !== 401) return;
  const here = `${window.location.pathname}${window.location.search}`;
  if (here.startsWith("/signin") || here.startsWith("/signup")) return;
  signingOut = true;
  void signOut({ callbackUrl: `/signin?callbackUrl=${encodeURIComponent(here)}` });
}

function makeQueryClient() {
  return new QueryClient({
    queryCache: new QueryCache({ onError: signOutOnUnauthenticated }),
    mutationCache: new MutationCache({ onError: signOutOnUnauthenticated }),
    defaultOptions: {
      queries: {
        staleTime: 5_000,
        retry: (failureCount, error) => {
          if (error instanceof ApiRequestError && error.status >= 400 && error.status < 500 && error.status !== 429) {
            return false;
          }
          return failureCount < 2;
        },
      },
    },
  });
}

export function Providers({ children, session }: { children: ReactNode; session: Session | null }) {
  const [queryClient] = useState(makeQueryClient);
  return (
    <SessionProvider session={session}>
      <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
    </SessionProvider>
  );
}
