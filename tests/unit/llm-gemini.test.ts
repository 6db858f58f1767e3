/**
 * The Gemini provider through the real @google/genai SDK, pointed at the fake's Gemini route with
 * httpOptions.baseUrl (the SDK builds `${baseUrl}/v1beta/models/${model}:generateContent`).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { RetryAfterError } from "inngest";
import { SYSTEM_PROMPT, alnumWords, createLlmProvider, llmConfigFromEnv, type LlmProvider, type RewriteRequest } from "@/lib/processors/llm";
import { retryDelayFromGeminiError } from "@/lib/processors/llm/gemini";
import { countWords } from "@/lib/text/word-limit";
import { startFakeLlm, type FakeLlm } from "@/tests/fakes/fake-llm-server";
import { longSentences } from "@/tests/fakes/llm-sentences";
import { expectProviderError, failure } from "@/tests/helpers/provider-errors";

let fake: FakeLlm;

beforeAll(async () => {
  fake = await startFakeLlm({ apiKey: "gem-key" });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

function provider(env: Record<string, string> = {}): LlmProvider {
  const cfg = llmConfigFromEnv({
    FOLIO_LLM_PROVIDER: "gemini",
    FOLIO_LLM_BASE_URL: fake.geminiUrl,
    FOLIO_LLM_MODEL: "gemini-fake",
    FOLIO_LLM_API_KEY: "gem-key",
    ...env,
  });
  if (!cfg) throw new Error("no config");
  return createLlmProvider(cfg);
}

function request(n: number, limit = 8, jobId = "job-g", chunkIndex = 0): RewriteRequest {
  return { sentences: longSentences(n), limit, language: "en", context: { jobId, chunkIndex } };
}

describe("gemini provider against the fake Gemini REST route", () => {
  it("rewrites within the limit, keeps the words and reports usage from usageMetadata", async () => {
    const llm = provider();
    expect(llm.id).toBe("gemini");
    expect(llm.model).toBe("gemini-fake");
    const req = request(3, 9);
    const res = await llm.rewrite(req);
    expect(res.rewrites.map((r) => r.id)).toEqual([1, 2, 3]);
    for (const r of res.rewrites) {
      for (const p of r.pieces) expect(countWords(p)).toBeLessThanOrEqual(9);
      expect(alnumWords(r.pieces.join(" ")).sort()).toEqual(alnumWords(req.sentences.find((s) => s.id === r.id)!.text).sort());
    }
    const stats = fake.stats();
    expect(stats.calls).toBe(1);
    expect(res.usage).toEqual({ inputTokens: stats.inputTokens, outputTokens: stats.outputTokens });
    expect(res.usage.inputTokens).toBeGreaterThan(0);
  });

  it("calls generateContent with the system instruction, JSON mode, temperature 0, the key and the chunk header", async () => {
    await provider().rewrite(request(1, 8, "job-h", 7));
    const [rec] = fake.requests();
    expect(rec.api).toBe("gemini");
    expect(rec.path).toBe("/v1beta/models/gemini-fake:generateContent");
    expect(rec.chunk).toBe("job-h/7");
    expect(rec.headers["x-goog-api-key"]).toBe("gem-key");
    const body = rec.body as {
      systemInstruction: { parts: { text: string }[] };
      generationConfig: { responseMimeType: string; temperature: number };
      contents: { role: string; parts: { text: string }[] }[];
    };
    expect(body.systemInstruction.parts[0].text).toBe(SYSTEM_PROMPT);
    expect(body.generationConfig).toMatchObject({ responseMimeType: "application/json", temperature: 0 });
    expect(body.contents[0].parts[0].text).toContain("English (en)");
    expect(JSON.stringify(body.contents)).not.toContain("job-h");
  });

  it("batches over FOLIO_LLM_MAX_SENTENCES_PER_CALL", async () => {
    const res = await provider({ FOLIO_LLM_MAX_SENTENCES_PER_CALL: "5" }).rewrite(request(12));
    expect(res.rewrites).toHaveLength(12);
    expect(fake.stats().calls).toBe(3);
  });

  it("turns 429 into a RetryAfterError using RetryInfo.retryDelay", async () => {
    fake.configure({ rateLimitEvery: 1, retryAfterSeconds: 9 });
    const err = await failure(provider().rewrite(request(1)));
    expect(err).toBeInstanceOf(RetryAfterError);
    expect((err as RetryAfterError).message.startsWith("PROVIDER_RATE_LIMITED: ")).toBe(true);
    expect((err as RetryAfterError).retryAfter).toBe("9");
  });

  it("reads RetryInfo delays", () => {
    expect(retryDelayFromGeminiError('{"error":{"details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"12s"}]}}')).toBe(12_000);
    expect(retryDelayFromGeminiError('{"retryDelay": "1.5s"}')).toBe(1500);
    expect(retryDelayFromGeminiError("{}")).toBeUndefined();
  });

  it("times out a hanging call with PROVIDER_TIMEOUT", async () => {
    fake.configure({ timeoutChunks: ["job-g/1"] });
    const started = Date.now();
    const err = await failure(provider({ FOLIO_LLM_TIMEOUT_MS: "200" }).rewrite(request(1, 8, "job-g", 1)));
    expect(Date.now() - started).toBeLessThan(3000);
    expectProviderError(err, "PROVIDER_TIMEOUT", true);
  });

  it("rejects an invalid answer with PROVIDER_BAD_ANSWER", async () => {
    fake.configure({ badAnswerChunks: ["*/0"] });
    expectProviderError(await failure(provider().rewrite(request(2))), "PROVIDER_BAD_ANSWER", true);
    fake.configure({ badAnswerKind: "drop-word" });
    expectProviderError(await failure(provider().rewrite(request(2))), "PROVIDER_BAD_ANSWER", true);
  });

  it("maps 5xx to a retryable PROVIDER_ERROR and 401 to a permanent one", async () => {
    fake.configure({ failChunks: { "job-g/0": 1 } });
    const e500 = expectProviderError(await failure(provider().rewrite(request(1))), "PROVIDER_ERROR", true);
    expect(e500.status).toBe(500);
    await expect(provider().rewrite(request(1))).resolves.toBeTruthy();

    const e401 = expectProviderError(await failure(provider({ FOLIO_LLM_API_KEY: "bad" }).rewrite(request(1))), "PROVIDER_ERROR", false);
    expect(e401.status).toBe(401);
    expect(e401.message).toContain("UNAUTHENTICATED");
  });
});
