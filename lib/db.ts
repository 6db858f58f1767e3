import { PrismaClient } from "@/lib/generated/prisma/client";
import { PrismaClient as PostgresPrismaClient } from "@/lib/generated/prisma-pg/client";
import { resolveDatabaseUrl } from "@/lib/db/url";
import { SharedSQLiteAdapter } from "@/lib/db/adapter";
import { isPostgresUrl, postgresAdapter } from "@/lib/db/postgres";
import { retryConflicts } from "@/lib/db/conflicts";

// One PrismaClient per process (Next.js dev reloads modules, so keep it on globalThis).
const globalForPrisma = globalThis as unknown as { folioPrisma?: PrismaClient; folioPrismaUrl?: string };

/**
 * The client for the URL: PostgreSQL's generated client (lib/generated/prisma-pg, from
 * prisma/postgres/schema.prisma) for postgres:// URLs, SQLite's otherwise. Both are generated from
 * one schema (scripts/db/postgres-schema.ts), so they have the same models and methods; the app
 * is typed against the SQLite one.
 */
function create(url: string): PrismaClient {
  if (isPostgresUrl(url)) {
    // Same models, fields and methods (one source schema); only provider-specific type details differ.
    return new PostgresPrismaClient({ adapter: postgresAdapter(url) }) as unknown as PrismaClient;
  }
  return new PrismaClient({ adapter: new SharedSQLiteAdapter({ url }) });
}

/** A separate client for another database (tools and tests that read a second app's data); the caller disconnects it. */
export function openDatabase(url: string): PrismaClient {
  return create(url);
}

/** Which database this process uses (from DATABASE_URL). */
export function databaseKind(): "postgres" | "sqlite" {
  return isPostgresUrl(resolveDatabaseUrl()) ? "postgres" : "sqlite";
}

export function getDb(): PrismaClient {
  const url = resolveDatabaseUrl();
  if (!globalForPrisma.folioPrisma || globalForPrisma.folioPrismaUrl !== url) {
    globalForPrisma.folioPrisma = create(url);
    globalForPrisma.folioPrismaUrl = url;
  }
  return globalForPrisma.folioPrisma;
}

export const db: PrismaClient = new Proxy({} as PrismaClient, {
  get(_target, prop) {
    const client = getDb();
    // An interactive transaction that lost a deadlock or a serialization conflict (PostgreSQL)
    // was rolled back whole: it is run again (lib/db/conflicts.ts).
    if (prop === "$transaction") {
      const run = client.$transaction.bind(client) as (arg: unknown, opts?: unknown) => Promise<unknown>;
      return (arg: unknown, opts?: unknown) => (typeof arg === "function" ? retryConflicts(() => run(arg, opts)) : run(arg, opts));
    }
    const value = Reflect.get(client, prop, client) as unknown;
    return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(client) : value;
  },
});
