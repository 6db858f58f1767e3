/**
 * A fake LLM server for tests and benches. It speaks enough of two APIs:
 *
 * - OpenAI chat completions: POST {url}/chat/completions (url ends in /v1), GET {url}/models
 * - Gemini generateContent:  POST {geminiUrl}/v1beta/models/<model>:generateContent
 *   (geminiUrl is the server's origin: give it to @google/genai as httpOptions.baseUrl)
 *
 * It answers Folio's rewrite prompt (lib/processors/llm/prompt.ts) correctly: it reads the JSON
 * payload `{"limit":n,"language":"..","sentences":[{"id":..,"text":".."}]}` that ends the user
 * message and splits each sentence's words evenly into pieces of at most `limit` words, keeping
 * every token. It reports usage (about 4 characters per token).
 *
 * Requests are attributed to a chunk by the `X-Folio-Chunk: <jobId>/<chunkIndex>` header
 * ("unknown" without it). Chunk patterns in the options are "jobId/index", "*\/index", "jobId/*"
 * or "*".
 *
 * Per request, in this order: count the call → auth (apiKey) → latencyMs → rateLimitEvery (429)
 * → timeoutChunks (hang until the client gives up) → failChunks (500) → failureRate (500, seeded)
 * → badAnswerChunks (200 with an unusable answer) → the correct answer.
 *
 * Control over HTTP, for a fake run in another process (tests/fakes/fake-llm-main.ts):
 * POST /__control (JSON body = configure(partial), answers the resulting options),
 * GET /__stats, POST /__reset, GET /__requests.
 *
 * Self-contained on purpose (no app imports), so it also checks the wire format.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

export type BadAnswerKind = "not-json" | "missing-id" | "drop-word" | "over-limit";

export type FakeLlmOptions = {
  /** Time from a request's arrival to its answer (reading the request included). */
  latencyMs: number;
  /** Share of calls (0..1) answered 500, drawn from a generator seeded with `seed`. */
  failureRate: number;
  seed: number;
  /** Every Nth call (counting all calls, 1-based) answers 429. 0 = never. */
  rateLimitEvery: number;
  /** Retry-After of the 429 answers (and Gemini's RetryInfo retryDelay). */
  retryAfterSeconds: number;
  /** Requests of these chunks hang until the client aborts (or the server closes). */
  timeoutChunks: string[];
  /** Fail the first N calls of each matching chunk (counted from the last configure/reset), or always, with 500. */
  failChunks: Record<string, number | "always">;
  /** Requests of these chunks get a 200 whose content is unusable (see badAnswerKind). */
  badAnswerChunks: string[];
  /** "not-json" (default): invalid JSON; the others are valid JSON that fails validation. */
  badAnswerKind: BadAnswerKind;
  /** When set, requests must carry it (Authorization: Bearer / x-goog-api-key / ?key=) or get 401. */
  apiKey: string | null;
  /** Reported by GET /v1/models and in answers. */
  model: string;
};

export type FakeLlmStats = {
  calls: number;
  byChunk: Record<string, number>;
  inputTokens: number;
  outputTokens: number;
  ok: number;
  serverErrors: number;
  rateLimited: number;
  hung: number;
  badAnswers: number;
  unauthorized: number;
  /** Most model calls being answered at once (a measure of the client's provider concurrency). */
  maxInFlight: number;
  /** Sum over calls of the time from arrival to the answer's end (ms): slot time in use. */
  busyMs: number;
  /** Epoch ms of the first call's arrival and of the last answer's end (0 before any call). */
  firstCallAt: number;
  lastAnswerAt: number;
};

export type RecordedRequest = {
  api: "openai" | "gemini";
  path: string;
  chunk: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
};

export type FakeLlm = {
  /** OpenAI-compatible base URL, ending in /v1. */
  url: string;
  /** Origin (http://host:port): the Gemini baseUrl. */
  geminiUrl: string;
  /** Origin of the control API (/__control, /__stats, /__reset, /__requests). */
  controlUrl: string;
  port: number;
  stats(): FakeLlmStats;
  /** The last requests received (up to 200), oldest first. */
  requests(): RecordedRequest[];
  options(): FakeLlmOptions;
  configure(partial: Partial<FakeLlmOptions>): FakeLlmOptions;
  /** Clears stats, recorded requests and failure counters, reseeds, and restores the start options (and releases a hold). */
  reset(): void;
  /**
   * Holds every model request (counted and in flight) until release(): for tests that need the
   * provider busy until a state is reached, whatever the machine's speed.
   */
  hold(): void;
  release(): void;
  close(): Promise<void>;
};

const DEFAULTS: FakeLlmOptions = {
  latencyMs: 0,
  failureRate: 0,
  seed: 1,
  rateLimitEvery: 0,
  retryAfterSeconds: 30,
  timeoutChunks: [],
  failChunks: {},
  badAnswerChunks: [],
  badAnswerKind: "not-json",
  apiKey: null,
  model: "fake-model",
};

/** mulberry32 */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function emptyStats(): FakeLlmStats {
  return { calls: 0, byChunk: {}, inputTokens: 0, outputTokens: 0, ok: 0, serverErrors: 0, rateLimited: 0, hung: 0, badAnswers: 0, unauthorized: 0, maxInFlight: 0, busyMs: 0, firstCallAt: 0, lastAnswerAt: 0 };
}

export function chunkMatches(pattern: string, chunk: string): boolean {
  if (pattern === "*" || pattern === chunk) return true;
  const [pj, pi] = splitChunk(pattern);
  const [cj, ci] = splitChunk(chunk);
  return (pj === "*" || pj === cj) && (pi === "*" || pi === ci);
}

function splitChunk(s: string): [string, string] {
  const at = s.lastIndexOf("/");
  return at < 0 ? [s, ""] : [s.slice(0, at), s.slice(at + 1)];
}

const tokensOf = (s: string) => Math.ceil(s.length / 4);

// ---- the rewrite itself -------------------------------------------------------------------

type Payload = { limit: number; language?: string; sentences: { id: number; text: string }[] };

/** The JSON object that ends the user message (after "Sentences (JSON):", else from the first "{"). */
export function parsePayload(userText: string): Payload | null {
  const marker = userText.lastIndexOf("Sentences (JSON):");
  const from = marker >= 0 ? userText.indexOf("{", marker) : userText.indexOf("{");
  if (from < 0) return null;
  try {
    const v = JSON.parse(userText.slice(from)) as Payload;
    if (!Number.isInteger(v.limit) || v.limit < 1 || !Array.isArray(v.sentences)) return null;
    return v;
  } catch {
    return null;
  }
}

const SEPARATOR = /[^\S\u00a0\u202f\u2007]+/;
const isWord = (t: string) => /[\p{L}\p{N}]/u.test(t);

/** Splits the words of `text` evenly into the fewest pieces of at most `limit` words; every token is kept. */
export function evenSplit(text: string, limit: number): string[] {
  const tokens = text.trim().split(SEPARATOR).filter(Boolean);
  const n = tokens.filter(isWord).length;
  if (n <= limit) return tokens.length ? [tokens.join(" ")] : [];
  const k = Math.ceil(n / limit);
  const sizes = Array.from({ length: k }, (_, i) => Math.floor(n / k) + (i < n % k ? 1 : 0));
  const pieces: string[][] = [[]];
  let words = 0;
  let piece = 0;
  for (const t of tokens) {
    if (isWord(t) && words === sizes[piece]) {
      pieces.push([]);
      piece++;
      words = 0;
    }
    pieces[pieces.length - 1].push(t);
    if (isWord(t)) words++;
  }
  return pieces.map((p) => p.join(" "));
}

function rewriteAnswer(payload: Payload, bad: BadAnswerKind | null): string {
  const rewrites = payload.sentences.map((s) => ({ id: s.id, pieces: evenSplit(s.text, payload.limit) }));
  if (bad === "not-json") return '{"rewrites": [ this is not JSON';
  if (bad === "missing-id") rewrites.pop();
  if (bad === "drop-word" && rewrites[0]) rewrites[0].pieces[0] = rewrites[0].pieces[0].split(" ").slice(1).join(" ") || "x";
  if (bad === "over-limit" && rewrites[0]) rewrites[0].pieces = [rewrites[0].pieces.join(" ")];
  return JSON.stringify({ rewrites });
}

// ---- server ---------------------------------------------------------------------------------

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on("data", (c: Buffer) => parts.push(c));
    req.on("end", () => resolve(Buffer.concat(parts).toString("utf8")));
    req.on("error", reject);
  });
}

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.writableEnded || res.destroyed) return;
  const text = typeof body === "string" ? body : JSON.stringify(body);
  res.writeHead(status, { "content-type": typeof body === "string" ? "text/plain; charset=utf-8" : "application/json", ...headers });
  res.end(text);
}

/** Resolves after `ms`, or false early when the client goes away. */
function wait(ms: number, res: http.ServerResponse): Promise<boolean> {
  if (ms <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      res.off("close", onClose);
      resolve(true);
    }, ms);
    const onClose = () => {
      clearTimeout(timer);
      resolve(false);
    };
    res.once("close", onClose);
  });
}

function sanitize(partial: Partial<FakeLlmOptions>): Partial<FakeLlmOptions> {
  const out: Partial<FakeLlmOptions> = {};
  for (const [k, v] of Object.entries(partial ?? {})) {
    if (v === undefined || !(k in DEFAULTS)) continue;
    (out as Record<string, unknown>)[k] = v;
  }
  return out;
}

export async function startFakeLlm(opts: Partial<FakeLlmOptions> & { port?: number; host?: string } = {}): Promise<FakeLlm> {
  const { port: listenPort = 0, host = "127.0.0.1", ...start } = opts;
  const initial: FakeLlmOptions = { ...DEFAULTS, ...sanitize(start) };
  let cfg: FakeLlmOptions = { ...initial };
  let random = rng(cfg.seed);
  let stats = emptyStats();
  let failed: Record<string, number> = {};
  let recorded: RecordedRequest[] = [];
  let inFlight = 0;

  const configure = (partial: Partial<FakeLlmOptions>): FakeLlmOptions => {
    const p = sanitize(partial);
    cfg = { ...cfg, ...p };
    if (p.seed !== undefined) random = rng(cfg.seed);
    if (p.failChunks !== undefined) failed = {};
    return { ...cfg };
  };
  const reset = () => {
    cfg = { ...initial };
    random = rng(cfg.seed);
    stats = emptyStats();
    failed = {};
    recorded = [];
  };

  type Api = "openai" | "gemini";

  const errorBody = (api: Api, status: number, message: string) =>
    api === "openai"
      ? { error: { message, type: status === 429 ? "rate_limit_exceeded" : status === 401 ? "invalid_request_error" : "server_error", code: status } }
      : {
          error: {
            code: status,
            message,
            status: status === 429 ? "RESOURCE_EXHAUSTED" : status === 401 ? "UNAUTHENTICATED" : "INTERNAL",
            ...(status === 429 ? { details: [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: `${cfg.retryAfterSeconds}s` }] } : {}),
          },
        };

  function answer(api: Api, res: http.ServerResponse, content: string, inputTokens: number, model: string): void {
    const outputTokens = tokensOf(content);
    stats.inputTokens += inputTokens;
    stats.outputTokens += outputTokens;
    if (api === "openai") {
      send(res, 200, {
        id: `chatcmpl-fake-${stats.calls}`,
        object: "chat.completion",
        created: Math.floor(Date.now() / 1000),
        model,
        choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }],
        usage: { prompt_tokens: inputTokens, completion_tokens: outputTokens, total_tokens: inputTokens + outputTokens },
      });
    } else {
      send(res, 200, {
        candidates: [{ content: { role: "model", parts: [{ text: content }] }, finishReason: "STOP", index: 0 }],
        usageMetadata: { promptTokenCount: inputTokens, candidatesTokenCount: outputTokens, totalTokenCount: inputTokens + outputTokens },
        modelVersion: model,
      });
    }
  }

  let gate: { promise: Promise<void>; open: () => void } | null = null;
  const hold = () => {
    if (gate) return;
    let open: () => void = () => undefined;
    const promise = new Promise<void>((r) => (open = r));
    gate = { promise, open };
  };
  const release = () => {
    gate?.open();
    gate = null;
  };

  async function handleModel(api: Api, req: http.IncomingMessage, res: http.ServerResponse, url: URL, model: string): Promise<void> {
    const arrived = Date.now();
    const raw = await readBody(req);
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      // judged below
    }
    const chunkHeader = req.headers["x-folio-chunk"];
    const chunk = (Array.isArray(chunkHeader) ? chunkHeader[0] : chunkHeader) || "unknown";
    stats.calls++;
    inFlight++;
    stats.maxInFlight = Math.max(stats.maxInFlight, inFlight);
    if (!stats.firstCallAt) stats.firstCallAt = arrived;
    const counted = stats;
    res.once("close", () => {
      inFlight--;
      const now = Date.now();
      counted.busyMs += now - arrived;
      counted.lastAnswerAt = Math.max(counted.lastAnswerAt, now);
    });
    stats.byChunk[chunk] = (stats.byChunk[chunk] ?? 0) + 1;
    const callNo = stats.calls;
    recorded.push({ api, path: url.pathname, chunk, headers: { ...req.headers }, body });
    if (recorded.length > 200) recorded.shift();

    if (cfg.apiKey) {
      const given =
        api === "openai"
          ? /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ""))?.[1]
          : String(req.headers["x-goog-api-key"] ?? url.searchParams.get("key") ?? "");
      if (given !== cfg.apiKey) {
        stats.unauthorized++;
        return send(res, 401, errorBody(api, 401, "invalid API key"), { "content-type": "application/json" });
      }
    }
    if (gate) await gate.promise;
    // The latency is counted from the request's arrival, reading the prompt included.
    if (!(await wait(arrived + cfg.latencyMs - Date.now(), res))) return;
    if (cfg.rateLimitEvery > 0 && callNo % cfg.rateLimitEvery === 0) {
      stats.rateLimited++;
      return send(res, 429, errorBody(api, 429, "rate limit reached, slow down"), { "retry-after": String(cfg.retryAfterSeconds) });
    }
    if (cfg.timeoutChunks.some((p) => chunkMatches(p, chunk))) {
      stats.hung++;
      return; // never answer: the client times out; close() drops the connection
    }
    const failRule = Object.entries(cfg.failChunks).find(([p]) => chunkMatches(p, chunk));
    if (failRule) {
      const [, times] = failRule;
      const n = failed[chunk] ?? 0;
      if (times === "always" || n < times) {
        failed[chunk] = n + 1;
        stats.serverErrors++;
        return send(res, 500, errorBody(api, 500, `forced failure of chunk ${chunk}`));
      }
    }
    if (cfg.failureRate > 0 && random() < cfg.failureRate) {
      stats.serverErrors++;
      return send(res, 500, errorBody(api, 500, "random failure"));
    }

    // Read the prompt.
    let userText = "";
    let promptText = "";
    if (api === "openai") {
      const messages = Array.isArray(body.messages) ? (body.messages as { role?: string; content?: unknown }[]) : [];
      const text = (c: unknown) =>
        typeof c === "string" ? c : Array.isArray(c) ? c.map((p) => (p as { text?: string })?.text ?? "").join("") : "";
      promptText = messages.map((m) => text(m.content)).join("\n");
      userText = text([...messages].reverse().find((m) => m.role === "user")?.content);
    } else {
      const contents = Array.isArray(body.contents) ? (body.contents as { role?: string; parts?: { text?: string }[] }[]) : [];
      const text = (c?: { parts?: { text?: string }[] }) => (c?.parts ?? []).map((p) => p.text ?? "").join("");
      const sys = body.systemInstruction as { parts?: { text?: string }[] } | undefined;
      promptText = [text(sys), ...contents.map(text)].join("\n");
      userText = text([...contents].reverse().find((c) => (c.role ?? "user") === "user"));
    }
    const payload = parsePayload(userText);
    if (!payload) {
      stats.serverErrors++;
      return send(res, 400, errorBody(api, 400, "the fake could not find the rewrite payload in the user message"));
    }
    const bad = cfg.badAnswerChunks.some((p) => chunkMatches(p, chunk)) ? cfg.badAnswerKind : null;
    if (bad) stats.badAnswers++;
    else stats.ok++;
    answer(api, res, rewriteAnswer(payload, bad), tokensOf(promptText), model);
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://fake");
    const path = url.pathname.replace(/\/+$/, "");
    if (req.method === "GET" && path === "/__stats") return send(res, 200, { ...stats, byChunk: { ...stats.byChunk } });
    if (req.method === "GET" && path === "/__requests") return send(res, 200, recorded);
    if (req.method === "GET" && path === "/__control") return send(res, 200, cfg);
    if (req.method === "POST" && path === "/__control") {
      let partial: Partial<FakeLlmOptions>;
      try {
        partial = JSON.parse((await readBody(req)) || "{}") as Partial<FakeLlmOptions>;
      } catch {
        return send(res, 400, { error: "the body must be JSON" });
      }
      return send(res, 200, configure(partial));
    }
    if (req.method === "POST" && path === "/__reset") {
      reset();
      return send(res, 200, { ok: true });
    }
    if (req.method === "GET" && path === "/v1/models") {
      return send(res, 200, { object: "list", data: [{ id: cfg.model, object: "model", owned_by: "folio-fake" }] });
    }
    if (req.method === "POST" && path === "/v1/chat/completions") return handleModel("openai", req, res, url, cfg.model);
    const gemini = /^\/v1(?:beta|alpha)?\/models\/([^/:]+):generateContent$/.exec(path);
    if (req.method === "POST" && gemini) return handleModel("gemini", req, res, url, decodeURIComponent(gemini[1]));
    return send(res, 404, { error: { message: `no route ${req.method} ${url.pathname}`, code: 404 } });
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => send(res, 500, { error: { message: String(err), code: 500 } }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(listenPort, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;

  return {
    url: `${origin}/v1`,
    geminiUrl: origin,
    controlUrl: origin,
    port,
    stats: () => ({ ...stats, byChunk: { ...stats.byChunk } }),
    requests: () => [...recorded],
    options: () => ({ ...cfg }),
    configure,
    reset: () => {
      release();
      reset();
    },
    hold,
    release,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
