/**
 * Prepares local state before the app starts: data directory, auth secret, database
 * migrations (prisma migrate deploy), SQLite WAL mode, and an optional seeded admin.
 * Run by `npm start` / `npm run dev`; safe to run any number of times.
 */
import { execFileSync } from "node:child_process";
import path from "node:path";
import { createClient } from "@libsql/client";
import { resolveDatabaseUrl } from "../lib/db/url";
import { ensureAuthSecret } from "../lib/auth/secret";

export async function prepare(): Promise<void> {
  const url = resolveDatabaseUrl();
  ensureAuthSecret();
  const prismaCli = path.join(process.cwd(), "node_modules", "prisma", "build", "index.js");
  execFileSync(process.execPath, [prismaCli, "migrate", "deploy"], {
    stdio: process.env.FOLIO_QUIET ? "ignore" : "inherit",
    env: { ...process.env, DATABASE_URL: url },
  });
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
