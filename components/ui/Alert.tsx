import type { ReactNode } from "react";
import { cn } from "./cn";

export type AlertVariant = "error" | "warning" | "info" | "success";

export type AlertProps = {
  variant?: AlertVariant;
  title?: string;
  children?: ReactNode;
  /** Extra content on the right (e.g. a Retry button). */
  action?: ReactNode;
  className?: string;
  /** Defaults to role="alert" for errors, role="status" otherwise; pass null for none. */
  role?: "alert" | "status" | null;
};

const styles: Record<AlertVariant, string> = {
  error: "border-red-300 bg-red-50 text-red-900 dark:border-red-800 dark:bg-red-950/60 dark:text-red-100",
  warning: "border-amber-300 bg-amber-50 text-amber-950 dark:border-amber-800 dark:bg-amber-950/50 dark:text-amber-100",
  info: "border-sky-300 bg-sky-50 text-sky-950 dark:border-sky-800 dark:bg-sky-950/50 dark:text-sky-100",
  success: "border-emerald-300 bg-emerald-50 text-emerald-950 dark:border-emerald-800 dark:bg-emerald-950/50 dark:text-emerald-100",
};

const icons: Record<AlertVariant, string> = {
  error: "M12 9v4m0 4h.01M10.3 3.9 1.8 18a2 2 0 0 0 1.7 3h17a2 2 0 0 0 1.7-3L13.7 3.9a2 2 0 0 0-3.4 0Z",
  warning: "M12 9v4m0 4h.01M10.3 3.9 1.8 18a2 2 0 0 0 1.7 3h17a2 2 0 0 0 1.7-3L13.7 3.9a2 2 0 0 0-3.4 0Z",
  info: "M12 16v-4m0-4h.01M22 12a10 10 0 1 1-20 0 10 10 0 0 1 20 0Z",
  success: "m9 12 2 2 4-4m7 2a10 10 0 1 1-20 0 10 10 0 0 1 20 0Z",
};

export function Alert({ variant = "info", title, children, action, className, role }: AlertProps) {
  const resolvedRole = role === null ? undefined : (role ?? (variant === "error" ? "alert" : "status"));
  return (
    <div role={resolvedRole} className={cn("flex items-start gap-3 rounded-xl border px-4 py-3 text-sm", styles[variant], className)}>
      <svg className="mt-0.5 size-5 shrink-0" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
        <path d={icons[variant]} />
      </svg>
      <div className="min-w-0 flex-1">
        {title ? <p className="font-semibold">{title}</p> : null}
        {children ? <div className={cn("break-words", title && "mt-1")}>{children}</div> : null}
      </div>
      {action ? <div className="shrink-0">{action}</div> : null}
    </div>
  );
}
