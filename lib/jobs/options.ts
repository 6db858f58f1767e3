import { z } from "zod";
import { getLlmProvider } from "@/lib/processors/llm";

export const LANGUAGES = ["fr", "en", "de", "es", "it", "pt", "nl"] as const;
export const PROCESSORS = ["local", "llm"] as const;

const intField = (min: number, max: number, what: string) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, `${what} must be a whole number.`)
    .transform(Number)
    .pipe(z.number().int().min(min, `${what} must be at least ${min}.`).max(max, `${what} must be at most ${max}.`));

/** The upload form's option fields (all strings on the wire). Unknown fields are refused. */
export const jobOptionsSchema = z
  .object({
    sentenceWordLimit: z.union([z.literal("").transform(() => undefined), intField(1, 200, "sentenceWordLimit")]).optional(),
    language: z.enum(LANGUAGES, { message: `language must be one of ${LANGUAGES.join(", ")}.` }).default("fr"),
    processor: z.enum(PROCESSORS, { message: `processor must be one of ${PROCESSORS.join(", ")}.` }).default("local"),
    priority: intField(0, 10, "priority").optional(),
  })
  .strict();

export type JobOptions = z.output<typeof jobOptionsSchema>;

/** Whether the optional LLM processor can be chosen (FOLIO_LLM_PROVIDER set and valid). */
export function llmAvailable(): boolean {
  try {
    return getLlmProvider() !== null;
  } catch {
    return false;
  }
}

/** The processors this deployment offers. */
export function availableProcessors(): (typeof PROCESSORS)[number][] {
  return llmAvailable() ? ["local", "llm"] : ["local"];
}
