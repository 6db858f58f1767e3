/** Flow control: concurrency limits (function-wide and keyed) under 50 queued runs, and priority.run. */

import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { sendEvents, setup, sleep, waitFor, waitForRuns } from "./helpers";

class Gauge {
  current = 0;
  max = 0;
  enter() {
    this.current++;
    this.max = Math.max(this.max, this.current);
  }
  leave() {
    this.current--;
  }
}

const wide = new Gauge();
const keyedTotal = new Gauge();
const perUser = new Map<string, Gauge>();
const startOrder: string[] = [];
let blockerStarted = false;

let env: Awaited<ReturnType<typeof setup>>;

beforeAll(async () => {
  env = await setup(
    "flow",
    (client) => [
      client.createFunction({ id: "limited", concurrency: 2, triggers: [{ event: "flow/limited" }] }, async ({ step }) => {
        await step.run("work", async () => {
          wide.enter();
          await sleep(15);
          wide.leave();
        });
        await step.run("more-work", async () => {
          wide.enter();
          await sleep(5);
          wide.leave();
        });
        return "done";
      }),
      client.createFunction({ id: "keyed", concurrency: [{ limit: 1, key: "event.data.userId" }], triggers: [{ event: "flow/keyed" }] }, async ({ step, event }) => {
        const user = String(event.data.userId);
        await step.run("work", async () => {
          const g = perUser.get(user) ?? new Gauge();
          perUser.set(user, g);
          g.enter();
          keyedTotal.enter();
          await sleep(20);
          keyedTotal.leave();
          g.leave();
        });
        return user;
      }),
      client.createFunction(
        { id: "prioritized", concurrency: 1, priority: { run: "event.data.priority" }, triggers: [{ event: "flow/prioritized" }] },
        async ({ step, event }) => {
          await step.run("record", async () => {
            startOrder.push(String(event.data.label));
            if (event.data.label === "blocker") {
              blockerStarted = true;
              await sleep(400);
            }
          });
          return event.data.label;
        },
      ),
    ],
    { workers: 8 },
  );
});

afterAll(() => env?.close());

describe("concurrency", () => {
  test("function-wide limit (2) is never exceeded with 50 queued runs", async () => {
    await sendEvents(
      env.runner.url,
      Array.from({ length: 50 }, (_, i) => ({ name: "flow/limited", data: { i } })),
    );
    const runs = await waitForRuns(env.runner.url, env.fnId("limited"), 50, 30_000);
    expect(runs.every((r) => r.status === "completed")).toBe(true);
    expect(wide.max).toBe(2);
  });

  test("keyed limit (1 per event.data.userId) holds per key while keys run in parallel", async () => {
    const users = ["ann", "bob", "cid", "dee", "eve"];
    await sendEvents(
      env.runner.url,
      Array.from({ length: 50 }, (_, i) => ({ name: "flow/keyed", data: { userId: users[i % users.length], i } })),
    );
    const runs = await waitForRuns(env.runner.url, env.fnId("keyed"), 50, 30_000);
    expect(runs.every((r) => r.status === "completed")).toBe(true);
    for (const u of users) expect(perUser.get(u)?.max, u).toBe(1);
    expect(keyedTotal.max).toBeGreaterThan(1);
  });
});

describe("priority", () => {
  test("priority.run gives a later high-priority run a head start over queued ones", async () => {
    await sendEvents(env.runner.url, { name: "flow/prioritized", data: { label: "blocker", priority: 0 } });
    await waitFor(async () => blockerStarted);
    await sendEvents(
      env.runner.url,
      Array.from({ length: 4 }, (_, i) => ({ name: "flow/prioritized", data: { label: `low-${i}`, priority: 0 } })),
    );
    await sleep(20);
    await sendEvents(env.runner.url, { name: "flow/prioritized", data: { label: "high", priority: 300 } });
    await waitForRuns(env.runner.url, env.fnId("prioritized"), 6);
    expect(startOrder[0]).toBe("blocker");
    expect(startOrder[1]).toBe("high");
    expect(startOrder.slice(2)).toEqual(["low-0", "low-1", "low-2", "low-3"]);
  });
});
