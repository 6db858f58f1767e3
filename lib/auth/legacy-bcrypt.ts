import { Worker } from "node:worker_threads";
import { resolvePackage } from "@/lib/runtime/resolve-package";

/**
 * Verifies legacy bcrypt hashes (accounts created before scrypt) in a worker thread: bcryptjs is
 * pure JavaScript, and a cost-12 compare (~0.3 s of CPU) on the event loop stalled every other
 * request. One lazily started worker is enough: legacy hashes are rehashed on the first
 * successful sign-in, and failed attempts are throttled.
 *
 * The worker's source is a string (`eval: true`) so the Next bundler leaves it alone; it loads
 * bcryptjs from node_modules by absolute path.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const bcrypt = require(workerData.bcryptPath);
parentPort.on("message", ({ id, password, hash }) => {
  let ok = false;
  try { ok = bcrypt.compareSync(password, hash); } catch { ok = false; }
  parentPort.postMessage({ id, ok });
});
`;

type Pending = { resolve: (ok: boolean) => void; reject: (err: Error) => void };
let worker: Worker | undefined;
let nextId = 0;
const pending = new Map<number, Pending>();

function getWorker(): Worker {
  if (worker) return worker;
  const bcryptPath = resolvePackage("bcryptjs");
  const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { bcryptPath } });
  w.unref();
  w.on("message", ({ id, ok }: { id: number; ok: boolean }) => {
    pending.get(id)?.resolve(ok);
    pending.delete(id);
  });
  const fail = (err: Error) => {
    for (const p of pending.values()) p.reject(err);
    pending.clear();
    if (worker === w) worker = undefined;
  };
  w.on("error", fail);
  w.on("exit", (code) => fail(new Error(`bcrypt worker exited (${code})`)));
  worker = w;
  return w;
}

export function isBcryptHash(hash: string): boolean {
  return /^\$2[abxy]\$\d\d\$/.test(hash);
}

/** bcrypt.compare off the main thread. */
export function verifyBcrypt(password: string, hash: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const id = nextId++;
    pending.set(id, { resolve, reject });
    getWorker().postMessage({ id, password, hash });
  });
}
