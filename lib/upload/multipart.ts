import { Readable, Transform } from "node:stream";
import type { ReadableStream as NodeWebStream } from "node:stream/web";
import busboy from "busboy";
import type { Storage, PutResult } from "@/lib/storage";
import { StorageLimitError } from "@/lib/storage";
import { ApiError } from "@/lib/http/errors";
import { PDF_MAGIC } from "@/lib/pdf/inspect";

export type ReceivedUpload = {
  fields: Record<string, string>;
  file: (PutResult & { fileName: string; mimeType: string }) | null;
  /** Names of file parts that were not called "file" (reported back to the client). */
  otherFileFields: string[];
};

class NotPdfError extends Error {}

/** Passes bytes through, failing as soon as the first five are not `%PDF-`. */
function magicCheck(): Transform {
  let head = Buffer.alloc(0);
  let checked = false;
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      if (!checked) {
        head = Buffer.concat([head, chunk]);
        if (head.length >= PDF_MAGIC.length) {
          checked = true;
          if (!head.subarray(0, PDF_MAGIC.length).equals(PDF_MAGIC)) return cb(new NotPdfError());
        }
      }
      cb(null, chunk);
    },
    flush(cb) {
      // Shorter than the magic but not empty: not a PDF. Empty files are judged by the caller.
      if (!checked && head.length > 0) return cb(new NotPdfError());
      cb();
    },
  });
}

/**
 * Stops parsing but keeps reading (and discarding) what the client still sends, so the answer
 * reaches it and its keep-alive connection stays usable; an endless body is cut off past the cap.
 */
function drainRequest(body: Readable, bb: busboy.Busboy, maxBytes: number): void {
  body.unpipe(bb);
  bb.removeAllListeners("file");
  let drained = 0;
  const cap = maxBytes + 1024 * 1024;
  body.on("data", (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > cap) body.destroy();
  });
  body.resume();
}

export function formatMb(bytes: number): string {
  return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;
}

/**
 * Streams a multipart/form-data request: the `file` part goes straight to storage (hashed,
 * size-limited, magic-checked on the fly); other fields are collected as strings.
 * On any error the stored object is removed before the error propagates.
 */
export async function receiveMultipart(req: Request, storage: Storage, key: string, maxBytes: number): Promise<ReceivedUpload> {
  const contentType = req.headers.get("content-type") ?? "";
  if (!contentType.toLowerCase().startsWith("multipart/form-data")) {
    throw new ApiError(400, "EXPECTED_MULTIPART", "Send the PDF as multipart/form-data with a field named 'file'.");
  }
  if (!req.body) throw new ApiError(400, "MISSING_FILE", "The request has no body. Send the PDF in a field named 'file'.");

  const fields: Record<string, string> = {};
  const otherFileFields: string[] = [];
  let filePut: Promise<PutResult> | null = null;
  let fileName = "";
  let mimeType = "";
  let fileError: unknown = null;

  let bb: busboy.Busboy;
  try {
    bb = busboy({ headers: { "content-type": contentType }, limits: { files: 3, fields: 20, fieldSize: 4096, parts: 30 } });
  } catch {
    throw new ApiError(400, "EXPECTED_MULTIPART", "The multipart body could not be read (missing boundary?).");
  }

  const parsed = new Promise<void>((resolve, reject) => {
    bb.on("field", (name, value) => {
      fields[name] = value;
    });
    bb.on("file", (name, stream, info) => {
      if (name !== "file" || filePut) {
        otherFileFields.push(name);
        stream.resume();
        return;
      }
      fileName = info.filename || "upload.pdf";
      mimeType = info.mimeType;
      const checked = stream.pipe(magicCheck());
      // Storage attaches its own listeners a tick later; the first error must not go unhandled.
      let streamError: unknown = null;
      checked.on("error", (e) => (streamError ??= e));
      stream.on("error", (e) => checked.destroy(e));
      const put = storage.put(key, checked, { maxBytes });
      filePut = put;
      // On an early failure (not a PDF, too large) keep reading and discarding the part so the
      // whole request is consumed and the client gets our answer; the error is rethrown below.
      put.catch((e: unknown) => {
        fileError = streamError ?? e;
        stream.resume();
      });
    });
    bb.on("error", reject);
    bb.on("close", resolve);
  });

  const body = Readable.fromWeb(req.body as unknown as NodeWebStream<Uint8Array>);
  body.on("error", (e) => bb.destroy(e));
  // A body far beyond the limit (e.g. an endless chunked upload) is cut off.
  let received = 0;
  const hardCap = maxBytes + 2 * 1024 * 1024;
  body.on("data", (chunk: Buffer) => {
    received += chunk.length;
    if (received > hardCap) bb.destroy(new StorageLimitError(maxBytes));
  });
  body.pipe(bb);

  try {
    await parsed;
    if (fileError) throw fileError;
    const put = filePut ? await (filePut as Promise<PutResult>) : null;
    return { fields, file: put ? { ...put, fileName, mimeType } : null, otherFileFields };
  } catch (err) {
    drainRequest(body, bb, maxBytes);
    if (filePut) await (filePut as Promise<PutResult>).catch(() => undefined);
    await storage.delete(key).catch(() => undefined);
    if (err instanceof StorageLimitError) {
      throw new ApiError(413, "FILE_TOO_LARGE", `The file is larger than the ${formatMb(maxBytes)} limit.`);
    }
    if (err instanceof NotPdfError) throw new ApiError(415, "NOT_A_PDF", "This file is not a PDF (it does not start with %PDF-).");
    if (err instanceof ApiError) throw err;
    throw new ApiError(400, "UPLOAD_INTERRUPTED", `The upload could not be read: ${(err as Error).message}`);
  }
}
