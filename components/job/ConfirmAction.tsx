"use client";

import { useEffect, useRef, useState, type ReactNode } from "react";
import { Button, type ButtonVariant } from "../ui/Button";

export type ConfirmActionProps = {
  /** The button that asks first. */
  label: string;
  /** The question shown with the two answers. */
  question: ReactNode;
  confirmLabel: string;
  cancelLabel?: string;
  variant?: ButtonVariant;
  confirmVariant?: ButtonVariant;
  pending?: boolean;
  disabled?: boolean;
  /** When it returns a promise, the question closes once it resolves (and stays open if it rejects). */
  onConfirm: () => Promise<unknown> | void;
};

/**
 * A button that asks for confirmation inline: the question takes its place with "yes" focused;
 * "no" (or Escape inside it) brings focus back to the button.
 */
export function ConfirmAction({
  label,
  question,
  confirmLabel,
  cancelLabel = "Keep going",
  variant = "secondary",
  confirmVariant = "danger",
  pending = false,
  disabled = false,
  onConfirm,
}: ConfirmActionProps) {
  const [asking, setAsking] = useState(false);
  const trigger = useRef<HTMLButtonElement | null>(null);
  const refocus = useRef(false);
  const open = asking;

  useEffect(() => {
    if (!open && refocus.current) {
      refocus.current = false;
      trigger.current?.focus();
    }
  }, [open]);

  function confirm() {
    const result = onConfirm();
    if (result && typeof result.then === "function") {
      result.then(
        () => {
          refocus.current = true;
          setAsking(false);
        },
        () => undefined,
      );
    }
  }

  function back() {
    refocus.current = true;
    setAsking(false);
  }

  if (!open) {
    return (
      <Button ref={trigger} variant={variant} disabled={disabled} onClick={() => setAsking(true)}>
        {label}
      </Button>
    );
  }
  return (
    <div
      role="group"
      aria-label={label}
      className="flex flex-wrap items-center gap-2 rounded-lg border border-zinc-300 bg-white px-3 py-2 dark:border-zinc-700 dark:bg-zinc-900"
      onKeyDown={(e) => {
        if (e.key === "Escape") {
          e.preventDefault();
          e.stopPropagation();
          back();
        }
      }}
    >
      <span className="text-sm text-zinc-800 dark:text-zinc-200">{question}</span>
      <Button variant={confirmVariant} size="sm" loading={pending} onClick={confirm} autoFocus>
        {confirmLabel}
      </Button>
      <Button variant="ghost" size="sm" onClick={back} disabled={pending}>
        {cancelLabel}
      </Button>
    </div>
  );
}
