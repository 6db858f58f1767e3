import crypto from "node:crypto";
import { inject } from "vitest";
import { cookieHeader } from "./cookies";

let baseUrlOverride: string | null = null;
/** Points these helpers at another app (e.g. a Stack started by the test file). */
export function useBaseUrl(url: string | null): void {
  baseUrlOverride = url;
}
export const baseUrl = () => baseUrlOverride ?? inject("baseUrl");

export type ApiErrorBody = { error: { code: string; message: string } };

/** A signed-in API user: a session cookie from the real next-auth flow and a personal API token. */
export type TestUser = { email: string; password: string; cookie: string; token: string; id: string };

export async function signIn(email: string, password: string): Promise<string> {
  const csrfRes = await fetch(`${baseUrl()}/api/auth/csrf`);
  const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
  let cookie = cookieHeader(csrfRes.headers.getSetCookie());
  const res = await fetch(`${baseUrl()}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie },
    body: new URLSearchParams({ csrfToken, email, password, json: "true" }),
  });
  cookie = cookieHeader(res.headers.getSetCookie(), cookie);
  if (!cookie.includes("next-auth.session-token")) throw new Error(`sign-in failed for ${email} (${res.status})`);
  return cookie;
}

export async function newUser(prefix = "user"): Promise<TestUser> {
  const email = `${prefix}-${crypto.randomBytes(4).toString("hex")}@folio.test`;
  const password = "correct-horse-battery";
  const res = await fetch(`${baseUrl()}/api/users`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password }),
  });
  if (res.status !== 201) throw new Error(`sign-up failed: ${res.status} ${await res.text()}`);
  const { user } = (await res.json()) as { user: { id: string } };
  const cookie = await signIn(email, password);
  const tok = await fetch(`${baseUrl()}/api/tokens`, {
    method: "POST",
    headers: { "content-type": "application/json", cookie },
    body: JSON.stringify({ name: "tests" }),
  });
  const { token } = (await tok.json()) as { token: string };
  return { email, password, cookie, token, id: user.id };
}

export function bearer(user: { token: string }): Record<string, string> {
  return { authorization: `Bearer ${user.token}` };
}

export async function upload(
  user: { token: string } | null,
  file: Uint8Array | null,
  opts: { fields?: Record<string, string>; fileField?: string; fileName?: string; headers?: Record<string, string> } = {},
): Promise<Response> {
  const form = new FormData();
  for (const [k, v] of Object.entries(opts.fields ?? {})) form.set(k, v);
  if (file) form.set(opts.fileField ?? "file", new Blob([new Uint8Array(file)], { type: "application/pdf" }), opts.fileName ?? "book.pdf");
  return fetch(`${baseUrl()}/api/jobs`, {
    method: "POST",
    headers: { ...(user ? bearer(user) : {}), ...(opts.headers ?? {}) },
    body: form,
  });
}

export async function errorCode(res: Response): Promise<string> {
  const body = (await res.json()) as ApiErrorBody;
  return body.error.code;
}

export async function capturedEvents(): Promise<{ name: string; data: Record<string, unknown>; id?: string }[]> {
  const res = await fetch(inject("eventsUrl"));
  return ((await res.json()) as { events: { name: string; data: Record<string, unknown>; id?: string }[] }).events;
}

export type JobLike = { id: string; status: string; terminal: boolean; [k: string]: unknown };

export async function getJob(user: { token: string }, id: string): Promise<JobLike> {
  const res = await fetch(`${baseUrl()}/api/jobs/${id}`, { headers: bearer(user) });
  if (!res.ok) throw new Error(`GET job ${id}: ${res.status}`);
  return ((await res.json()) as { job: JobLike }).job;
}

/**
 * How long a test waits for a state before it fails: a ceiling for a loaded 2-core machine, not
 * an expected speed (tests wait for states; FOLIO_TEST_WAIT_MS overrides). Vitest's own test
 * timeout (vitest.config.ts) is above it, so a wait fails with its own message first.
 */
export const STATE_WAIT_MS = Number(process.env.FOLIO_TEST_WAIT_MS) || 240_000;

/** Polls the job until `done(job)` (default: terminal), failing after `ms`. */
export async function waitForJob(user: { token: string }, id: string, done: (j: JobLike) => boolean = (j) => j.terminal, ms = STATE_WAIT_MS): Promise<JobLike> {
  const deadline = Date.now() + ms;
  let last: JobLike | undefined;
  while (Date.now() < deadline) {
    last = await getJob(user, id);
    if (done(last)) return last;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`job ${id} did not reach the expected state in ${ms} ms; last: ${JSON.stringify(last)}`);
}
