/**
 * The database of an app under test. By default none is made here: the app uses the SQLite file
 * in its data directory. Under `npm run test:distributed` (scripts/test-distributed.ts),
 * FOLIO_TEST_PG_URL names a PostgreSQL server and FOLIO_TEST_PG_TEMPLATE a database migrated
 * once there: each app or Stack gets a new database copied from it (CREATE DATABASE ... TEMPLATE,
 * milliseconds), so tests never share rows and never wait for the migration CLI. With
 * FOLIO_TEST_S3_ENDPOINT (and _BUCKET, _ACCESS_KEY_ID, _SECRET_ACCESS_KEY) each gets its own
 * prefix in that bucket as its file storage (FOLIO_STORAGE=s3).
 */
import crypto from "node:crypto";
import pg from "pg";

export function postgresUnderTest(): boolean {
  return Boolean(process.env.FOLIO_TEST_PG_URL && process.env.FOLIO_TEST_PG_TEMPLATE);
}

/** A fresh PostgreSQL database URL under test:distributed, else undefined (SQLite). */
export async function freshDatabaseUrl(label = "t"): Promise<string | undefined> {
  const server = process.env.FOLIO_TEST_PG_URL;
  const template = process.env.FOLIO_TEST_PG_TEMPLATE;
  if (!server || !template) return undefined;
  const name = `${label.replace(/[^a-z0-9_]/gi, "_").toLowerCase()}_${crypto.randomBytes(5).toString("hex")}`;
  const admin = new URL(server);
  admin.pathname = "/postgres";
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    // Identifiers cannot be bound; both names are ours (letters, digits, underscores).
    await client.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
  } finally {
    await client.end();
  }
  const url = new URL(server);
  url.pathname = `/${name}`;
  return url.toString();
}

/** S3 storage settings for one app or Stack under test:distributed (a prefix of its own), else {}. */
export function freshStorageEnv(label = "t"): Record<string, string> {
  const endpoint = process.env.FOLIO_TEST_S3_ENDPOINT;
  if (!endpoint) return {};
  return {
    FOLIO_STORAGE: "s3",
    FOLIO_S3_ENDPOINT: endpoint,
    FOLIO_S3_BUCKET: process.env.FOLIO_TEST_S3_BUCKET ?? "folio-test",
    FOLIO_S3_REGION: process.env.FOLIO_TEST_S3_REGION ?? "us-east-1",
    FOLIO_S3_ACCESS_KEY_ID: process.env.FOLIO_TEST_S3_ACCESS_KEY_ID ?? "",
    FOLIO_S3_SECRET_ACCESS_KEY: process.env.FOLIO_TEST_S3_SECRET_ACCESS_KEY ?? "",
    FOLIO_S3_PREFIX: `${label}-${crypto.randomBytes(5).toString("hex")}/`,
  };
}
