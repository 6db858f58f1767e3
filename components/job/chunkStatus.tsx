import type { ChunkDTO } from "@/lib/jobs/serialize";
import { CHUNK_STAGE, type ChunkStage } from "@/lib/jobs/chunk-stage";
import type { ChunkSummary } from "../useJobPolling";
import { cn } from "../ui/cn";

export type ChunkStatus = ChunkDTO["status"];
export type SummaryKey = keyof Omit<ChunkSummary, "total">;

type ChunkStatusMeta = {
  label: string;
  summaryKey: SummaryKey;
  /** Cell colours (text contrast ≥ 4.5:1 in both schemes). */
  cell: string;
  /** Small swatch for counts and the legend. */
  swatch: string;
};

/** Colour AND a distinct icon per status, so a chunk's state never depends on colour alone. */
export const CHUNK_STATUS: Record<ChunkStatus, ChunkStatusMeta> = {
  PENDING: {
    label: "Pending",
    summaryKey: "pending",
    cell: "border-zinc-300 bg-zinc-100 text-zinc-700 dark:border-zinc-600 dark:bg-zinc-800 dark:text-zinc-200",
    swatch: "text-zinc-600 dark:text-zinc-300",
  },
  PROCESSING: {
    label: "Processing",
    summaryKey: "processing",
    cell: "border-indigo-400 bg-indigo-100 text-indigo-900 dark:border-indigo-500 dark:bg-indigo-950 dark:text-indigo-100",
    swatch: "text-indigo-700 dark:text-indigo-300",
  },
  RETRY_SCHEDULED: {
    label: "Retry scheduled",
    summaryKey: "retryScheduled",
    cell: "border-dashed border-violet-500 bg-violet-100 text-violet-900 dark:border-violet-400 dark:bg-violet-950 dark:text-violet-100",
    swatch: "text-violet-700 dark:text-violet-300",
  },
  SUCCEEDED: {
    label: "Succeeded",
    summaryKey: "succeeded",
    cell: "border-emerald-400 bg-emerald-100 text-emerald-900 dark:border-emerald-700 dark:bg-emerald-950 dark:text-emerald-100",
    swatch: "text-emerald-700 dark:text-emerald-300",
  },
  FAILED: {
    label: "Failed",
    summaryKey: "failed",
    cell: "border-red-700 bg-red-600 text-white dark:border-red-400 dark:bg-red-700 dark:text-white",
    swatch: "text-red-700 dark:text-red-400",
  },
  CANCELLED: {
    label: "Cancelled",
    summaryKey: "cancelled",
    cell: "border-zinc-300 bg-zinc-50 text-zinc-600 line-through dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-400",
    swatch: "text-zinc-500 dark:text-zinc-400",
  },
};

/** Display order for counts and the legend. */
export const CHUNK_STATUS_ORDER: ChunkStatus[] = ["PENDING", "PROCESSING", "RETRY_SCHEDULED", "SUCCEEDED", "FAILED", "CANCELLED"];

const PATHS: Record<ChunkStatus, string> = {
  // clock
  PENDING: "M12 7v5l3 2M21 12a9 9 0 1 1-18 0 9 9 0 0 1 18 0Z",
  // play
  PROCESSING: "M8 5.5v13l10.5-6.5L8 5.5Z",
  // circular arrow
  RETRY_SCHEDULED: "M20 11a8 8 0 1 0-2.3 5.7M20 4v7h-7",
  // check
  SUCCEEDED: "m5 12.5 4.5 4.5L19 7.5",
  // cross
  FAILED: "M6 6l12 12M18 6 6 18",
  // slash in a circle
  CANCELLED: "M5.6 5.6l12.8 12.8M21 12a9 9 0 1 1-18 0 9 9 0 0 1 18 0Z",
};

export function ChunkStatusIcon({ status, className }: { status: ChunkStatus; className?: string }) {
  return (
    <svg
      viewBox="0 0 24 24"
      className={cn("size-4 shrink-0", className)}
      fill={status === "PROCESSING" ? "currentColor" : "none"}
      stroke="currentColor"
      strokeWidth={status === "FAILED" || status === "SUCCEEDED" ? 3 : 2}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      <path d={PATHS[status]} />
    </svg>
  );
}

export function chunkStatusLabel(status: ChunkStatus): string {
  return CHUNK_STATUS[status]?.label ?? status;
}

/** "pages 16–31" (the overlap page, when any, is mentioned separately). */
export function pageRange(c: Pick<ChunkDTO, "startPage" | "endPage">): string {
  return c.startPage === c.endPage ? `page ${c.startPage}` : `pages ${c.startPage}–${c.endPage}`;
}

/** "2 of 3"; after retry rounds a chunk may have used more than one round's attempts: "7 (3 per round)". */
export function attemptsText(c: Pick<ChunkDTO, "attempts" | "maxAttempts">): string {
  return c.attempts > c.maxAttempts ? `${c.attempts} (${c.maxAttempts} per round)` : `${c.attempts} of ${c.maxAttempts}`;
}

const STAGE_LABELS: Record<ChunkStage, string> = {
  [CHUNK_STAGE.extracting]: "extracting text",
  [CHUNK_STAGE.waitingProvider]: "waiting for the AI provider",
  [CHUNK_STAGE.rewriting]: "rewriting long sentences",
};

/** Where a processing chunk is ("waiting for the AI provider"), or null when it is not processing. */
export function chunkStageLabel(c: Pick<ChunkDTO, "status" | "stage">): string | null {
  if (c.status !== "PROCESSING" || !c.stage) return null;
  return STAGE_LABELS[c.stage as ChunkStage] ?? c.stage;
}
