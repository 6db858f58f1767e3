import { describe, expect, test } from "vitest";
import { BACKOFF_TABLE_MS, parseRetryAfter, retryDelayMs } from "../../runner/backoff";
import { parseCron } from "../../runner/cron";
import { parseTimeStr, resolveTarget } from "../../runner/duration";
import { ExpressionError, compileExpression, matches } from "../../runner/expressions";
import { hashStepId, seededUlid, ulid } from "../../runner/ids";
import { parseRegistration } from "../../runner/registry";

describe("expressions (CEL subset)", () => {
  const evt = { name: "a/b", data: { userId: "u1", amount: 150, tags: ["x", "y"], nested: { "a-b": 2 }, flag: true } };

  test("field paths, literals and operators", () => {
    const cases: Array<[string, unknown]> = [
      ["event.data.userId", "u1"],
      ["event.data.amount > 100 && event.data.userId == 'u1'", true],
      ['event.data.amount <= 100 || event.data.userId != "u2"', true],
      ["!(event.data.amount >= 200)", true],
      ["event.data.amount * 2 - 50 / 5 + 3 % 2", 291],
      ["event.data.userId + '-' + event.name", "u1-a/b"],
      ["event.data.nested['a-b'] == 2", true],
      ["event.data.tags[1]", "y"],
      ["event.data.missing == null", true],
      ["event.data.flag == true", true],
      ["-event.data.amount", -150],
      ["(1 + 2) * 3", 9],
      ["1.5e2 == event.data.amount", true],
    ];
    for (const [src, want] of cases) expect(compileExpression(src).evaluate({ event: evt }), src).toEqual(want);
  });

  test("async variable for cancel/wait matching", () => {
    expect(matches("event.data.userId == async.data.userId", ["event", "async"], { event: evt, async: { data: { userId: "u1" } } }).ok).toBe(true);
    expect(matches("event.data.userId == async.data.userId", ["event", "async"], { event: evt, async: { data: { userId: "u2" } } }).ok).toBe(false);
  });

  test("type errors make a filter not match instead of throwing", () => {
    const m = matches("event.data.userId > 3", ["event"], { event: evt });
    expect(m.ok).toBe(false);
    expect(m.error).toMatch(/cannot compare/);
  });

  test("anything outside the subset is refused when compiled", () => {
    for (const src of [
      "size(event.data.tags) > 1",
      "has(event.data.userId)",
      "event.data.userId in ['u1']",
      "event.data.amount > 1 ? 1 : 2",
      "event.data.userId.startsWith('u')",
      "[1, 2]",
      "{'a': 1}",
      "user.id == 1",
      "async.data.x == 1",
      "event.data.x ==",
      "'unterminated",
      "",
    ]) {
      expect(() => compileExpression(src, ["event"]), src).toThrow(ExpressionError);
    }
  });
});

describe("backoff (pkg/backoff TableBackoff)", () => {
  test("table + jitter, scaled", () => {
    expect(BACKOFF_TABLE_MS.slice(0, 3)).toEqual([15_000, 30_000, 60_000]);
    expect(retryDelayMs(0, 1, () => 0)).toBe(15_000);
    expect(retryDelayMs(0, 1, () => 0.999)).toBe(15_000 + 29_970);
    expect(retryDelayMs(1, 1, () => 0)).toBe(30_000);
    expect(retryDelayMs(99, 1, () => 0)).toBe(7_200_000);
    expect(retryDelayMs(0, 0.001, () => 0)).toBe(15);
  });

  test("Retry-After: seconds, ISO date", () => {
    expect(parseRetryAfter("2", 1000)).toBe(3000);
    expect(parseRetryAfter("2030-01-01T00:00:00.000Z", 0)).toBe(Date.parse("2030-01-01T00:00:00.000Z"));
    expect(parseRetryAfter("soon", 0)).toBeUndefined();
    expect(parseRetryAfter(undefined, 0)).toBeUndefined();
  });
});

describe("time strings and cron", () => {
  test("time strings and dates", () => {
    expect(parseTimeStr("1s")).toBe(1000);
    expect(parseTimeStr("2h45m")).toBe(9_900_000);
    expect(parseTimeStr("1w1d")).toBe(691_200_000);
    expect(parseTimeStr("500ms")).toBe(500);
    expect(parseTimeStr("later")).toBeUndefined();
    expect(resolveTarget("2030-01-01T00:00:00.000Z", 0)).toBe(Date.parse("2030-01-01T00:00:00.000Z"));
  });

  test("cron next fire times", () => {
    const base = Date.parse("2026-01-01T10:07:30Z");
    expect(new Date(parseCron("*/15 * * * *").next(base)).toISOString()).toBe("2026-01-01T10:15:00.000Z");
    expect(new Date(parseCron("0 9 * * MON-FRI").next(base)).toISOString()).toBe("2026-01-02T09:00:00.000Z");
    expect(new Date(parseCron("@daily").next(base)).toISOString()).toBe("2026-01-02T00:00:00.000Z");
    expect(new Date(parseCron("0 0 1 */3 *").next(base)).toISOString()).toBe("2026-04-01T00:00:00.000Z");
    expect(new Date(parseCron("TZ=Europe/Paris 0 12 * * *").next(base)).toISOString()).toBe("2026-01-01T11:00:00.000Z");
    expect(parseCron("@every 5s").next(base)).toBe(base + 5000);
    for (const bad of ["* * * *", "61 * * * *", "@sometimes", "TZ=Mars/Base * * * * *", "@every 10ms"]) expect(() => parseCron(bad), bad).toThrow();
  });
});

describe("ids", () => {
  test("step hashing matches the spec example", () => {
    expect(hashStepId("my-step-id")).toBe("e7d8a2f140845095749d60246ff1110c9d01d76a");
  });
  test("ULIDs and seeded IDs", () => {
    expect(ulid()).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    const seed = "1743130137367,eii2YKXRVTJPuA==";
    expect(seededUlid(seed, 1)).toBe(seededUlid(seed, 1));
    expect(seededUlid(seed, 1)).not.toBe(seededUlid(seed, 2));
    expect(seededUlid("garbage", 1)).toBeUndefined();
  });
});

describe("sync validation", () => {
  const base = (fn: Record<string, unknown>) => ({
    url: "http://127.0.0.1:1/api/inngest",
    appName: "app",
    functions: [{ id: "app-f", name: "f", triggers: [{ event: "e" }], steps: { step: { id: "step", name: "step", runtime: { type: "http", url: "http://127.0.0.1:1/api/inngest?fnId=app-f&stepId=step" } } }, ...fn }],
  });

  test("accepts supported options", () => {
    const r = parseRegistration(
      base({
        concurrency: [{ limit: 2, key: "event.data.userId" }],
        priority: { run: "event.data.p" },
        idempotency: "event.data.id",
        cancel: [{ event: "c", if: "event.data.id == async.data.id", timeout: "1h" }],
      }),
    );
    expect(r.errors).toEqual([]);
    expect(r.functions[0]?.concurrency).toEqual([{ limit: 2, key: "event.data.userId", scope: "fn" }]);
    expect(r.functions[0]?.retries).toBe(3);
  });

  test("refuses unsupported options loudly", () => {
    for (const [opt, value] of [
      ["throttle", { limit: 1, period: "1s" }],
      ["rateLimit", { limit: 1, period: "1s" }],
      ["debounce", { period: "1s" }],
      ["batchEvents", { maxSize: 10, timeout: "1s" }],
      ["singleton", { mode: "skip" }],
      ["timeouts", { finish: "1m" }],
      ["somethingNew", true],
    ] as const) {
      const r = parseRegistration(base({ [opt]: value }));
      expect(r.errors.join(" "), opt).toContain(opt);
    }
    expect(parseRegistration(base({ triggers: [{ event: "e", expression: "size(event.data) > 1" }] })).errors.join()).toMatch(/function calls are not supported/);
    expect(parseRegistration(base({ triggers: [{ cron: "* * *" }] })).errors.join()).toMatch(/expected 5 fields/);
  });
});
