import { createClient, type Client, type Config } from "@libsql/client";
import { PrismaLibSQL } from "@prisma/adapter-libsql";
import { SqliteFileClient } from "@/lib/db/sqlite-client";

const BUSY_TIMEOUT_MS = Number(process.env.FOLIO_SQLITE_BUSY_TIMEOUT_MS ?? 10_000);
// WAL with synchronous=NORMAL survives a process crash (kill -9) with every commit kept; only an
// OS crash or power cut can lose the last commits (never corrupt the file). FULL also survives
// that, at one fsync per commit on the writer's thread (FOLIO_SQLITE_SYNC=full).
const SYNCHRONOUS = process.env.FOLIO_SQLITE_SYNC?.toLowerCase() === "full" ? "FULL" : "NORMAL";

/**
 * The libsql adapter, made safe for several processes on one SQLite file (app, runner, CLI,
 * tests): every connection waits for a lock instead of failing with SQLITE_BUSY, and
 * transactions take the write lock up front (BEGIN IMMEDIATE), so two racing writers are
 * serialized rather than one failing on a stale snapshot. A plain `file:` URL gets
 * SqliteFileClient (one connection, prepared statements kept); anything else @libsql/client.
 */
export class SharedSQLiteAdapter extends PrismaLibSQL {
  createClient(config: Config): Client {
    if (/^file:[^?#]+$/.test(config.url) && config.url !== "file::memory:") {
      return new SqliteFileClient(config.url.slice("file:".length), [`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`, `PRAGMA synchronous = ${SYNCHRONOUS}`], {
        writeTransactions: true,
      });
    }
    const client = createClient(config);
    if (!config.url.startsWith("file:")) return client;
    // @libsql/client opens a fresh connection after each transaction takes the current one,
    // so the pragma is (cheaply) re-applied before work rather than once at start.
    const execute = client.execute.bind(client) as Client["execute"];
    const pragma = () => execute(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
    const batch = client.batch.bind(client);
    const transaction = client.transaction.bind(client);
    return Object.assign(client, {
      execute: (async (...args: Parameters<Client["execute"]>) => {
        await pragma();
        return (execute as (...a: unknown[]) => ReturnType<Client["execute"]>)(...args);
      }) as Client["execute"],
      batch: (async (...args: Parameters<Client["batch"]>) => {
        await pragma();
        return batch(...args);
      }) as Client["batch"],
      // Every Prisma transaction may write: always BEGIN IMMEDIATE, whatever mode is asked for.
      transaction: async () => {
        await pragma();
        return transaction("write");
      },
    });
  }
}
