/**
 * What a Folio data directory holds on disk, for the benches' storage figures. Files directly in
 * the data dir are the databases, logs and keys; everything in a subdirectory is storage (today
 * `uploads/` and `chunks/<jobId>/`, see lib/storage and lib/jobs/split.ts). Walked generically, so
 * a storage layout change is still counted.
 */
import fs from "node:fs";
import path from "node:path";

/** Relative path → size in bytes, for every regular file under `root`. */
export function snapshotFiles(root: string): Map<string, number> {
  const out = new Map<string, number>();
  const walk = (dir: string) => {
    let entries: fs.Dirent[] = [];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return; // removed meanwhile
    }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) {
        try {
          out.set(path.relative(root, p), fs.statSync(p).size);
        } catch {
          // removed meanwhile
        }
      }
    }
  };
  walk(root);
  return out;
}

export type StorageUse = {
  bytes: number;
  files: number;
  /** Per top-level storage directory. */
  byDir: Record<string, { files: number; bytes: number }>;
};

/**
 * Storage files (in a subdirectory) present in `after` that are new or changed since `before`,
 * skipping the top-level directories in `exclude` (e.g. "uploads").
 */
export function storageAdded(before: Map<string, number>, after: Map<string, number>, exclude: string[] = []): StorageUse {
  const use: StorageUse = { bytes: 0, files: 0, byDir: {} };
  for (const [rel, size] of after) {
    const parts = rel.split(path.sep);
    if (parts.length < 2) continue; // a database, log or key file
    if (exclude.includes(parts[0])) continue;
    if (before.get(rel) === size) continue;
    if (/\.partial$/.test(rel)) continue; // a write in progress
    use.bytes += size;
    use.files++;
    const d = (use.byDir[parts[0]] ??= { files: 0, bytes: 0 });
    d.files++;
    d.bytes += size;
  }
  return use;
}

/** Total size of the files directly in the data dir (databases with their WAL, logs, keys). */
export function topLevelBytes(snapshot: Map<string, number>, match: RegExp = /./): number {
  let n = 0;
  for (const [rel, size] of snapshot) if (!rel.includes(path.sep) && match.test(rel)) n += size;
  return n;
}

export const mb = (bytes: number) => bytes / (1024 * 1024);
