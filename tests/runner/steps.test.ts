/**
 * Step semantics against the runner over real HTTP: memoization across calls (with the SDK's
 * default checkpointing and without it), parallel steps, sleep, sendEvent, invoke. Where
 * @inngest/test can express the same case, it runs too and the outcomes are compared.
 */

import { InngestTestEngine } from "@inngest/test";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { getRunDetail, sendEvents, setup, waitForRun, waitForRuns, type AnyFunction } from "./helpers";

const counts = new Map<string, number>();
const bump = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
const count = (key: string) => counts.get(key) ?? 0;

const fns: Record<string, AnyFunction> = {};
let env: Awaited<ReturnType<typeof setup>>;

beforeAll(async () => {
  env = await setup("steps", (client) => {
    fns.memo = client.createFunction({ id: "memo", triggers: [{ event: "steps/memo" }] }, async ({ step, event }) => {
      const tag = String(event.data.tag);
      const a = await step.run("a", () => (bump(`${tag}:a`), { value: 1 }));
      const b = await step.run("b", () => (bump(`${tag}:b`), a.value + 1));
      await step.sleep("pause", "1s");
      const c = await step.run("c", () => (bump(`${tag}:c`), `${a.value}-${b}`));
      return { a, b, c };
    });
    fns.noCheckpoint = client.createFunction({ id: "no-checkpoint", checkpointing: false, triggers: [{ event: "steps/plain" }] }, async ({ step, event }) => {
      const tag = String(event.data.tag);
      const a = await step.run("a", () => (bump(`${tag}:a`), 10));
      const b = await step.run("b", () => (bump(`${tag}:b`), a * 2));
      const c = await step.run("c", () => (bump(`${tag}:c`), b + 1));
      return { a, b, c };
    });
    fns.budget = client.createFunction({ id: "runtime-budget", checkpointing: { maxRuntime: "1s" }, triggers: [{ event: "steps/budget" }] }, async ({ step }) => {
      const out: number[] = [];
      for (let i = 0; i < 4; i++) {
        out.push(
          await step.run(`slow-${i}`, async () => {
            bump(`budget:${i}`);
            await new Promise((r) => setTimeout(r, 400));
            return i;
          }),
        );
      }
      return out;
    });
    fns.parallel = client.createFunction({ id: "parallel", triggers: [{ event: "steps/parallel" }] }, async ({ step, event }) => {
      const tag = String(event.data.tag);
      const before = await step.run("before", () => (bump(`${tag}:before`), 100));
      const values = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          step.run(`p${i}`, async () => {
            bump(`${tag}:p${i}`);
            await new Promise((r) => setTimeout(r, 20));
            return i * 10;
          }),
        ),
      );
      const after = await step.run("after", () => (bump(`${tag}:after`), values.reduce((s, v) => s + v, before)));
      return { values, after };
    });
    fns.branches = client.createFunction({ id: "branches", triggers: [{ event: "steps/branches" }] }, async ({ step }) => {
      const left = (async () => {
        const a = await step.run("a", () => (bump("br:a"), 1));
        return step.run("a2", () => (bump("br:a2"), a + 1));
      })();
      const right = step.run("b", async () => {
        bump("br:b");
        await new Promise((r) => setTimeout(r, 50));
        return 10;
      });
      const [x, y] = await Promise.all([left, right]);
      return step.run("sum", () => (bump("br:sum"), x + y));
    });
    fns.sleeper = client.createFunction({ id: "sleeper", triggers: [{ event: "steps/sleep" }] }, async ({ step }) => {
      const start = await step.run("start", () => Date.now());
      await step.sleep("nap", "1s");
      const end = await step.run("end", () => Date.now());
      return { slept: end - start };
    });
    fns.parent = client.createFunction({ id: "emitter", triggers: [{ event: "steps/emit" }] }, async ({ step, event }) => {
      const sent = await step.sendEvent("fan-out", [
        { name: "steps/child", data: { n: 1, from: event.data.tag } },
        { name: "steps/child", data: { n: 2, from: event.data.tag } },
      ]);
      return sent;
    });
    fns.child = client.createFunction({ id: "child", triggers: [{ event: "steps/child" }] }, async ({ event, step }) => {
      return step.run("double", () => Number(event.data.n) * 2);
    });
    fns.invoker = client.createFunction({ id: "invoker", triggers: [{ event: "steps/invoke" }] }, async ({ step }) => {
      const res = await step.invoke("call-child", { function: fns.child as AnyFunction, data: { n: 21 } });
      return { res };
    });
    return Object.values(fns);
  });
});

afterAll(() => env?.close());

describe("steps", () => {
  test("step memoization across calls: each step runs once, later calls get memoized results", async () => {
    await sendEvents(env.runner.url, { name: "steps/memo", data: { tag: "r1" } });
    const run = await waitForRun(env.runner.url, env.fnId("memo"));
    expect(run.status).toBe("completed");
    expect(run.output).toEqual({ a: { value: 1 }, b: 2, c: "1-2" });
    expect([count("r1:a"), count("r1:b"), count("r1:c")]).toEqual([1, 1, 1]);
    const detail = await getRunDetail(env.runner.url, run.id);
    // First call ran a and b (checkpointed) and reported the sleep; the second call resumed with a/b memoized.
    expect(detail.attempts.length).toBeGreaterThanOrEqual(2);
    expect(detail.steps.map((s) => [s.name, s.status])).toEqual([
      ["a", "completed"],
      ["b", "completed"],
      ["pause", "completed"],
      ["c", "completed"],
    ]);
    expect(env.runner.stats().checkpoints.ok).toBeGreaterThan(0);

    // @inngest/test runs the same function in-memory (the sleep mocked): same output.
    const t = new InngestTestEngine({
      function: fns.memo as AnyFunction,
      events: [{ name: "steps/memo", data: { tag: "t1" } }],
      steps: [{ id: "pause", handler: () => null }],
    });
    const { result } = await t.execute();
    expect(result).toEqual(run.output);
  });

  test("memoization without checkpointing: one call per step, each step once", async () => {
    await sendEvents(env.runner.url, { name: "steps/plain", data: { tag: "plain" } });
    const run = await waitForRun(env.runner.url, env.fnId("no-checkpoint"));
    expect(run.output).toEqual({ a: 10, b: 20, c: 21 });
    expect([count("plain:a"), count("plain:b"), count("plain:c")]).toEqual([1, 1, 1]);
    const detail = await getRunDetail(env.runner.url, run.id);
    expect(detail.attempts.filter((a) => a.kind === "discover").length).toBe(4);
  });

  test("when the SDK's checkpointing runtime budget runs out it plans the next step; the run goes on", async () => {
    await sendEvents(env.runner.url, { name: "steps/budget", data: {} });
    const run = await waitForRun(env.runner.url, env.fnId("runtime-budget"));
    expect(run.status).toBe("completed");
    expect(run.output).toEqual([0, 1, 2, 3]);
    for (let i = 0; i < 4; i++) expect(count(`budget:${i}`)).toBe(1);
    const detail = await getRunDetail(env.runner.url, run.id);
    expect(detail.attempts.some((a) => a.kind === "step")).toBe(true);
  });

  test("parallel steps (Promise.all → several StepPlanned) each run once", async () => {
    await sendEvents(env.runner.url, { name: "steps/parallel", data: { tag: "par" } });
    const run = await waitForRun(env.runner.url, env.fnId("parallel"));
    expect(run.status).toBe("completed");
    expect(run.output).toEqual({ values: [0, 10, 20, 30, 40, 50], after: 250 });
    for (const k of ["before", "p0", "p1", "p2", "p3", "p4", "p5", "after"]) expect(count(`par:${k}`), k).toBe(1);
    const detail = await getRunDetail(env.runner.url, run.id);
    expect(detail.attempts.filter((a) => a.kind === "step").length).toBe(6);
    const stepCalls = detail.attempts.filter((a) => a.kind === "step");
    // Planned steps run concurrently (the worker pool has 8 slots).
    const overlap = stepCalls.some((a, i) => stepCalls.some((b, j) => i !== j && a.started_at < (b.ended_at ?? Infinity) && b.started_at < (a.ended_at ?? Infinity)));
    expect(overlap).toBe(true);

    const t = new InngestTestEngine({ function: fns.parallel as AnyFunction, events: [{ name: "steps/parallel", data: { tag: "t-par" } }] });
    expect((await t.execute()).result).toEqual(run.output);
  });

  test("parallel branches that continue with more steps: every step once, results combined", async () => {
    await sendEvents(env.runner.url, { name: "steps/branches", data: {} });
    const run = await waitForRun(env.runner.url, env.fnId("branches"));
    expect(run.status).toBe("completed");
    expect(run.output).toBe(12);
    for (const k of ["a", "a2", "b", "sum"]) expect(count(`br:${k}`), k).toBe(1);
  });

  test("step.sleep resumes after the duration", async () => {
    await sendEvents(env.runner.url, { name: "steps/sleep", data: {} });
    const run = await waitForRun(env.runner.url, env.fnId("sleeper"));
    expect(run.status).toBe("completed");
    expect((run.output as { slept: number }).slept).toBeGreaterThanOrEqual(1000);
    const detail = await getRunDetail(env.runner.url, run.id);
    const nap = detail.steps.find((s) => s.name === "nap");
    expect(nap?.op).toBe("Sleep");
    expect(nap?.status).toBe("completed");
  });

  test("step.sendEvent triggers another function", async () => {
    await sendEvents(env.runner.url, { name: "steps/emit", data: { tag: "fan" } });
    const parent = await waitForRun(env.runner.url, env.fnId("emitter"));
    expect(parent.status).toBe("completed");
    const ids = (parent.output as { ids: string[] }).ids;
    expect(ids).toHaveLength(2);
    const children = await waitForRuns(env.runner.url, env.fnId("child"), 2);
    expect(children.map((c) => c.output).sort()).toEqual([2, 4]);
    expect(children.map((c) => c.event.name)).toEqual(["steps/child", "steps/child"]);
  });

  test("step.invoke runs the target function and returns its result", async () => {
    await sendEvents(env.runner.url, { name: "steps/invoke", data: {} });
    const run = await waitForRun(env.runner.url, env.fnId("invoker"));
    expect(run.status).toBe("completed");
    expect(run.output).toEqual({ res: 42 });
    const invoked = (await waitForRuns(env.runner.url, env.fnId("child"), 3)).find((r) => r.event.name === "inngest/function.invoked");
    expect(invoked?.output).toBe(42);
  });
});
