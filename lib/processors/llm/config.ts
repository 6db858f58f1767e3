import { z } from "zod";
import type { LlmConfig } from "./types";

const blankToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : typeof v === "string" ? v.trim() : v);
const optionalString = z.preprocess(blankToUndefined, z.string().optional());
const positiveInt = (def: number) => z.preprocess(blankToUndefined, z.coerce.number().int().positive().default(def));

const schema = z.object({
  FOLIO_LLM_PROVIDER: z.preprocess(
    (v) => (typeof v === "string" ? blankToUndefined(v.toLowerCase()) : v),
    z.enum(["openai", "gemini"]).optional(),
  ),
  FOLIO_LLM_BASE_URL: z.preprocess(blankToUndefined, z.url({ protocol: /^https?$/ }).optional()),
  FOLIO_LLM_MODEL: optionalString,
  FOLIO_LLM_API_KEY: optionalString,
  FOLIO_LLM_TIMEOUT_MS: positiveInt(60_000),
  FOLIO_LLM_MAX_SENTENCES_PER_CALL: positiveInt(40),
});

/** Used when FOLIO_LLM_PROVIDER=gemini and FOLIO_LLM_MODEL is unset. */
export const DEFAULT_GEMINI_MODEL = "gemini-2.5-flash";

/**
 * The LLM settings from the environment; null when FOLIO_LLM_PROVIDER is unset or empty (the
 * feature is off). Throws an Error naming the variable when the settings are unusable.
 */
export function llmConfigFromEnv(env: Record<string, string | undefined> = process.env): LlmConfig | null {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`invalid LLM settings: ${issues}`);
  }
  const e = parsed.data;
  if (!e.FOLIO_LLM_PROVIDER) return null;
  if (e.FOLIO_LLM_PROVIDER === "openai") {
    if (!e.FOLIO_LLM_BASE_URL) throw new Error("invalid LLM settings: FOLIO_LLM_PROVIDER=openai needs FOLIO_LLM_BASE_URL (e.g. http://localhost:11434/v1)");
    if (!e.FOLIO_LLM_MODEL) throw new Error("invalid LLM settings: FOLIO_LLM_PROVIDER=openai needs FOLIO_LLM_MODEL");
  }
  if (e.FOLIO_LLM_PROVIDER === "gemini" && !e.FOLIO_LLM_API_KEY) {
    throw new Error("invalid LLM settings: FOLIO_LLM_PROVIDER=gemini needs FOLIO_LLM_API_KEY");
  }
  return {
    provider: e.FOLIO_LLM_PROVIDER,
    baseUrl: e.FOLIO_LLM_BASE_URL,
    model: e.FOLIO_LLM_MODEL ?? DEFAULT_GEMINI_MODEL,
    apiKey: e.FOLIO_LLM_API_KEY,
    timeoutMs: e.FOLIO_LLM_TIMEOUT_MS,
    maxSentencesPerCall: e.FOLIO_LLM_MAX_SENTENCES_PER_CALL,
  };
}
