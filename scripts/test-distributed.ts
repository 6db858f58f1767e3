/**
 * `npm run test:distributed`: the integration, pipeline and security suites against PostgreSQL
 * (Debian's server, started here in a temporary directory, stopped by its pid at the end), the
 * app in signed Inngest mode as always. One template database is migrated with the real CLI
 * (`prisma migrate deploy`, prisma/postgres/migrations); every app and Stack of the suites gets
 * its own copy of it (tests/helpers/database.ts).
 * Extra arguments go to vitest (e.g. a file filter). Exits with vitest's status.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { PgServer, pgBinDir } from "./lib/pg-server";

const SUITES = ["tests/integration", "tests/pipeline", "tests/security"];

async function run(): Promise<number> {
  const bin = pgBinDir();
  if (!bin) {
    console.error("test:distributed needs PostgreSQL's server (Debian: apt-get install postgresql); .ci/run installs it.");
    return 1;
  }
  const server = new PgServer(bin);
  const stop = () => {
    try {
      server.stop();
    } catch (err) {
      console.error(`stopping PostgreSQL: ${(err as Error).message}`);
    }
  };
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    process.once(sig, () => {
      stop();
      process.exit(130);
    });
  }
  try {
    await server.start();
    console.log(`PostgreSQL on ${server.host}:${server.port} (data in ${server.dir})`);
    const template = server.createDatabase("folio_template");
    const root = path.resolve(__dirname, "..");
    const migrate = spawnSync(process.execPath, [path.join(root, "node_modules", "prisma", "build", "index.js"), "migrate", "deploy"], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: template },
      stdio: "inherit",
    });
    if (migrate.status !== 0) throw new Error(`prisma migrate deploy failed on PostgreSQL (${migrate.status})`);
    const args = process.argv.slice(2);
    const vitest = spawnSync(path.join(root, "node_modules", ".bin", "vitest"), ["run", ...(args.length ? args : SUITES)], {
      cwd: root,
      env: { ...process.env, FOLIO_TEST_PG_URL: server.url("postgres"), FOLIO_TEST_PG_TEMPLATE: "folio_template" },
      stdio: "inherit",
    });
    return vitest.status ?? 1;
  } finally {
    stop();
  }
}

run().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
