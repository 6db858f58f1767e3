"use client";

import { useId, useRef, useState, type KeyboardEvent } from "react";
import type { ChunkDTO } from "@/lib/jobs/serialize";
import { formatDuration, formatNumber } from "./format";
import { CHUNK_STATUS, CHUNK_STATUS_ORDER, ChunkStatusIcon, attemptsText, chunkStageLabel, chunkStatusLabel, pageRange } from "./job/chunkStatus";
import { Button } from "./ui/Button";
import { cn } from "./ui/cn";

export type ChunkGridProps = {
  chunks: ChunkDTO[];
  /** Shows a Retry button for a failed chunk in the details panel. */
  onRetry?: (chunkId: string) => void;
  /** Chunks whose retry request is on its way. */
  retrying?: Set<string>;
  /** Cells per row (rows stay the same at every width, so arrow keys mean the same thing everywhere). */
  columns?: number;
  /** Accessible name of the grid. */
  label?: string;
  className?: string;
};

function cellLabel(c: ChunkDTO): string {
  const parts = [`Chunk ${c.index + 1}`, pageRange(c), chunkStatusLabel(c.status)];
  const stage = chunkStageLabel(c);
  if (stage) parts.push(stage);
  if (c.attempts > 0) parts.push(`attempts ${attemptsText(c)}`);
  if (c.status === "FAILED" && c.errorCode) parts.push(c.errorCode);
  return parts.join(", ");
}

/**
 * One cell per chunk, coloured by status and marked with a status icon. A grid in the ARIA sense:
 * one tab stop (roving tabindex), arrow keys move between cells, Home/End to the row's ends,
 * Ctrl+Home/End to the first and last chunk, Enter on a failed chunk goes to its Retry button.
 * The details panel below shows the hovered or focused chunk: pages, attempts, last error.
 */
export function ChunkGrid({ chunks, onRetry, retrying, columns = 10, label = "Chunks", className }: ChunkGridProps) {
  const id = useId();
  const legendId = `${id}-legend`;
  const detailsId = `${id}-details`;
  const [active, setActive] = useState<number | null>(null);
  const [hover, setHover] = useState<number | null>(null);
  const cells = useRef<(HTMLDivElement | null)[]>([]);
  const retryButton = useRef<HTMLButtonElement | null>(null);

  const firstFailed = chunks.findIndex((c) => c.status === "FAILED");
  const activeIndex = Math.min(active ?? (firstFailed >= 0 ? firstFailed : 0), Math.max(0, chunks.length - 1));
  const shown = chunks[hover ?? activeIndex];

  function move(to: number) {
    const next = Math.max(0, Math.min(chunks.length - 1, to));
    setActive(next);
    cells.current[next]?.focus();
  }

  function onKeyDown(e: KeyboardEvent<HTMLDivElement>, i: number) {
    const rowStart = i - (i % columns);
    let handled = true;
    switch (e.key) {
      case "ArrowRight":
        move(i + 1);
        break;
      case "ArrowLeft":
        move(i - 1);
        break;
      case "ArrowDown":
        if (i + columns < chunks.length) move(i + columns);
        else if (rowStart + columns < chunks.length) move(chunks.length - 1);
        break;
      case "ArrowUp":
        if (i - columns >= 0) move(i - columns);
        break;
      case "Home":
        move(e.ctrlKey ? 0 : rowStart);
        break;
      case "End":
        move(e.ctrlKey ? chunks.length - 1 : Math.min(chunks.length - 1, rowStart + columns - 1));
        break;
      case "PageDown":
        move(i + columns * 3);
        break;
      case "PageUp":
        move(i - columns * 3);
        break;
      case "Enter":
      case " ":
        setActive(i);
        if (chunks[i]?.status === "FAILED" && onRetry) requestAnimationFrame(() => retryButton.current?.focus());
        break;
      default:
        handled = false;
    }
    if (handled) e.preventDefault();
  }

  if (chunks.length === 0) return null;

  const rows: ChunkDTO[][] = [];
  for (let i = 0; i < chunks.length; i += columns) rows.push(chunks.slice(i, i + columns));

  return (
    <div className={cn("space-y-3", className)}>
      <ul id={legendId} className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-zinc-700 dark:text-zinc-300" aria-label="Legend">
        {CHUNK_STATUS_ORDER.map((s) => (
          <li key={s} className="inline-flex items-center gap-1">
            <ChunkStatusIcon status={s} className={cn("size-3.5", CHUNK_STATUS[s].swatch)} />
            {CHUNK_STATUS[s].label}
          </li>
        ))}
      </ul>

      <div
        role="grid"
        aria-label={label}
        aria-describedby={legendId}
        aria-rowcount={rows.length}
        aria-colcount={Math.min(columns, chunks.length)}
        className="space-y-1"
        onMouseLeave={() => setHover(null)}
      >
        {rows.map((row, r) => (
          <div role="row" key={r} aria-rowindex={r + 1} className="grid gap-1" style={{ gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))` }}>
            {row.map((c, col) => {
              const i = r * columns + col;
              const meta = CHUNK_STATUS[c.status];
              return (
                <div
                  key={c.id}
                  ref={(el) => {
                    cells.current[i] = el;
                  }}
                  role="gridcell"
                  aria-colindex={col + 1}
                  aria-label={cellLabel(c)}
                  aria-selected={i === activeIndex}
                  aria-controls={detailsId}
                  tabIndex={i === activeIndex ? 0 : -1}
                  data-status={c.status}
                  onKeyDown={(e) => onKeyDown(e, i)}
                  onFocus={() => setActive(i)}
                  onClick={() => setActive(i)}
                  onMouseEnter={() => setHover(i)}
                  className={cn(
                    "flex h-9 min-w-0 cursor-default items-center justify-center gap-1 rounded-md border text-xs font-semibold tabular-nums select-none sm:h-10",
                    "focus-visible:outline-2 focus-visible:outline-offset-2",
                    meta.cell,
                    i === activeIndex && "ring-2 ring-zinc-500 ring-offset-1 ring-offset-white dark:ring-zinc-400 dark:ring-offset-zinc-900",
                  )}
                >
                  <span className="hidden no-underline sm:inline" aria-hidden="true">
                    {c.index + 1}
                  </span>
                  <ChunkStatusIcon
                    status={c.status}
                    className={cn("size-3.5", c.status === "PROCESSING" && "motion-safe:animate-pulse")}
                  />
                </div>
              );
            })}
          </div>
        ))}
      </div>

      <ChunkDetails
        id={detailsId}
        chunk={shown}
        onRetry={onRetry}
        retrying={shown ? retrying?.has(shown.id) === true : false}
        retryButtonRef={retryButton}
      />
    </div>
  );
}

type ChunkDetailsProps = {
  id: string;
  chunk: ChunkDTO | undefined;
  onRetry?: (chunkId: string) => void;
  retrying: boolean;
  retryButtonRef: React.RefObject<HTMLButtonElement | null>;
};

/** Fixed-height panel, so moving between chunks or a poll never shifts what is below it. */
function ChunkDetails({ id, chunk, onRetry, retrying, retryButtonRef }: ChunkDetailsProps) {
  const stage = chunk ? chunkStageLabel(chunk) : null;
  return (
    <div
      id={id}
      className="min-h-44 rounded-xl border border-zinc-200 bg-zinc-50 px-4 py-3 text-sm dark:border-zinc-800 dark:bg-zinc-950/60"
    >
      {chunk ? (
        <>
          <div className="flex flex-wrap items-center justify-between gap-2">
            <p className="font-medium text-zinc-900 dark:text-zinc-100">
              Chunk {chunk.index + 1} · {pageRange(chunk)}
              {chunk.overlapPages > 0 ? (
                <span className="font-normal text-zinc-600 dark:text-zinc-400">
                  {" "}
                  (incl. {chunk.overlapPages} overlap page{chunk.overlapPages === 1 ? "" : "s"})
                </span>
              ) : null}
            </p>
            <span className={cn("inline-flex items-center gap-1 text-xs font-semibold", CHUNK_STATUS[chunk.status].swatch)}>
              <ChunkStatusIcon status={chunk.status} className="size-3.5" />
              {chunkStatusLabel(chunk.status)}
            </span>
          </div>
          <dl className="mt-1 flex flex-wrap gap-x-4 gap-y-0.5 text-xs text-zinc-700 dark:text-zinc-300">
            {stage ? (
              <div className="flex gap-1">
                <dt>Stage:</dt>
                <dd>{stage}</dd>
              </div>
            ) : null}
            <div className="flex gap-1">
              <dt>Attempts:</dt>
              <dd className="tabular-nums">{attemptsText(chunk)}</dd>
            </div>
            {chunk.status === "SUCCEEDED" ? (
              <div className="flex gap-1">
                <dt>Sentences:</dt>
                <dd className="tabular-nums">{formatNumber(chunk.sentenceCount)}</dd>
              </div>
            ) : null}
            {chunk.durationMs !== null ? (
              <div className="flex gap-1">
                <dt>Took:</dt>
                <dd className="tabular-nums">{formatDuration(chunk.durationMs)}</dd>
              </div>
            ) : null}
          </dl>
          {chunk.lastError || chunk.errorCode ? (
            <p className="mt-2 line-clamp-3 break-words text-xs text-red-800 dark:text-red-300" title={chunk.lastError ?? undefined}>
              <span className="font-semibold">{chunk.errorCode ?? "Error"}</span>
              {chunk.lastError ? `: ${chunk.lastError}` : ""}
            </p>
          ) : (
            <p className="mt-2 text-xs text-zinc-600 dark:text-zinc-400">No errors.</p>
          )}
          {chunk.status === "FAILED" && onRetry ? (
            <Button ref={retryButtonRef} size="sm" variant="secondary" className="mt-2" loading={retrying} onClick={() => onRetry(chunk.id)}>
              Retry this chunk
            </Button>
          ) : null}
        </>
      ) : null}
    </div>
  );
}
