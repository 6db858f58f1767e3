/**
 * Outgoing HTTP to the app (node:http with keep-alive). Not `fetch`: undici's default 300 s
 * headers timeout would cut long steps; here the only limit is the runner's call timeout.
 */

import http from "node:http";
import https from "node:https";
import type { Recorder } from "./record";

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export class TransportError extends Error {
  constructor(
    message: string,
    /** The app could not be reached or dropped the connection (not an attempt of the function). */
    readonly unreachable: boolean,
    readonly code?: string,
  ) {
    super(message);
    this.name = "TransportError";
  }
}

const agents = {
  http: new http.Agent({ keepAlive: true, maxSockets: 256, timeout: 4_000 }),
  https: new https.Agent({ keepAlive: true, maxSockets: 256, timeout: 4_000 }),
};

export interface HttpRequestOptions {
  method: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
  signal?: AbortSignal;
  /** FOLIO_RUNNER_RECORD: the exchange is appended to the recording (runner/record.ts). */
  recorder?: Recorder;
}

function once(url: URL, opts: HttpRequestOptions): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const mod = url.protocol === "https:" ? https : http;
    const body = opts.body === undefined ? undefined : Buffer.from(opts.body);
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (body) headers["content-length"] = String(body.length);
    let settled = false;
    const req = mod.request(url, { method: opts.method, headers, agent: url.protocol === "https:" ? agents.https : agents.http });
    const timer = setTimeout(() => {
      req.destroy(new TransportError(`call timed out after ${opts.timeoutMs} ms`, false, "TIMEOUT"));
    }, opts.timeoutMs);
    const onAbort = () => req.destroy(new TransportError("call aborted (runner stopping)", true, "ABORTED"));
    opts.signal?.addEventListener("abort", onAbort, { once: true });
    const finish = (err: Error | null, res?: HttpResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener("abort", onAbort);
      if (err) reject(Object.assign(err, { reused: req.reusedSocket }));
      else if (res) resolve(res);
    };
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const hdrs: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) hdrs[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : v;
        finish(null, { status: res.statusCode ?? 0, headers: hdrs, body: Buffer.concat(chunks).toString("utf8") });
      });
      res.on("error", (e) => finish(e));
      res.on("aborted", () => finish(new TransportError("response aborted", true, "ECONNRESET")));
    });
    req.on("error", (e) => finish(e));
    if (body) req.write(body);
    req.end();
  });
}

function classify(err: unknown): TransportError {
  if (err instanceof TransportError) return err;
  const e = err as NodeJS.ErrnoException;
  const code = e?.code;
  const unreachable = ["ECONNREFUSED", "ECONNRESET", "EPIPE", "EHOSTUNREACH", "ENOTFOUND", "EAI_AGAIN", "ENETUNREACH", "UND_ERR_SOCKET"].includes(code ?? "") || /socket hang up/i.test(e?.message ?? "");
  return new TransportError(e?.message ?? String(err), unreachable, code);
}

export async function httpRequest(url: string, opts: HttpRequestOptions): Promise<HttpResponse> {
  if (!opts.recorder) return request(url, opts);
  const started = Date.now();
  try {
    const res = await request(url, opts);
    opts.recorder.outgoing(url, opts, started, res);
    return res;
  } catch (err) {
    opts.recorder.outgoing(url, opts, started, undefined, err);
    throw err;
  }
}

async function request(url: string, opts: HttpRequestOptions): Promise<HttpResponse> {
  const target = new URL(url);
  try {
    return await once(target, opts);
  } catch (err) {
    // A kept-alive socket the server closed in the meantime: the request never ran; retry once.
    const reused = (err as { reused?: boolean }).reused === true;
    const t = classify(err);
    if (reused && t.unreachable && t.code !== "ABORTED") {
      try {
        return await once(target, opts);
      } catch (err2) {
        throw classify(err2);
      }
    }
    throw t;
  }
}
