import { GoogleGenAI, type GenerateContentResponse } from "@google/genai";
import { makeProvider, type CallFn } from "./base";
import { ProviderError, badAnswer, excerpt, networkError, rateLimitedError, statusError } from "./errors";
import { SYSTEM_PROMPT, buildUserPrompt } from "./prompt";
import type { LlmConfig, LlmProvider } from "./types";

const ID = "gemini";

type ApiErrorLike = { name: string; status: number; message: string };

function isApiError(err: unknown): err is ApiErrorLike {
  const e = err as Partial<ApiErrorLike> | null;
  return !!e && e.name === "ApiError" && typeof e.status === "number";
}

/**
 * The SDK's ApiError carries the JSON error body as its message but not the response headers, so
 * the delay of a 429 comes from google.rpc.RetryInfo ("retryDelay": "30s") when present.
 */
export function retryDelayFromGeminiError(message: string): number | undefined {
  const m = /"retryDelay"\s*:\s*"(\d+(?:\.\d+)?)s"/.exec(message);
  return m ? Math.round(Number(m[1]) * 1000) : undefined;
}

function geminiErrorDetail(message: string): string {
  try {
    const body = JSON.parse(message) as { error?: { message?: string; status?: string } };
    if (body.error?.message) return excerpt(`${body.error.status ? `${body.error.status}: ` : ""}${body.error.message}`);
  } catch {
    // not JSON
  }
  return excerpt(message);
}

function answerText(resp: GenerateContentResponse): string | undefined {
  const parts = resp.candidates?.[0]?.content?.parts;
  if (!parts) return undefined;
  const text = parts
    .filter((p) => typeof p.text === "string" && !p.thought)
    .map((p) => p.text)
    .join("");
  return text || undefined;
}

/** Gemini through @google/genai (Gemini API, not Vertex). baseUrl overrides the endpoint (fakes, proxies). */
export function createGeminiProvider(cfg: LlmConfig): LlmProvider {
  const ai = new GoogleGenAI({
    vertexai: false,
    apiKey: cfg.apiKey,
    // The SDK's own timeout is a backstop only: the base aborts each call at cfg.timeoutMs.
    httpOptions: { ...(cfg.baseUrl ? { baseUrl: cfg.baseUrl } : {}), timeout: cfg.timeoutMs + 5_000 },
  });

  const call: CallFn = async (batch, req, signal) => {
    let resp: GenerateContentResponse;
    try {
      resp = await ai.models.generateContent({
        model: cfg.model,
        contents: [{ role: "user", parts: [{ text: buildUserPrompt(batch, req.limit, req.language) }] }],
        config: {
          systemInstruction: SYSTEM_PROMPT,
          responseMimeType: "application/json",
          temperature: 0,
          abortSignal: signal,
          httpOptions: { headers: { "x-folio-chunk": `${req.context.jobId}/${req.context.chunkIndex}` } },
        },
      });
    } catch (err) {
      if (signal.aborted) throw err;
      if (isApiError(err)) {
        if (err.status === 429) throw rateLimitedError(ID, retryDelayFromGeminiError(err.message), geminiErrorDetail(err.message));
        throw statusError(ID, err.status, geminiErrorDetail(err.message));
      }
      if ((err as { name?: string })?.name === "AbortError") throw err;
      if (err instanceof SyntaxError) throw badAnswer(ID, `the response body is not JSON (${err.message})`);
      if (err instanceof ProviderError) throw err;
      throw networkError(ID, err);
    }
    const meta = resp.usageMetadata;
    const usage = {
      inputTokens: meta?.promptTokenCount ?? 0,
      outputTokens: (meta?.candidatesTokenCount ?? 0) + (meta?.thoughtsTokenCount ?? 0),
    };
    const text = answerText(resp);
    if (text === undefined) {
      const block = resp.promptFeedback?.blockReason;
      const finish = resp.candidates?.[0]?.finishReason;
      throw badAnswer(ID, block ? `the prompt was blocked (${block})` : `the answer has no text (finish reason ${finish ?? "none"})`);
    }
    const finish = resp.candidates?.[0]?.finishReason;
    return { text, usage, incomplete: finish && finish !== "STOP" ? String(finish) : undefined };
  };

  return makeProvider(ID, cfg, call);
}
