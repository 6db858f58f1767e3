import { createHash, randomBytes } from "node:crypto";

/** Crockford base32, as used by ULIDs. */
const ENCODING = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

function encodeBigInt(value: bigint, length: number): string {
  let out = "";
  let v = value;
  for (let i = 0; i < length; i++) {
    out = ENCODING[Number(v & 31n)] + out;
    v >>= 5n;
  }
  return out;
}

function toBigInt(bytes: Uint8Array): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}

const MAX_RANDOM = (1n << 80n) - 1n;
let lastTime = -1;
let lastRandom = 0n;

/**
 * A ULID. Without explicit entropy it is monotonic within this process (same millisecond → random
 * part + 1), so IDs sort in creation order: queue items of equal priority run first-in first-out.
 */
export function ulid(now: number = Date.now(), entropy?: Uint8Array): string {
  const time = Math.max(0, Math.floor(now));
  if (entropy) return encodeBigInt(BigInt(time), 10) + encodeBigInt(toBigInt(entropy), 16);
  if (time <= lastTime && lastRandom < MAX_RANDOM) {
    lastRandom += 1n;
  } else {
    lastTime = Math.max(time, lastTime);
    lastRandom = toBigInt(randomBytes(10)) >> 1n; // leave head room for increments
  }
  return encodeBigInt(BigInt(lastTime), 10) + encodeBigInt(lastRandom, 16);
}

/**
 * The event ID the Inngest server derives from the SDK's `x-inngest-event-id-seed` header
 * ("millis,base64(10 bytes)"), so a retried send yields the same IDs (pkg/event/id.go). `index` is the
 * 1-based position of the event in the request; it is added to the last 4 bytes of entropy.
 */
export function seededUlid(seed: string | undefined, index: number): string | undefined {
  if (!seed) return undefined;
  const parts = seed.split(",");
  if (parts.length !== 2) return undefined;
  const millis = Number.parseInt(parts[0] ?? "", 10);
  if (!Number.isFinite(millis) || millis <= 0) return undefined;
  let entropy: Buffer;
  try {
    entropy = Buffer.from(parts[1] ?? "", "base64");
  } catch {
    return undefined;
  }
  if (entropy.length !== 10) return undefined;
  const copy = Buffer.from(entropy);
  copy.writeUInt32BE((copy.readUInt32BE(6) + index) >>> 0, 6);
  return ulid(millis, copy);
}

/** A stable UUID-formatted ID derived from a name (used as the internal function ID, `ctx.fn_id`). */
export function stableUuid(name: string): string {
  const h = createHash("sha1").update(name).digest("hex");
  const variant = ((Number.parseInt(h.slice(16, 18), 16) & 0x3f) | 0x80).toString(16).padStart(2, "0");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(18, 20)}-${h.slice(20, 32)}`;
}

/** SHA-1 hex of a step ID, as the SDK hashes step IDs (spec 5.1.2). */
export function hashStepId(id: string): string {
  return createHash("sha1").update(id).digest("hex");
}
