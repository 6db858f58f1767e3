/**
 * The optional LLM rewrite step: a provider is asked to split ONLY the sentences longer than the
 * job's word limit. The pipeline builds a RewriteRequest per chunk and maps the answer back by id.
 */

export type RewriteRequest = {
  /** The sentences to split; ids are the caller's own (unique within the request). */
  sentences: { id: number; text: string }[];
  /** Longest piece in words (same word definition as lib/text/word-limit `countWords`). */
  limit: number;
  /** BCP 47 language tag of the book ("fr", "en", ...). */
  language: string;
  /** Who is asking; sent as the `X-Folio-Chunk: <jobId>/<chunkIndex>` header, never in the prompt. */
  context: { jobId: string; chunkIndex: number };
};

export type RewriteResponse = {
  /** One entry per requested id, in request order; every piece is non-empty and within the limit. */
  rewrites: { id: number; pieces: string[] }[];
  /** Summed over every call made for this request (0 when the server does not report it). */
  usage: { inputTokens: number; outputTokens: number };
};

export interface LlmProvider {
  /** "openai" (any OpenAI-compatible chat endpoint) | "gemini" */
  readonly id: string;
  readonly model: string;
  /** Changes whenever the prompt changes: part of any cache key of rewritten results. */
  readonly promptVersion: string;
  /**
   * Rewrites the sentences (in batches of at most maxSentencesPerCall, one call after another).
   * Throws ProviderError (a ChunkError: PROVIDER_TIMEOUT, PROVIDER_ERROR, PROVIDER_BAD_ANSWER) or
   * inngest's RetryAfterError whose message starts with "PROVIDER_RATE_LIMITED: ".
   */
  rewrite(req: RewriteRequest, signal?: AbortSignal): Promise<RewriteResponse>;
}

export type LlmProviderId = "openai" | "gemini";

export type LlmConfig = {
  provider: LlmProviderId;
  /** openai: the API root ending before /chat/completions (e.g. http://localhost:11434/v1); gemini: optional endpoint override. */
  baseUrl?: string;
  model: string;
  apiKey?: string;
  /** Per HTTP call. */
  timeoutMs: number;
  maxSentencesPerCall: number;
};
