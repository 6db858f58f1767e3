/**
 * Cron schedules as the Inngest server accepts them (pkg/execution/cron: robfig/cron with
 * Minute | Hour | Dom | Month | Dow | Descriptor): five fields, `*`, `?`, ranges, steps, lists,
 * month/day names, the descriptors @yearly @annually @monthly @weekly @daily @midnight @hourly and
 * `@every <duration>`, and an optional `TZ=Area/City ` (or `CRON_TZ=`) prefix.
 */

import { parseTimeStr } from "./duration";

export class CronError extends Error {
  constructor(message: string, expression: string) {
    super(`${message} in cron ${JSON.stringify(expression)}`);
    this.name = "CronError";
  }
}

export interface CronSchedule {
  readonly expression: string;
  /** The first fire time strictly after `after` (ms since epoch). */
  next(after: number): number;
}

type Field = { values: Set<number>; star: boolean };

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

const DESCRIPTORS: Record<string, string> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
};

function parseField(text: string, min: number, max: number, names: string[] | undefined, nameBase: number, expr: string): Field {
  const values = new Set<number>();
  let star = false;
  const toNum = (s: string): number => {
    const upper = s.toUpperCase();
    if (names) {
      const idx = names.indexOf(upper);
      if (idx >= 0) return idx + nameBase;
    }
    if (!/^\d+$/.test(s)) throw new CronError(`invalid value "${s}"`, expr);
    return Number(s);
  };
  for (const part of text.split(",")) {
    if (!part) throw new CronError("empty list item", expr);
    const [rangePart, stepPart, extra] = part.split("/");
    if (extra !== undefined || rangePart === undefined) throw new CronError(`invalid step "${part}"`, expr);
    let step = 1;
    if (stepPart !== undefined) {
      if (!/^\d+$/.test(stepPart) || Number(stepPart) === 0) throw new CronError(`invalid step "${part}"`, expr);
      step = Number(stepPart);
    }
    let lo: number;
    let hi: number;
    if (rangePart === "*" || rangePart === "?") {
      lo = min;
      hi = max;
      if (stepPart === undefined) star = true;
    } else if (rangePart.includes("-")) {
      const [a, b] = rangePart.split("-");
      if (a === undefined || b === undefined) throw new CronError(`invalid range "${rangePart}"`, expr);
      lo = toNum(a);
      hi = toNum(b);
    } else {
      lo = toNum(rangePart);
      hi = stepPart !== undefined ? max : lo;
    }
    if (lo < min || hi > max || lo > hi) throw new CronError(`value out of range in "${part}" (${min}-${max})`, expr);
    for (let v = lo; v <= hi; v += step) values.add(v);
  }
  return { values, star };
}

/** Fields of a wall-clock time in the given zone (UTC when undefined). */
function wallFields(ms: number, tz: string | undefined): { y: number; mo: number; d: number; h: number; mi: number; dow: number } {
  if (!tz) {
    const dt = new Date(ms);
    return { y: dt.getUTCFullYear(), mo: dt.getUTCMonth() + 1, d: dt.getUTCDate(), h: dt.getUTCHours(), mi: dt.getUTCMinutes(), dow: dt.getUTCDay() };
  }
  const parts = formatter(tz).formatToParts(new Date(ms));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? "0");
  const y = get("year");
  const mo = get("month");
  const d = get("day");
  const h = get("hour") % 24;
  const mi = get("minute");
  return { y, mo, d, h, mi, dow: new Date(Date.UTC(y, mo - 1, d)).getUTCDay() };
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", { timeZone: tz, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric" });
    formatters.set(tz, f);
  }
  return f;
}

/** Converts a wall-clock time (encoded as a UTC timestamp) in `tz` to a real instant. */
function wallToInstant(wall: number, tz: string | undefined): number {
  if (!tz) return wall;
  let guess = wall;
  for (let i = 0; i < 3; i++) {
    const f = wallFields(guess, tz);
    const asWall = Date.UTC(f.y, f.mo - 1, f.d, f.h, f.mi);
    const diff = asWall - wall;
    if (diff === 0) break;
    guess -= diff;
  }
  return guess;
}

export function parseCron(input: string): CronSchedule {
  const expression = input;
  let text = input.trim();
  let tz: string | undefined;
  const tzMatch = /^(?:CRON_TZ|TZ)=(\S+)\s+(.*)$/.exec(text);
  if (tzMatch) {
    tz = tzMatch[1];
    text = (tzMatch[2] ?? "").trim();
    try {
      formatter(tz ?? "UTC");
    } catch {
      throw new CronError(`unknown time zone "${tz}"`, expression);
    }
  }
  if (text.startsWith("@every")) {
    const dur = parseTimeStr(text.slice("@every".length).trim());
    if (!dur || dur < 1000) throw new CronError("@every needs a duration of at least 1s", expression);
    return { expression, next: (after) => after + dur };
  }
  if (text.startsWith("@")) {
    const mapped = DESCRIPTORS[text];
    if (!mapped) throw new CronError(`unknown descriptor "${text}"`, expression);
    text = mapped;
  }
  const parts = text.split(/\s+/);
  if (parts.length !== 5) throw new CronError(`expected 5 fields, got ${parts.length}`, expression);
  const [mi, h, dom, mo, dow] = parts as [string, string, string, string, string];
  const minute = parseField(mi, 0, 59, undefined, 0, expression);
  const hour = parseField(h, 0, 23, undefined, 0, expression);
  const day = parseField(dom, 1, 31, undefined, 1, expression);
  const month = parseField(mo, 1, 12, MONTHS, 1, expression);
  const weekday = parseField(dow.replace(/\b7\b/g, "0"), 0, 6, DAYS, 0, expression);

  const dayMatches = (y: number, m: number, d: number): boolean => {
    const dowV = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
    const domOk = day.values.has(d);
    const dowOk = weekday.values.has(dowV);
    return day.star || weekday.star ? domOk && dowOk : domOk || dowOk;
  };

  return {
    expression,
    next(after: number): number {
      // Work in wall-clock time encoded as UTC, then convert back to an instant.
      const f = wallFields(after, tz);
      let t = Date.UTC(f.y, f.mo - 1, f.d, f.h, f.mi) + 60_000;
      const limit = t + 5 * 366 * 86_400_000;
      while (t < limit) {
        const d = new Date(t);
        const y = d.getUTCFullYear();
        const m = d.getUTCMonth() + 1;
        const dd = d.getUTCDate();
        if (!month.values.has(m)) {
          t = Date.UTC(y, m, 1);
          continue;
        }
        if (!dayMatches(y, m, dd)) {
          t = Date.UTC(y, m - 1, dd + 1);
          continue;
        }
        if (!hour.values.has(d.getUTCHours())) {
          t = Date.UTC(y, m - 1, dd, d.getUTCHours() + 1);
          continue;
        }
        if (!minute.values.has(d.getUTCMinutes())) {
          t += 60_000;
          continue;
        }
        const instant = wallToInstant(t, tz);
        if (instant > after) return instant;
        t += 60_000;
      }
      throw new CronError("no fire time within 5 years", expression);
    },
  };
}
