"use client";

import Link from "next/link";
import type { ChunkDTO, JobDTO } from "@/lib/jobs/serialize";
import { errorMessage } from "../api";
import { ChunkGrid } from "../ChunkGrid";
import { formatDuration, formatNumber, pluralize } from "../format";
import type { ChunkSummary } from "../useJobPolling";
import { useNow } from "../useNow";
import { Alert } from "../ui/Alert";
import { Button, buttonClasses } from "../ui/Button";
import { ProgressBar, type ProgressBarProps } from "../ui/ProgressBar";
import { Spinner } from "../ui/Spinner";
import { jobStatusLabel } from "../ui/StatusBadge";
import { cn } from "../ui/cn";
import { CHUNK_STATUS, ChunkStatusIcon, attemptsText, pageRange } from "./chunkStatus";
import { ConfirmAction } from "./ConfirmAction";
import { estimateProgress } from "./estimate";
import { StatusCounts } from "./StatusCounts";
import { useCancelJob, useRetryChunks, type JobView } from "./useJobActions";

type Level = 2 | 3;

function Heading({ level, id, className, children }: { level: Level; id?: string; className?: string; children: React.ReactNode }) {
  const Tag = level === 2 ? "h2" : "h3";
  return (
    <Tag id={id} className={cn("text-sm font-semibold text-zinc-900 dark:text-zinc-100", className)}>
      {children}
    </Tag>
  );
}

function tone(status: JobDTO["status"]): NonNullable<ProgressBarProps["tone"]> {
  if (status === "COMPLETED") return "emerald";
  if (status === "PARTIAL_SUCCESS") return "amber";
  if (status === "FAILED") return "red";
  if (status === "CANCELLED") return "zinc";
  return "indigo";
}

export function fallbackStep(job: JobDTO): string {
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

function stepText(job: JobDTO): string {
  if (job.terminal) return fallbackStep(job);
  return job.currentStep || fallbackStep(job);
}

/** An estimate should not look precise: 5 s steps under a minute, 10 s under two, then whole minutes. */
function roundEta(ms: number): number {
  const step = ms < 60_000 ? 5_000 : ms < 120_000 ? 10_000 : 60_000;
  return Math.max(step, Math.round(ms / step) * step);
}

export const hasResult = (job: JobDTO) => job.status === "COMPLETED" || job.status === "PARTIAL_SUCCESS";

/** Percent bar, current step (announced politely), elapsed time, ETA and throughput. Fixed heights: polls never shift it. */
export function JobProgressSection({ job, chunks, reconnecting, level }: { job: JobDTO; chunks: ChunkDTO[] | undefined; reconnecting: boolean; level: Level }) {
  const now = useNow(job.terminal ? 30_000 : 1_000);
  const percent = Math.min(100, Math.max(0, Math.round(job.progressPercent ?? 0)));
  const est = estimateProgress(job, chunks, now);
  const chunkText = job.totalChunks > 0 ? ` (${job.succeededChunks} of ${job.totalChunks} chunks done)` : "";
  const eta = job.terminal
    ? "—"
    : est.etaMs === null
      ? "Estimating…"
      : est.etaMs < 1_000
        ? "Almost done"
        : `About ${formatDuration(roundEta(est.etaMs))}`;
  return (
    <section aria-labelledby={`progress-${job.id}`}>
      <div className="flex items-baseline justify-between gap-4">
        <Heading level={level} id={`progress-${job.id}`}>
          Progress
        </Heading>
        <span className="min-w-16 text-right text-2xl font-semibold tabular-nums text-zinc-900 dark:text-white">{percent}%</span>
      </div>
      <ProgressBar className="mt-2" value={percent} label="Job progress" valueText={`${percent}%${chunkText}`} tone={tone(job.status)} />
      <div className="mt-3 flex min-h-10 items-start gap-2 text-sm text-zinc-800 dark:text-zinc-200">
        {!job.terminal ? <Spinner size="sm" className="mt-0.5 shrink-0 text-indigo-600 dark:text-indigo-400" /> : null}
        <p aria-live="polite" aria-atomic="true" className="line-clamp-2 min-w-0" data-testid="current-step">
          {stepText(job)}
        </p>
      </div>
      <p className="sr-only" aria-live="polite" aria-atomic="true">
        Status: {jobStatusLabel(job.status)}
      </p>
      <dl className="mt-2 grid grid-cols-3 gap-2 text-xs">
        <div>
          <dt className="text-zinc-600 dark:text-zinc-400">Elapsed</dt>
          <dd className="mt-0.5 font-medium tabular-nums text-zinc-900 dark:text-zinc-100">{formatDuration(est.elapsedMs)}</dd>
        </div>
        <div>
          <dt className="text-zinc-600 dark:text-zinc-400">Time left</dt>
          <dd className="mt-0.5 font-medium tabular-nums text-zinc-900 dark:text-zinc-100">{eta}</dd>
        </div>
        <div>
          <dt className="text-zinc-600 dark:text-zinc-400">Throughput</dt>
          <dd className="mt-0.5 font-medium tabular-nums text-zinc-900 dark:text-zinc-100">
            {est.chunksPerMinute === null ? "—" : `${est.chunksPerMinute.toFixed(est.chunksPerMinute < 10 ? 1 : 0)} chunks/min`}
          </dd>
        </div>
      </dl>
      <p className="mt-2 flex h-5 items-center gap-1.5 text-xs text-amber-800 dark:text-amber-300" role="status">
        {reconnecting ? (
          <>
            <Spinner size="sm" />
            Connection lost — showing the last known state. Reconnecting…
          </>
        ) : null}
      </p>
    </section>
  );
}

/** Failed chunks with their error and a Retry button each. */
function FailedChunkList({
  chunks,
  onRetry,
  retrying,
  canRetry,
  level,
}: {
  chunks: ChunkDTO[];
  onRetry: (id: string) => void;
  retrying: Set<string>;
  canRetry: boolean;
  level: Level;
}) {
  const failed = chunks.filter((c) => c.status === "FAILED");
  if (failed.length === 0) return null;
  return (
    <section aria-label="Failed chunks">
      <Heading level={level} className="flex items-center gap-1.5">
        <ChunkStatusIcon status="FAILED" className={cn("size-3.5", CHUNK_STATUS.FAILED.swatch)} />
        Failed chunks ({formatNumber(failed.length)})
      </Heading>
      <ul className="mt-2 max-h-64 divide-y divide-zinc-200 overflow-y-auto rounded-xl border border-zinc-200 text-sm dark:divide-zinc-800 dark:border-zinc-800">
        {failed.map((c) => (
          <li key={c.id} className="flex flex-wrap items-start justify-between gap-2 px-3 py-2">
            <div className="min-w-0 flex-1">
              <p className="font-medium text-zinc-900 dark:text-zinc-100">
                Chunk {c.index + 1} · {pageRange(c)}
                <span className="font-normal text-zinc-600 dark:text-zinc-400"> · attempts {attemptsText(c)}</span>
              </p>
              <p className="mt-0.5 line-clamp-2 break-words text-xs text-zinc-700 dark:text-zinc-300" title={c.lastError ?? undefined}>
                {c.errorCode ? <span className="font-semibold">{c.errorCode}: </span> : null}
                {c.lastError ?? "Unknown error"}
              </p>
            </div>
            {canRetry ? (
              <Button size="sm" variant="secondary" loading={retrying.has(c.id)} onClick={() => onRetry(c.id)} aria-label={`Retry chunk ${c.index + 1}`}>
                Retry
              </Button>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

function canRetryJob(job: JobDTO): boolean {
  return job.status !== "CANCELLED" && job.status !== "PENDING" && job.status !== "SPLITTING";
}

export type JobLiveProps = {
  view: JobView;
  /** "dialog": headings are h3 and the actions come last; "page": h2 and actions under the progress. */
  variant: "dialog" | "page";
};

/** Everything live about one job: progress, counts, chunk grid, failures, retry and cancel. Shared by the dialog and the job page. */
export function JobLive({ view, variant }: JobLiveProps) {
  const { job, chunks, summary, reconnecting, retrying } = view;
  const jobId = job?.id ?? "";
  const retry = useRetryChunks(jobId);
  const cancel = useCancelJob(jobId);
  if (!job) return null;
  const level: Level = variant === "dialog" ? 3 : 2;
  const retryAllowed = canRetryJob(job);
  const onRetry = (id: string) => retry.mutate({ chunkIds: [id] });

  const controls = (
    <JobControls
      job={job}
      summary={summary}
      retryAll={() => retry.mutateAsync({})}
      retryPending={retry.isPending}
      cancel={() => cancel.mutateAsync()}
      cancelPending={cancel.isPending}
      error={retry.error ?? cancel.error}
      variant={variant}
    />
  );

  return (
    <div className="space-y-6">
      <JobProgressSection job={job} chunks={chunks} reconnecting={reconnecting} level={level} />
      {job.errorSummary ? (
        <Alert variant={job.status === "FAILED" ? "error" : "warning"} title="Problems" role={null}>
          {job.errorSummary}
        </Alert>
      ) : null}
      {variant === "page" ? controls : null}
      <section aria-labelledby={`counts-${job.id}`}>
        <Heading level={level} id={`counts-${job.id}`} className="mb-2">
          Chunks{" "}
          <span className="font-normal tabular-nums text-zinc-600 dark:text-zinc-400">({summary ? formatNumber(summary.total) : "—"} total)</span>
        </Heading>
        <StatusCounts summary={summary} />
      </section>
      <section aria-label="Chunk map">
        {chunks && chunks.length > 0 ? (
          <ChunkGrid chunks={chunks} onRetry={retryAllowed ? onRetry : undefined} retrying={retrying} label={`Chunks of ${job.fileName}`} />
        ) : (
          <div className="flex min-h-24 items-center justify-center rounded-xl border border-dashed border-zinc-300 px-4 text-center text-sm text-zinc-600 dark:border-zinc-700 dark:text-zinc-400">
            {job.terminal ? "This job has no chunks." : "The chunk map appears once the book is split into chunks."}
          </div>
        )}
      </section>
      {chunks ? <FailedChunkList chunks={chunks} onRetry={onRetry} retrying={retrying} canRetry={retryAllowed} level={level} /> : null}
      {variant === "dialog" ? controls : null}
    </div>
  );
}

type JobControlsProps = {
  job: JobDTO;
  summary: ChunkSummary | undefined;
  retryAll: () => Promise<unknown>;
  retryPending: boolean;
  cancel: () => Promise<unknown>;
  cancelPending: boolean;
  error: Error | null;
  variant: "dialog" | "page";
};

function JobControls({ job, summary, retryAll, retryPending, cancel, cancelPending, error, variant }: JobControlsProps) {
  const failed = summary?.failed ?? job.failedChunks;
  const showRetryAll = canRetryJob(job) && failed > 0;
  const showResults = hasResult(job) && variant === "dialog";
  if (!showRetryAll && job.terminal && !showResults && !error) return null;
  return (
    <section aria-label="Job actions" className="space-y-3">
      <div className="flex flex-wrap items-center gap-2">
        {showResults ? (
          <Link href={`/jobs/${job.id}/results`} className={buttonClasses("primary", "md")}>
            View results
          </Link>
        ) : null}
        {showRetryAll ? (
          <ConfirmAction
            label="Retry all failed"
            question={`Retry ${pluralize(failed, "failed chunk")}? Pages not yet paid for are reserved again.`}
            confirmLabel="Yes, retry"
            cancelLabel="Not now"
            confirmVariant="primary"
            pending={retryPending}
            onConfirm={retryAll}
          />
        ) : null}
        {!job.terminal ? (
          <ConfirmAction
            label="Cancel job"
            question="Stop processing this book? Unused credits go back to you."
            confirmLabel="Yes, cancel job"
            pending={cancelPending}
            onConfirm={cancel}
          />
        ) : null}
      </div>
      {error ? <Alert variant="error">{errorMessage(error)}</Alert> : null}
    </section>
  );
}
