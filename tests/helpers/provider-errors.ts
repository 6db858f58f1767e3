import { expect } from "vitest";
import { describeChunkError } from "@/lib/jobs/chunk-errors";
import { ProviderError } from "@/lib/processors/llm";

/** The error a promise rejects with (fails when it resolves). */
export async function failure(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error("expected the call to fail");
}

/** Checks that `err` is a ProviderError with this code and retryability, its code readable from the message. */
export function expectProviderError(err: unknown, code: string, retryable: boolean): ProviderError {
  expect(err).toBeInstanceOf(ProviderError);
  const e = err as ProviderError;
  expect(e.code).toBe(code);
  expect(e.retryable).toBe(retryable);
  expect(e.message.startsWith(`${code}: `)).toBe(true);
  expect(describeChunkError(e).code).toBe(code);
  return e;
}
