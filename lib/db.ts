import { PrismaClient } from "@/lib/generated/prisma/client";
import { resolveDatabaseUrl } from "@/lib/db/url";
import { SharedSQLiteAdapter } from "@/lib/db/adapter";

// One PrismaClient per process (Next.js dev reloads modules, so keep it on globalThis).
const globalForPrisma = globalThis as unknown as { folioPrisma?: PrismaClient; folioPrismaUrl?: string };

function create(url: string): PrismaClient {
  return new PrismaClient({ adapter: new SharedSQLiteAdapter({ url }) });
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
    const value = Reflect.get(client, prop, client) as unknown;
    return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(client) : value;
  },
});
