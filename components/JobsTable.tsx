"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import type { JobDTO } from "@/lib/jobs/serialize";
import { apiFetch } from "./api";
import { formatDateTime, formatDuration, formatNumber, formatRelativeTime, jobDurationMs } from "./format";
import { hasResult } from "./job/JobLive";
import { JobProgressDialog } from "./JobProgressDialog";
import { useNow } from "./useNow";
import { Button, ButtonLink, buttonClasses } from "./ui/Button";
import { Card } from "./ui/Card";
import { Skeleton } from "./ui/Skeleton";
import { StatusBadge } from "./ui/StatusBadge";
import { LoadErrorAlert } from "./LoadErrorAlert";

export type JobsPage = { jobs: JobDTO[]; page: number; pageSize: number; total: number };

export type JobsTableProps = {
  /** 1-based page number (from the URL). */
  page: number;
  pageSize?: number;
};

const ACTIVE_POLL_MS = 5_000;

export function JobsTable({ page, pageSize = 20 }: JobsTableProps) {
  const query = useQuery({
    queryKey: ["jobs", page, pageSize],
    queryFn: () => apiFetch<JobsPage>(`/api/jobs?page=${page}&pageSize=${pageSize}`),
    placeholderData: keepPreviousData,
    refetchInterval: (q) => (q.state.data?.jobs.some((j) => !j.terminal) ? ACTIVE_POLL_MS : false),
  });
  const now = useNow(query.data?.jobs.some((j) => !j.terminal) ? 5_000 : 30_000);
  const [openJobId, setOpenJobId] = useState<string | null>(null);

  if (query.isPending) return <JobsSkeleton />;

  if (query.isError && !query.data) {
    return (
      <LoadErrorAlert title="Could not load your jobs" error={query.error} retrying={query.isFetching} onRetry={() => void query.refetch()} />
    );
  }

  const data = query.data;
  if (!data) return <JobsSkeleton />;
  const jobs = data.jobs ?? [];
  const total = typeof data.total === "number" ? data.total : jobs.length;
  const size = data.pageSize || pageSize;

  if (jobs.length === 0) return <EmptyState page={page} />;

  const from = (page - 1) * size + 1;
  const to = from + jobs.length - 1;

  return (
    <div className="space-y-4">
      {query.isError ? (
        <p className="text-sm text-amber-800 dark:text-amber-300" role="status">
          Could not refresh the list; showing the last known state. Reconnecting…
        </p>
      ) : null}
      <Card className="overflow-hidden" aria-busy={query.isPlaceholderData || undefined}>
        <JobsTableDesktop jobs={jobs} now={now} onOpen={setOpenJobId} />
        <JobsListMobile jobs={jobs} now={now} onOpen={setOpenJobId} />
      </Card>
      <Pagination page={page} from={from} to={to} total={total} hasNext={to < total} />
      <JobProgressDialog jobId={openJobId} onClose={() => setOpenJobId(null)} />
    </div>
  );
}

type RowProps = { jobs: JobDTO[]; now: number; onOpen: (id: string) => void };

/** "Progress" opens the live dialog; "Results" goes to the sentences once there are some. */
function RowActions({ job, onOpen }: { job: JobDTO; onOpen: (id: string) => void }) {
  return (
    <div className="flex flex-wrap justify-end gap-2">
      <Button size="sm" variant="secondary" onClick={() => onOpen(job.id)} aria-label={`Progress of ${job.fileName}`}>
        Progress
      </Button>
      {hasResult(job) ? (
        <Link href={`/jobs/${job.id}/results`} className={buttonClasses("primary", "sm")} aria-label={`Results of ${job.fileName}`}>
          Results
        </Link>
      ) : null}
    </div>
  );
}

function JobsTableDesktop({ jobs, now, onOpen }: RowProps) {
  const th = "px-4 py-3 text-left text-xs font-semibold uppercase tracking-wide text-zinc-600 dark:text-zinc-400";
  return (
    <table className="hidden w-full text-sm md:table">
      <caption className="sr-only">Your jobs, newest first</caption>
      <thead className="border-b border-zinc-200 bg-zinc-50 dark:border-zinc-800 dark:bg-zinc-900/60">
        <tr>
          <th scope="col" className={th}>File</th>
          <th scope="col" className={th}>Status</th>
          <th scope="col" className={`${th} text-right`}>Pages</th>
          <th scope="col" className={`${th} text-right`}>Sentences</th>
          <th scope="col" className={th}>Created</th>
          <th scope="col" className={`${th} text-right`}>Duration</th>
          <th scope="col" className={`${th} text-right`}>
            <span className="sr-only">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody className="divide-y divide-zinc-200 dark:divide-zinc-800">
        {jobs.map((job) => (
          <tr key={job.id} className="hover:bg-zinc-50 dark:hover:bg-zinc-800/40">
            <td className="max-w-xs px-4 py-3">
              <Link
                href={`/jobs/${job.id}`}
                className="block truncate font-medium text-zinc-900 hover:text-indigo-700 hover:underline dark:text-zinc-100 dark:hover:text-indigo-300"
                title={job.fileName}
              >
                {job.fileName}
              </Link>
            </td>
            <td className="px-4 py-3">
              <StatusBadge status={job.status} />
            </td>
            <td className="px-4 py-3 text-right tabular-nums text-zinc-700 dark:text-zinc-300">{formatNumber(job.pageCount)}</td>
            <td className="px-4 py-3 text-right tabular-nums text-zinc-700 dark:text-zinc-300">{formatNumber(job.sentenceCount)}</td>
            <td className="px-4 py-3 whitespace-nowrap text-zinc-700 dark:text-zinc-300">
              <time dateTime={job.createdAt} title={formatDateTime(job.createdAt)}>
                {formatRelativeTime(job.createdAt, now)}
              </time>
            </td>
            <td className="px-4 py-3 text-right whitespace-nowrap tabular-nums text-zinc-700 dark:text-zinc-300">
              {formatDuration(jobDurationMs(job, now))}
            </td>
            <td className="px-4 py-2.5">
              <RowActions job={job} onOpen={onOpen} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function JobsListMobile({ jobs, now, onOpen }: RowProps) {
  return (
    <ul className="divide-y divide-zinc-200 md:hidden dark:divide-zinc-800">
      {jobs.map((job) => (
        <li key={job.id} className="px-4 py-3">
          <div className="flex items-start justify-between gap-3">
            <Link href={`/jobs/${job.id}`} className="min-w-0 truncate font-medium text-zinc-900 hover:underline dark:text-zinc-100">
              {job.fileName}
            </Link>
            <StatusBadge status={job.status} />
          </div>
          <p className="mt-1 flex flex-wrap gap-x-1.5 text-xs text-zinc-600 tabular-nums dark:text-zinc-400">
            <span className="whitespace-nowrap">{formatNumber(job.pageCount)} pages ·</span>
            <span className="whitespace-nowrap">{formatNumber(job.sentenceCount)} sentences ·</span>
            <span className="whitespace-nowrap">
              <time dateTime={job.createdAt}>{formatRelativeTime(job.createdAt, now)}</time> ·
            </span>
            <span className="whitespace-nowrap">{formatDuration(jobDurationMs(job, now))}</span>
          </p>
          <div className="mt-2">
            <RowActions job={job} onOpen={onOpen} />
          </div>
        </li>
      ))}
    </ul>
  );
}

type PaginationProps = { page: number; from: number; to: number; total: number; hasNext: boolean };

function Pagination({ page, from, to, total, hasNext }: PaginationProps) {
  return (
    <nav aria-label="Pagination" className="flex flex-wrap items-center justify-between gap-3">
      <p className="text-sm text-zinc-700 tabular-nums dark:text-zinc-300">
        Showing {formatNumber(from)}–{formatNumber(to)} of {formatNumber(total)}
      </p>
      <div className="flex gap-2">
        {page > 1 ? (
          <ButtonLink href={`/jobs?page=${page - 1}`} variant="secondary" size="sm" rel="prev">
            Previous
          </ButtonLink>
        ) : (
          <Button variant="secondary" size="sm" disabled>
            Previous
          </Button>
        )}
        {hasNext ? (
          <ButtonLink href={`/jobs?page=${page + 1}`} variant="secondary" size="sm" rel="next">
            Next
          </ButtonLink>
        ) : (
          <Button variant="secondary" size="sm" disabled>
            Next
          </Button>
        )}
      </div>
    </nav>
  );
}

function EmptyState({ page }: { page: number }) {
  return (
    <Card className="flex flex-col items-center px-6 py-14 text-center">
      <svg viewBox="0 0 24 24" className="size-10 text-zinc-400" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
        <path d="M4 19.5V5a2 2 0 0 1 2-2h12v16H6a2 2 0 0 0-2 2Zm0 0A2 2 0 0 0 6 21h12" />
      </svg>
      {page > 1 ? (
        <>
          <h2 className="mt-4 text-lg font-semibold text-zinc-900 dark:text-white">No jobs on this page</h2>
          <p className="mt-1 text-sm text-zinc-700 dark:text-zinc-300">You have fewer jobs than this page would show.</p>
          <ButtonLink href="/jobs" className="mt-6" variant="secondary">
            Go to the first page
          </ButtonLink>
        </>
      ) : (
        <>
          <h2 className="mt-4 text-lg font-semibold text-zinc-900 dark:text-white">No jobs yet</h2>
          <p className="mt-1 text-sm text-zinc-700 dark:text-zinc-300">Upload a PDF and its sentences will show up here.</p>
          <ButtonLink href="/upload" className="mt-6">
            Upload your first book
          </ButtonLink>
        </>
      )}
    </Card>
  );
}

function JobsSkeleton() {
  return (
    <Card className="divide-y divide-zinc-200 dark:divide-zinc-800" aria-busy="true">
      <p className="sr-only" role="status">
        Loading your jobs…
      </p>
      {Array.from({ length: 5 }, (_, i) => (
        <div key={i} className="flex items-center gap-4 px-4 py-4">
          <Skeleton className="h-4 w-1/3" />
          <Skeleton className="h-5 w-20 rounded-full" />
          <Skeleton className="ml-auto hidden h-4 w-12 sm:block" />
          <Skeleton className="hidden h-4 w-16 sm:block" />
          <Skeleton className="hidden h-4 w-20 md:block" />
        </div>
      ))}
    </Card>
  );
}
