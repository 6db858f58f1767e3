/**
 * Wire-level protocol checks with a scripted fake SDK endpoint (plain node:http), for behaviour the
 * TypeScript SDK rarely produces on its own: the exact call request, DiscoveryRequest, RunComplete,
 * a streamed (201) answer, unsupported opcodes, and the async checkpoint API's stale-dispatch (409).
 */

import http from "node:http";
import type net from "node:net";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { getRunDetail, sendEvents, startTestRunner, waitForRun, type TestRunner } from "./helpers";

type Call = { url: URL; headers: http.IncomingHttpHeaders; body: Record<string, unknown> };
type Reply = { status: number; headers?: Record<string, string>; body: unknown };
type Script = (call: Call, index: number) => Promise<Reply> | Reply;

let runner: TestRunner;
let server: http.Server;
let appUrl = "";
const scripts = new Map<string, Script>();
const calls = new Map<string, Call[]>();

function fnConfig(id: string) {
  const fnId = `fake-${id}`;
  return {
    id: fnId,
    name: id,
    triggers: [{ event: `fake/${id}` }],
    steps: { step: { id: "step", name: "step", runtime: { type: "http", url: `${appUrl}?fnId=${fnId}&stepId=step` }, retries: { attempts: 0 } } },
  };
}

beforeAll(async () => {
  runner = await startTestRunner();
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const url = new URL(req.url ?? "/", "http://fake");
      const fnId = url.searchParams.get("fnId") ?? "";
      const call: Call = { url, headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString() || "{}") as Record<string, unknown> };
      const list = calls.get(fnId) ?? [];
      list.push(call);
      calls.set(fnId, list);
      const reply = await (scripts.get(fnId) as Script)(call, list.length - 1);
      const text = typeof reply.body === "string" && reply.status === 201 ? reply.body : JSON.stringify(reply.body);
      res.writeHead(reply.status, { "content-type": "application/json", "x-inngest-req-version": "2", ...reply.headers });
      res.end(text);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  appUrl = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/api/inngest`;
  const reg = await fetch(`${runner.url}/fn/register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      url: appUrl,
      deployType: "ping",
      appName: "fake",
      sdk: "js:v0.0.0",
      v: "0.1",
      functions: ["discovery", "stream", "unsupported", "checkpoint"].map(fnConfig),
    }),
  });
  expect(await reg.json()).toMatchObject({ ok: true, status: 200 });
});

afterAll(async () => {
  await runner?.stop();
  server?.closeAllConnections();
  await new Promise<void>((r) => server?.close(() => r()));
});

describe("call requests and opcodes", () => {
  test("call request shape; DiscoveryRequest calls again; StepRun memoized; RunComplete finishes", async () => {
    scripts.set("fake-discovery", (_call, i) => {
      if (i === 0) return { status: 206, body: [{ id: "d1", op: "DiscoveryRequest" }] };
      if (i === 1) return { status: 206, body: [{ id: "h1", op: "StepRun", name: "first", displayName: "first", data: { n: 5 } }] };
      return { status: 206, body: [{ id: "complete", op: "RunComplete", data: "done" }] };
    });
    await sendEvents(runner.url, { name: "fake/discovery", data: { hello: 1 } });
    const run = await waitForRun(runner.url, "fake-discovery");
    expect(run.status).toBe("completed");
    expect(run.output).toBe("done");
    const list = calls.get("fake-discovery") as Call[];
    expect(list).toHaveLength(3);
    const first = list[0] as Call;
    expect(first.url.searchParams.get("stepId")).toBe("step");
    expect(first.headers["x-inngest-server-kind"]).toBe("dev");
    expect(first.headers["x-inngest-generation-id"]).toMatch(/^\d+$/);
    expect(first.body).toMatchObject({ event: { name: "fake/discovery", data: { hello: 1 } }, steps: {} });
    expect((first.body.events as unknown[]).length).toBe(1);
    const ctx = first.body.ctx as Record<string, unknown>;
    expect(ctx).toMatchObject({ run_id: run.id, attempt: 0, max_attempts: 1, disable_immediate_execution: false, use_api: false, stack: { stack: [], current: 0 } });
    expect(ctx.fn_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(typeof ctx.qi_id).toBe("string");
    const third = list[2] as Call;
    expect(third.body.steps).toEqual({ h1: { data: { n: 5 } } });
    expect((third.body.ctx as { stack: unknown }).stack).toEqual({ stack: ["h1"], current: 1 });
  });

  test("a streamed answer (201 + heartbeats + final frame) is unwrapped", async () => {
    scripts.set("fake-stream", () => ({ status: 201, body: `   ${JSON.stringify({ status: 200, headers: {}, body: JSON.stringify("streamed") })}` }));
    await sendEvents(runner.url, { name: "fake/stream", data: {} });
    const run = await waitForRun(runner.url, "fake-stream");
    expect(run.output).toBe("streamed");
  });

  test("an unsupported opcode fails that step loudly; the function sees the error", async () => {
    scripts.set("fake-unsupported", (call, i) => {
      if (i === 0) return { status: 206, body: [{ id: "g1", op: "Gateway", opts: { url: "https://example.com" } }] };
      return { status: 200, body: call.body.steps };
    });
    await sendEvents(runner.url, { name: "fake/unsupported", data: {} });
    const run = await waitForRun(runner.url, "fake-unsupported");
    expect(run.output).toEqual({ g1: { error: { name: "UnsupportedOpcode", message: "Gateway steps are not supported by the bundled runner" } } });
  });
});

describe("async checkpoint API", () => {
  test("memoizes StepRun for the leased call; a stale generation or finished run gets 409", async () => {
    const answers: number[] = [];
    scripts.set("fake-checkpoint", async (call) => {
      const ctx = call.body.ctx as { run_id: string; qi_id: string; fn_id: string };
      const gen = Number(call.headers["x-inngest-generation-id"]);
      const post = (generation: number, steps: unknown[]) =>
        fetch(`${runner.url}/v1/checkpoint/${ctx.run_id}/async`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ run_id: ctx.run_id, fn_id: ctx.fn_id, qi_id: ctx.qi_id, generation_id: generation, steps, ts: Date.now() }),
        }).then((r) => r.status);
      answers.push(await post(gen, [{ id: "c1", op: "StepRun", name: "one", data: 1 }]));
      answers.push(await post(gen + 1, [{ id: "c2", op: "StepRun", name: "two", data: 2 }]));
      answers.push(await post(gen, [{ id: "c3", op: "Sleep", name: "1s" }]));
      return { status: 206, body: [{ id: "complete", op: "RunComplete", data: "checkpointed" }] };
    });
    await sendEvents(runner.url, { name: "fake/checkpoint", data: {} });
    const run = await waitForRun(runner.url, "fake-checkpoint");
    expect(run.output).toBe("checkpointed");
    expect(answers).toEqual([200, 409, 400]);
    const detail = await getRunDetail(runner.url, run.id);
    expect(detail.steps.map((s) => [s.name, s.status, s.output])).toEqual([["one", "completed", 1]]);
    const late = await fetch(`${runner.url}/v1/checkpoint/${run.id}/async`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ run_id: run.id, qi_id: "x", steps: [{ id: "c9", op: "StepRun", data: 9 }] }),
    });
    expect(late.status).toBe(409);
  });
});
