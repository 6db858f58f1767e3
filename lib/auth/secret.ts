import fs from "node:fs";
import path from "node:path";
import crypto from "node:crypto";
import { dataDir } from "@/lib/db/url";

/**
 * NEXTAUTH_SECRET, or a local one generated once and kept in ./data/.nextauth-secret,
 * so a fresh clone starts with no configuration.
 */
export function ensureAuthSecret(): string {
  if (process.env.NEXTAUTH_SECRET) return process.env.NEXTAUTH_SECRET;
  const file = path.join(dataDir(), ".nextauth-secret");
  try {
    const existing = fs.readFileSync(file, "utf8").trim();
    if (existing) return (process.env.NEXTAUTH_SECRET = existing);
  } catch {
    // not created yet
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const secret = crypto.randomBytes(32).toString("base64url");
  try {
    fs.writeFileSync(file, secret, { mode: 0o600, flag: "wx" });
  } catch {
    // another process won the race: use its secret
    return (process.env.NEXTAUTH_SECRET = fs.readFileSync(file, "utf8").trim());
  }
  return (process.env.NEXTAUTH_SECRET = secret);
}
