import type { Readable } from "node:stream";

export type PutResult = { key: string; size: number; sha256: string };

/** Where Folio keeps uploaded files and chunk PDFs (local disk, lib/storage/local.ts, or S3, lib/storage/s3.ts). Keys are relative paths like "uploads/<id>.pdf". */
export interface Storage {
  /** Writes the stream under `key` atomically (no partial object is ever visible), hashing as it goes. */
  put(key: string, body: Readable | Uint8Array, opts?: { maxBytes?: number }): Promise<PutResult>;
  get(key: string): Promise<Readable>;
  getBytes(key: string): Promise<Uint8Array>;
  delete(key: string): Promise<void>;
  /** Removes everything under the folder `key` (e.g. "chunks/<jobId>"); nothing there is not an error. */
  deleteFolder(key: string): Promise<void>;
  exists(key: string): Promise<boolean>;
  /** Keys under the folder `prefix` (e.g. "uploads/"), at any depth, unfinished writes included. */
  list(prefix: string): Promise<string[]>;
  /**
   * A file on this host with the object's bytes, for parsers that seek in it: the file itself on
   * local disk; for S3 this host's cached copy (downloaded on first use, lib/storage/s3.ts).
   */
  localFile(key: string): Promise<string>;
}

export class StorageLimitError extends Error {
  constructor(readonly limit: number) {
    super(`object exceeds ${limit} bytes`);
    this.name = "StorageLimitError";
  }
}
