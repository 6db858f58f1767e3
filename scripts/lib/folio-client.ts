/**
 * A small HTTP client for the benches, as a user of the product sees it: sign up (POST /api/users),
 * sign in through next-auth's credentials flow, create an API token, upload, poll the job and its
 * chunks. Like tests/helpers/client.ts but without vitest (which cannot be imported outside its
 * runner). Every answer's status is counted so a bench can report any 5xx.
 */
import crypto from "node:crypto";
import { cookieHeader } from "../../tests/helpers/cookies";

export type BenchUser = { email: string; password: string; token: string; id: string; role: string };

export type JobView = {
  id: string;
  status: string;
  terminal: boolean;
  pageCount: number;
  totalChunks: number;
  errorSummary: string | null;
  sentenceCount: number;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  [k: string]: unknown;
};

export type ChunkView = {
  id: string;
  index: number;
  status: string;
  errorCode: string | null;
  lastError: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  [k: string]: unknown;
};

export type UploadAnswer = {
  status: number;
  /** Epoch ms when the request was sent and when its answer's headers arrived. */
  sentAt: number;
  answeredAt: number;
  /** performance.now() difference, ms. */
  ms: number;
  job: JobView | null;
  /** The error code of a refusal (`{ error: { code } }`), or null. */
  code: string | null;
  message: string | null;
  /** Set when the request itself failed (connection reset, timeout). */
  networkError: string | null;
};

/** The code at the front of an errorSummary ("PDF_TOO_COMPLEX: ..."), or the first CODE-like word. */
export function codeOf(summary: string | null | undefined): string | null {
  if (!summary) return null;
  return /^([A-Z][A-Z0-9_]{2,})\s*:/.exec(summary)?.[1] ?? /\b([A-Z][A-Z0-9]*_[A-Z0-9_]+)\b/.exec(summary)?.[1] ?? null;
}

export class FolioClient {
  /** Answers per status code, all requests of this client. */
  readonly statuses = new Map<number, number>();
  /** Every 5xx seen: when and for what. */
  readonly serverErrors: { at: number; what: string; status: number }[] = [];

  constructor(readonly baseUrl: string) {}

  private note(status: number, what: string): void {
    this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
    if (status >= 500) this.serverErrors.push({ at: Date.now(), what, status });
  }

  async fetch(pathname: string, init: RequestInit = {}, what = pathname): Promise<Response> {
    const res = await fetch(`${this.baseUrl}${pathname}`, init);
    this.note(res.status, `${init.method ?? "GET"} ${what}`);
    return res;
  }

  async signIn(email: string, password: string): Promise<string> {
    const csrfRes = await this.fetch("/api/auth/csrf");
    const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
    let cookie = cookieHeader(csrfRes.headers.getSetCookie());
    const res = await this.fetch("/api/auth/callback/credentials", {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie },
      body: new URLSearchParams({ csrfToken, email, password, json: "true" }),
    });
    await res.body?.cancel();
    cookie = cookieHeader(res.headers.getSetCookie(), cookie);
    if (!cookie.includes("next-auth.session-token")) throw new Error(`sign-in failed for ${email} (${res.status})`);
    return cookie;
  }

  /** Signs up a new user through the API (open sign-up), signs in and creates an API token. */
  async signUp(prefix: string): Promise<BenchUser> {
    const email = `${prefix}-${crypto.randomBytes(4).toString("hex")}@folio.test`;
    const password = `Bench-${crypto.randomBytes(12).toString("base64url")}-quill`;
    const res = await this.fetch("/api/users", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email, password }) });
    if (res.status !== 201) throw new Error(`sign-up failed: ${res.status} ${await res.text()}`);
    const { user } = (await res.json()) as { user: { id: string; role?: string } };
    const cookie = await this.signIn(email, password);
    const tok = await this.fetch("/api/tokens", { method: "POST", headers: { "content-type": "application/json", cookie }, body: JSON.stringify({ name: "bench" }) });
    if (tok.status !== 201) throw new Error(`token creation failed: ${tok.status} ${await tok.text()}`);
    const { token } = (await tok.json()) as { token: string };
    return { email, password, token, id: user.id, role: user.role ?? "USER" };
  }

  /** The caller's credit balance (GET /api/me: `{ credits: { balance } }`), or null. */
  async balance(user: BenchUser): Promise<number | null> {
    const res = await this.fetch("/api/me", { headers: { authorization: `Bearer ${user.token}` } });
    if (!res.ok) return null;
    const body = (await res.json()) as { credits?: { balance?: number } };
    return typeof body.credits?.balance === "number" ? body.credits.balance : null;
  }

  async upload(user: BenchUser, bytes: Uint8Array, opts: { fields?: Record<string, string>; fileName?: string; timeoutMs?: number } = {}): Promise<UploadAnswer> {
    const form = new FormData();
    for (const [k, v] of Object.entries(opts.fields ?? {})) form.set(k, v);
    form.set("file", new Blob([new Uint8Array(bytes)], { type: "application/pdf" }), opts.fileName ?? "book.pdf");
    const sentAt = Date.now();
    const t0 = performance.now();
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}/api/jobs`, {
        method: "POST",
        headers: { authorization: `Bearer ${user.token}` },
        body: form,
        signal: AbortSignal.timeout(opts.timeoutMs ?? 600_000),
      });
    } catch (err) {
      return { status: 0, sentAt, answeredAt: Date.now(), ms: performance.now() - t0, job: null, code: null, message: null, networkError: String((err as Error).message ?? err) };
    }
    const ms = performance.now() - t0;
    const answeredAt = Date.now();
    this.note(res.status, "POST /api/jobs");
    const text = await res.text();
    let body: { job?: JobView; error?: { code?: string; message?: string } } = {};
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      // not JSON (a proxy's or the framework's own error page)
    }
    return {
      status: res.status,
      sentAt,
      answeredAt,
      ms,
      job: body.job ?? null,
      code: body.error?.code ?? null,
      message: body.error?.message ?? (res.status >= 400 && !body.error ? text.slice(0, 200) : null),
      networkError: null,
    };
  }

  async job(user: BenchUser, id: string): Promise<JobView> {
    const res = await this.fetch(`/api/jobs/${id}`, { headers: { authorization: `Bearer ${user.token}` } }, "/api/jobs/:id");
    if (!res.ok) throw new Error(`GET /api/jobs/${id}: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { job: JobView }).job;
  }

  async chunks(user: BenchUser, id: string): Promise<ChunkView[]> {
    const res = await this.fetch(`/api/jobs/${id}/chunks`, { headers: { authorization: `Bearer ${user.token}` } }, "/api/jobs/:id/chunks");
    if (!res.ok) throw new Error(`GET /api/jobs/${id}/chunks: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { chunks: ChunkView[] }).chunks;
  }

  async cancel(user: BenchUser, id: string): Promise<number> {
    const res = await this.fetch(`/api/jobs/${id}/cancel`, { method: "POST", headers: { authorization: `Bearer ${user.token}` } }, "/api/jobs/:id/cancel");
    await res.body?.cancel();
    return res.status;
  }

  /** Polls the job every `everyMs` until it is terminal or `timeoutMs` passed (then returns the last view). */
  async waitTerminal(user: BenchUser, id: string, opts: { everyMs?: number; timeoutMs?: number } = {}): Promise<{ job: JobView; seenAt: number; timedOut: boolean }> {
    const deadline = Date.now() + (opts.timeoutMs ?? 600_000);
    for (;;) {
      const job = await this.job(user, id);
      if (job.terminal) return { job, seenAt: Date.now(), timedOut: false };
      if (Date.now() > deadline) return { job, seenAt: Date.now(), timedOut: true };
      await new Promise((r) => setTimeout(r, opts.everyMs ?? 100));
    }
  }
}

/** Polls GET /api/health every `everyMs`; each answer must be 200 within `timeoutMs`. */
export class HealthWatch {
  polls = 0;
  failures: { at: number; what: string }[] = [];
  maxMs = 0;
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private inFlight: Promise<void> | null = null;

  constructor(
    readonly client: FolioClient,
    readonly everyMs = 250,
    readonly timeoutMs = 5000,
  ) {}

  start(): void {
    this.running = true;
    const tick = () => {
      if (!this.running) return;
      this.inFlight = this.poll().finally(() => {
        this.inFlight = null;
        if (this.running) this.timer = setTimeout(tick, this.everyMs);
      });
    };
    tick();
  }

  private async poll(): Promise<void> {
    const t0 = performance.now();
    try {
      const res = await this.client.fetch("/api/health", { signal: AbortSignal.timeout(this.timeoutMs) });
      const body = (await res.json().catch(() => null)) as { ok?: boolean } | null;
      if (res.status !== 200 || body?.ok !== true) this.failures.push({ at: Date.now(), what: `status ${res.status}` });
    } catch (err) {
      this.failures.push({ at: Date.now(), what: String((err as Error).name === "TimeoutError" ? `no answer in ${this.timeoutMs} ms` : (err as Error).message) });
    }
    this.maxMs = Math.max(this.maxMs, performance.now() - t0);
    this.polls++;
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    await this.inFlight;
  }
}
