"use client";

import { useState } from "react";
import type { AttentionJob, FailureGroup } from "@/lib/admin/chunks";
import { formatDateTime, formatDuration, formatNumber, formatRelativeTime, pluralize } from "../format";
import { ChunkStatusIcon, pageRange } from "../job/chunkStatus";
import { StatusCounts } from "../job/StatusCounts";
import { JobProgressDialog } from "../JobProgressDialog";
import { LoadErrorAlert } from "../LoadErrorAlert";
import { useNow } from "../useNow";
import { Button } from "../ui/Button";
import { Card } from "../ui/Card";
import { Skeleton, SkeletonRows } from "../ui/Skeleton";
import { StatusBadge, type JobStatus } from "../ui/StatusBadge";
import { EMPTY_FILTERS, useAdminSummary, type AdminChunkSummary, type ChunkFilters } from "./adminQueries";
import { ChunkExplorer } from "./ChunkExplorer";
import { CreditGrantForm } from "./CreditGrantForm";
import { ThroughputChart } from "./ThroughputChart";

function SectionCard({ id, title, description, children, className }: { id: string; title: string; description?: React.ReactNode; children: React.ReactNode; className?: string }) {
  return (
    <section aria-labelledby={id} className={className}>
      <Card className="h-full p-5 sm:p-6">
        <h2 id={id} className="text-lg font-semibold text-zinc-900 dark:text-white">
          {title}
        </h2>
        {description ? <p className="mt-1 text-sm text-zinc-700 dark:text-zinc-300">{description}</p> : null}
        <div className="mt-4">{children}</div>
      </Card>
    </section>
  );
}

/** /admin/chunks: the whole pipeline at a glance, and the tools to act on it. */
export function AdminChunksDashboard() {
  const summary = useAdminSummary();
  const now = useNow(10_000);
  const [preset, setPreset] = useState<ChunkFilters | null>(null);
  const [openJob, setOpenJob] = useState<string | null>(null);
  const data = summary.data;

  const showFailures = (code: string) => setPreset({ ...EMPTY_FILTERS, status: "FAILED", errorCode: code === "UNKNOWN" ? "" : code });
  const showJob = (jobId: string) => setPreset({ ...EMPTY_FILTERS, jobId });

  return (
    <div className="space-y-6">
      <p className="flex min-h-5 items-center gap-2 text-xs text-zinc-600 dark:text-zinc-400" role="status">
        {summary.isError && data
          ? "Could not refresh; showing the last known numbers. Retrying…"
          : data
            ? `Updated ${formatRelativeTime(data.generatedAt, now)} · refreshes every 5 seconds`
            : ""}
      </p>

      {summary.isError && !data ? (
        <LoadErrorAlert title="Could not load the dashboard" error={summary.error} onRetry={() => void summary.refetch()} />
      ) : null}

      <div className="grid gap-6 lg:grid-cols-2">
        <SectionCard id="totals-heading" title="Chunks by status" description="Across every job.">
          {data ? (
            <>
              <StatusCounts summary={data.totals} />
              <p className="mt-3 text-sm text-zinc-700 tabular-nums dark:text-zinc-300">
                {pluralize(data.totals.total, "chunk")} in total ·{" "}
                <span className={data.stuck.count ? "font-semibold text-amber-800 dark:text-amber-300" : undefined}>{pluralize(data.stuck.count, "stuck chunk")}</span>
              </p>
            </>
          ) : (
            <SkeletonRows rows={3} />
          )}
        </SectionCard>
        <SectionCard id="throughput-heading" title="Throughput" description="Chunks settled per minute over the last hour.">
          {data ? <ThroughputChart buckets={data.throughput.buckets} /> : <Skeleton className="h-48 w-full rounded-xl" />}
        </SectionCard>
      </div>

      <SectionCard id="failures-heading" title="Failures by error code" description="Chunks failed right now, grouped by the code of their last error.">
        {data ? <FailureTable groups={data.failures} onShow={showFailures} onOpenJob={setOpenJob} now={now} /> : <SkeletonRows rows={2} />}
      </SectionCard>

      <div className="grid gap-6 lg:grid-cols-2">
        <SectionCard
          id="stuck-heading"
          title="Stuck chunks"
          description={data ? `Processing, but no heartbeat for more than ${formatDuration(data.staleSeconds * 1000)}. Recovery requests them again.` : undefined}
        >
          {data ? <StuckList summary={data} onOpenJob={setOpenJob} now={now} /> : <SkeletonRows rows={2} />}
        </SectionCard>
        <SectionCard id="jobs-heading" title="Jobs to watch" description="Running jobs and jobs with failed chunks. Open one to see its chunks.">
          {data ? <JobsToWatch jobs={data.jobs} onOpen={setOpenJob} onFilter={showJob} /> : <SkeletonRows rows={3} />}
        </SectionCard>
      </div>

      <Card className="p-5 sm:p-6">
        <ChunkExplorer preset={preset} onOpenJob={setOpenJob} knownCodes={data?.failures.map((f) => f.code).filter((c) => c !== "UNKNOWN") ?? []} />
      </Card>

      <SectionCard id="credits-heading" title="Grant credits" description="Add credits to a user's balance.">
        <CreditGrantForm />
      </SectionCard>

      <JobProgressDialog jobId={openJob} onClose={() => setOpenJob(null)} />
    </div>
  );
}

function Empty({ children }: { children: React.ReactNode }) {
  return <p className="rounded-xl border border-dashed border-zinc-300 px-4 py-6 text-center text-sm text-zinc-700 dark:border-zinc-700 dark:text-zinc-300">{children}</p>;
}

function FailureTable({ groups, onShow, onOpenJob, now }: { groups: FailureGroup[]; onShow: (code: string) => void; onOpenJob: (id: string) => void; now: number }) {
  if (groups.length === 0) {
    return (
      <Empty>
        <span className="inline-flex items-center gap-1.5">
          <ChunkStatusIcon status="SUCCEEDED" className="size-4 text-emerald-700 dark:text-emerald-400" />
          No failed chunks.
        </span>
      </Empty>
    );
  }
  const actions = (g: FailureGroup) => (
    <div className="flex justify-end gap-2">
      {g.latestJobId ? (
        <Button size="sm" variant="ghost" onClick={() => onOpenJob(g.latestJobId as string)} aria-label={`Latest job failing with ${g.code}`}>
          Latest job
        </Button>
      ) : null}
      <Button size="sm" variant="secondary" onClick={() => onShow(g.code)} aria-label={`Show chunks failing with ${g.code}`}>
        Show chunks
      </Button>
    </div>
  );
  return (
    <>
      {/* Phones: one card per code. */}
      <ul className="space-y-3 md:hidden">
        {groups.map((g) => (
          <li key={g.code} className="rounded-xl border border-zinc-200 p-3 dark:border-zinc-800">
            <div className="flex items-baseline justify-between gap-2">
              <span className="font-mono text-xs font-semibold text-red-800 dark:text-red-300">{g.code}</span>
              <span className="text-sm tabular-nums text-zinc-800 dark:text-zinc-200">
                {pluralize(g.count, "chunk")} · {pluralize(g.jobs, "job")}
              </span>
            </div>
            <p className="mt-1 line-clamp-3 text-xs break-words text-zinc-700 dark:text-zinc-300">{g.latestMessage ?? "—"}</p>
            <div className="mt-2 flex items-center justify-between gap-2">
              <span className="text-xs text-zinc-600 dark:text-zinc-400">{g.latestAt ? formatRelativeTime(g.latestAt, now) : ""}</span>
              {actions(g)}
            </div>
          </li>
        ))}
      </ul>
      <div className="hidden overflow-x-auto md:block" role="region" aria-label="Failures by error code" tabIndex={0}>
        <table className="w-full min-w-[40rem] text-left text-sm">
          <caption className="sr-only">Failed chunks grouped by error code</caption>
          <thead className="text-xs uppercase tracking-wide text-zinc-600 dark:text-zinc-400">
            <tr>
              <th scope="col" className="py-2 pr-3 font-semibold">Code</th>
              <th scope="col" className="py-2 pr-3 text-right font-semibold">Chunks</th>
              <th scope="col" className="py-2 pr-3 text-right font-semibold">Jobs</th>
              <th scope="col" className="py-2 pr-3 font-semibold">Latest message</th>
              <th scope="col" className="py-2 pr-3 font-semibold">Latest</th>
              <th scope="col" className="py-2 font-semibold">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-200 dark:divide-zinc-800">
            {groups.map((g) => (
              <tr key={g.code} data-code={g.code}>
                <th scope="row" className="py-2 pr-3 font-mono text-xs font-semibold text-red-800 dark:text-red-300">
                  {g.code}
                </th>
                <td className="py-2 pr-3 text-right font-semibold tabular-nums">{formatNumber(g.count)}</td>
                <td className="py-2 pr-3 text-right tabular-nums">{formatNumber(g.jobs)}</td>
                <td className="max-w-md py-2 pr-3">
                  <span className="line-clamp-2 text-xs text-zinc-700 dark:text-zinc-300" title={g.latestMessage ?? undefined}>
                    {g.latestMessage ?? "—"}
                  </span>
                </td>
                <td className="py-2 pr-3 whitespace-nowrap text-xs text-zinc-700 dark:text-zinc-300">
                  {g.latestAt ? (
                    <time dateTime={g.latestAt} title={formatDateTime(g.latestAt)}>
                      {formatRelativeTime(g.latestAt, now)}
                    </time>
                  ) : (
                    "—"
                  )}
                </td>
                <td className="py-2 text-right whitespace-nowrap">{actions(g)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

function StuckList({ summary, onOpenJob, now }: { summary: AdminChunkSummary; onOpenJob: (id: string) => void; now: number }) {
  const { chunks, count } = summary.stuck;
  if (count === 0) return <Empty>No stuck chunks: every processing chunk has a recent heartbeat.</Empty>;
  return (
    <>
      <ul className="divide-y divide-zinc-200 text-sm dark:divide-zinc-800">
        {chunks.map((c) => (
          <li key={c.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
            <div className="min-w-0">
              <button
                type="button"
                onClick={() => onOpenJob(c.jobId)}
                className="block max-w-full truncate text-left font-medium text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300"
              >
                {c.job.fileName}
              </button>
              <span className="text-xs text-zinc-600 dark:text-zinc-400">
                Chunk {c.index + 1} · {pageRange(c)} · {c.job.userEmail}
              </span>
            </div>
            <span className="text-xs text-amber-800 tabular-nums dark:text-amber-300">
              Last heartbeat {c.heartbeatAt ? formatRelativeTime(c.heartbeatAt, now) : "never"}
            </span>
          </li>
        ))}
      </ul>
      {count > chunks.length ? <p className="mt-2 text-xs text-zinc-600 dark:text-zinc-400">and {formatNumber(count - chunks.length)} more…</p> : null}
    </>
  );
}

function JobsToWatch({ jobs, onOpen, onFilter }: { jobs: AttentionJob[]; onOpen: (id: string) => void; onFilter: (id: string) => void }) {
  if (jobs.length === 0) return <Empty>Nothing running and nothing failed.</Empty>;
  return (
    <ul className="divide-y divide-zinc-200 text-sm dark:divide-zinc-800">
      {jobs.map((j) => (
        <li key={j.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
          <div className="min-w-0 flex-1">
            <div className="flex flex-wrap items-center gap-2">
              <span className="min-w-0 truncate font-medium text-zinc-900 dark:text-zinc-100" title={j.fileName}>
                {j.fileName}
              </span>
              <StatusBadge status={j.status as JobStatus} />
            </div>
            <span className="text-xs text-zinc-600 tabular-nums dark:text-zinc-400">
              {j.userEmail} · {formatNumber(j.succeededChunks)}/{formatNumber(j.totalChunks)} chunks done
              {j.failedChunks ? ` · ${formatNumber(j.failedChunks)} failed` : ""}
            </span>
          </div>
          <div className="flex gap-2">
            <Button size="sm" variant="ghost" onClick={() => onFilter(j.id)} aria-label={`List the chunks of ${j.fileName}`}>
              Chunks
            </Button>
            <Button size="sm" variant="secondary" onClick={() => onOpen(j.id)} aria-label={`Open ${j.fileName}`}>
              Open
            </Button>
          </div>
        </li>
      ))}
    </ul>
  );
}
