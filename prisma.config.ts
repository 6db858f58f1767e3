import path from "node:path";
import { defineConfig } from "prisma/config";
import { PrismaLibSQL } from "@prisma/adapter-libsql";
import { resolveDatabaseUrl } from "./lib/db/url";
import { isPostgresUrl, postgresAdapter } from "./lib/db/postgres";

// One schema source (prisma/schema.prisma, SQLite); the PostgreSQL variant is generated from it
// (scripts/db/postgres-schema.ts) with its own migrations. DATABASE_URL picks which the CLI uses.
const postgres = isPostgresUrl(resolveDatabaseUrl());
const dir = postgres ? path.join("prisma", "postgres") : "prisma";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join(dir, "schema.prisma"),
  migrations: { path: path.join(dir, "migrations") },
  adapter: async () => (postgres ? postgresAdapter(resolveDatabaseUrl()) : new PrismaLibSQL({ url: resolveDatabaseUrl() })),
});
