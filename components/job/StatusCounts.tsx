import { formatNumber } from "../format";
import type { ChunkSummary } from "../useJobPolling";
import { cn } from "../ui/cn";
import { CHUNK_STATUS, CHUNK_STATUS_ORDER, ChunkStatusIcon } from "./chunkStatus";

export type StatusCountsProps = { summary: ChunkSummary | undefined; className?: string };

/** Chunk counts per status in a fixed grid: the numbers change, the layout does not. */
export function StatusCounts({ summary, className }: StatusCountsProps) {
  return (
    <dl className={cn("grid grid-cols-2 gap-2 sm:grid-cols-3", className)}>
      {CHUNK_STATUS_ORDER.map((s) => {
        const meta = CHUNK_STATUS[s];
        const value = summary ? summary[meta.summaryKey] : null;
        return (
          <div key={s} className="flex items-center justify-between gap-2 rounded-lg border border-zinc-200 px-3 py-2 dark:border-zinc-800">
            <dt className="flex min-w-0 items-center gap-1.5 text-xs leading-tight text-zinc-700 dark:text-zinc-300">
              <ChunkStatusIcon status={s} className={cn("size-3.5", meta.swatch)} />
              <span>{meta.label}</span>
            </dt>
            <dd className="text-base font-semibold tabular-nums text-zinc-900 dark:text-white">{value === null ? "—" : formatNumber(value)}</dd>
          </div>
        );
      })}
    </dl>
  );
}
