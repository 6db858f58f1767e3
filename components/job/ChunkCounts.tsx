import type { ChunkSummary } from "../useJobPolling";
import { formatNumber } from "../format";
import { Card } from "../ui/Card";
import { cn } from "../ui/cn";

export type ChunkCountsProps = { summary: ChunkSummary | undefined };

const TILES: { key: keyof Omit<ChunkSummary, "total">; label: string; dot: string }[] = [
  { key: "pending", label: "Pending", dot: "bg-zinc-400" },
  { key: "processing", label: "Processing", dot: "bg-indigo-500" },
  { key: "retryScheduled", label: "Retry scheduled", dot: "bg-violet-500" },
  { key: "succeeded", label: "Succeeded", dot: "bg-emerald-500" },
  { key: "failed", label: "Failed", dot: "bg-red-500" },
  { key: "cancelled", label: "Cancelled", dot: "bg-zinc-300 dark:bg-zinc-600" },
];

/** Chunk counts per status in a fixed grid (numbers change, the layout does not). */
export function ChunkCounts({ summary }: ChunkCountsProps) {
  return (
    <Card className="p-5 sm:p-6">
      <h2 className="text-sm font-semibold text-zinc-900 dark:text-zinc-100">
        Chunks <span className="font-normal tabular-nums text-zinc-600 dark:text-zinc-400">({summary ? formatNumber(summary.total) : "—"} total)</span>
      </h2>
      <dl className="mt-4 grid grid-cols-2 gap-3 sm:grid-cols-3">
        {TILES.map((t) => (
          <div key={t.key} className="rounded-xl border border-zinc-200 px-3 py-2.5 dark:border-zinc-800">
            <dt className="flex items-center gap-1.5 text-xs text-zinc-600 dark:text-zinc-400">
              <span className={cn("size-2 rounded-full", t.dot)} aria-hidden="true" />
              {t.label}
            </dt>
            <dd className="mt-1 text-xl font-semibold tabular-nums text-zinc-900 dark:text-white">
              {summary ? formatNumber(summary[t.key]) : "—"}
            </dd>
          </div>
        ))}
      </dl>
    </Card>
  );
}
