/**
 * Signed mode, as Inngest Cloud and `npm start` run it: the runner signs every call to the app
 * (X-Inngest-Signature), the SDK (INNGEST_DEV unset, signing key set) refuses unsigned or badly
 * signed calls, the SDK's own requests to the runner carry its Bearer token, events need the
 * event key, and the runner syncs only the app URL it was configured with.
 */

import http from "node:http";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { Inngest } from "inngest";
import { newInngestKeys } from "../../scripts/inngest-keys.mjs";
import { hashSigningKey, signatureHeader } from "../../runner/signing";
import { freePort, getRunDetail, startApp, startTestRunner, waitFor, waitForRun, type TestApp, type TestRunner } from "./helpers";

const keys = newInngestKeys();
const APP_ID = "signed";
let runner: TestRunner;
let app: TestApp;
let calls = 0;

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };

beforeAll(async () => {
  const appPort = await freePort();
  const appUrl = `http://127.0.0.1:${appPort}/api/inngest`;
  runner = await startTestRunner({ signingKey: keys.signingKey, eventKey: keys.eventKey, appUrl });
  const client = new Inngest({ id: APP_ID, isDev: false, baseUrl: runner.url, signingKey: keys.signingKey, eventKey: keys.eventKey, logger: quiet });
  app = await startApp(
    client,
    [
      client.createFunction({ id: "work", triggers: [{ event: "signed/go" }] }, async ({ event, step }) => {
        calls++;
        const a = await step.run("one", () => (event.data as { n: number }).n + 1);
        const b = await step.run("two", () => a * 2);
        await step.sleep("nap", "1s");
        return { b };
      }),
    ],
    appPort,
  );
  await waitFor(async () => (await fetch(`${runner.url}/functions`).then((r) => r.json() as Promise<{ functions: unknown[] }>)).functions.length > 0, {
    timeout: 30_000,
    what: "the app synced on the runner's start",
  });
});

afterAll(async () => {
  await runner?.stop();
  await app?.close();
});

async function functionsOnRunner(): Promise<Array<{ id: string; url: string }>> {
  return ((await (await fetch(`${runner.url}/functions`)).json()) as { functions: Array<{ id: string; url: string }> }).functions;
}

const sendEvent = (key: string, body: unknown) => fetch(`${runner.url}/e/${key}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

describe("signed mode", () => {
  test("a run with checkpointed steps and a sleep completes with signed calls", async () => {
    const res = await sendEvent(keys.eventKey, { name: "signed/go", data: { n: 20 } });
    expect(res.status).toBe(200);
    const run = await waitForRun(runner.url, `${APP_ID}-work`, 30_000);
    expect(run.status).toBe("completed");
    expect(run.output).toEqual({ b: 42 });
    const detail = await getRunDetail(runner.url, run.id);
    // No call was refused by the SDK's signature check.
    expect(detail.attempts.every((a) => a.http_status !== 401)).toBe(true);
    expect(detail.steps.map((s) => s.name)).toEqual(expect.arrayContaining(["one", "two"]));
  });

  test("events with another key are refused and start nothing", async () => {
    const before = calls;
    const res = await sendEvent("not-the-key", { name: "signed/go", data: { n: 1 } });
    expect(res.status).toBe(401);
    await new Promise((r) => setTimeout(r, 300));
    expect(calls).toBe(before);
  });

  test("the SDK refuses unsigned, badly signed and expired calls (401)", async () => {
    const body = JSON.stringify({ event: { name: "signed/go", data: { n: 1 } }, events: [], steps: {}, ctx: { run_id: "forged", attempt: 0, stack: { stack: [], current: 0 } } });
    const url = `${app.url}?fnId=${APP_ID}-work&stepId=step`;
    const before = calls;
    const unsigned = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body });
    expect(unsigned.status).toBe(401);
    const other = newInngestKeys().signingKey;
    const wrong = await fetch(url, { method: "POST", headers: { "content-type": "application/json", "x-inngest-signature": signatureHeader(body, other) }, body });
    expect(wrong.status).toBe(401);
    const old = await fetch(url, { method: "POST", headers: { "content-type": "application/json", "x-inngest-signature": signatureHeader(body, keys.signingKey, Date.now() - 3_600_000) }, body });
    expect(old.status).toBe(401);
    expect(calls).toBe(before);
    // The runner's own signature is the SDK's scheme: the same body signed with the key is accepted.
    const good = await fetch(url, { method: "POST", headers: { "content-type": "application/json", "x-inngest-signature": signatureHeader(body, keys.signingKey) }, body });
    expect(good.status).not.toBe(401);
  });

  test("sync needs the signing key's Bearer token, and only the configured app URL is accepted", async () => {
    const before = await functionsOnRunner();
    const payload = { url: "http://evil.example/api/inngest", appName: APP_ID, sdk: "js:v4", framework: "node", v: "0.1", deployType: "ping", functions: [] };
    const anonymous = await fetch(`${runner.url}/fn/register`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(payload) });
    expect(anonymous.status).toBe(401);
    const authed = await fetch(`${runner.url}/fn/register`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${hashSigningKey(keys.signingKey)}` },
      body: JSON.stringify(payload),
    });
    expect(authed.status).toBe(403);
    const trigger = await fetch(`${runner.url}/sync?url=${encodeURIComponent("http://evil.example/api/inngest")}`, { method: "POST" });
    expect(trigger.status).toBe(403);
    expect(await functionsOnRunner()).toEqual(before);
  });

  test("a PUT to the app with a forged Host cannot move the runner to another URL", async () => {
    const before = await functionsOnRunner();
    const target = new URL(app.url);
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request({ host: target.hostname, port: target.port, path: target.pathname, method: "PUT", headers: { host: "evil.example" } }, (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      });
      req.on("error", reject);
      req.end();
    });
    expect(status).not.toBe(200);
    const after = await functionsOnRunner();
    expect(after).toEqual(before);
    expect(after.every((f) => f.url.startsWith(app.url))).toBe(true);
  });

  test("checkpoints and payload reads need the Bearer token", async () => {
    const cp = await fetch(`${runner.url}/v1/checkpoint/some-run/async`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ steps: [] }) });
    expect(cp.status).toBe(401);
    const batch = await fetch(`${runner.url}/v0/runs/some-run/batch`);
    expect(batch.status).toBe(401);
  });
});
