/**
 * Replaces Node's live `process.env` with a plain object holding the same variables.
 *
 * Node's `process.env` is a host object: every read and every enumeration goes through C++
 * and libc's environment. The Inngest SDK enumerates it whole (`getProcessEnv`) several times
 * per request it handles, and a profile of the functions process under bench:pipeline put
 * 4.5% of that process's CPU there (467 ms of 10.4 s). A plain object answers the same reads in
 * JavaScript. Writes still work (`lib/auth/secret.ts` sets NEXTAUTH_SECRET) and child processes
 * still inherit it (spawn uses process.env when given no env); what a plain object does not do
 * is turn assigned values into strings or reach native code reading getenv(), and nothing in the
 * app relies on either after start-up.
 */
export function snapshotProcessEnv(): void {
  if (typeof process === "undefined" || !process.env || Object.getPrototypeOf(process.env) === Object.prototype) return;
  const plain: NodeJS.ProcessEnv = { ...process.env };
  process.env = plain;
}
