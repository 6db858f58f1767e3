import { cn } from "./cn";

export function Skeleton({ className }: { className?: string }) {
  return <div aria-hidden="true" className={cn("animate-pulse rounded-md bg-zinc-200 dark:bg-zinc-800", className)} />;
}

/** `rows` full-width bars standing in for a list; `label` ("Loading chunks…") is announced to screen readers. */
export function SkeletonRows({ rows, label }: { rows: number; label?: string }) {
  return (
    <div className="space-y-2" aria-busy="true">
      {label ? (
        <p className="sr-only" role="status">
          {label}
        </p>
      ) : null}
      {Array.from({ length: rows }, (_, i) => (
        <Skeleton key={i} className="h-10 w-full" />
      ))}
    </div>
  );
}
