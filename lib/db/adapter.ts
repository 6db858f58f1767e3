import { createClient, type Client, type Config } from "@libsql/client";
import { PrismaLibSQL } from "@prisma/adapter-libsql";

const BUSY_TIMEOUT_MS = Number(process.env.FOLIO_SQLITE_BUSY_TIMEOUT_MS ?? 10_000);

/**
 * The libsql adapter, made safe for several processes on one SQLite file (app, runner, CLI,
 * tests): every connection waits for a lock instead of failing with SQLITE_BUSY, and
 * transactions take the write lock up front (BEGIN IMMEDIATE), so two racing writers are
 * serialized rather than one failing on a stale snapshot.
 */
export class SharedSQLiteAdapter extends PrismaLibSQL {
  createClient(config: Config): Client {
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
