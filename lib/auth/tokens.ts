import crypto from "node:crypto";
import { db } from "@/lib/db";

const PREFIX = "folio_";

export function hashToken(token: string): string {
  return crypto.createHash("sha256").update(token).digest("hex");
}

/** Creates a personal API token; the secret is returned once and only its hash is stored. */
export async function createApiToken(userId: string, name = "cli", ttlDays?: number) {
  const secret = PREFIX + crypto.randomBytes(24).toString("base64url");
  const row = await db.apiToken.create({
    data: {
      userId,
      name,
      prefix: secret.slice(0, PREFIX.length + 6),
      tokenHash: hashToken(secret),
      expiresAt: ttlDays ? new Date(Date.now() + ttlDays * 86_400_000) : null,
    },
  });
  return { token: secret, id: row.id, prefix: row.prefix, expiresAt: row.expiresAt };
}

export type TokenCheck =
  | { ok: true; userId: string }
  | { ok: false; reason: "unknown" | "revoked" | "expired" };

export async function verifyApiToken(token: string): Promise<TokenCheck> {
  const row = await db.apiToken.findUnique({ where: { tokenHash: hashToken(token) } });
  if (!row) return { ok: false, reason: "unknown" };
  if (row.revokedAt) return { ok: false, reason: "revoked" };
  if (row.expiresAt && row.expiresAt.getTime() <= Date.now()) return { ok: false, reason: "expired" };
  // Best effort, not awaited on the hot path's critical section.
  void db.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date() } }).catch(() => undefined);
  return { ok: true, userId: row.userId };
}

export async function revokeApiToken(userId: string, id: string): Promise<boolean> {
  const res = await db.apiToken.updateMany({ where: { id, userId, revokedAt: null }, data: { revokedAt: new Date() } });
  return res.count > 0;
}

export function listApiTokens(userId: string) {
  return db.apiToken.findMany({
    where: { userId },
    orderBy: { createdAt: "desc" },
    select: { id: true, name: true, prefix: true, createdAt: true, lastUsedAt: true, expiresAt: true, revokedAt: true },
  });
}
