/**
 * Signed mode, as Inngest Cloud and `inngest start` run it (SDK spec 4.2; the SDK's
 * helpers/net.ts and helpers/strings.ts): every call to the app carries
 * `X-Inngest-Signature: t=<unix seconds>&s=<hex>`, an HMAC-SHA256 keyed with the signing key
 * (without its `signkey-<env>-` prefix) over the canonical JSON of the body followed by the
 * timestamp; the SDK authenticates its own requests to the runner (sync, checkpoints, payloads)
 * with `Authorization: Bearer <prefix><sha256 of the key's hex bytes>`, and sends events to
 * `/e/<event key>`.
 */

import crypto from "node:crypto";
import canonicalize from "canonicalize";

const PREFIX = /^signkey-[\w]+-/;

export function removeSigningKeyPrefix(key: string): string {
  return key.replace(PREFIX, "");
}

/** The Bearer token the SDK derives from a signing key. */
export function hashSigningKey(key: string): string {
  const prefix = PREFIX.exec(key)?.[0] ?? "";
  return `${prefix}${crypto.createHash("sha256").update(Buffer.from(removeSigningKeyPrefix(key), "hex")).digest("hex")}`;
}

/** The `X-Inngest-Signature` value for a JSON request body. */
export function signatureHeader(body: string, key: string, nowMs = Date.now()): string {
  const ts = String(Math.round(nowMs / 1000));
  const parsed: unknown = body ? JSON.parse(body) : "";
  const encoded = typeof parsed === "string" ? parsed : (canonicalize(parsed) ?? "");
  const mac = crypto.createHmac("sha256", removeSigningKeyPrefix(key)).update(encoded).update(ts).digest("hex");
  return `t=${ts}&s=${mac}`;
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

/** Whether an Authorization header carries the SDK's Bearer token for this signing key. */
export function bearerMatches(header: string | string[] | undefined, key: string): boolean {
  if (typeof header !== "string") return false;
  const m = /^Bearer\s+(\S+)$/i.exec(header.trim());
  return !!m && safeEqual(m[1] ?? "", hashSigningKey(key));
}

export function eventKeyMatches(given: string, key: string): boolean {
  return safeEqual(given, key);
}

/** Headers of a call to the app: the server kind, and in signed mode the body's signature. */
export function serverHeaders(config: { signingKey?: string }, body: string): Record<string, string> {
  if (!config.signingKey) return { "x-inngest-server-kind": "dev" };
  return { "x-inngest-server-kind": "cloud", "x-inngest-signature": signatureHeader(body, config.signingKey) };
}
