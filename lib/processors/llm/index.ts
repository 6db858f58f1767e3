/**
 * Optional LLM providers that rewrite (split) the sentences longer than a job's word limit.
 * Off unless FOLIO_LLM_PROVIDER is set; see config.ts for the settings.
 */
import { llmConfigFromEnv } from "./config";
import { createGeminiProvider } from "./gemini";
import { createOpenAiProvider } from "./openai";
import type { LlmConfig, LlmProvider } from "./types";

export type { LlmConfig, LlmProvider, LlmProviderId, RewriteRequest, RewriteResponse } from "./types";
export { llmConfigFromEnv, DEFAULT_GEMINI_MODEL } from "./config";
export { ProviderError, parseRetryAfterMs, DEFAULT_RETRY_AFTER_MS, MAX_RETRY_AFTER_MS, type ProviderErrorCode } from "./errors";
export { PROMPT_VERSION, SYSTEM_PROMPT, buildUserPrompt, parseUserPrompt } from "./prompt";
export { validateAnswer, alnumWords } from "./validate";

export function createLlmProvider(cfg: LlmConfig): LlmProvider {
  switch (cfg.provider) {
    case "openai":
      return createOpenAiProvider(cfg);
    case "gemini":
      return createGeminiProvider(cfg);
    default:
      throw new Error(`unknown LLM provider: ${String((cfg as { provider: unknown }).provider)}`);
  }
}

let cached: { key: string; provider: LlmProvider } | null = null;

/** The provider configured by process.env (null when off), rebuilt only when the settings change. */
export function getLlmProvider(): LlmProvider | null {
  const cfg = llmConfigFromEnv(process.env);
  if (!cfg) return null;
  const key = JSON.stringify(cfg);
  if (cached?.key !== key) cached = { key, provider: createLlmProvider(cfg) };
  return cached.provider;
}
