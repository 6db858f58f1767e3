export const CHUNK_ERROR_CODES = [
  "INVALID_CHUNK",
  "EXTRACTION_FAILED",
  // The chunk's pages exhausted the parsing child's memory or CPU cap (not retried).
  "PDF_TOO_COMPLEX",
  // The chunk's pages cannot be read (encrypted, damaged past reading; not retried).
  "PDF_UNREADABLE",
  // The parsing child died or hung on this chunk on every attempt (a poison pill).
  "PARSER_CRASHED",
  "PROVIDER_TIMEOUT",
  "PROVIDER_RATE_LIMITED",
  "PROVIDER_BAD_ANSWER",
  "PROVIDER_ERROR",
  "INTERNAL_ERROR",
] as const;
export type ChunkErrorCode = (typeof CHUNK_ERROR_CODES)[number];

/** Failures the same bytes would repeat: no automatic retry round (a manual retry may still ask). */
export const FINAL_CHUNK_ERRORS: readonly ChunkErrorCode[] = ["INVALID_CHUNK", "PDF_TOO_COMPLEX", "PDF_UNREADABLE", "PARSER_CRASHED"];

/** An error of chunk work with its code; the code travels in the message ("CODE: text") through step state. */
export class ChunkError extends Error {
  constructor(
    readonly code: ChunkErrorCode,
    message: string,
    readonly retryable = true,
  ) {
    super(`${code}: ${message}`);
    this.name = "ChunkError";
  }
}

/** Recovers the code and message from any error that reached the function (StepError, ChunkError...). */
export function describeChunkError(err: unknown): { code: ChunkErrorCode; message: string } {
  const raw = err instanceof Error ? err.message : String(err);
  const m = /\b([A-Z_]{5,}): (.*)$/s.exec(raw);
  if (m && (CHUNK_ERROR_CODES as readonly string[]).includes(m[1])) return { code: m[1] as ChunkErrorCode, message: m[2].slice(0, 2000) };
  return { code: "INTERNAL_ERROR", message: raw.slice(0, 2000) };
}
