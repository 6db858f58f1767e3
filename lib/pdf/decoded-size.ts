import zlib from "node:zlib";

/**
 * The decoded-size budget: inflates every Flate stream (zlib, bounded output) before any parser
 * sees the file, and refuses a stream that inflates past `maxStreamBytes` or a file whose streams
 * inflate past `maxTotalBytes` in all (decompression bombs, in page or object streams alike).
 */
export function checkDecodedSize(bytes: Buffer, maxStreamBytes: number, maxTotalBytes: number): string | null {
  let total = 0;
  for (let at = bytes.indexOf("/FlateDecode"); at >= 0; at = bytes.indexOf("/FlateDecode", at + 12)) {
    const kw = bytes.indexOf("stream", at);
    if (kw < 0 || kw - at > 4096) continue;
    let start = kw + 6;
    if (bytes[start] === 0x0d) start++;
    if (bytes[start] === 0x0a) start++;
    const end = bytes.indexOf("endstream", start);
    if (end < 0) break;
    let size = 0;
    try {
      size = zlib.inflateSync(bytes.subarray(start, end), { maxOutputLength: maxStreamBytes, finishFlush: zlib.constants.Z_SYNC_FLUSH }).length;
    } catch (err) {
      if ((err as { code?: string }).code === "ERR_BUFFER_TOO_LARGE" || err instanceof RangeError) {
        return `a stream inflates to more than ${Math.round(maxStreamBytes / 1048576)} MB (decompression bomb)`;
      }
      continue; // a broken stream is the parser's business
    }
    total += size;
    if (total > maxTotalBytes) return `its streams inflate to more than ${Math.round(maxTotalBytes / 1048576)} MB in all`;
    at = end;
  }
  return null;
}
