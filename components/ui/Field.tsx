import type { ComponentProps, ReactNode } from "react";
import { cn } from "./cn";

export const inputClasses =
  "block w-full rounded-lg border border-zinc-300 bg-white px-3 py-2 text-sm text-zinc-900 shadow-sm " +
  "placeholder:text-zinc-500 disabled:cursor-not-allowed disabled:bg-zinc-100 disabled:text-zinc-500 " +
  "aria-invalid:border-red-500 dark:border-zinc-700 dark:bg-zinc-950 dark:text-zinc-100 dark:placeholder:text-zinc-400 " +
  "dark:disabled:bg-zinc-900 dark:aria-invalid:border-red-400";

export type FieldProps = {
  id: string;
  label: ReactNode;
  /** Small helper text under the control. */
  hint?: ReactNode;
  /** Validation message; marks the field as invalid. */
  error?: string | null;
  optional?: boolean;
  children: (aria: { id: string; "aria-describedby"?: string; "aria-invalid"?: true }) => ReactNode;
  className?: string;
};

/** A label + control + hint + error, with ids wired for screen readers. */
export function Field({ id, label, hint, error, optional, children, className }: FieldProps) {
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [errorId, hintId].filter(Boolean).join(" ") || undefined;
  return (
    <div className={cn("space-y-1.5", className)}>
      <label htmlFor={id} className="block text-sm font-medium text-zinc-800 dark:text-zinc-200">
        {label}
        {optional ? <span className="ml-1 font-normal text-zinc-500 dark:text-zinc-400">(optional)</span> : null}
      </label>
      {children({ id, "aria-describedby": describedBy, "aria-invalid": error ? true : undefined })}
      {hint ? (
        <p id={hintId} className="text-xs text-zinc-600 dark:text-zinc-400">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={errorId} className="text-xs font-medium text-red-700 dark:text-red-400">
          {error}
        </p>
      ) : null}
    </div>
  );
}

export type TextInputProps = ComponentProps<"input">;

export function TextInput({ className, ...rest }: TextInputProps) {
  return <input className={cn(inputClasses, className)} {...rest} />;
}

export type SelectProps = ComponentProps<"select">;

export function Select({ className, ...rest }: SelectProps) {
  return <select className={cn(inputClasses, "pr-8", className)} {...rest} />;
}
