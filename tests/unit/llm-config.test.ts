import { afterEach, describe, expect, it, vi } from "vitest";
import { RetryAfterError } from "inngest";
import {
  DEFAULT_GEMINI_MODEL,
  ProviderError,
  createLlmProvider,
  getLlmProvider,
  llmConfigFromEnv,
  parseRetryAfterMs,
  parseUserPrompt,
  buildUserPrompt,
  validateAnswer,
} from "@/lib/processors/llm";
import { rateLimitedError, statusError } from "@/lib/processors/llm/errors";
import { ChunkError, describeChunkError } from "@/lib/jobs/chunk-errors";

describe("llmConfigFromEnv", () => {
  it("is off (null) when FOLIO_LLM_PROVIDER is unset or blank", () => {
    expect(llmConfigFromEnv({})).toBeNull();
    expect(llmConfigFromEnv({ FOLIO_LLM_PROVIDER: "  " })).toBeNull();
  });

  it("reads an openai-compatible setup with defaults", () => {
    expect(llmConfigFromEnv({ FOLIO_LLM_PROVIDER: "OpenAI", FOLIO_LLM_BASE_URL: "http://localhost:11434/v1", FOLIO_LLM_MODEL: "llama3.1" })).toEqual({
      provider: "openai",
      baseUrl: "http://localhost:11434/v1",
      model: "llama3.1",
      apiKey: undefined,
      timeoutMs: 60_000,
      maxSentencesPerCall: 40,
    });
  });

  it("reads numbers and the key", () => {
    const cfg = llmConfigFromEnv({
      FOLIO_LLM_PROVIDER: "gemini",
      FOLIO_LLM_API_KEY: "k",
      FOLIO_LLM_TIMEOUT_MS: "1500",
      FOLIO_LLM_MAX_SENTENCES_PER_CALL: "7",
    });
    expect(cfg).toEqual({ provider: "gemini", baseUrl: undefined, model: DEFAULT_GEMINI_MODEL, apiKey: "k", timeoutMs: 1500, maxSentencesPerCall: 7 });
  });

  it.each([
    [{ FOLIO_LLM_PROVIDER: "claude" }, /FOLIO_LLM_PROVIDER/],
    [{ FOLIO_LLM_PROVIDER: "openai", FOLIO_LLM_MODEL: "m" }, /FOLIO_LLM_BASE_URL/],
    [{ FOLIO_LLM_PROVIDER: "openai", FOLIO_LLM_BASE_URL: "http://x/v1" }, /FOLIO_LLM_MODEL/],
    [{ FOLIO_LLM_PROVIDER: "openai", FOLIO_LLM_BASE_URL: "localhost:11434", FOLIO_LLM_MODEL: "m" }, /FOLIO_LLM_BASE_URL/],
    [{ FOLIO_LLM_PROVIDER: "gemini" }, /FOLIO_LLM_API_KEY/],
    [{ FOLIO_LLM_PROVIDER: "gemini", FOLIO_LLM_API_KEY: "k", FOLIO_LLM_TIMEOUT_MS: "soon" }, /FOLIO_LLM_TIMEOUT_MS/],
    [{ FOLIO_LLM_PROVIDER: "gemini", FOLIO_LLM_API_KEY: "k", FOLIO_LLM_MAX_SENTENCES_PER_CALL: "0" }, /FOLIO_LLM_MAX_SENTENCES_PER_CALL/],
  ])("rejects unusable settings %j", (env, re) => {
    expect(() => llmConfigFromEnv(env)).toThrow(re);
  });
});

describe("getLlmProvider", () => {
  afterEach(() => vi.unstubAllEnvs());

  it("is null when off, cached per configuration, rebuilt when it changes", () => {
    vi.stubEnv("FOLIO_LLM_PROVIDER", "");
    expect(getLlmProvider()).toBeNull();
    vi.stubEnv("FOLIO_LLM_PROVIDER", "openai");
    vi.stubEnv("FOLIO_LLM_BASE_URL", "http://127.0.0.1:9/v1");
    vi.stubEnv("FOLIO_LLM_MODEL", "a");
    const a = getLlmProvider();
    expect(a?.id).toBe("openai");
    expect(getLlmProvider()).toBe(a);
    vi.stubEnv("FOLIO_LLM_MODEL", "b");
    const b = getLlmProvider();
    expect(b).not.toBe(a);
    expect(b?.model).toBe("b");
  });

  it("createLlmProvider builds both kinds", () => {
    expect(createLlmProvider({ provider: "gemini", apiKey: "k", model: "g", timeoutMs: 1000, maxSentencesPerCall: 2 }).id).toBe("gemini");
    expect(() => createLlmProvider({ provider: "openai", model: "m", timeoutMs: 1000, maxSentencesPerCall: 2 })).toThrow(/FOLIO_LLM_BASE_URL/);
  });
});

describe("errors", () => {
  it("parses Retry-After as seconds or an HTTP date", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(parseRetryAfterMs("30", now)).toBe(30_000);
    expect(parseRetryAfterMs("1.5", now)).toBe(1500);
    expect(parseRetryAfterMs("Thu, 01 Jan 2026 00:00:45 GMT", now)).toBe(45_000);
    expect(parseRetryAfterMs("Wed, 31 Dec 2025 00:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfterMs("soon", now)).toBeUndefined();
    expect(parseRetryAfterMs(null, now)).toBeUndefined();
  });

  it("builds RetryAfterErrors that start with the code, defaulting to 30 s and clamping", () => {
    const e = rateLimitedError("openai", undefined, "");
    expect(e).toBeInstanceOf(RetryAfterError);
    expect(e.retryAfter).toBe("30");
    expect(e.message).toMatch(/^PROVIDER_RATE_LIMITED: /);
    expect(describeChunkError(e)).toMatchObject({ code: "PROVIDER_RATE_LIMITED" });
    expect(rateLimitedError("openai", 0, "").retryAfter).toBe("1");
    expect(rateLimitedError("openai", 86_400_000, "").retryAfter).toBe("900");
  });

  it("classifies HTTP statuses", () => {
    const cases: [number, string, boolean][] = [
      [400, "PROVIDER_ERROR", false],
      [401, "PROVIDER_ERROR", false],
      [403, "PROVIDER_ERROR", false],
      [404, "PROVIDER_ERROR", false],
      [408, "PROVIDER_TIMEOUT", true],
      [500, "PROVIDER_ERROR", true],
      [503, "PROVIDER_ERROR", true],
    ];
    for (const [status, code, retryable] of cases) {
      const e = statusError("openai", status, "x");
      expect(e).toBeInstanceOf(ProviderError);
      expect(e).toBeInstanceOf(ChunkError);
      expect([e.code, e.retryable, e.status]).toEqual([code, retryable, status]);
    }
  });
});

describe("prompt and validation", () => {
  const sentences = [
    { id: 4, text: "One two three four five six seven eight nine ten." },
    { id: 9, text: "«\u00a0Viens\u00a0!\u00a0» dit-elle, et elle partit en courant vers la mer." },
  ];

  it("round-trips the user payload", () => {
    const text = buildUserPrompt(sentences, 5, "fr");
    expect(parseUserPrompt(text)).toEqual({ limit: 5, language: "fr", sentences });
  });

  it("accepts a faithful answer (fences, string ids, changed capitalization and punctuation) in request order", () => {
    const answer = '```json\n{"rewrites":[{"id":"9","pieces":["«\u00a0Viens\u00a0!\u00a0» dit-elle,","Et elle partit en courant","vers la mer."]},{"id":4,"pieces":["One two three four five","six seven eight nine ten."]}]}\n```';
    expect(validateAnswer("t", answer, sentences, 5)).toEqual([
      { id: 4, pieces: ["One two three four five", "six seven eight nine ten."] },
      { id: 9, pieces: ["«\u00a0Viens\u00a0!\u00a0» dit-elle,", "Et elle partit en courant", "vers la mer."] },
    ]);
  });

  it.each([
    ["not json", "nope"],
    ["wrong shape", '{"rewrites":{"id":4}}'],
    ["missing id", '{"rewrites":[{"id":4,"pieces":["One two three four five","six seven eight nine ten."]}]}'],
    ["duplicate id", '{"rewrites":[{"id":4,"pieces":["One two three four five","six seven eight nine ten."]},{"id":4,"pieces":["x"]}]}'],
    ["empty piece", '{"rewrites":[{"id":4,"pieces":["One two three four five","","six seven eight nine ten."]}]}'],
    ["over the limit", '{"rewrites":[{"id":4,"pieces":["One two three four five six","seven eight nine ten."]}]}'],
    ["word added", '{"rewrites":[{"id":4,"pieces":["One two three four five","six seven eight nine ten eleven."]}]}'],
    ["word changed", '{"rewrites":[{"id":4,"pieces":["One two three four five","six seven eight nine 10."]}]}'],
  ])("rejects an answer with %s", (_why, answer) => {
    const err = (() => {
      try {
        validateAnswer("t", answer, sentences.slice(0, 1).concat(_why === "missing id" ? sentences.slice(1) : []), 5);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).code).toBe("PROVIDER_BAD_ANSWER");
    expect((err as ProviderError).retryable).toBe(true);
  });
});
