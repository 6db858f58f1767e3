import path from "node:path";
import fs from "node:fs";

/** Directory for local state (SQLite file, uploads, generated secret). */
export function dataDir(): string {
  return path.resolve(/*turbopackIgnore: true*/ process.env.FOLIO_DATA_DIR ?? path.join(/*turbopackIgnore: true*/ process.cwd(), "data"));
}

/**
 * The libsql URL of the database. `DATABASE_URL` wins; relative `file:` paths are
 * resolved against the working directory so the CLI, the app and tests agree.
 */
export function resolveDatabaseUrl(): string {
  const raw = process.env.DATABASE_URL;
  if (!raw) {
    const dir = dataDir();
    fs.mkdirSync(dir, { recursive: true });
    return `file:${path.join(dir, "folio.db")}`;
  }
  if (raw.startsWith("file:")) {
    const p = raw.slice("file:".length);
    const abs = path.isAbsolute(p) ? p : path.resolve(/*turbopackIgnore: true*/ process.cwd(), p);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    return `file:${abs}`;
  }
  return raw;
}
