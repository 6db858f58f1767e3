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

/**
 * Creates a user with a bcrypt password hash and the welcome credit grant.
 * The first account of a fresh installation becomes ADMIN (first-run sign-up).
 */
export async function createUser(input: NewUser) {
  const { email, password, name } = credentialsSchema.parse(input);
  const passwordHash = await hashPassword(password);
  try {
    return await db.$transaction(async (tx) => {
      const first = (await tx.user.count()) === 0;
      const user = await tx.user.create({
        data: { email, name, passwordHash, role: input.role ?? (first ? "ADMIN" : "USER") },
      });
      const credits = getConfig().defaultCredits;
      if (credits > 0) {
        await tx.creditEntry.create({ data: { userId: user.id, kind: "GRANT", amount: credits, note: "welcome credits" } });
      }
      return user;
    });
  } catch (err) {
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") {
      throw new ApiError(409, "EMAIL_TAKEN", "An account with this email already exists.");
    }
    throw err;
  }
}

export function publicUser(u: { id: string; email: string; name: string | null; role: string; createdAt: Date }) {
  return { id: u.id, email: u.email, name: u.name, role: u.role, createdAt: u.createdAt.toISOString() };
}
