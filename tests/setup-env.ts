import { inject } from "vitest";

// Test files that use lib/ directly talk to the same SQLite file and storage as the app under test.
process.env.FOLIO_DATA_DIR = inject("dataDir");
// Under test:distributed the app's PostgreSQL database (tests/helpers/database.ts), else its SQLite file.
if (inject("databaseUrl")) process.env.DATABASE_URL = inject("databaseUrl");
// ... and its S3 storage (a prefix of its own in the test bucket), else local disk in the data dir.
Object.assign(process.env, inject("storageEnv"));
