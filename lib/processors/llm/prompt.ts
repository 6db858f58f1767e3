/**
 * The rewrite prompt. Bump PROMPT_VERSION whenever the wording or the answer format changes: it
 * is part of the identity of rewritten results (LlmProvider.promptVersion).
 *
 * The system message is constant (friendly to servers' prefix caches); the user message carries
 * the word limit, the language and the sentences as one JSON object on its last line, which is
 * also how tests/fakes/fake-llm-server.ts reads the request. The job/chunk context is NOT part of
 * the prompt (it travels in the X-Folio-Chunk header).
 */

export const PROMPT_VERSION = "rewrite-v1";

export const SYSTEM_PROMPT = [
  "You split overly long sentences from a book into shorter, readable pieces.",
  "Rules:",
  "1. Split every listed sentence into consecutive pieces of at most LIMIT words each (LIMIT is given with the sentences).",
  "2. Keep every word exactly as written and in the original order. Do not add, remove, replace, translate or correct any word; only punctuation and the capitalization at the start of a piece may change.",
  "3. Cut at natural boundaries (clauses, punctuation, conjunctions) so that each piece reads well on its own.",
  "4. Keep the language of the sentence.",
  '5. Answer with ONLY a JSON object, no commentary and no code fences: {"rewrites":[{"id":<id>,"pieces":["<piece>","<piece>"]}]} with exactly one entry per listed sentence, using its id.',
].join("\n");

export type PromptSentence = { id: number; text: string };

/** The JSON payload of the user message (the fake server parses it back). */
export type PromptPayload = { limit: number; language: string; sentences: PromptSentence[] };

export const PAYLOAD_MARKER = "Sentences (JSON):";

export function languageName(tag: string): string {
  try {
    const name = new Intl.DisplayNames(["en"], { type: "language" }).of(tag);
    if (name && name.toLowerCase() !== tag.toLowerCase()) return `${name} (${tag})`;
  } catch {
    // not a valid tag: use it as is
  }
  return tag;
}

export function buildUserPrompt(sentences: PromptSentence[], limit: number, language: string): string {
  const payload: PromptPayload = { limit, language, sentences: sentences.map((s) => ({ id: s.id, text: s.text })) };
  return [
    `LIMIT: ${limit} words per piece.`,
    `Language: ${languageName(language)}.`,
    `Split each of the following ${sentences.length} sentence(s). ${PAYLOAD_MARKER}`,
    JSON.stringify(payload),
  ].join("\n");
}

/** Reads the payload back from a user message built by buildUserPrompt (for fakes and tests). */
export function parseUserPrompt(text: string): PromptPayload | null {
  const at = text.indexOf(PAYLOAD_MARKER);
  const json = at >= 0 ? text.slice(at + PAYLOAD_MARKER.length) : text.slice(text.indexOf("{"));
  try {
    const v = JSON.parse(json.trim()) as PromptPayload;
    if (typeof v?.limit !== "number" || !Array.isArray(v.sentences)) return null;
    return v;
  } catch {
    return null;
  }
}
