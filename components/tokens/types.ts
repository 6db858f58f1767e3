export type ApiToken = {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
};

export type TokensResponse = { tokens: ApiToken[] };
export type CreatedToken = { token: string; id: string; prefix: string };

export const tokensQueryKey = ["tokens"] as const;

export function tokenState(t: ApiToken, now: number): "active" | "revoked" | "expired" {
  if (t.revokedAt) return "revoked";
  if (t.expiresAt && Date.parse(t.expiresAt) <= now) return "expired";
  return "active";
}
