"use client";

import { useMutation, useMutationState, useQueryClient } from "@tanstack/react-query";
import { useMemo } from "react";
import type { ChunkDTO, JobDTO } from "@/lib/jobs/serialize";
import { apiFetch, jsonInit } from "../api";
import { meQueryKey } from "../queries";
import { chunksQueryKey, jobQueryKey, useJobPolling, type ChunkSummary, type JobPolling, type JobResponse } from "../useJobPolling";

export type RetryVariables = {
  /** The chunks to retry; all failed chunks when absent. */
  chunkIds?: string[];
};
export type RetryResponse = { scheduled: string[]; round: number };

const retryKey = (jobId: string) => ["job", jobId, "retry"] as const;

/**
 * POST /api/jobs/:id/chunks/retry. The optimistic state lives in the pending mutation's
 * variables (see useJobView): the cells turn RETRY_SCHEDULED at once, polls arriving meanwhile
 * cannot flip them back, and an error rolls back by itself. The mutation stays pending until
 * the job and chunks are fetched again, so the server's state takes over without a flicker.
 */
export function useRetryChunks(jobId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: retryKey(jobId),
    mutationFn: (vars: RetryVariables) =>
      apiFetch<RetryResponse>(`/api/jobs/${encodeURIComponent(jobId)}/chunks/retry`, jsonInit("POST", vars.chunkIds ? { chunkIds: vars.chunkIds } : {})),
    onSettled: async (_data, error) => {
      void queryClient.invalidateQueries({ queryKey: ["jobs"] });
      void queryClient.invalidateQueries({ queryKey: meQueryKey });
      const refresh = () =>
        Promise.all([
          queryClient.invalidateQueries({ queryKey: jobQueryKey(jobId), exact: true }),
          queryClient.invalidateQueries({ queryKey: chunksQueryKey(jobId), exact: true }),
        ]);
      await refresh();
      // A read served from a cache may predate the retry: while the job still looks finished,
      // ask again shortly (polling stops for finished jobs, so it would not catch up by itself).
      for (let i = 0; i < 5 && !error && queryClient.getQueryData<JobResponse>(jobQueryKey(jobId))?.job.terminal; i++) {
        await new Promise((r) => setTimeout(r, 400));
        await refresh();
      }
    },
  });
}

/** POST /api/jobs/:id/cancel; the answer replaces the cached job at once. */
export function useCancelJob(jobId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => apiFetch<JobResponse>(`/api/jobs/${encodeURIComponent(jobId)}/cancel`, jsonInit("POST")),
    onSuccess: (data) => {
      // The answer is the job as cancelled: use it rather than a read that may be older.
      if (data?.job) queryClient.setQueryData(jobQueryKey(jobId), data);
    },
    onSettled: async (data) => {
      void queryClient.invalidateQueries({ queryKey: ["jobs"] });
      void queryClient.invalidateQueries({ queryKey: meQueryKey });
      await Promise.all([
        data ? null : queryClient.invalidateQueries({ queryKey: jobQueryKey(jobId), exact: true }),
        queryClient.invalidateQueries({ queryKey: chunksQueryKey(jobId), exact: true }),
      ]);
    },
  });
}

/** Applies pending retries to the polled state: the chunks asked for (or every failed one) show RETRY_SCHEDULED. */
export function applyPendingRetries(
  job: JobDTO | undefined,
  chunks: ChunkDTO[] | undefined,
  summary: ChunkSummary | undefined,
  pending: RetryVariables[],
): { job: JobDTO | undefined; chunks: ChunkDTO[] | undefined; summary: ChunkSummary | undefined; retrying: Set<string> } {
  const retrying = new Set<string>();
  if (!pending.length || !chunks) return { job, chunks, summary, retrying };
  const all = pending.some((p) => !p.chunkIds);
  const ids = new Set(pending.flatMap((p) => p.chunkIds ?? []));
  const next = chunks.map((c) => {
    if (c.status !== "FAILED" || !(all || ids.has(c.id))) return c;
    retrying.add(c.id);
    return { ...c, status: "RETRY_SCHEDULED" as const };
  });
  if (!retrying.size) return { job, chunks, summary, retrying };
  const n = retrying.size;
  const nextSummary = summary ? { ...summary, failed: Math.max(0, summary.failed - n), retryScheduled: summary.retryScheduled + n } : summary;
  const nextJob: JobDTO | undefined = job
    ? {
        ...job,
        status: job.status === "CANCELLED" ? job.status : "PROCESSING",
        terminal: job.status === "CANCELLED" ? job.terminal : false,
        failedChunks: Math.max(0, job.failedChunks - n),
        errorSummary: null,
        finishedAt: null,
        currentStep: `Retrying ${n} chunk${n === 1 ? "" : "s"}…`,
      }
    : job;
  return { job: nextJob, chunks: next, summary: nextSummary, retrying };
}

export type JobView = JobPolling & { retrying: Set<string> };

/** The polled job with optimistic retries applied: what every live view of a job renders. */
export function useJobView(jobId: string): JobView {
  const polling = useJobPolling(jobId);
  const pending = useMutationState({
    filters: { mutationKey: retryKey(jobId), status: "pending" },
    select: (m) => m.state.variables as RetryVariables | undefined,
  });
  const pendingVars = useMemo(() => pending.filter((v): v is RetryVariables => v !== undefined), [pending]);
  const applied = useMemo(
    () => applyPendingRetries(polling.job, polling.chunks, polling.summary, pendingVars),
    [polling.job, polling.chunks, polling.summary, pendingVars],
  );
  return { ...polling, ...applied };
}
