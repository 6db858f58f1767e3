import crypto from "node:crypto";
import { Readable, Transform } from "node:stream";
import { StorageLimitError } from "@/lib/storage/types";

/**
 * What both backends do to an incoming body while it streams: count it against `maxBytes`
 * (StorageLimitError past it) and hash it (sha256). `source` is the body as a stream.
 */
export function meteredBody(body: Readable | Uint8Array, maxBytes?: number): { source: Readable; meter: Transform; size: () => number; sha256: () => string } {
  const hash = crypto.createHash("sha256");
  let size = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      size += chunk.length;
      if (maxBytes !== undefined && size > maxBytes) return cb(new StorageLimitError(maxBytes));
      hash.update(chunk);
      cb(null, chunk);
    },
  });
  const source = body instanceof Uint8Array ? Readable.from([Buffer.from(body.buffer, body.byteOffset, body.byteLength)]) : body;
  return { source, meter, size: () => size, sha256: () => hash.digest("hex") };
}
