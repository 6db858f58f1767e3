import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/**
 * The bundled runner's signing and event keys, generated once and kept in the data directory
 * (like the session secret), so `npm start` runs the SDK in signed mode with no configuration.
 * The signing key has Inngest's form (`signkey-<env>-<hex>`): the SDK hashes the hex part for
 * its Bearer token and HMACs requests with it.
 * @param {string} dataDir
 * @returns {{ signingKey: string, eventKey: string }}
 */
export function ensureInngestKeys(dataDir) {
  fs.mkdirSync(dataDir, { recursive: true });
  return {
    signingKey: keyFile(path.join(dataDir, ".inngest-signing-key"), () => `signkey-prod-${crypto.randomBytes(32).toString("hex")}`),
    eventKey: keyFile(path.join(dataDir, ".inngest-event-key"), () => crypto.randomBytes(32).toString("hex")),
  };
}

/** Fresh keys that are not stored (tests). */
export function newInngestKeys() {
  return { signingKey: `signkey-test-${crypto.randomBytes(32).toString("hex")}`, eventKey: crypto.randomBytes(32).toString("hex") };
}

/**
 * @param {string} file
 * @param {() => string} make
 * @returns {string}
 */
function keyFile(file, make) {
  try {
    const existing = fs.readFileSync(file, "utf8").trim();
    if (existing) return existing;
  } catch {
    // not created yet
  }
  const key = make();
  try {
    fs.writeFileSync(file, key, { mode: 0o600, flag: "wx" });
    return key;
  } catch {
    // another process wrote it first: use its key
    return fs.readFileSync(file, "utf8").trim();
  }
}
