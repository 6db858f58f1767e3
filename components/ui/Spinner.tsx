import { cn } from "./cn";

export type SpinnerProps = {
  size?: "sm" | "md" | "lg";
  /** Accessible text; omit when the spinner sits next to visible text. */
  label?: string;
  className?: string;
};

const sizes = { sm: "size-4", md: "size-5", lg: "size-8" } as const;

export function Spinner({ size = "md", label, className }: SpinnerProps) {
  return (
    <span className={cn("inline-flex items-center", className)} role={label ? "status" : undefined}>
      <svg className={cn("animate-spin", sizes[size])} viewBox="0 0 24 24" fill="none" aria-hidden="true">
        <circle cx="12" cy="12" r="10" stroke="currentColor" strokeOpacity="0.25" strokeWidth="4" />
        <path d="M22 12a10 10 0 0 0-10-10" stroke="currentColor" strokeWidth="4" strokeLinecap="round" />
      </svg>
      {label ? <span className="sr-only">{label}</span> : null}
    </span>
  );
}
