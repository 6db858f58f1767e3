/**
 * PostgreSQL and Ceph's S3 gateway for `npm run test:distributed` and the benches'
 * FOLIO_BENCH_BACKEND=distributed: both started in temporary directories, a template database
 * migrated once with the real CLI (prisma/postgres/migrations), a bucket made. The returned env
 * (FOLIO_TEST_PG_URL, FOLIO_TEST_PG_TEMPLATE, FOLIO_TEST_S3_*) makes every app and Stack started
 * through tests/helpers get its own database copy and bucket prefix (tests/helpers/database.ts).
 * stop() stops both by their pids.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { PgServer, pgBinDir } from "./pg-server";
import { RgwServer, rgwAvailable } from "./rgw-server";

export type DistributedBackend = { env: Record<string, string>; stop(): void };

export async function startDistributedBackend(log: (line: string) => void = console.log): Promise<DistributedBackend> {
  const bin = pgBinDir();
  if (!bin) throw new Error("needs PostgreSQL's server (Debian: apt-get install postgresql); .ci/run installs it");
  if (!rgwAvailable()) throw new Error("needs Ceph's S3 gateway (Debian: apt-get install radosgw ceph-mon ceph-osd); .ci/run installs it");
  const pgServer = new PgServer(bin);
  const rgw = new RgwServer();
  const stop = () => {
    for (const [name, s] of [["PostgreSQL", pgServer], ["radosgw", rgw]] as const) {
      try {
        s.stop();
      } catch (err) {
        console.error(`stopping ${name}: ${(err as Error).message}`);
      }
    }
  };
  try {
    await pgServer.start();
    log(`PostgreSQL on ${pgServer.host}:${pgServer.port} (data in ${pgServer.dir})`);
    await rgw.start();
    await rgw.createBucket("folio-test");
    log(`radosgw on ${rgw.endpoint} (data in ${rgw.dir})`);
    const template = pgServer.createDatabase("folio_template");
    const root = path.resolve(__dirname, "..", "..");
    const migrate = spawnSync(process.execPath, [path.join(root, "node_modules", "prisma", "build", "index.js"), "migrate", "deploy"], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: template },
      stdio: process.env.FOLIO_QUIET ? "ignore" : "inherit",
    });
    if (migrate.status !== 0) throw new Error(`prisma migrate deploy failed on PostgreSQL (${migrate.status})`);
  } catch (err) {
    stop();
    throw err;
  }
  return {
    env: {
      FOLIO_TEST_PG_URL: pgServer.url("postgres"),
      FOLIO_TEST_PG_TEMPLATE: "folio_template",
      FOLIO_TEST_S3_ENDPOINT: rgw.endpoint,
      FOLIO_TEST_S3_BUCKET: "folio-test",
      FOLIO_TEST_S3_REGION: rgw.region,
      FOLIO_TEST_S3_ACCESS_KEY_ID: rgw.accessKey,
      FOLIO_TEST_S3_SECRET_ACCESS_KEY: rgw.secretKey,
    },
    stop,
  };
}
