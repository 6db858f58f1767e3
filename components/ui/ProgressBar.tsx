import { cn } from "./cn";

export type ProgressBarProps = {
  /** 0-100; null renders an indeterminate bar. */
  value: number | null;
  /** Accessible name of the progress bar. */
  label: string;
  /** Human text for screen readers, e.g. "42% (3 of 7 chunks)". */
  valueText?: string;
  tone?: "indigo" | "emerald" | "amber" | "red" | "zinc";
  size?: "sm" | "md";
  className?: string;
};

const tones = {
  indigo: "bg-indigo-600 dark:bg-indigo-400",
  emerald: "bg-emerald-600 dark:bg-emerald-400",
  amber: "bg-amber-500 dark:bg-amber-400",
  red: "bg-red-600 dark:bg-red-400",
  zinc: "bg-zinc-500 dark:bg-zinc-400",
} as const;

export function ProgressBar({ value, label, valueText, tone = "indigo", size = "md", className }: ProgressBarProps) {
  const clamped = value === null ? null : Math.min(100, Math.max(0, Math.round(value)));
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={clamped ?? undefined}
      aria-valuetext={valueText}
      className={cn(
        "relative w-full overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-800",
        size === "sm" ? "h-1.5" : "h-2.5",
        className,
      )}
    >
      {clamped === null ? (
        <div className={cn("absolute inset-y-0 left-0 w-1/3 animate-pulse rounded-full", tones[tone])} />
      ) : (
        <div
          className={cn("h-full rounded-full transition-[width] duration-500 ease-out", tones[tone])}
          style={{ width: `${clamped}%` }}
        />
      )}
    </div>
  );
}
