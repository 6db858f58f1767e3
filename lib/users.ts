import { z } from "zod";
import { db } from "@/lib/db";
import { hashPassword } from "@/lib/auth/password";
import { ApiError } from "@/lib/http/errors";
import { getConfig } from "@/lib/config";
import { Prisma } from "@/lib/generated/prisma/client";

export const credentialsSchema = z.object({
  email: z.string().trim().toLowerCase().pipe(z.email({ message: "Enter a valid email address." })),
  password: z.string().min(8, "Password must be at least 8 characters.").max(200, "Password is too long."),
  name: z.string().trim().max(100).optional(),
});

export type NewUser = z.input<typeof credentialsSchema> & { role?: "USER" | "ADMIN" };

export type CreateOptions = {
  /** False: the account waits for an admin (FOLIO_SIGNUP=approval): no sign-in, no credits yet. */
  approved?: boolean;
  /** Runs inside the creating transaction (e.g. consuming an invitation); throwing undoes the account. */
  inTransaction?: (tx: Prisma.TransactionClient, userId: string) => Promise<void>;
};

/**
 * Refuses an easily guessed password with 400 WEAK_PASSWORD and zxcvbn's feedback. The checker and
 * its dictionaries (~1-2 s to load and build) are imported on first use, so scripts that import
 * this module without creating users do not pay for them.
 */
export async function assertStrongPassword(password: string, userInputs: string[] = []): Promise<void> {
  const { passwordStrength, weakPasswordMessage } = await import("@/lib/auth/strength");
  const s = passwordStrength(password, userInputs);
  if (!s.ok) {
    throw new ApiError(400, "WEAK_PASSWORD", weakPasswordMessage(s), {}, { score: s.score, warning: s.warning, suggestions: s.suggestions });
  }
}

/** The welcome grant (FOLIO_DEFAULT_CREDITS), given at creation or at approval. */
async function grantWelcome(tx: Prisma.TransactionClient, userId: string): Promise<void> {
  const credits = getConfig().defaultCredits;
  if (credits > 0) await tx.creditEntry.create({ data: { userId, kind: "GRANT", amount: credits, note: "welcome credits" } });
}

/**
 * Creates a user with a password hash (scrypt, lib/auth/password.ts) and the welcome credit grant.
 * The first account of a fresh installation becomes ADMIN (first-run sign-up) and is approved.
 * Every path that sets a password (sign-up, CLI, seeding) comes here, so all get the strength check.
 */
export async function createUser(input: NewUser, opts: CreateOptions = {}) {
  const { email, password, name } = credentialsSchema.parse(input);
  await assertStrongPassword(password, [email, name ?? ""]);
  const passwordHash = await hashPassword(password);
  try {
    return await db.$transaction(async (tx) => {
      const first = (await tx.user.count()) === 0;
      const approved = first || opts.approved !== false;
      const user = await tx.user.create({
        data: { email, name, passwordHash, role: input.role ?? (first ? "ADMIN" : "USER"), approved },
      });
      if (approved) await grantWelcome(tx, user.id);
      await opts.inTransaction?.(tx, user.id);
      return user;
    });
  } catch (err) {
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") {
      throw new ApiError(409, "EMAIL_TAKEN", "An account with this email already exists.");
    }
    throw err;
  }
}

/** Approves a pending account (FOLIO_SIGNUP=approval) and gives it the welcome credits. Idempotent. */
export async function approveUser(id: string) {
  return db.$transaction(async (tx) => {
    const claimed = await tx.user.updateMany({ where: { id, approved: false }, data: { approved: true } });
    if (claimed.count === 1) await grantWelcome(tx, id);
    const user = await tx.user.findUnique({ where: { id } });
    if (!user) throw new ApiError(404, "USER_NOT_FOUND", "No such user.");
    return user;
  });
}

/** Changes a role and ends the user's browser sessions, so no session keeps the old role. */
export async function setUserRole(id: string, role: "USER" | "ADMIN") {
  return db.user.update({ where: { id }, data: { role, sessionVersion: { increment: 1 } } });
}

/** Ends every browser session of a user (sign-out; API tokens are not affected). */
export async function endSessions(id: string): Promise<void> {
  await db.user.updateMany({ where: { id }, data: { sessionVersion: { increment: 1 } } });
}

export function publicUser(u: { id: string; email: string; name: string | null; role: string; createdAt: Date }) {
  return { id: u.id, email: u.email, name: u.name, role: u.role, createdAt: u.createdAt.toISOString() };
}
