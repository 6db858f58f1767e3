/**
 * Durability: kill -9 of a child-process runner (between steps, and with a step in flight), kill -9
 * of a child-process app with a step in flight, and the SDK's fallback when the checkpoint endpoint
 * fails.
 */

import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import {
  freePort,
  getRunDetail,
  listRuns,
  makeClient,
  sendEvents,
  setup,
  spawnTs,
  startApp,
  startChildRunner,
  startTestRunner,
  syncApp,
  tempDb,
  waitFor,
  waitForRun,
  type ChildRunner,
} from "./helpers";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.().catch(() => undefined);
});

const counts = new Map<string, number>();
const bump = (k: string) => counts.set(k, (counts.get(k) ?? 0) + 1);

async function runnerChild(port: number, dbPath: string): Promise<ChildRunner> {
  const r = await startChildRunner({ port, dbPath });
  cleanups.push(() => r.stop());
  return r;
}

describe("runner restart", () => {
  test("kill -9 between steps, restart on the same DB: the run completes, each step executed once", async () => {
    const port = await freePort();
    const dbPath = tempDb("restart");
    const runner1 = await runnerChild(port, dbPath);
    const client = makeClient(runner1.url, "restart");
    const fn = client.createFunction({ id: "durable", triggers: [{ event: "restart/go" }] }, async ({ step }) => {
      const a = await step.run("a", () => (bump("a"), "A"));
      await step.sleep("between", "2s");
      const b = await step.run("b", () => (bump("b"), `${a}B`));
      const c = await step.run("c", () => (bump("c"), `${b}C`));
      return c;
    });
    const app = await startApp(client, [fn]);
    cleanups.push(() => app.close());
    await syncApp(runner1, app.url);

    await sendEvents(runner1.url, { name: "restart/go", data: {} });
    const runId = await waitFor(async () => {
      const run = (await listRuns(runner1.url, "restart-durable"))[0];
      if (!run) return undefined;
      const d = await getRunDetail(runner1.url, run.id);
      return d.steps.some((s) => s.name === "a" && s.status === "completed") && d.steps.some((s) => s.name === "between" && s.status === "sleeping") ? run.id : undefined;
    });
    await runner1.kill9();
    expect(counts.get("a")).toBe(1);

    const runner2 = await runnerChild(port, dbPath);
    const run = await waitForRun(runner2.url, "restart-durable", 15_000);
    expect(run.id).toBe(runId);
    expect(run.status).toBe("completed");
    expect(run.output).toBe("ABC");
    expect([counts.get("a"), counts.get("b"), counts.get("c")]).toEqual([1, 1, 1]);
    // Structured logs: one JSON object per line, including the recovery report.
    const parsed = runner2.logs.map((l) => JSON.parse(l) as { msg: string });
    expect(parsed.some((l) => l.msg === "recovery.done")).toBe(true);
    expect(parsed.some((l) => l.msg === "run.completed")).toBe(true);
  });

  test("kill -9 with a step in flight: the step is retried, never lost, and the run completes", async () => {
    const port = await freePort();
    const dbPath = tempDb("inflight");
    const runner1 = await runnerChild(port, dbPath);
    const client = makeClient(runner1.url, "inflight");
    let bStarted = 0;
    const fn = client.createFunction({ id: "inflight", triggers: [{ event: "inflight/go" }] }, async ({ step }) => {
      await step.run("a", () => bump("in:a"));
      await step.run("b", async () => {
        bStarted++;
        bump("in:b");
        await new Promise((r) => setTimeout(r, 800));
      });
      await step.run("c", () => bump("in:c"));
      return "survived";
    });
    const app = await startApp(client, [fn]);
    cleanups.push(() => app.close());
    await syncApp(runner1, app.url);
    await sendEvents(runner1.url, { name: "inflight/go", data: {} });
    await waitFor(async () => bStarted > 0);
    await runner1.kill9();

    const runner2 = await runnerChild(port, dbPath);
    const run = await waitForRun(runner2.url, "inflight-inflight", 20_000);
    expect(run.status).toBe("completed");
    expect(run.output).toBe("survived");
    expect(counts.get("in:a")).toBe(1);
    expect(counts.get("in:b")).toBeGreaterThanOrEqual(1);
    expect(counts.get("in:c")).toBe(1);
    const detail = await getRunDetail(runner2.url, run.id);
    expect(detail.attempts.some((a) => a.outcome === "interrupted")).toBe(true);
  });
});

describe("app crash", () => {
  test("kill -9 of the app with a step in flight: the runner retries until the app is back", async () => {
    const runner = await startTestRunner();
    cleanups.push(() => runner.stop());
    const appPort = await freePort();
    const logFile = path.join(path.dirname(runner.dbPath), "steps.log");
    const startAppChild = async (): Promise<ChildProcess> => {
      const child = spawnTs("tests/runner/fixtures/app.ts", { ...process.env, APP_PORT: String(appPort), RUNNER_URL: runner.url, STEP_LOG: logFile }, "ignore");
      cleanups.push(async () => {
        if (child.exitCode === null) child.kill("SIGKILL");
      });
      await waitFor(async () => fs.existsSync(logFile) && fs.readFileSync(logFile, "utf8").split("\n").filter((l) => l.includes(`"pid":${child.pid}`) && l.includes("listening")).length > 0, {
        timeout: 20_000,
        what: "app child listening",
      });
      return child;
    };
    const entries = () =>
      fs
        .readFileSync(logFile, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { step?: string; phase?: string; pid: number });

    const app1 = await startAppChild();
    await syncApp(runner, `http://127.0.0.1:${appPort}/api/inngest`);
    await sendEvents(runner.url, { name: "crashy/go", data: {} });
    await waitFor(async () => entries().some((e) => e.step === "b" && e.phase === "start"));
    app1.kill("SIGKILL");
    await new Promise((r) => app1.once("exit", r));

    await new Promise((r) => setTimeout(r, 300));
    await startAppChild();
    const run = await waitForRun(runner.url, "crashy-slow-steps", 20_000);
    expect(run.status).toBe("completed");
    expect(run.output).toEqual({ a: 1, b: 2, c: 3 });
    const log = entries();
    expect(log.filter((e) => e.step === "a")).toHaveLength(1);
    expect(log.filter((e) => e.step === "b" && e.phase === "start")).toHaveLength(2);
    expect(log.filter((e) => e.step === "b" && e.phase === "end")).toHaveLength(1);
    expect(log.filter((e) => e.step === "c")).toHaveLength(1);
    const detail = await getRunDetail(runner.url, run.id);
    expect(detail.attempts.some((a) => a.outcome === "unreachable")).toBe(true);
  });
});

describe("checkpointing", () => {
  test("when the checkpoint endpoint fails, the SDK falls back to 206 answers and nothing is lost", async () => {
    let a = 0;
    let b = 0;
    const env = await setup(
      "fallback",
      (client) => [
        client.createFunction({ id: "two-steps", triggers: [{ event: "fallback/go" }] }, async ({ step }) => {
          const x = await step.run("a", () => ++a);
          const y = await step.run("b", () => ++b);
          return x + y;
        }),
      ],
      { failCheckpoints: true },
    );
    cleanups.push(() => env.close());
    await sendEvents(env.runner.url, { name: "fallback/go", data: {} });
    const run = await waitForRun(env.runner.url, env.fnId("two-steps"), 20_000);
    expect(run.status).toBe("completed");
    expect(run.output).toBe(2);
    expect([a, b]).toEqual([1, 1]);
    const stats = env.runner.stats();
    expect(stats.checkpoints.ok).toBe(0);
    expect(stats.checkpoints.failed).toBeGreaterThanOrEqual(2);
    const detail = await getRunDetail(env.runner.url, run.id);
    // One call per step (each returned its StepRun in the 206 body), then the final call.
    expect(detail.attempts.map((x) => x.outcome)).toEqual(["ops", "ops", "completed"]);

    // Switching the failure off again: the same function checkpoints normally.
    env.runner.setCheckpointFailure(false);
    await sendEvents(env.runner.url, { name: "fallback/go", data: {} });
    await waitFor(async () => (await listRuns(env.runner.url, env.fnId("two-steps"))).filter((r) => r.status === "completed").length === 2);
    expect(env.runner.stats().checkpoints.ok).toBe(2);
  });
});
