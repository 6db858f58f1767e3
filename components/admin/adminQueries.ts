"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { AdminChunkDTO, AdminChunkSummary } from "@/lib/admin/chunks";
import type { AdminRetryResult } from "@/lib/admin/retry";
import { apiFetch } from "../api";

export type { AdminChunkDTO, AdminChunkSummary, AdminRetryResult };
export type AdminChunksResponse = { chunks: AdminChunkDTO[]; total: number; limit: number; staleSeconds: number };

export type ChunkFilters = {
  status: string;
  email: string;
  errorCode: string;
  jobId: string;
  /** "", "15m", "1h", "24h", "7d" or "custom" (then since/until). */
  range: string;
  since: string;
  until: string;
  stuck: boolean;
};

export const EMPTY_FILTERS: ChunkFilters = { status: "", email: "", errorCode: "", jobId: "", range: "", since: "", until: "", stuck: false };

const RANGE_MS: Record<string, number> = { "15m": 15 * 60_000, "1h": 3_600_000, "24h": 86_400_000, "7d": 7 * 86_400_000 };

/** datetime-local value ("2026-11-25T10:30") → ISO, or "" when empty or invalid. */
function localToIso(v: string): string {
  if (!v) return "";
  const t = Date.parse(v);
  return Number.isNaN(t) ? "" : new Date(t).toISOString();
}

export function filtersToParams(f: ChunkFilters, now = Date.now()): URLSearchParams {
  const p = new URLSearchParams();
  if (f.status) p.set("status", f.status);
  if (f.email.trim()) p.set("email", f.email.trim());
  if (f.errorCode) p.set("errorCode", f.errorCode);
  if (f.jobId.trim()) p.set("jobId", f.jobId.trim());
  if (f.stuck) p.set("stuck", "1");
  if (f.range && f.range !== "custom" && RANGE_MS[f.range]) p.set("since", new Date(now - RANGE_MS[f.range]).toISOString());
  if (f.range === "custom") {
    const since = localToIso(f.since);
    const until = localToIso(f.until);
    if (since) p.set("since", since);
    if (until) p.set("until", until);
  }
  p.set("limit", "200");
  return p;
}

export const adminSummaryKey = ["admin", "chunks", "summary"] as const;
export const adminChunksKey = (f: ChunkFilters) => ["admin", "chunks", "list", f] as const;

/** The overview, refreshed every 5 s (30 s in a hidden tab). */
export function useAdminSummary() {
  return useQuery({
    queryKey: adminSummaryKey,
    queryFn: () => apiFetch<AdminChunkSummary>("/api/admin/chunks/summary"),
    refetchInterval: () => (typeof document !== "undefined" && document.hidden ? 30_000 : 5_000),
    placeholderData: keepPreviousData,
    staleTime: 0,
  });
}

/** Chunks matching the applied filters (refreshed on demand, so rows do not move under the pointer). */
export function useAdminChunks(filters: ChunkFilters) {
  return useQuery({
    queryKey: adminChunksKey(filters),
    queryFn: () => apiFetch<AdminChunksResponse>(`/api/admin/chunks?${filtersToParams(filters)}`),
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });
}
