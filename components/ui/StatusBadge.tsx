import type { JobDTO } from "@/lib/jobs/serialize";
import { cn } from "./cn";

export type JobStatus = JobDTO["status"];

type StatusStyle = { label: string; className: string; dot: string; pulse?: boolean };

const STATUS: Record<JobStatus, StatusStyle> = {
  PENDING: {
    label: "Queued",
    className: "bg-zinc-100 text-zinc-800 ring-zinc-300 dark:bg-zinc-800 dark:text-zinc-200 dark:ring-zinc-700",
    dot: "bg-zinc-500 dark:bg-zinc-400",
    pulse: true,
  },
  SPLITTING: {
    label: "Splitting",
    className: "bg-sky-50 text-sky-800 ring-sky-300 dark:bg-sky-950 dark:text-sky-200 dark:ring-sky-800",
    dot: "bg-sky-500",
    pulse: true,
  },
  PROCESSING: {
    label: "Processing",
    className: "bg-indigo-50 text-indigo-800 ring-indigo-300 dark:bg-indigo-950 dark:text-indigo-200 dark:ring-indigo-800",
    dot: "bg-indigo-500",
    pulse: true,
  },
  FINALIZING: {
    label: "Finalizing",
    className: "bg-violet-50 text-violet-800 ring-violet-300 dark:bg-violet-950 dark:text-violet-200 dark:ring-violet-800",
    dot: "bg-violet-500",
    pulse: true,
  },
  COMPLETED: {
    label: "Completed",
    className: "bg-emerald-50 text-emerald-800 ring-emerald-300 dark:bg-emerald-950 dark:text-emerald-200 dark:ring-emerald-800",
    dot: "bg-emerald-500",
  },
  PARTIAL_SUCCESS: {
    label: "Partly done",
    className: "bg-amber-50 text-amber-900 ring-amber-300 dark:bg-amber-950 dark:text-amber-200 dark:ring-amber-800",
    dot: "bg-amber-500",
  },
  FAILED: {
    label: "Failed",
    className: "bg-red-50 text-red-800 ring-red-300 dark:bg-red-950 dark:text-red-200 dark:ring-red-800",
    dot: "bg-red-500",
  },
  CANCELLED: {
    label: "Cancelled",
    className: "bg-zinc-100 text-zinc-700 ring-zinc-300 dark:bg-zinc-800 dark:text-zinc-300 dark:ring-zinc-700",
    dot: "bg-zinc-400",
  },
};

export function jobStatusLabel(status: JobStatus): string {
  return STATUS[status]?.label ?? status;
}

export type StatusBadgeProps = { status: JobStatus; className?: string };

/** Colour AND text, so the status never depends on colour alone. */
export function StatusBadge({ status, className }: StatusBadgeProps) {
  const style = STATUS[status] ?? STATUS.PENDING;
  return (
    <span
      className={cn(
        "inline-flex items-center gap-1.5 whitespace-nowrap rounded-full px-2.5 py-0.5 text-xs font-medium ring-1 ring-inset",
        style.className,
        className,
      )}
    >
      <span className={cn("size-1.5 rounded-full", style.dot, style.pulse && "motion-safe:animate-pulse")} aria-hidden="true" />
      {STATUS[status] ? style.label : status}
    </span>
  );
}
