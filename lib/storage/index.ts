import path from "node:path";
import { dataDir } from "@/lib/db/url";
import { getConfig } from "@/lib/config";
import { LocalStorage } from "@/lib/storage/local";
import type { Storage } from "@/lib/storage/types";

export type { Storage, PutResult } from "@/lib/storage/types";
export { StorageLimitError } from "@/lib/storage/types";

const cache = new Map<string, Storage>();

/** The configured storage backend (local disk under ./data by default). */
export function getStorage(): Storage {
  const root = path.resolve(/*turbopackIgnore: true*/ getConfig().storageDir ?? dataDir());
  let s = cache.get(root);
  if (!s) {
    s = new LocalStorage(root);
    cache.set(root, s);
  }
  return s;
}
