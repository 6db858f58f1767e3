import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { RetryAfterError } from "inngest";
import { describeChunkError } from "@/lib/jobs/chunk-errors";
import { PROMPT_VERSION, SYSTEM_PROMPT, alnumWords, createLlmProvider, llmConfigFromEnv, type LlmProvider, type RewriteRequest } from "@/lib/processors/llm";
import { countWords } from "@/lib/text/word-limit";
import { startFakeLlm, type FakeLlm } from "@/tests/fakes/fake-llm-server";
import { longSentences } from "@/tests/fakes/llm-sentences";
import { expectProviderError, failure } from "@/tests/helpers/provider-errors";

let fake: FakeLlm;

beforeAll(async () => {
  fake = await startFakeLlm();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

function provider(env: Record<string, string> = {}): LlmProvider {
  const cfg = llmConfigFromEnv({
    FOLIO_LLM_PROVIDER: "openai",
    FOLIO_LLM_BASE_URL: fake.url,
    FOLIO_LLM_MODEL: "fake-model",
    ...env,
  });
  if (!cfg) throw new Error("no config");
  return createLlmProvider(cfg);
}

function request(n: number, limit = 8, jobId = "job-a", chunkIndex = 0): RewriteRequest {
  return { sentences: longSentences(n), limit, language: "fr", context: { jobId, chunkIndex } };
}

describe("openai-compatible provider against the fake", () => {
  it("rewrites every sentence into pieces within the limit, keeping the words, and counts usage", async () => {
    const llm = provider({ FOLIO_LLM_API_KEY: "sk-test" });
    expect(llm.id).toBe("openai");
    expect(llm.model).toBe("fake-model");
    expect(llm.promptVersion).toBe(PROMPT_VERSION);
    const req = request(4, 8);
    const res = await llm.rewrite(req);

    expect(res.rewrites.map((r) => r.id)).toEqual(req.sentences.map((s) => s.id));
    for (const r of res.rewrites) {
      const original = req.sentences.find((s) => s.id === r.id)!.text;
      expect(r.pieces.length).toBeGreaterThan(1);
      for (const p of r.pieces) {
        expect(p.trim()).not.toBe("");
        expect(countWords(p)).toBeLessThanOrEqual(8);
      }
      expect(alnumWords(r.pieces.join(" ")).sort()).toEqual(alnumWords(original).sort());
    }
    const stats = fake.stats();
    expect(stats.calls).toBe(1);
    expect(stats.byChunk).toEqual({ "job-a/0": 1 });
    expect(res.usage).toEqual({ inputTokens: stats.inputTokens, outputTokens: stats.outputTokens });
    expect(res.usage.inputTokens).toBeGreaterThan(0);
    expect(res.usage.outputTokens).toBeGreaterThan(0);
  });

  it("sends a deterministic json-mode chat completion with the chunk header, the key and no job id in the prompt", async () => {
    await provider({ FOLIO_LLM_API_KEY: "sk-test" }).rewrite(request(2, 6, "job-secret-id", 3));
    const [rec] = fake.requests();
    expect(rec.api).toBe("openai");
    expect(rec.path).toBe("/v1/chat/completions");
    expect(rec.headers["x-folio-chunk"]).toBe("job-secret-id/3");
    expect(rec.headers.authorization).toBe("Bearer sk-test");
    const body = rec.body as { model: string; temperature: number; response_format: unknown; messages: { role: string; content: string }[] };
    expect(body.model).toBe("fake-model");
    expect(body.temperature).toBe(0);
    expect(body.response_format).toEqual({ type: "json_object" });
    expect(body.messages.map((m) => m.role)).toEqual(["system", "user"]);
    expect(body.messages[0].content).toBe(SYSTEM_PROMPT);
    expect(body.messages[1].content).toContain("LIMIT: 6 words");
    expect(body.messages[1].content).toContain("French (fr)");
    expect(JSON.stringify(body.messages)).not.toContain("job-secret-id");
  });

  it("sends no Authorization header without a key", async () => {
    await provider().rewrite(request(1));
    expect(fake.requests()[0].headers.authorization).toBeUndefined();
  });

  it("makes no call for an empty request", async () => {
    const res = await provider().rewrite({ ...request(0) });
    expect(res).toEqual({ rewrites: [], usage: { inputTokens: 0, outputTokens: 0 } });
    expect(fake.stats().calls).toBe(0);
  });

  it("batches requests larger than FOLIO_LLM_MAX_SENTENCES_PER_CALL and sums usage", async () => {
    const req = request(95, 7, "job-b", 5);
    const res = await provider({ FOLIO_LLM_MAX_SENTENCES_PER_CALL: "40" }).rewrite(req);
    expect(res.rewrites.map((r) => r.id)).toEqual(req.sentences.map((s) => s.id));
    const stats = fake.stats();
    expect(stats.calls).toBe(3);
    expect(stats.byChunk).toEqual({ "job-b/5": 3 });
    const sizes = fake.requests().map((r) => {
      const user = (r.body as { messages: { content: string }[] }).messages[1].content;
      return (JSON.parse(user.slice(user.indexOf("{"))) as { sentences: unknown[] }).sentences.length;
    });
    expect(sizes).toEqual([40, 40, 15]);
    expect(res.usage).toEqual({ inputTokens: stats.inputTokens, outputTokens: stats.outputTokens });
  });

  it("uses the default of 40 sentences per call", async () => {
    await provider().rewrite(request(41));
    expect(fake.stats().calls).toBe(2);
  });

  it("turns HTTP 429 into a RetryAfterError carrying the Retry-After delay and the code", async () => {
    fake.configure({ rateLimitEvery: 1, retryAfterSeconds: 7 });
    const err = await failure(provider().rewrite(request(2)));
    expect(err).toBeInstanceOf(RetryAfterError);
    const e = err as RetryAfterError;
    expect(e.message.startsWith("PROVIDER_RATE_LIMITED: ")).toBe(true);
    expect(e.retryAfter).toBe("7");
    expect(describeChunkError(e).code).toBe("PROVIDER_RATE_LIMITED");
  });

  it("rate limits only every Nth call", async () => {
    fake.configure({ rateLimitEvery: 2, retryAfterSeconds: 3 });
    const llm = provider();
    await llm.rewrite(request(1));
    const err = await failure(llm.rewrite(request(1)));
    expect((err as RetryAfterError).retryAfter).toBe("3");
    await llm.rewrite(request(1));
    expect(fake.stats().rateLimited).toBe(1);
  });

  it("times out a hanging call with PROVIDER_TIMEOUT (retryable)", async () => {
    fake.configure({ timeoutChunks: ["job-t/0"] });
    const llm = provider({ FOLIO_LLM_TIMEOUT_MS: "200" });
    const started = Date.now();
    const err = await failure(llm.rewrite(request(2, 8, "job-t", 0)));
    expect(Date.now() - started).toBeLessThan(3000);
    const e = expectProviderError(err, "PROVIDER_TIMEOUT", true);
    expect(e.message).toContain("200 ms");
    // other chunks of the same job are not affected
    await expect(llm.rewrite(request(2, 8, "job-t", 1))).resolves.toBeTruthy();
    expect(fake.stats().hung).toBe(1);
  });

  it("times out a slow server too", async () => {
    fake.configure({ latencyMs: 1000 });
    const err = await failure(provider({ FOLIO_LLM_TIMEOUT_MS: "100" }).rewrite(request(1)));
    expectProviderError(err, "PROVIDER_TIMEOUT", true);
  });

  it("reports the caller's abort as PROVIDER_TIMEOUT", async () => {
    fake.configure({ timeoutChunks: ["*"] });
    const ctl = new AbortController();
    setTimeout(() => ctl.abort(), 50);
    const err = await failure(provider().rewrite(request(1), ctl.signal));
    const e = expectProviderError(err, "PROVIDER_TIMEOUT", true);
    expect(e.message).toContain("aborted");
    // already aborted: no call at all
    const before = fake.stats().calls;
    expectProviderError(await failure(provider().rewrite(request(1), ctl.signal)), "PROVIDER_TIMEOUT", true);
    expect(fake.stats().calls).toBe(before);
  });

  it.each(["not-json", "missing-id", "drop-word", "over-limit"] as const)("rejects a bad answer (%s) with PROVIDER_BAD_ANSWER", async (kind) => {
    fake.configure({ badAnswerChunks: ["job-x/4"], badAnswerKind: kind });
    const err = await failure(provider().rewrite(request(3, 8, "job-x", 4)));
    expectProviderError(err, "PROVIDER_BAD_ANSWER", true);
    await expect(provider().rewrite(request(3, 8, "job-x", 5))).resolves.toBeTruthy();
  });

  it("fails only the targeted chunk, for its first N calls", async () => {
    fake.configure({ failChunks: { "job-f/1": 2 } });
    const llm = provider();
    await llm.rewrite(request(1, 8, "job-f", 0));
    expectProviderError(await failure(llm.rewrite(request(1, 8, "job-f", 1))), "PROVIDER_ERROR", true);
    expectProviderError(await failure(llm.rewrite(request(1, 8, "job-f", 1))), "PROVIDER_ERROR", true);
    await expect(llm.rewrite(request(1, 8, "job-f", 1))).resolves.toBeTruthy();
    await llm.rewrite(request(1, 8, "job-f", 2));
    expect(fake.stats().byChunk).toEqual({ "job-f/0": 1, "job-f/1": 3, "job-f/2": 1 });
    expect(fake.stats().serverErrors).toBe(2);
  });

  it("fails a chunk index of every job with */index, and always with 'always'", async () => {
    fake.configure({ failChunks: { "*/2": "always" } });
    const llm = provider();
    for (const job of ["j1", "j2"]) {
      for (let i = 0; i < 3; i++) {
        const p = llm.rewrite(request(1, 8, job, i));
        if (i === 2) expectProviderError(await failure(p), "PROVIDER_ERROR", true);
        else await expect(p).resolves.toBeTruthy();
      }
    }
    expectProviderError(await failure(llm.rewrite(request(1, 8, "j1", 2))), "PROVIDER_ERROR", true);
  });

  it("answers 500 at the seeded failure rate, reproducibly", async () => {
    const run = async () => {
      fake.reset();
      fake.configure({ failureRate: 0.5, seed: 42 });
      const llm = provider();
      const outcomes: boolean[] = [];
      for (let i = 0; i < 20; i++) outcomes.push(await llm.rewrite(request(1, 8, "job-r", i)).then(() => true, () => false));
      return outcomes;
    };
    const a = await run();
    const b = await run();
    expect(a).toEqual(b);
    expect(a.filter((x) => !x).length).toBeGreaterThan(3);
    expect(a.filter((x) => x).length).toBeGreaterThan(3);
  });

  it("turns 401 (bad key) into a non-retryable PROVIDER_ERROR", async () => {
    fake.configure({ apiKey: "right-key" });
    const err = await failure(provider({ FOLIO_LLM_API_KEY: "wrong-key" }).rewrite(request(1)));
    const e = expectProviderError(err, "PROVIDER_ERROR", false);
    expect(e.status).toBe(401);
    expect(e.message).toContain("401");
    await expect(provider({ FOLIO_LLM_API_KEY: "right-key" }).rewrite(request(1))).resolves.toBeTruthy();
  });

  it("treats a wrong endpoint (404) as non-retryable", async () => {
    const err = await failure(provider({ FOLIO_LLM_BASE_URL: fake.url.replace(/\/v1$/, "/nope") }).rewrite(request(1)));
    expect((expectProviderError(err, "PROVIDER_ERROR", false)).status).toBe(404);
  });

  it("treats an unreachable server as a retryable PROVIDER_ERROR", async () => {
    const other = await startFakeLlm();
    const url = other.url;
    await other.close();
    const err = await failure(provider({ FOLIO_LLM_BASE_URL: url }).rewrite(request(1)));
    expectProviderError(err, "PROVIDER_ERROR", true);
  });

  it("rejects malformed requests before calling", async () => {
    const llm = provider();
    await expect(llm.rewrite({ ...request(1), limit: 0 })).rejects.toThrow(RangeError);
    await expect(llm.rewrite({ ...request(1), sentences: [{ id: 1, text: "a" }, { id: 1, text: "b" }] })).rejects.toThrow(RangeError);
    expect(fake.stats().calls).toBe(0);
  });
});
