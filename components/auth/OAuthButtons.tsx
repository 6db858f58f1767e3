"use client";

import { signIn } from "next-auth/react";
import { useState } from "react";
import { Button } from "../ui/Button";

export type OAuthProvider = { id: string; name: string };
export type OAuthButtonsProps = { providers: OAuthProvider[]; callbackUrl: string };

/** "Continue with GitHub/Google" buttons; renders nothing when no OAuth provider is configured. */
export function OAuthButtons({ providers, callbackUrl }: OAuthButtonsProps) {
  const [pending, setPending] = useState<string | null>(null);
  if (providers.length === 0) return null;
  return (
    <div className="mt-6">
      <div className="relative text-center text-xs text-zinc-600 dark:text-zinc-400">
        <span aria-hidden="true" className="absolute inset-x-0 top-1/2 h-px bg-zinc-200 dark:bg-zinc-800" />
        <span className="relative bg-white px-2 dark:bg-zinc-900">or</span>
      </div>
      <div className="mt-4 grid gap-2">
        {providers.map((p) => (
          <Button
            key={p.id}
            variant="secondary"
            className="w-full"
            loading={pending === p.id}
            disabled={pending !== null}
            onClick={() => {
              setPending(p.id);
              void signIn(p.id, { callbackUrl });
            }}
          >
            Continue with {p.name}
          </Button>
        ))}
      </div>
    </div>
  );
}
