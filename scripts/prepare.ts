/**
 * Prepares local state before the app starts: data directory, auth secret, database
 * migrations (prisma migrate deploy), SQLite WAL mode, and an optional seeded admin.
 * Run by `npm start` / `npm run dev`; safe to run any number of times.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { createClient } from "@libsql/client";
import pg from "pg";
import { resolveDatabaseUrl } from "../lib/db/url";
import { isPostgresUrl, poolConfig, schemaOf } from "../lib/db/postgres";
import { ensureAuthSecret } from "../lib/auth/secret";

/**
 * Migrations of prisma/postgres/migrations not yet applied to the PostgreSQL database (all of
 * them when it has no _prisma_migrations table). Every `prisma migrate` command against
 * PostgreSQL exits ~10 s late here (a timer in the WASM schema engine), so a database that is
 * current is not handed to the CLI at all.
 */
async function pendingPostgresMigrations(url: string): Promise<string[]> {
  const dir = path.join(process.cwd(), "prisma", "postgres", "migrations");
  const all = fs.readdirSync(dir).filter((d) => fs.existsSync(path.join(dir, d, "migration.sql")));
  const client = new pg.Client(poolConfig(url));
  await client.connect();
  try {
    const table = `"${(schemaOf(url) ?? "public").replace(/"/g, "")}"."_prisma_migrations"`;
    const exists = await client.query(`SELECT to_regclass($1) IS NOT NULL AS ok`, [table]);
    if (!exists.rows[0]?.ok) return all;
    const done = await client.query(`SELECT migration_name FROM ${table} WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`);
    const applied = new Set(done.rows.map((r: { migration_name: string }) => r.migration_name));
    return all.filter((m) => !applied.has(m));
  } finally {
    await client.end();
  }
}

export async function prepare(): Promise<void> {
  const url = resolveDatabaseUrl();
  ensureAuthSecret();
  if (!isPostgresUrl(url) || (await pendingPostgresMigrations(url)).length > 0) {
    const prismaCli = path.join(process.cwd(), "node_modules", "prisma", "build", "index.js");
    execFileSync(process.execPath, [prismaCli, "migrate", "deploy"], {
      stdio: process.env.FOLIO_QUIET ? "ignore" : "inherit",
      env: { ...process.env, DATABASE_URL: url },
    });
  }
  if (url.startsWith("file:")) {
    const client = createClient({ url });
    await client.execute("PRAGMA journal_mode = WAL");
    client.close();
  }
  await seedAdmin();
}

async function seedAdmin(): Promise<void> {
  const email = process.env.FOLIO_ADMIN_EMAIL;
  const password = process.env.FOLIO_ADMIN_PASSWORD;
  if (!email || !password) return;
  const { db } = await import("../lib/db");
  const { createUser } = await import("../lib/users");
  const existing = await db.user.findUnique({ where: { email: email.toLowerCase() } });
  if (existing) return;
  await createUser({ email, password, role: "ADMIN" });
  console.log(`Seeded admin ${email}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(__filename)) {
  prepare().then(
    () => process.exit(0),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
