/**
 * `npm run test:distributed`: the integration, pipeline and security suites against PostgreSQL
 * (Debian's server) and S3-compatible storage (Ceph's RADOS Gateway on a one-node in-memory
 * cluster), both started in temporary directories and stopped by their pids at the end
 * (scripts/lib/distributed-backend.ts), the app in signed Inngest mode as always. Each app or
 * Stack of the suites gets its own database, copied from a template migrated once with the real
 * CLI, and its own prefix in one bucket (tests/helpers/database.ts).
 * Extra arguments go to vitest (e.g. a file filter). Exits with vitest's status.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { startDistributedBackend } from "./lib/distributed-backend";

const SUITES = ["tests/integration", "tests/pipeline", "tests/security"];

async function run(): Promise<number> {
  let backend;
  try {
    backend = await startDistributedBackend();
  } catch (err) {
    console.error(`test:distributed: ${(err as Error).message}`);
    return 1;
  }
  const stop = backend.stop;
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    process.once(sig, () => {
      stop();
      process.exit(130);
    });
  }
  try {
    const root = path.resolve(__dirname, "..");
    const args = process.argv.slice(2);
    const vitest = spawnSync(path.join(root, "node_modules", ".bin", "vitest"), ["run", ...(args.length ? args : SUITES)], {
      cwd: root,
      env: { ...process.env, ...backend.env },
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
