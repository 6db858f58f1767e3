import { inject } from "vitest";

// Test files that use lib/ directly talk to the same SQLite file and storage as the app under test.
process.env.FOLIO_DATA_DIR = inject("dataDir");
// Under test:distributed the app's PostgreSQL database (tests/helpers/database.ts), else its SQLite file.
if (inject("databaseUrl")) process.env.DATABASE_URL = inject("databaseUrl");
