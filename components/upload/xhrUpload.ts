import type { JobDTO } from "@/lib/jobs/serialize";
import { ApiRequestError, errorFromBody, parseJsonSafe, parseRetryAfter } from "../api";

export class UploadAbortedError extends Error {
  constructor() {
    super("The upload was cancelled.");
    this.name = "UploadAbortedError";
  }
}

export type UploadCallbacks = {
  /** Bytes sent so far (request body), for the progress bar. */
  onProgress: (loaded: number, total: number) => void;
  /** The whole body was sent; the server is now checking the PDF. */
  onUploaded: () => void;
};

export type UploadHandle = { promise: Promise<{ job: JobDTO }>; abort: () => void };

function isJobResponse(v: unknown): v is { job: JobDTO } {
  if (typeof v !== "object" || v === null || !("job" in v)) return false;
  const job = (v as { job: unknown }).job;
  return typeof job === "object" && job !== null && typeof (job as { id?: unknown }).id === "string";
}

/**
 * POST /api/jobs with XMLHttpRequest (fetch cannot report upload progress).
 * Resolves with `{ job }` on 2xx, rejects with ApiRequestError or UploadAbortedError.
 */
export function uploadJob(body: FormData, callbacks: UploadCallbacks, idempotencyKey?: string): UploadHandle {
  const xhr = new XMLHttpRequest();
  const promise = new Promise<{ job: JobDTO }>((resolve, reject) => {
    xhr.open("POST", "/api/jobs");
    xhr.setRequestHeader("Accept", "application/json");
    if (idempotencyKey) xhr.setRequestHeader("Idempotency-Key", idempotencyKey);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) callbacks.onProgress(e.loaded, e.total);
    };
    xhr.upload.onload = () => callbacks.onUploaded();
    xhr.onload = () => {
      const parsed = parseJsonSafe(xhr.responseText);
      if (xhr.status >= 200 && xhr.status < 300 && isJobResponse(parsed)) {
        resolve(parsed);
        return;
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        reject(new ApiRequestError(xhr.status, "BAD_RESPONSE", "The server accepted the file but sent an unexpected answer."));
        return;
      }
      reject(errorFromBody(xhr.status, parsed, parseRetryAfter(xhr.getResponseHeader("Retry-After"))));
    };
    xhr.onerror = () =>
      reject(new ApiRequestError(0, "NETWORK_ERROR", "The upload was interrupted. Check your connection and try again."));
    xhr.ontimeout = () => reject(new ApiRequestError(0, "TIMEOUT", "The upload timed out. Please try again."));
    xhr.onabort = () => reject(new UploadAbortedError());
    xhr.send(body);
  });
  return { promise, abort: () => xhr.abort() };
}

/** A random key for the Idempotency-Key header (works outside secure contexts too). */
export function newIdempotencyKey(): string {
  if (typeof crypto !== "undefined" && typeof crypto.randomUUID === "function" && window.isSecureContext) {
    return crypto.randomUUID();
  }
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
