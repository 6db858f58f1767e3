import { spawn } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLlmProvider } from "@/lib/processors/llm";
import { countWords } from "@/lib/text/word-limit";
import { chunkMatches, evenSplit, startFakeLlm, type FakeLlm } from "@/tests/fakes/fake-llm-server";
import { longSentences } from "@/tests/fakes/llm-sentences";

describe("fake LLM server helpers", () => {
  it("splits evenly within the limit, keeping every token", () => {
    const text = "« Bonjour » dit-il , et puis un deux trois quatre cinq six sept huit neuf dix onze douze.";
    for (const limit of [1, 2, 3, 5, 7, 20]) {
      const pieces = evenSplit(text, limit);
      expect(pieces.join(" ")).toBe(text);
      for (const p of pieces) expect(countWords(p)).toBeLessThanOrEqual(limit);
      const sizes = pieces.map(countWords);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }
  });

  it("matches chunk patterns", () => {
    expect(chunkMatches("j/1", "j/1")).toBe(true);
    expect(chunkMatches("*/1", "other/1")).toBe(true);
    expect(chunkMatches("j/*", "j/9")).toBe(true);
    expect(chunkMatches("*", "x/3")).toBe(true);
    expect(chunkMatches("j/1", "j/10")).toBe(false);
    expect(chunkMatches("*/1", "j/2")).toBe(false);
  });
});

describe("fake LLM control API over HTTP", () => {
  let fake: FakeLlm;
  beforeAll(async () => {
    fake = await startFakeLlm();
  });
  afterAll(async () => {
    await fake.close();
  });

  it("configures, reports stats and resets over HTTP", async () => {
    const llm = createLlmProvider({ provider: "openai", baseUrl: fake.url, model: "m", timeoutMs: 2000, maxSentencesPerCall: 40 });
    const req = (i: number) => ({ sentences: longSentences(1), limit: 6, language: "fr", context: { jobId: "c", chunkIndex: i } });
    const set = await fetch(`${fake.controlUrl}/__control`, { method: "POST", body: JSON.stringify({ failChunks: { "c/1": "always" } }) });
    expect(((await set.json()) as { failChunks: unknown }).failChunks).toEqual({ "c/1": "always" });
    await llm.rewrite(req(0));
    await expect(llm.rewrite(req(1))).rejects.toThrow(/^PROVIDER_ERROR: /);
    const stats = (await (await fetch(`${fake.controlUrl}/__stats`)).json()) as { calls: number; byChunk: Record<string, number> };
    expect(stats.calls).toBe(2);
    expect(stats.byChunk).toEqual({ "c/0": 1, "c/1": 1 });
    await fetch(`${fake.controlUrl}/__reset`, { method: "POST" });
    expect(fake.stats().calls).toBe(0);
    await llm.rewrite(req(1));
  });

  it("lists its model", async () => {
    const res = await fetch(`${fake.url}/models`);
    expect(((await res.json()) as { data: { id: string }[] }).data[0].id).toBe("fake-model");
  });
});

describe("fake-llm-main.ts", () => {
  it("runs standalone, prints its URL and serves rewrites", async () => {
    const root = path.resolve(__dirname, "../..");
    const child = spawn(process.execPath, [path.join(root, "node_modules/tsx/dist/cli.mjs"), "tests/fakes/fake-llm-main.ts", "--port", "0", "--retry-after", "4"], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = "";
        child.stdout.on("data", (d: Buffer) => {
          out += d.toString();
          const line = out.split("\n")[0];
          if (out.includes("\n")) resolve(line.trim());
        });
        child.once("exit", (code) => reject(new Error(`fake exited with ${code}`)));
        setTimeout(() => reject(new Error("no URL printed")), 20_000);
      });
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
      const llm = createLlmProvider({ provider: "openai", baseUrl: url, model: "m", timeoutMs: 5000, maxSentencesPerCall: 40 });
      const res = await llm.rewrite({ sentences: longSentences(2), limit: 5, language: "en", context: { jobId: "s", chunkIndex: 0 } });
      expect(res.rewrites).toHaveLength(2);
      const control = url.replace(/\/v1$/, "");
      const opts = (await (await fetch(`${control}/__control`)).json()) as { retryAfterSeconds: number };
      expect(opts.retryAfterSeconds).toBe(4);
      expect(((await (await fetch(`${control}/__stats`)).json()) as { byChunk: Record<string, number> }).byChunk).toEqual({ "s/0": 1 });
    } finally {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
  }, 30_000);
});
