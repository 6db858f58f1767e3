import type { Readable } from "node:stream";

export type PutResult = { key: string; size: number; sha256: string };

/** Where Folio keeps uploaded files and chunk PDFs. Keys are relative paths like "uploads/<id>.pdf". */
export interface Storage {
  /** Writes the stream under `key` atomically (no partial object is ever visible), hashing as it goes. */
  put(key: string, body: Readable | Uint8Array, opts?: { maxBytes?: number }): Promise<PutResult>;
  get(key: string): Promise<Readable>;
  getBytes(key: string): Promise<Uint8Array>;
  delete(key: string): Promise<void>;
  /** Removes everything under the folder `key` (e.g. "chunks/<jobId>"); nothing there is not an error. */
  deleteFolder(key: string): Promise<void>;
  exists(key: string): Promise<boolean>;
  /** Local path when the backend is a disk (lets parsers read the file without copying). */
  localPath?(key: string): string;
}

export class StorageLimitError extends Error {
  constructor(readonly limit: number) {
    super(`object exceeds ${limit} bytes`);
    this.name = "StorageLimitError";
  }
}
