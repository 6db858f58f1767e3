import type { JobDTO } from "@/lib/jobs/serialize";
import { Card } from "../ui/Card";
import { ProgressBar, type ProgressBarProps } from "../ui/ProgressBar";
import { Spinner } from "../ui/Spinner";

export type JobProgressCardProps = { job: JobDTO; reconnecting: boolean };

function tone(status: JobDTO["status"]): NonNullable<ProgressBarProps["tone"]> {
  if (status === "COMPLETED") return "emerald";
  if (status === "PARTIAL_SUCCESS") return "amber";
  if (status === "FAILED") return "red";
  if (status === "CANCELLED") return "zinc";
  return "indigo";
}

function fallbackStep(job: JobDTO): string {
  switch (job.status) {
    case "PENDING":
      return "Waiting in the queue…";
    case "SPLITTING":
      return "Splitting the PDF into chunks…";
    case "PROCESSING":
      return "Extracting sentences…";
    case "FINALIZING":
      return "Merging the chunks in page order…";
    case "COMPLETED":
      return "All done.";
    case "PARTIAL_SUCCESS":
      return "Finished, but some chunks failed.";
    case "FAILED":
      return "The job failed.";
    case "CANCELLED":
      return "The job was cancelled.";
    default:
      return "";
  }
}

/** Progress bar + current step; fixed height so polling never shifts the page. */
export function JobProgressCard({ job, reconnecting }: JobProgressCardProps) {
  const percent = Math.min(100, Math.max(0, Math.round(job.progressPercent ?? 0)));
  const chunkText = job.totalChunks > 0 ? ` (${job.succeededChunks} of ${job.totalChunks} chunks done)` : "";
  return (
    <Card className="p-5 sm:p-6">
      <div className="flex items-baseline justify-between gap-4">
        <h2 id="progress-heading" className="text-sm font-semibold text-zinc-900 dark:text-zinc-100">
          Progress
        </h2>
        <span className="min-w-20 text-right text-2xl font-semibold tabular-nums text-zinc-900 dark:text-white">{percent}%</span>
      </div>
      <ProgressBar
        className="mt-3"
        value={percent}
        label="Job progress"
        valueText={`${percent}%${chunkText}`}
        tone={tone(job.status)}
      />
      <div className="mt-3 flex min-h-10 items-start gap-2 text-sm text-zinc-700 dark:text-zinc-300">
        {!job.terminal ? <Spinner size="sm" className="mt-0.5 shrink-0 text-indigo-600 dark:text-indigo-400" /> : null}
        <p aria-live="polite" aria-atomic="true" className="line-clamp-2 min-w-0">
          {job.currentStep || fallbackStep(job)}
        </p>
      </div>
      <p className="h-5 text-xs text-amber-800 dark:text-amber-300" aria-live="polite">
        {reconnecting ? "Connection lost — showing the last known state. Reconnecting…" : ""}
      </p>
    </Card>
  );
}
