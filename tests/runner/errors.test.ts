/**
 * Failure semantics: step retries with (scaled) Inngest backoff, a final step failure caught by the
 * function, NonRetriableError, RetryAfterError, function-level retries and onFailure.
 */

import { InngestTestEngine } from "@inngest/test";
import { NonRetriableError, RetryAfterError, type FailureEventArgs } from "inngest";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { getRunDetail, sendEvents, setup, waitFor, waitForRun, type AnyFunction } from "./helpers";

const calls = new Map<string, number[]>();
const record = (key: string) => {
  const list = calls.get(key) ?? [];
  list.push(Date.now());
  calls.set(key, list);
  return list.length;
};
const failures: Array<{ message: string; originalEvent: unknown; runId: unknown; functionId: unknown }> = [];

const fns: Record<string, AnyFunction> = {};
let env: Awaited<ReturnType<typeof setup>>;

beforeAll(async () => {
  env = await setup("errors", (client) => {
    fns.flaky = client.createFunction({ id: "flaky", retries: 3, triggers: [{ event: "errors/flaky" }] }, async ({ step }) => {
      const v = await step.run("flaky-step", () => {
        const n = record("flaky");
        if (n < 3) throw new Error(`transient failure ${n}`);
        return `ok after ${n}`;
      });
      return v;
    });
    fns.caught = client.createFunction({ id: "caught", retries: 1, triggers: [{ event: "errors/caught" }] }, async ({ step }) => {
      try {
        await step.run("always-fails", () => {
          record("caught");
          throw new Error("still broken");
        });
        return { caught: null };
      } catch (err) {
        const fallback = await step.run("fallback", () => "used fallback");
        return { caught: (err as Error).message, fallback };
      }
    });
    fns.nonRetriable = client.createFunction({ id: "non-retriable", retries: 3, triggers: [{ event: "errors/non-retriable" }] }, async ({ step }) => {
      await step.run("give-up", () => {
        record("non-retriable");
        throw new NonRetriableError("bad input, do not retry");
      });
      return "unreachable";
    });
    fns.fnNonRetriable = client.createFunction({ id: "fn-non-retriable", retries: 3, triggers: [{ event: "errors/fn-non-retriable" }] }, async () => {
      record("fn-non-retriable");
      throw new NonRetriableError("function says no");
    });
    fns.retryAfter = client.createFunction({ id: "retry-after", retries: 2, triggers: [{ event: "errors/retry-after" }] }, async ({ step }) => {
      return step.run("rate-limited", () => {
        const n = record("retry-after");
        if (n === 1) throw new RetryAfterError("rate limited upstream", 1000);
        return n;
      });
    });
    fns.fnRetries = client.createFunction({ id: "fn-retries", retries: 2, triggers: [{ event: "errors/fn-retries" }] }, async ({ attempt }) => {
      const n = record("fn-retries");
      if (attempt < 2) throw new Error(`function attempt ${attempt} failed`);
      return { attempt, calls: n };
    });
    fns.withFailure = client.createFunction(
      {
        id: "with-failure",
        retries: 1,
        triggers: [{ event: "errors/doomed" }],
        onFailure: async ({ error, event }: FailureEventArgs) => {
          failures.push({ message: error.message, originalEvent: event.data.event, runId: event.data.run_id, functionId: event.data.function_id });
          return { handled: event.data.run_id };
        },
      },
      async ({ step }) => {
        await step.run("doomed-step", () => {
          record("doomed");
          throw new Error("kaput");
        });
      },
    );
    return Object.values(fns);
  });
});

afterAll(() => env?.close());

describe("errors and retries", () => {
  test("a step failing twice then succeeding is retried with backoff and memoized once", async () => {
    await sendEvents(env.runner.url, { name: "errors/flaky", data: {} });
    const run = await waitForRun(env.runner.url, env.fnId("flaky"));
    expect(run.status).toBe("completed");
    expect(run.output).toBe("ok after 3");
    expect(calls.get("flaky")).toHaveLength(3);
    const detail = await getRunDetail(env.runner.url, run.id);
    const step = detail.steps.find((s) => s.name === "flaky-step");
    expect(step?.attempts).toBe(3);
    expect(step?.status).toBe("completed");
    // Three attempts of the call that runs the step, then a fresh discovery call (attempt 0) finishes.
    expect(detail.attempts.map((a) => a.attempt)).toEqual([0, 1, 2, 0]);
    expect(detail.attempts.slice(0, 2).every((a) => a.outcome === "retry")).toBe(true);
    // Backoff table (15 s + 0-30 s jitter) scaled by 0.001: 15-45 ms between attempts.
    const [t0, t1] = calls.get("flaky") as number[];
    expect((t1 as number) - (t0 as number)).toBeGreaterThanOrEqual(14);
  });

  test("a final step failure is memoized as an error the function can catch", async () => {
    await sendEvents(env.runner.url, { name: "errors/caught", data: {} });
    const run = await waitForRun(env.runner.url, env.fnId("caught"));
    expect(run.status).toBe("completed");
    expect(run.output).toEqual({ caught: "still broken", fallback: "used fallback" });
    expect(calls.get("caught")).toHaveLength(2); // retries: 1 → two attempts
    const detail = await getRunDetail(env.runner.url, run.id);
    expect(detail.steps.find((s) => s.name === "always-fails")?.status).toBe("failed");
  });

  test("NonRetriableError in a step stops retries at once and fails the run", async () => {
    await sendEvents(env.runner.url, { name: "errors/non-retriable", data: {} });
    const run = await waitForRun(env.runner.url, env.fnId("non-retriable"));
    expect(run.status).toBe("failed");
    expect(calls.get("non-retriable")).toHaveLength(1);
    expect(JSON.stringify(run.error)).toContain("bad input, do not retry");

    const t = new InngestTestEngine({ function: fns.nonRetriable as AnyFunction, events: [{ name: "errors/non-retriable", data: {} }] });
    const { error } = await t.execute();
    expect((error as { message: string }).message).toContain("bad input, do not retry");
  });

  test("NonRetriableError thrown by the function body (400 + X-Inngest-No-Retry) is not retried", async () => {
    await sendEvents(env.runner.url, { name: "errors/fn-non-retriable", data: {} });
    const run = await waitForRun(env.runner.url, env.fnId("fn-non-retriable"));
    expect(run.status).toBe("failed");
    expect(run.error?.name).toBe("NonRetriableError");
    expect(calls.get("fn-non-retriable")).toHaveLength(1);
    const detail = await getRunDetail(env.runner.url, run.id);
    expect(detail.attempts[0]?.http_status).toBe(400);
  });

  test("RetryAfterError delays the next attempt by Retry-After", async () => {
    await sendEvents(env.runner.url, { name: "errors/retry-after", data: {} });
    const run = await waitForRun(env.runner.url, env.fnId("retry-after"));
    expect(run.status).toBe("completed");
    expect(run.output).toBe(2);
    const [first, second] = calls.get("retry-after") as number[];
    expect((second as number) - (first as number)).toBeGreaterThanOrEqual(950);
  });

  test("errors thrown outside steps retry the function (attempt increments) until it succeeds", async () => {
    await sendEvents(env.runner.url, { name: "errors/fn-retries", data: {} });
    const run = await waitForRun(env.runner.url, env.fnId("fn-retries"));
    expect(run.status).toBe("completed");
    expect(run.output).toEqual({ attempt: 2, calls: 3 });
  });

  test("onFailure runs after the last attempt with the error and the original event", async () => {
    await sendEvents(env.runner.url, { name: "errors/doomed", data: { order: 42 } });
    const run = await waitForRun(env.runner.url, env.fnId("with-failure"));
    expect(run.status).toBe("failed");
    expect(calls.get("doomed")).toHaveLength(2);
    const handler = await waitForRun(env.runner.url, env.fnId("with-failure-failure"));
    expect(handler.status).toBe("completed");
    expect(handler.event.name).toBe("inngest/function.failed");
    await waitFor(async () => failures.length > 0);
    expect(failures[0]?.message).toContain("kaput");
    expect((failures[0]?.originalEvent as { data: unknown }).data).toEqual({ order: 42 });
    expect(failures[0]?.runId).toBe(run.id);
    expect(failures[0]?.functionId).toBe(env.fnId("with-failure"));
  });
});
