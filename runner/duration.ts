/** Inngest "time strings" ("300ms", "2h45m", "1w") and ISO dates (spec 5.3.2). */

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  "µs": 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

const TIME_STR = /^(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h|d|w))+$/;
const PART = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h|d|w)/g;

/** Milliseconds for a time string, or undefined when it is not one. */
export function parseTimeStr(input: string): number | undefined {
  const s = input.trim();
  if (!s || !TIME_STR.test(s)) return undefined;
  let total = 0;
  for (const m of s.matchAll(PART)) total += Number(m[1]) * (UNIT_MS[m[2] ?? ""] ?? 0);
  return Math.round(total);
}

/** The absolute time (ms) a sleep/timeout given as a time string or an ISO date ends at. */
export function resolveTarget(input: string, now: number): number | undefined {
  const ms = parseTimeStr(input);
  if (ms !== undefined) return now + ms;
  if (!/^\d{4}-\d{2}-\d{2}/.test(input.trim())) return undefined;
  const t = Date.parse(input);
  return Number.isFinite(t) ? t : undefined;
}
