/**
 * Retry backoff, mirroring the Inngest server (pkg/backoff/backoff.go, TableBackoff): a fixed table
 * indexed by the failed attempt number (0-based), maxing out at 2 h, plus 0-30 s of random jitter.
 * Everything is multiplied by `scale` (FOLIO_RUNNER_BACKOFF_SCALE) so tests can run it fast.
 */

export const BACKOFF_TABLE_MS: readonly number[] = [
  15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 1_200_000, 2_400_000, 3_600_000, 7_200_000,
];
export const MAX_JITTER_MS = 30_000;

export function retryDelayMs(failedAttempt: number, scale = 1, random: () => number = Math.random): number {
  const idx = Math.min(Math.max(0, Math.floor(failedAttempt)), BACKOFF_TABLE_MS.length - 1);
  const base = BACKOFF_TABLE_MS[idx] ?? BACKOFF_TABLE_MS[BACKOFF_TABLE_MS.length - 1] ?? 15_000;
  const jitter = Math.floor(random() * MAX_JITTER_MS);
  return Math.max(0, Math.round((base + jitter) * scale));
}

/**
 * The absolute time (ms) a `Retry-After` header asks for: a number of seconds, an ISO 8601 date
 * (spec 4.4.3) or an HTTP-date. Undefined when absent or unparseable. Not scaled: it is explicit.
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return now + Math.round(Number(v) * 1000);
  const t = Date.parse(v);
  return Number.isFinite(t) ? Math.max(now, t) : undefined;
}

/** Delay before re-trying a call the app did not answer (connection refused/reset): not an attempt. */
export function unreachableDelayMs(failures: number): number {
  return Math.min(250 * 2 ** Math.min(Math.max(0, failures), 10), 15_000);
}
