/**
 * App sync (the SDK's PUT → POST /fn/register), refusal of unsupported configuration, sync on start
 * with retry until the app answers, and the observability endpoints.
 */

import { afterEach, describe, expect, test } from "vitest";
import { freePort, getRunDetail, makeClient, sendEvents, startApp, startTestRunner, waitFor, waitForRun, type TestApp, type TestRunner } from "./helpers";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

async function runnerAndApp(appId: string, build: (c: ReturnType<typeof makeClient>) => Parameters<typeof startApp>[1]): Promise<{ runner: TestRunner; app: TestApp }> {
  const runner = await startTestRunner();
  cleanups.push(() => runner.stop());
  const client = makeClient(runner.url, appId);
  const app = await startApp(client, build(client));
  cleanups.push(() => app.close());
  return { runner, app };
}

describe("sync", () => {
  test("the app's PUT makes the SDK register its functions (incl. onFailure as its own function)", async () => {
    const { runner, app } = await runnerAndApp("sync-ok", (c) => [
      c.createFunction({ id: "a", triggers: [{ event: "sync/a", if: "event.data.ok == true" }], onFailure: async () => undefined }, async () => "a"),
      c.createFunction({ id: "b", triggers: [{ cron: "0 3 * * *" }], concurrency: { limit: 3 } }, async () => "b"),
    ]);
    const put = await fetch(app.url, { method: "PUT" });
    expect(put.status).toBe(200);
    const fns = (await (await fetch(`${runner.url}/functions`)).json()) as { functions: Array<{ id: string; triggers: unknown[]; url: string }> };
    const ids = fns.functions.map((f) => f.id).sort();
    expect(ids).toEqual(["sync-ok-a", "sync-ok-a-failure", "sync-ok-b"]);
    const failure = fns.functions.find((f) => f.id === "sync-ok-a-failure");
    expect(failure?.triggers).toEqual([{ kind: "event", event: "inngest/function.failed", expression: "event.data.function_id == 'sync-ok-a'" }]);
    expect(failure?.url).toContain(`${app.url}?fnId=sync-ok-a-failure&stepId=step`);
  });

  test.each([
    ["throttle", { throttle: { limit: 1, period: "1s" } }],
    ["rateLimit", { rateLimit: { limit: 1, period: "1m" } }],
    ["debounce", { debounce: { period: "5s" } }],
    ["batchEvents", { batchEvents: { maxSize: 10, timeout: "5s" } }],
  ] as const)("refuses %s loudly at sync", async (option, extra) => {
    const { runner, app } = await runnerAndApp(`sync-${option.toLowerCase()}`, (c) => [c.createFunction({ id: "f", triggers: [{ event: "sync/x" }], ...extra }, async () => "x")]);
    const put = await fetch(app.url, { method: "PUT" });
    expect(put.status).toBe(400); // the SDK passes on the status of the runner's refusal
    const body = (await put.json()) as { message: string };
    expect(body.message).toContain(`${option} is not supported by the bundled runner`);
    const fns = (await (await fetch(`${runner.url}/functions`)).json()) as { functions: unknown[] };
    expect(fns.functions).toEqual([]);
  });

  test("refuses expressions outside the supported CEL subset", async () => {
    const { app } = await runnerAndApp("sync-expr", (c) => [
      c.createFunction({ id: "f", triggers: [{ event: "sync/x", if: "size(event.data.items) > 2" }] }, async () => "x"),
      c.createFunction({ id: "g", triggers: [{ event: "sync/y" }], cancelOn: [{ event: "sync/z", if: "async.data.id in ['a']" }] }, async () => "y"),
    ]);
    const put = await fetch(app.url, { method: "PUT" });
    expect(put.status).toBe(400); // the SDK passes on the status of the runner's refusal
    const body = (await put.json()) as { message: string };
    expect(body.message).toContain("function calls are not supported");
    expect(body.message).toContain('the "in" operator is not supported');
  });

  test("FOLIO_RUNNER_APP_URL-style sync on start retries until the app answers", async () => {
    const appPort = await freePort();
    const appUrl = `http://127.0.0.1:${appPort}/api/inngest`;
    const runner = await startTestRunner({ appUrl });
    cleanups.push(() => runner.stop());
    const client = makeClient(runner.url, "sync-late");
    await new Promise((r) => setTimeout(r, 700)); // the app is not up yet: the runner keeps retrying
    const app = await startApp(client, [client.createFunction({ id: "late", triggers: [{ event: "sync/late" }] }, async () => "late")], appPort);
    cleanups.push(() => app.close());
    await waitFor(async () => {
      const fns = (await (await fetch(`${runner.url}/functions`)).json()) as { functions: Array<{ id: string }> };
      return fns.functions.some((f) => f.id === "sync-late-late");
    }, { timeout: 10_000, what: "sync after the app came up" });
    await sendEvents(runner.url, { name: "sync/late", data: {} });
    expect((await waitForRun(runner.url, "sync-late-late")).output).toBe("late");
  });
});

describe("observability", () => {
  test("/health, /runs, /runs/:id and the HTML page show runs, steps, attempts, errors and timings", async () => {
    let n = 0;
    const { runner, app } = await runnerAndApp("obs", (c) => [
      c.createFunction({ id: "visible", retries: 1, triggers: [{ event: "obs/go" }] }, async ({ step }) => {
        await step.run("wobbly", () => {
          n++;
          if (n === 1) throw new Error("first try fails");
          return n;
        });
        return "seen";
      }),
    ]);
    await fetch(app.url, { method: "PUT" });
    expect(await (await fetch(`${runner.url}/health`)).json()).toEqual({ ok: true });
    await sendEvents(runner.url, { name: "obs/go", data: { hello: "world" } });
    const run = await waitForRun(runner.url, "obs-visible");
    const list = (await (await fetch(`${runner.url}/runs`)).json()) as { runs: Array<{ id: string; status: string; duration_ms: number }> };
    expect(list.runs[0]).toMatchObject({ id: run.id, status: "completed" });
    const detail = await getRunDetail(runner.url, run.id);
    expect(detail.steps[0]).toMatchObject({ name: "wobbly", status: "completed", attempts: 2 });
    expect(detail.attempts.length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(detail.errors)).toContain("first try fails");
    const timings = (detail as unknown as { timings: { duration_ms: number; queued_ms: number } }).timings;
    expect(timings.duration_ms).toBeGreaterThanOrEqual(0);
    const html = await (await fetch(`${runner.url}/`)).text();
    expect(html).toContain(run.id);
    expect(html).toContain("wobbly");
    expect(html).toContain("first try fails");
    expect(html).toContain("obs-visible");
  });
});
