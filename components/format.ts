/** Pure formatting helpers shared by the UI. */

const UNITS = ["B", "KB", "MB", "GB", "TB"] as const;

/** 1536 -> "1.5 KB" (binary multiples, matching the server's MB limit). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return "—";
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 || Number.isInteger(value) ? 0 : 1;
  return `${value.toFixed(digits)} ${UNITS[unit]}`;
}

/** 65_000 -> "1 min 5 s"; 850 -> "850 ms"; 7_380_000 -> "2 h 3 min". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const totalSeconds = Math.round(ms / 1000);
  if (totalSeconds < 60) return `${totalSeconds} s`;
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  if (hours > 0) return minutes > 0 ? `${hours} h ${minutes} min` : `${hours} h`;
  return seconds > 0 ? `${minutes} min ${seconds} s` : `${minutes} min`;
}

const RELATIVE_STEPS: { unit: Intl.RelativeTimeFormatUnit; seconds: number }[] = [
  { unit: "year", seconds: 365 * 24 * 3600 },
  { unit: "month", seconds: 30 * 24 * 3600 },
  { unit: "week", seconds: 7 * 24 * 3600 },
  { unit: "day", seconds: 24 * 3600 },
  { unit: "hour", seconds: 3600 },
  { unit: "minute", seconds: 60 },
];

const relativeFormatter = new Intl.RelativeTimeFormat("en", { numeric: "auto" });

/** "just now", "5 minutes ago", "yesterday", "in 3 days". `now` is passed in to keep this pure. */
export function formatRelativeTime(iso: string | null | undefined, now: number): string {
  if (!iso) return "—";
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return "—";
  const diffSeconds = (time - now) / 1000;
  if (Math.abs(diffSeconds) < 45) return "just now";
  for (const step of RELATIVE_STEPS) {
    if (Math.abs(diffSeconds) >= step.seconds) {
      return relativeFormatter.format(Math.round(diffSeconds / step.seconds), step.unit);
    }
  }
  return relativeFormatter.format(Math.round(diffSeconds / 60), "minute");
}

const dateTimeFormatter = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short" });

/** "Nov 25, 2025, 11:02 AM" */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  const time = Date.parse(iso);
  return Number.isNaN(time) ? "—" : dateTimeFormatter.format(time);
}

const numberFormatter = new Intl.NumberFormat("en");

/** 12345 -> "12,345"; null -> "—" */
export function formatNumber(n: number | null | undefined): string {
  return n === null || n === undefined || !Number.isFinite(n) ? "—" : numberFormatter.format(n);
}

/** Elapsed time of a job: start (or creation) to finish, or to `now` while it is still running. */
export function jobDurationMs(
  job: { createdAt: string; startedAt: string | null; finishedAt: string | null; updatedAt: string; terminal: boolean },
  now: number,
): number | null {
  const start = Date.parse(job.startedAt ?? job.createdAt);
  if (Number.isNaN(start)) return null;
  const endIso = job.finishedAt ?? (job.terminal ? job.updatedAt : null);
  const end = endIso ? Date.parse(endIso) : now;
  return Number.isNaN(end) ? null : Math.max(0, end - start);
}

export function pluralize(count: number, singular: string, plural = `${singular}s`): string {
  return `${formatNumber(count)} ${count === 1 ? singular : plural}`;
}
