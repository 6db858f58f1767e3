"use client";

import { useEffect, useState } from "react";
import { Button } from "../ui/Button";

export type CopyButtonProps = { text: string; label?: string };

async function copy(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

/** Copies `text` to the clipboard and says so (visibly and to screen readers). */
export function CopyButton({ text, label = "Copy" }: CopyButtonProps) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  useEffect(() => {
    if (state === "idle") return;
    const t = window.setTimeout(() => setState("idle"), 2500);
    return () => window.clearTimeout(t);
  }, [state]);
  return (
    <>
      <Button variant="secondary" size="sm" onClick={async () => setState((await copy(text)) ? "copied" : "failed")}>
        {state === "copied" ? "Copied!" : label}
      </Button>
      <span className="sr-only" aria-live="polite">
        {state === "copied" ? "Copied to the clipboard." : state === "failed" ? "Could not copy. Select the text and copy it by hand." : ""}
      </span>
    </>
  );
}
