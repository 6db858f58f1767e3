import crypto from "node:crypto";
import { promisify } from "node:util";
import { Semaphore } from "@/lib/concurrency/semaphore";
import { isBcryptHash, verifyBcrypt } from "@/lib/auth/legacy-bcrypt";

/**
 * Password hashes: scrypt (node:crypto), which runs on libuv's thread pool, not on the event loop.
 * Stored self-describing as `$scrypt$N=<n>,r=<r>,p=<p>$<salt b64>$<key b64>` so the cost can be
 * raised later (hashes with other parameters are re-hashed at sign-in, see `needsRehash`).
 * N=2^15, r=8, p=2: 32 MiB per hash, about the work of OWASP's N=2^16/p=1 at half the memory.
 * Legacy bcrypt hashes ($2a$/$2b$) still verify, in a worker thread (legacy-bcrypt.ts).
 */
const PARAMS = { N: 2 ** 15, r: 8, p: 2 } as const;
const KEY_LEN = 32;
const SALT_LEN = 16;
const MAXMEM = 128 * PARAMS.N * PARAMS.r * 2;

const scrypt = promisify(crypto.scrypt) as (pw: string, salt: Buffer, len: number, opts: crypto.ScryptOptions) => Promise<Buffer>;

/**
 * At most two hashes at once: libuv's pool has 4 threads, also used by fs and dns, and a flood of
 * sign-ins must not take them all (nor 4 x 32 MiB).
 */
const slots = new Semaphore(2);
async function derive(password: string, salt: Buffer, params: { N: number; r: number; p: number }): Promise<Buffer> {
  const release = await slots.acquire();
  try {
    return await scrypt(password.normalize("NFKC"), salt, KEY_LEN, { ...params, maxmem: Math.max(MAXMEM, 128 * params.N * params.r * 2) });
  } finally {
    release();
  }
}

export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.randomBytes(SALT_LEN);
  const key = await derive(password, salt, PARAMS);
  return `$scrypt$N=${PARAMS.N},r=${PARAMS.r},p=${PARAMS.p}$${salt.toString("base64")}$${key.toString("base64")}`;
}

const SCRYPT_RE = /^\$scrypt\$N=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/;

export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  const m = SCRYPT_RE.exec(hash);
  if (m) {
    const [N, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const expected = Buffer.from(m[5], "base64");
    const key = await derive(password, Buffer.from(m[4], "base64"), { N, r, p });
    return key.length === expected.length && crypto.timingSafeEqual(key, expected);
  }
  if (isBcryptHash(hash)) return verifyBcrypt(password, hash);
  return false;
}

/** True for hashes not made with the current scheme and parameters (legacy bcrypt, older scrypt cost). */
export function needsRehash(hash: string): boolean {
  const m = SCRYPT_RE.exec(hash);
  return !m || Number(m[1]) !== PARAMS.N || Number(m[2]) !== PARAMS.r || Number(m[3]) !== PARAMS.p;
}

let dummy: Promise<string> | undefined;
/** A hash of a random secret, made with the current parameters: unknown emails are checked against it. */
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword(crypto.randomBytes(16).toString("hex"));
  return dummy;
}

/**
 * Checks a password against the account's hash, or against the dummy hash when there is no account
 * (or no password on it), so both cases cost one full hash and timing does not tell them apart.
 */
export async function verifyOrDummy(
  password: string,
  hash: string | null | undefined,
  verify: (password: string, hash: string) => Promise<boolean> = verifyPassword,
): Promise<boolean> {
  if (!hash) {
    await verify(password, await dummyHash());
    return false;
  }
  return verify(password, hash);
}
