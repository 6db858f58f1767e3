import { RetryAfterError } from "inngest";
import { ChunkError } from "@/lib/jobs/chunk-errors";

export type ProviderErrorCode = "PROVIDER_TIMEOUT" | "PROVIDER_BAD_ANSWER" | "PROVIDER_ERROR";

/**
 * A failed provider call. It is a ChunkError, so its message is "CODE: text" and `retryable`
 * tells the pipeline whether another attempt can help (false for 4xx such as a bad key or model).
 */
export class ProviderError extends ChunkError {
  constructor(
    code: ProviderErrorCode,
    message: string,
    retryable: boolean,
    /** "openai" | "gemini" */
    readonly provider: string,
    /** HTTP status when the server answered. */
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(code, message, retryable);
    this.name = "ProviderError";
    if (options?.cause !== undefined) (this as { cause?: unknown }).cause = options.cause;
  }
}

/** Used when the server gives no usable delay. */
export const DEFAULT_RETRY_AFTER_MS = 30_000;
/** Longest delay honoured (a longer Retry-After is clamped). */
export const MAX_RETRY_AFTER_MS = 15 * 60_000;
const MIN_RETRY_AFTER_MS = 1_000;

/**
 * Milliseconds to wait from a Retry-After header: delay-seconds ("30", "1.5") or an HTTP date.
 * undefined when absent or unparsable.
 */
export function parseRetryAfterMs(value: string | null | undefined, now = Date.now()): number | undefined {
  if (value == null) return undefined;
  const v = value.trim();
  if (!v) return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/**
 * HTTP 429: inngest retries the step after the delay. The message starts with
 * "PROVIDER_RATE_LIMITED: " so describeChunkError() recovers the code if it finally fails.
 */
export function rateLimitedError(provider: string, delayMs: number | undefined, detail: string, cause?: unknown): RetryAfterError {
  const ms = Math.min(MAX_RETRY_AFTER_MS, Math.max(MIN_RETRY_AFTER_MS, delayMs ?? DEFAULT_RETRY_AFTER_MS));
  const secs = Math.ceil(ms / 1000);
  return new RetryAfterError(`PROVIDER_RATE_LIMITED: ${provider} rate limited (HTTP 429), retry after ${secs}s${detail ? `: ${detail}` : ""}`, secs * 1000, { cause });
}

/** Non-2xx other than 429. 408 counts as a timeout; other 4xx are permanent; 5xx may pass. */
export function statusError(provider: string, status: number, detail: string): ProviderError {
  const text = `${provider} answered HTTP ${status}${detail ? `: ${detail}` : ""}`;
  if (status === 408) return new ProviderError("PROVIDER_TIMEOUT", text, true, provider, status);
  if (status >= 400 && status < 500) return new ProviderError("PROVIDER_ERROR", text, false, provider, status);
  return new ProviderError("PROVIDER_ERROR", text, true, provider, status);
}

export function badAnswer(provider: string, detail: string): ProviderError {
  return new ProviderError("PROVIDER_BAD_ANSWER", `${provider} gave an unusable answer: ${detail}`, true, provider);
}

export function timeoutError(provider: string, why: "timeout" | "aborted", timeoutMs: number, cause?: unknown): ProviderError {
  const text = why === "timeout" ? `${provider} did not answer within ${timeoutMs} ms` : `${provider} call aborted`;
  return new ProviderError("PROVIDER_TIMEOUT", text, true, provider, undefined, { cause });
}

export function networkError(provider: string, err: unknown): ProviderError {
  const e = err as { message?: string; cause?: { code?: string; message?: string } };
  const why = [e?.message, e?.cause?.code ?? e?.cause?.message].filter(Boolean).join(" - ") || String(err);
  return new ProviderError("PROVIDER_ERROR", `${provider} could not be reached: ${why}`, true, provider, undefined, { cause: err });
}

/** Short, single-line excerpt of a server's error body for messages. */
export function excerpt(s: string, max = 300): string {
  const one = s.replace(/\s+/g, " ").trim();
  return one.length > max ? `${one.slice(0, max)}…` : one;
}
