"use client";

import { useQuery, useQueryClient, type Query } from "@tanstack/react-query";
import { useEffect } from "react";
import type { ChunkDTO, JobDTO } from "@/lib/jobs/serialize";
import type { ChunkSummary } from "@/lib/jobs/chunk-summary";
import { ApiRequestError, apiFetch } from "./api";

export type { ChunkSummary };

export type JobResponse = { job: JobDTO };
export type ChunksResponse = { chunks: ChunkDTO[]; summary: ChunkSummary };

export const jobQueryKey = (id: string) => ["job", id] as const;
export const chunksQueryKey = (id: string) => ["job", id, "chunks"] as const;

const ACTIVE_MS = 1_000;
const HIDDEN_MS = 5_000;
const MAX_BACKOFF_MS = 30_000;

type PollState = { status: string; dataUpdatedAt: number; errorUpdatedAt: number };

/**
 * 1 s while the tab is visible, 5 s while it is hidden. While polls fail, each wait is as long
 * as the outage so far (at least 2 s, at most 30 s): the interval doubles until a poll succeeds.
 */
export function pollInterval(state: PollState, hidden: boolean): number {
  const base = hidden ? HIDDEN_MS : ACTIVE_MS;
  if (state.status !== "error") return base;
  const outage = state.errorUpdatedAt - (state.dataUpdatedAt || state.errorUpdatedAt);
  return Math.min(MAX_BACKOFF_MS, Math.max(base, 2 * ACTIVE_MS, outage));
}

const isHidden = () => typeof document !== "undefined" && document.hidden;

function retryUnlessMissing(failureCount: number, error: Error): boolean {
  if (error instanceof ApiRequestError && (error.status === 404 || error.status === 401 || error.status === 403)) return false;
  return failureCount < 1;
}

const retryDelay = (attempt: number) => Math.min(8_000, 1_000 * 2 ** attempt);

export type JobPolling = {
  job: JobDTO | undefined;
  chunks: ChunkDTO[] | undefined;
  summary: ChunkSummary | undefined;
  /** First load, nothing to show yet. */
  isLoading: boolean;
  /** 404 JOB_NOT_FOUND (also for other users' jobs). */
  notFound: boolean;
  /** The first load failed for another reason (no data to show). */
  loadError: Error | null;
  /** We have data, but the latest poll failed; keep showing the last data. */
  reconnecting: boolean;
  refetch: () => void;
};

/**
 * Polls GET /api/jobs/:id and /api/jobs/:id/chunks while the job is active (every 1 s; 5 s in a
 * hidden tab; backing off after failed polls) and stops once `job.terminal` is true. The last
 * data stays on screen while a poll fails (`reconnecting`).
 */
export function useJobPolling(jobId: string): JobPolling {
  const queryClient = useQueryClient();

  const jobQuery = useQuery({
    queryKey: jobQueryKey(jobId),
    queryFn: () => apiFetch<JobResponse>(`/api/jobs/${encodeURIComponent(jobId)}`),
    refetchInterval: (q: Query<JobResponse, Error, JobResponse, readonly unknown[]>) =>
      q.state.data?.job.terminal ? false : pollInterval(q.state, isHidden()),
    refetchIntervalInBackground: true,
    retry: retryUnlessMissing,
    retryDelay,
    staleTime: 0,
  });

  const job = jobQuery.data?.job;
  const terminal = job?.terminal ?? false;
  const notFound = jobQuery.error instanceof ApiRequestError && jobQuery.error.status === 404;

  const chunksQuery = useQuery({
    queryKey: chunksQueryKey(jobId),
    queryFn: () => apiFetch<ChunksResponse>(`/api/jobs/${encodeURIComponent(jobId)}/chunks`),
    enabled: !notFound,
    refetchInterval: (q: Query<ChunksResponse, Error, ChunksResponse, readonly unknown[]>) =>
      terminal ? false : pollInterval(q.state, isHidden()),
    refetchIntervalInBackground: true,
    retry: retryUnlessMissing,
    retryDelay,
    staleTime: 0,
  });

  // When the job settles, fetch the chunks one last time so the final counts are exact (and once
  // more a moment later, in case that read was served from a short-lived server cache).
  useEffect(() => {
    if (!terminal) return;
    const again = () => void queryClient.invalidateQueries({ queryKey: chunksQueryKey(jobId), exact: true });
    again();
    const timer = window.setTimeout(again, 1_500);
    return () => window.clearTimeout(timer);
  }, [terminal, jobId, queryClient]);

  const pollFailed = (q: { failureCount: number; isError: boolean }) => q.failureCount > 0 || q.isError;

  return {
    job,
    chunks: chunksQuery.data?.chunks,
    summary: chunksQuery.data?.summary,
    isLoading: jobQuery.isPending && !jobQuery.isError,
    notFound: notFound && !job,
    loadError: !job && jobQuery.isError && !notFound ? jobQuery.error : null,
    reconnecting: Boolean(job) && (pollFailed(jobQuery) || (chunksQuery.data !== undefined && pollFailed(chunksQuery))),
    refetch: () => {
      void jobQuery.refetch();
      void chunksQuery.refetch();
    },
  };
}
