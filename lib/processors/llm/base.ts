import { RetryAfterError } from "inngest";
import { log } from "@/lib/log";
import { ProviderError, badAnswer, timeoutError } from "./errors";
import { PROMPT_VERSION, type PromptSentence } from "./prompt";
import type { LlmConfig, LlmProvider, RewriteRequest, RewriteResponse } from "./types";
import { validateAnswer } from "./validate";

/** What one HTTP call to a provider returns before validation. */
export type CallResult = {
  text: string;
  usage: { inputTokens: number; outputTokens: number };
  /** The server's finish reason when it is not a normal stop (e.g. "length": the answer was cut). */
  incomplete?: string;
};

/**
 * One call for one batch. `signal` aborts on the per-call timeout or the caller's abort; the
 * function throws ProviderError / RetryAfterError for answers it can classify and lets
 * abort errors through (the base turns them into PROVIDER_TIMEOUT).
 */
export type CallFn = (batch: PromptSentence[], req: RewriteRequest, signal: AbortSignal) => Promise<CallResult>;

function checkRequest(req: RewriteRequest): void {
  if (!Number.isInteger(req.limit) || req.limit < 1) throw new RangeError("rewrite: limit must be an integer >= 1");
  if (typeof req.language !== "string" || !req.language.trim()) throw new RangeError("rewrite: language must be a non-empty string");
  const seen = new Set<number>();
  for (const s of req.sentences) {
    if (!Number.isInteger(s.id)) throw new RangeError(`rewrite: sentence id ${s.id} is not an integer`);
    if (seen.has(s.id)) throw new RangeError(`rewrite: sentence id ${s.id} appears twice`);
    if (typeof s.text !== "string") throw new RangeError(`rewrite: sentence ${s.id} has no text`);
    seen.add(s.id);
  }
}

function isAbortLike(err: unknown): boolean {
  const name = (err as { name?: string } | null)?.name;
  return name === "AbortError" || name === "TimeoutError";
}

/** Batching, per-call timeout, abort handling, validation and usage totals around a CallFn. */
export function makeProvider(id: string, cfg: LlmConfig, call: CallFn): LlmProvider {
  const perCall = Math.max(1, cfg.maxSentencesPerCall);

  async function callOnce(batch: PromptSentence[], req: RewriteRequest, signal?: AbortSignal): Promise<CallResult> {
    if (signal?.aborted) throw timeoutError(id, "aborted", cfg.timeoutMs, signal.reason);
    const ctl = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      ctl.abort();
    }, cfg.timeoutMs);
    const onAbort = () => ctl.abort();
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      return await call(batch, req, ctl.signal);
    } catch (err) {
      if (err instanceof ProviderError || err instanceof RetryAfterError) throw err;
      if (ctl.signal.aborted || isAbortLike(err)) throw timeoutError(id, timedOut || !signal?.aborted ? "timeout" : "aborted", cfg.timeoutMs, err);
      throw err;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    }
  }

  return {
    id,
    model: cfg.model,
    promptVersion: PROMPT_VERSION,
    async rewrite(req: RewriteRequest, signal?: AbortSignal): Promise<RewriteResponse> {
      checkRequest(req);
      const usage = { inputTokens: 0, outputTokens: 0 };
      const rewrites: RewriteResponse["rewrites"] = [];
      for (let i = 0; i < req.sentences.length; i += perCall) {
        const batch = req.sentences.slice(i, i + perCall).map((s) => ({ id: s.id, text: s.text }));
        const started = Date.now();
        const res = await callOnce(batch, req, signal);
        usage.inputTokens += res.usage.inputTokens;
        usage.outputTokens += res.usage.outputTokens;
        let valid;
        try {
          valid = validateAnswer(id, res.text, batch, req.limit);
        } catch (err) {
          if (res.incomplete && err instanceof ProviderError) throw badAnswer(id, `answer incomplete (finish reason ${res.incomplete}); ${err.message.replace(/^[A-Z_]+: /, "")}`);
          throw err;
        }
        rewrites.push(...valid);
        log.debug("llm rewrite call", {
          provider: id,
          model: cfg.model,
          chunk: `${req.context.jobId}/${req.context.chunkIndex}`,
          sentences: batch.length,
          ms: Date.now() - started,
          ...res.usage,
        });
      }
      return { rewrites, usage };
    },
  };
}
