/**
 * A user and an API token for a bench, written straight into the database this process points
 * at (FOLIO_DATA_DIR or DATABASE_URL: set it before the first call). The lib modules are imported
 * here, late, so they read that setting.
 */
export async function benchAccount(
  email: string,
  opts: { role?: "USER" | "ADMIN"; password?: string; tokenName?: string } = {},
): Promise<{ id: string; email: string; password: string; token: string }> {
  const { createUser } = await import("../../lib/users");
  const { createApiToken } = await import("../../lib/auth/tokens");
  const password = opts.password ?? "bench-password";
  const user = await createUser({ email, password, role: opts.role });
  const { token } = await createApiToken(user.id, opts.tokenName ?? "bench");
  return { id: user.id, email: user.email, password, token };
}
