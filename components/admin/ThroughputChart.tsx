"use client";

import { useEffect, useId, useRef, useState } from "react";
import type { ThroughputBucket } from "@/lib/admin/chunks";
import { formatNumber } from "../format";

const HEIGHT = 180;
const PAD = { top: 12, right: 8, bottom: 26, left: 36 };

function useWidth<T extends HTMLElement>(initial: number) {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(initial);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const ro = new ResizeObserver(([entry]) => setWidth(Math.max(240, Math.floor(entry.contentRect.width))));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return [ref, width] as const;
}

/** A round number ≥ n for the y axis (1, 2, 5, 10, 20, 50...). */
function niceCeil(n: number): number {
  if (n <= 1) return 1;
  const p = 10 ** Math.floor(Math.log10(n));
  for (const m of [1, 2, 5, 10]) if (m * p >= n) return m * p;
  return 10 * p;
}

const timeFormat = new Intl.DateTimeFormat("en", { hour: "2-digit", minute: "2-digit" });

/**
 * Chunks settled per minute over the last hour, as stacked SVG bars: succeeded (solid) and
 * failed (hatched, so the two differ without colour). The numbers are also in a table below.
 */
export function ThroughputChart({ buckets }: { buckets: ThroughputBucket[] }) {
  const [box, width] = useWidth<HTMLDivElement>(640);
  const id = useId().replace(/:/g, "");
  const hatch = `hatch-${id}`;
  const plotW = width - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const totals = buckets.map((b) => b.succeeded + b.failed);
  const max = niceCeil(Math.max(1, ...totals));
  const slot = plotW / Math.max(1, buckets.length);
  const barW = Math.max(1, slot - (slot > 6 ? 2 : 1));
  const y = (v: number) => PAD.top + plotH - (v / max) * plotH;
  const sum = (k: "succeeded" | "failed") => buckets.reduce((n, b) => n + b[k], 0);
  const succeeded = sum("succeeded");
  const failed = sum("failed");
  const peak = Math.max(0, ...totals);
  const summary = `${formatNumber(succeeded + failed)} chunks settled in the last hour (${formatNumber(succeeded)} succeeded, ${formatNumber(failed)} failed); at most ${formatNumber(peak)} in one minute.`;
  const busy = buckets.filter((b) => b.succeeded + b.failed > 0);

  return (
    <figure className="space-y-3">
      <div ref={box} className="w-full">
        <svg width={width} height={HEIGHT} role="img" aria-labelledby={`${id}-title ${id}-desc`} className="block max-w-full">
          <title id={`${id}-title`}>Chunks settled per minute, last hour</title>
          <desc id={`${id}-desc`}>{summary}</desc>
          <defs>
            <pattern id={hatch} width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
              <rect width="6" height="6" className="fill-red-600 dark:fill-red-500" />
              <line x1="0" y1="0" x2="0" y2="6" className="stroke-white/80" strokeWidth="2.5" />
            </pattern>
          </defs>
          {[0, max / 2, max].map((v) => (
            <g key={v}>
              <line x1={PAD.left} x2={width - PAD.right} y1={y(v)} y2={y(v)} className="stroke-zinc-200 dark:stroke-zinc-800" strokeWidth="1" />
              <text x={PAD.left - 6} y={y(v)} dy="0.32em" textAnchor="end" className="fill-zinc-600 text-[11px] tabular-nums dark:fill-zinc-400">
                {Number.isInteger(v) ? v : v.toFixed(1)}
              </text>
            </g>
          ))}
          {buckets.map((b, i) => {
            const x = PAD.left + i * slot + (slot - barW) / 2;
            const hS = (b.succeeded / max) * plotH;
            const hF = (b.failed / max) * plotH;
            const base = PAD.top + plotH;
            return (
              <g key={b.start}>
                {b.succeeded > 0 ? <rect x={x} y={base - hS} width={barW} height={hS} rx="1" className="fill-emerald-600 dark:fill-emerald-500" /> : null}
                {b.failed > 0 ? <rect x={x} y={base - hS - hF} width={barW} height={hF} rx="1" fill={`url(#${hatch})`} /> : null}
              </g>
            );
          })}
          <line x1={PAD.left} x2={width - PAD.right} y1={PAD.top + plotH} y2={PAD.top + plotH} className="stroke-zinc-400 dark:stroke-zinc-600" strokeWidth="1" />
          {[
            { at: 0, label: "60 min ago", anchor: "start" as const },
            { at: 0.5, label: "30 min ago", anchor: "middle" as const },
            { at: 1, label: "now", anchor: "end" as const },
          ].map((t) => (
            <text key={t.label} x={PAD.left + t.at * plotW} y={HEIGHT - 8} textAnchor={t.anchor} className="fill-zinc-600 text-[11px] dark:fill-zinc-400">
              {t.label}
            </text>
          ))}
        </svg>
      </div>
      <figcaption className="flex flex-wrap items-center gap-x-4 gap-y-1 text-xs text-zinc-700 dark:text-zinc-300">
        <span className="inline-flex items-center gap-1.5">
          <span className="inline-block size-3 rounded-sm bg-emerald-600 dark:bg-emerald-500" aria-hidden="true" /> Succeeded ({formatNumber(succeeded)})
        </span>
        <span className="inline-flex items-center gap-1.5">
          <svg className="size-3" aria-hidden="true">
            <rect width="12" height="12" rx="2" fill={`url(#${hatch})`} />
          </svg>
          Failed, hatched ({formatNumber(failed)})
        </span>
        <span>Peak {formatNumber(peak)}/min</span>
      </figcaption>
      <details className="text-sm">
        <summary className="cursor-pointer text-zinc-700 underline-offset-2 hover:underline dark:text-zinc-300">Show the numbers</summary>
        {busy.length === 0 ? (
          <p className="mt-2 text-zinc-600 dark:text-zinc-400">No chunk settled in the last hour.</p>
        ) : (
          <table className="mt-2 w-full max-w-sm text-left text-xs tabular-nums">
            <caption className="sr-only">Chunks settled per minute</caption>
            <thead>
              <tr className="text-zinc-600 dark:text-zinc-400">
                <th scope="col" className="py-1 font-medium">Minute</th>
                <th scope="col" className="py-1 text-right font-medium">Succeeded</th>
                <th scope="col" className="py-1 text-right font-medium">Failed</th>
              </tr>
            </thead>
            <tbody>
              {busy.map((b) => (
                <tr key={b.start} className="border-t border-zinc-200 dark:border-zinc-800">
                  <td className="py-1">
                    <time dateTime={b.start}>{timeFormat.format(Date.parse(b.start))}</time>
                  </td>
                  <td className="py-1 text-right">{b.succeeded}</td>
                  <td className="py-1 text-right">{b.failed}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </details>
    </figure>
  );
}
