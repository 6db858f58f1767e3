"use client";

import { useEffect, useRef } from "react";
import { Button } from "../ui/Button";
import { CopyButton } from "./CopyButton";

export type NewTokenSecretProps = { name: string; token: string; onDone: () => void };

/** The secret, shown once, with a copy button and a CLI hint. */
export function NewTokenSecret({ name, token, onDone }: NewTokenSecretProps) {
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => headingRef.current?.focus(), []);
  const command = `npm run folio -- process book.pdf --token ${token}`;
  return (
    <div className="rounded-xl border border-emerald-300 bg-emerald-50 p-4 dark:border-emerald-800 dark:bg-emerald-950/40">
      <h3 ref={headingRef} tabIndex={-1} className="text-sm font-semibold text-emerald-950 dark:text-emerald-100">
        Token “{name}” created
      </h3>
      <p className="mt-1 text-sm text-emerald-950 dark:text-emerald-100">
        Copy it now: this is the only time it is shown. Store it somewhere safe.
      </p>
      <div className="mt-3 flex flex-col items-start gap-2 sm:flex-row sm:items-center">
        <code className="w-full min-w-0 flex-1 rounded-lg border border-emerald-200 bg-white px-3 py-2 font-mono text-sm break-all text-zinc-900 select-all dark:border-emerald-900 dark:bg-zinc-950 dark:text-zinc-100">
          {token}
        </code>
        <CopyButton text={token} label="Copy token" />
      </div>
      <p className="mt-4 text-sm text-emerald-950 dark:text-emerald-100">Use it with the command-line tool:</p>
      <div className="mt-2 flex flex-col items-start gap-2 sm:flex-row sm:items-center">
        <code className="w-full min-w-0 flex-1 rounded-lg bg-zinc-900 px-3 py-2 font-mono text-xs [overflow-wrap:anywhere] text-zinc-100 dark:bg-black">
          {command}
        </code>
        <CopyButton text={command} label="Copy command" />
      </div>
      <div className="mt-4 flex justify-end">
        <Button variant="secondary" size="sm" onClick={onDone}>
          I have saved it
        </Button>
      </div>
    </div>
  );
}
