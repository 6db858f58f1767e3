"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { CHUNK_ERROR_CODES } from "@/lib/jobs/chunk-errors";
import { apiFetch, errorMessage, jsonInit } from "../api";
import { formatDateTime, formatNumber, formatRelativeTime, pluralize } from "../format";
import { CHUNK_STATUS, CHUNK_STATUS_ORDER, ChunkStatusIcon, attemptsText, chunkStatusLabel, pageRange } from "../job/chunkStatus";
import { ConfirmAction } from "../job/ConfirmAction";
import { LoadErrorAlert } from "../LoadErrorAlert";
import { useNow } from "../useNow";
import { Alert } from "../ui/Alert";
import { Button } from "../ui/Button";
import { Field, Select, TextInput } from "../ui/Field";
import { SkeletonRows } from "../ui/Skeleton";
import { cn } from "../ui/cn";
import { EMPTY_FILTERS, useAdminChunks, type AdminChunkDTO, type AdminRetryResult, type ChunkFilters } from "./adminQueries";

export type ChunkExplorerProps = {
  /** Filters applied from elsewhere on the dashboard (a failure group, a job); a new object re-applies. */
  preset: ChunkFilters | null;
  onOpenJob: (jobId: string) => void;
  knownCodes: string[];
};

function retryMessage(r: AdminRetryResult): string {
  const ok = r.jobs.filter((j) => j.ok);
  const bad = r.jobs.filter((j) => !j.ok);
  let text = `Scheduled ${pluralize(r.scheduled, "chunk")} for retry in ${pluralize(ok.length, "job")}.`;
  if (bad.length) text += ` ${pluralize(bad.length, "job")} refused: ${bad.map((j) => (j.ok ? "" : j.error.message)).join(" ")}`;
  if (r.notFound.length) text += ` ${pluralize(r.notFound.length, "chunk")} no longer exist.`;
  return text;
}

/** Filters, a table of chunks across all jobs, and bulk retry of the selected failed ones. */
export function ChunkExplorer({ preset, onOpenJob, knownCodes }: ChunkExplorerProps) {
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<ChunkFilters>(EMPTY_FILTERS);
  const [applied, setApplied] = useState<ChunkFilters>(EMPTY_FILTERS);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [lastPreset, setLastPreset] = useState<ChunkFilters | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const now = useNow(30_000);
  const list = useAdminChunks(applied);
  const ids = useId();

  if (preset && preset !== lastPreset) {
    setLastPreset(preset);
    setDraft(preset);
    setApplied(preset);
    setSelected(new Set());
  }
  useEffect(() => {
    if (preset) headingRef.current?.focus();
  }, [preset]);

  const retry = useMutation({
    mutationFn: (chunkIds: string[]) => apiFetch<AdminRetryResult>("/api/admin/chunks/retry", jsonInit("POST", { chunkIds })),
    onSuccess: () => setSelected(new Set()),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ["admin"] }),
  });

  const chunks = list.data?.chunks ?? [];
  const failedIds = chunks.filter((c) => c.status === "FAILED").map((c) => c.id);
  const selectedIds = [...selected].filter((id) => failedIds.includes(id));
  const allSelected = failedIds.length > 0 && selectedIds.length === failedIds.length;
  const someSelected = selectedIds.length > 0 && !allSelected;

  function apply(e: FormEvent) {
    e.preventDefault();
    setApplied({ ...draft });
    setSelected(new Set());
    retry.reset();
  }

  function reset() {
    setDraft(EMPTY_FILTERS);
    setApplied(EMPTY_FILTERS);
    setSelected(new Set());
    retry.reset();
  }

  function toggle(id: string, on: boolean) {
    setSelected((prev) => {
      const next = new Set(prev);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  }

  const codes = [...new Set([...knownCodes, ...CHUNK_ERROR_CODES])];
  const set = <K extends keyof ChunkFilters>(k: K, v: ChunkFilters[K]) => setDraft((d) => ({ ...d, [k]: v }));

  return (
    <section aria-labelledby={`${ids}-heading`} className="space-y-4">
      <h2 id={`${ids}-heading`} ref={headingRef} tabIndex={-1} className="text-lg font-semibold text-zinc-900 focus:outline-none dark:text-white">
        Chunks
      </h2>
      <form onSubmit={apply} aria-label="Chunk filters" className="grid gap-4 rounded-xl border border-zinc-200 p-4 sm:grid-cols-2 lg:grid-cols-4 dark:border-zinc-800">
        <Field id={`${ids}-status`} label="Status">
          {(aria) => (
            <Select {...aria} value={draft.status} onChange={(e) => set("status", e.target.value)}>
              <option value="">Any status</option>
              {CHUNK_STATUS_ORDER.map((s) => (
                <option key={s} value={s}>
                  {chunkStatusLabel(s)}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <Field id={`${ids}-code`} label="Error code">
          {(aria) => (
            <Select {...aria} value={draft.errorCode} onChange={(e) => set("errorCode", e.target.value)}>
              <option value="">Any code</option>
              {codes.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <Field id={`${ids}-email`} label="User email" hint="Part of the address is enough.">
          {(aria) => <TextInput {...aria} type="search" value={draft.email} onChange={(e) => set("email", e.target.value)} autoComplete="off" />}
        </Field>
        <Field id={`${ids}-range`} label="Changed">
          {(aria) => (
            <Select {...aria} value={draft.range} onChange={(e) => set("range", e.target.value)}>
              <option value="">Any time</option>
              <option value="15m">In the last 15 minutes</option>
              <option value="1h">In the last hour</option>
              <option value="24h">In the last 24 hours</option>
              <option value="7d">In the last 7 days</option>
              <option value="custom">Between…</option>
            </Select>
          )}
        </Field>
        {draft.range === "custom" ? (
          <>
            <Field id={`${ids}-since`} label="From">
              {(aria) => <TextInput {...aria} type="datetime-local" value={draft.since} onChange={(e) => set("since", e.target.value)} />}
            </Field>
            <Field id={`${ids}-until`} label="To">
              {(aria) => <TextInput {...aria} type="datetime-local" value={draft.until} onChange={(e) => set("until", e.target.value)} />}
            </Field>
          </>
        ) : null}
        <Field id={`${ids}-job`} label="Job ID" optional>
          {(aria) => <TextInput {...aria} value={draft.jobId} onChange={(e) => set("jobId", e.target.value)} autoComplete="off" spellCheck={false} />}
        </Field>
        <div className="flex items-center gap-2 self-end pb-2">
          <input
            id={`${ids}-stuck`}
            type="checkbox"
            checked={draft.stuck}
            onChange={(e) => set("stuck", e.target.checked)}
            className="size-4 rounded border-zinc-400 accent-indigo-600"
          />
          <label htmlFor={`${ids}-stuck`} className="text-sm text-zinc-800 dark:text-zinc-200">
            Stuck only
          </label>
        </div>
        <div className="flex flex-wrap items-end gap-2 sm:col-span-2 lg:col-span-4">
          <Button type="submit">Apply filters</Button>
          <Button type="button" variant="ghost" onClick={reset}>
            Clear
          </Button>
          <Button type="button" variant="ghost" onClick={() => void list.refetch()} loading={list.isFetching && !list.isPending}>
            Refresh
          </Button>
        </div>
      </form>

      <div className="flex min-h-10 flex-wrap items-center justify-between gap-3">
        <p className="text-sm text-zinc-700 tabular-nums dark:text-zinc-300" role="status">
          {list.data
            ? list.data.total > list.data.chunks.length
              ? `Showing the ${formatNumber(list.data.chunks.length)} most recent of ${pluralize(list.data.total, "matching chunk")}`
              : pluralize(list.data.total, "matching chunk")
            : ""}
          {selectedIds.length ? ` · ${formatNumber(selectedIds.length)} selected` : ""}
        </p>
        <ConfirmAction
          label={`Retry selected (${selectedIds.length})`}
          question={`Retry ${pluralize(selectedIds.length, "failed chunk")}?`}
          confirmLabel="Yes, retry them"
          cancelLabel="Not now"
          confirmVariant="primary"
          variant="primary"
          disabled={selectedIds.length === 0}
          pending={retry.isPending}
          onConfirm={() => retry.mutateAsync(selectedIds)}
        />
      </div>
      {retry.isSuccess ? <Alert variant="success">{retryMessage(retry.data)}</Alert> : null}
      {retry.isError ? <Alert variant="error">{errorMessage(retry.error)}</Alert> : null}

      {list.isPending ? (
        <SkeletonRows rows={5} label="Loading chunks…" />
      ) : list.isError && !list.data ? (
        <LoadErrorAlert title="Could not load the chunks" error={list.error} onRetry={() => void list.refetch()} />
      ) : chunks.length === 0 ? (
        <p className="rounded-xl border border-dashed border-zinc-300 px-4 py-10 text-center text-sm text-zinc-700 dark:border-zinc-700 dark:text-zinc-300">
          No chunk matches these filters.
        </p>
      ) : (
        <div
          className={cn("overflow-x-auto rounded-xl border border-zinc-200 dark:border-zinc-800", list.isPlaceholderData && "opacity-60")}
          role="region"
          aria-label="Matching chunks"
          tabIndex={0}
        >
          <table className="w-full min-w-[48rem] text-left text-sm">
            <caption className="sr-only">Chunks matching the filters, most recently changed first</caption>
            <thead className="bg-zinc-50 text-xs uppercase tracking-wide text-zinc-600 dark:bg-zinc-900/60 dark:text-zinc-400">
              <tr>
                <th scope="col" className="w-10 px-3 py-2">
                  <input
                    type="checkbox"
                    aria-label="Select every failed chunk in this list"
                    checked={allSelected}
                    ref={(el) => {
                      if (el) el.indeterminate = someSelected;
                    }}
                    disabled={failedIds.length === 0}
                    onChange={(e) => setSelected(e.target.checked ? new Set(failedIds) : new Set())}
                    className="size-4 accent-indigo-600"
                  />
                </th>
                <th scope="col" className="px-3 py-2 font-semibold">Job</th>
                <th scope="col" className="px-3 py-2 font-semibold">Chunk</th>
                <th scope="col" className="px-3 py-2 font-semibold">Status</th>
                <th scope="col" className="px-3 py-2 font-semibold">Attempts</th>
                <th scope="col" className="px-3 py-2 font-semibold">Error</th>
                <th scope="col" className="px-3 py-2 font-semibold">Changed</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-200 dark:divide-zinc-800">
              {chunks.map((c) => (
                <ChunkRow key={c.id} chunk={c} selected={selected.has(c.id)} onToggle={toggle} onOpenJob={onOpenJob} now={now} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function ChunkRow({
  chunk: c,
  selected,
  onToggle,
  onOpenJob,
  now,
}: {
  chunk: AdminChunkDTO;
  selected: boolean;
  onToggle: (id: string, on: boolean) => void;
  onOpenJob: (id: string) => void;
  now: number;
}) {
  const meta = CHUNK_STATUS[c.status];
  return (
    <tr className={cn(selected && "bg-indigo-50/60 dark:bg-indigo-950/30")}>
      <td className="px-3 py-2">
        {c.status === "FAILED" ? (
          <input
            type="checkbox"
            checked={selected}
            onChange={(e) => onToggle(c.id, e.target.checked)}
            aria-label={`Select chunk ${c.index + 1} of ${c.job.fileName}`}
            className="size-4 accent-indigo-600"
          />
        ) : null}
      </td>
      <td className="max-w-56 px-3 py-2">
        <button
          type="button"
          onClick={() => onOpenJob(c.jobId)}
          className="block max-w-full truncate text-left font-medium text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300"
          title={c.job.fileName}
        >
          {c.job.fileName}
        </button>
        <span className="block truncate text-xs text-zinc-600 dark:text-zinc-400" title={c.job.userEmail}>
          {c.job.userEmail}
        </span>
      </td>
      <td className="px-3 py-2 whitespace-nowrap text-zinc-800 tabular-nums dark:text-zinc-200">
        #{c.index + 1} · {pageRange(c)}
      </td>
      <td className="px-3 py-2 whitespace-nowrap">
        <span className={cn("inline-flex items-center gap-1 text-xs font-semibold", meta.swatch)}>
          <ChunkStatusIcon status={c.status} className="size-3.5" />
          {meta.label}
          {c.stuck ? <span className="ml-1 rounded bg-amber-100 px-1 text-amber-900 dark:bg-amber-950 dark:text-amber-200">stuck</span> : null}
        </span>
      </td>
      <td className="px-3 py-2 text-zinc-800 tabular-nums dark:text-zinc-200">{attemptsText(c)}</td>
      <td className="max-w-72 px-3 py-2">
        {c.errorCode ? (
          <>
            <span className="font-mono text-xs font-semibold text-red-800 dark:text-red-300">{c.errorCode}</span>
            <span className="line-clamp-2 text-xs text-zinc-700 dark:text-zinc-300" title={c.lastError ?? undefined}>
              {c.lastError}
            </span>
          </>
        ) : (
          <span className="text-zinc-500 dark:text-zinc-400">—</span>
        )}
      </td>
      <td className="px-3 py-2 whitespace-nowrap text-zinc-700 dark:text-zinc-300">
        <time dateTime={c.updatedAt} title={formatDateTime(c.updatedAt)}>
          {formatRelativeTime(c.updatedAt, now)}
        </time>
      </td>
    </tr>
  );
}
