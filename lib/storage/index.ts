import path from "node:path";
import { dataDir } from "@/lib/db/url";
import { getConfig } from "@/lib/config";
import { LocalStorage } from "@/lib/storage/local";
import { S3Storage, s3SettingsFromEnv } from "@/lib/storage/s3";
import type { Storage } from "@/lib/storage/types";

export type { Storage, PutResult } from "@/lib/storage/types";
export { StorageLimitError } from "@/lib/storage/types";

const cache = new Map<string, Storage>();

/** The configured storage backend: local disk under ./data by default, S3 with FOLIO_STORAGE=s3. */
export function getStorage(): Storage {
  if (process.env.FOLIO_STORAGE === "s3") {
    const settings = s3SettingsFromEnv(process.env, path.join(dataDir(), "s3-cache"));
    const id = `s3:${settings.endpoint ?? ""}:${settings.bucket}:${settings.prefix}:${settings.cacheDir}`;
    let s3 = cache.get(id);
    if (!s3) {
      s3 = new S3Storage(settings);
      cache.set(id, s3);
    }
    return s3;
  }
  const root = path.resolve(/*turbopackIgnore: true*/ getConfig().storageDir ?? dataDir());
  let s = cache.get(root);
  if (!s) {
    s = new LocalStorage(root);
    cache.set(root, s);
  }
  return s;
}
