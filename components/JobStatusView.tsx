"use client";

import { formatBytes, formatNumber } from "./format";
import { JobDetails } from "./job/JobDetails";
import { JobExports } from "./job/JobExports";
import { JobLive } from "./job/JobLive";
import { JobLoadError, JobNotFound } from "./job/JobLoadStates";
import { useJobView } from "./job/useJobActions";
import { useNow } from "./useNow";
import { Card } from "./ui/Card";
import { Skeleton } from "./ui/Skeleton";
import { StatusBadge } from "./ui/StatusBadge";

export type JobStatusViewProps = { jobId: string };

/** Live view of one job (the same content as JobProgressDialog, inline), with its details and exports. */
export function JobStatusView({ jobId }: JobStatusViewProps) {
  const view = useJobView(jobId);
  const { job, isLoading, notFound, loadError, refetch } = view;
  const now = useNow(job && !job.terminal ? 1_000 : 30_000);

  if (notFound) return <JobNotFound />;
  if (loadError) return <JobLoadError heading="Job" error={loadError} onRetry={refetch} />;
  if (isLoading || !job) return <JobSkeleton />;

  return (
    <div className="space-y-6">
      <header className="space-y-2">
        <div className="flex flex-wrap items-center gap-x-3 gap-y-2">
          <h1 className="min-w-0 max-w-full font-serif text-2xl font-semibold tracking-tight [overflow-wrap:anywhere] text-zinc-900 sm:text-3xl dark:text-white">
            {job.fileName}
          </h1>
          <StatusBadge status={job.status} />
        </div>
        <p className="text-sm text-zinc-700 tabular-nums dark:text-zinc-300">
          {formatNumber(job.pageCount)} pages · {formatBytes(job.fileSize)}
          {job.totalChunks > 0 ? ` · ${formatNumber(job.totalChunks)} chunk${job.totalChunks === 1 ? "" : "s"}` : ""}
        </p>
      </header>

      <div className="grid gap-6 lg:grid-cols-3">
        <Card className="p-5 sm:p-6 lg:col-span-2">
          <JobLive view={view} variant="page" />
        </Card>
        <div className="space-y-6">
          <JobExports job={job} />
          <JobDetails job={job} now={now} />
        </div>
      </div>
    </div>
  );
}

function JobSkeleton() {
  return (
    <div className="space-y-6" aria-busy="true">
      <h1 className="sr-only">Job</h1>
      <p className="sr-only" role="status">
        Loading the job…
      </p>
      <div className="space-y-3">
        <Skeleton className="h-8 w-2/3 max-w-md" />
        <Skeleton className="h-4 w-48" />
      </div>
      <div className="grid gap-6 lg:grid-cols-3">
        <div className="space-y-6 lg:col-span-2">
          <Skeleton className="h-40 w-full rounded-2xl" />
          <Skeleton className="h-52 w-full rounded-2xl" />
        </div>
        <Skeleton className="h-72 w-full rounded-2xl" />
      </div>
    </div>
  );
}
