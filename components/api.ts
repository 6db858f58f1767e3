/**
 * Small client-side helpers for Folio's JSON API.
 * Errors come back as `{ error: { code, message } }`; they are turned into ApiRequestError.
 */

export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Seconds to wait before retrying, from a Retry-After header (429). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = "ApiRequestError";
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null;
}

function fallbackMessage(status: number): string {
  if (status === 0) return "Could not reach the server. Check your connection and try again.";
  if (status === 401) return "Your session has ended. Please sign in again.";
  if (status === 403) return "You are not allowed to do this.";
  if (status === 404) return "This could not be found.";
  if (status === 413) return "The file is too large.";
  if (status === 429) return "Too many requests. Please wait a moment and try again.";
  if (status >= 500) return "Something went wrong on our side. Please try again.";
  return `The request failed (HTTP ${status}).`;
}

export function parseRetryAfter(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
  const date = Date.parse(header);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

/** Builds an ApiRequestError from a status and a response body (parsed JSON or raw text). */
export function errorFromBody(status: number, body: unknown, retryAfter?: number): ApiRequestError {
  if (isRecord(body) && isRecord(body.error)) {
    const code = typeof body.error.code === "string" ? body.error.code : `HTTP_${status}`;
    const message = typeof body.error.message === "string" && body.error.message ? body.error.message : fallbackMessage(status);
    return new ApiRequestError(status, code, message, retryAfter);
  }
  return new ApiRequestError(status, `HTTP_${status}`, fallbackMessage(status), retryAfter);
}

export function parseJsonSafe(text: string): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/** fetch() + JSON + error mapping. Throws ApiRequestError on a non-2xx answer or a network failure. */
export async function apiFetch<T>(url: string, init?: RequestInit): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, {
      credentials: "same-origin",
      ...init,
      headers: { Accept: "application/json", ...(init?.headers ?? {}) },
    });
  } catch {
    throw new ApiRequestError(0, "NETWORK_ERROR", fallbackMessage(0));
  }
  const body = parseJsonSafe(await res.text());
  if (!res.ok) throw errorFromBody(res.status, body, parseRetryAfter(res.headers.get("Retry-After")));
  return body as T;
}

/** JSON body helper for POST/PUT/DELETE. */
export function jsonInit(method: string, body?: unknown): RequestInit {
  return {
    method,
    headers: { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  };
}

/** A plain sentence for any thrown value. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiRequestError) {
    if (err.status === 429 && err.retryAfterSeconds !== undefined) {
      return `${err.message} You can try again in ${waitText(err.retryAfterSeconds)}.`;
    }
    return err.message;
  }
  if (err instanceof Error && err.message) return err.message;
  return "Something went wrong. Please try again.";
}

function waitText(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? "" : "s"}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? "" : "s"}`;
}
