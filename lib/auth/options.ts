import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import GitHubProvider from "next-auth/providers/github";
import GoogleProvider from "next-auth/providers/google";
import { db } from "@/lib/db";
import { verifyPassword } from "@/lib/auth/password";
import { ensureAuthSecret } from "@/lib/auth/secret";
import { credentialsSchema } from "@/lib/users";
import { safeRedirectUrl } from "@/lib/auth/callback-url";

function oauthProviders(): NextAuthOptions["providers"] {
  const list: NextAuthOptions["providers"] = [];
  if (process.env.GITHUB_ID && process.env.GITHUB_SECRET) {
    list.push(GitHubProvider({ clientId: process.env.GITHUB_ID, clientSecret: process.env.GITHUB_SECRET }));
  }
  if (process.env.GOOGLE_CLIENT_ID && process.env.GOOGLE_CLIENT_SECRET) {
    list.push(GoogleProvider({ clientId: process.env.GOOGLE_CLIENT_ID, clientSecret: process.env.GOOGLE_CLIENT_SECRET }));
  }
  return list;
}

export function enabledOAuthProviders(): { id: string; name: string }[] {
  return oauthProviders().map((p) => ({ id: p.id, name: p.name }));
}

export function getAuthOptions(): NextAuthOptions {
  return {
    secret: ensureAuthSecret(),
    session: { strategy: "jwt", maxAge: 30 * 24 * 3600 },
    pages: { signIn: "/signin" },
    providers: [
      CredentialsProvider({
        name: "Email and password",
        credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
        async authorize(raw) {
          const parsed = credentialsSchema.pick({ email: true, password: true }).safeParse(raw ?? {});
          if (!parsed.success) return null;
          const user = await db.user.findUnique({ where: { email: parsed.data.email } });
          if (!user?.passwordHash) return null;
          if (!(await verifyPassword(parsed.data.password, user.passwordHash))) return null;
          return { id: user.id, email: user.email, name: user.name, role: user.role };
        },
      }),
      ...oauthProviders(),
    ],
    callbacks: {
      // Open-redirect guard: only same-origin relative paths (lib/auth/callback-url.ts).
      redirect: ({ url, baseUrl }) => safeRedirectUrl(url, baseUrl),
      async signIn({ user, account }) {
        // OAuth sign-ins are linked to (or create) a local user by verified email.
        if (!account || account.type === "credentials") return true;
        if (!user.email) return false;
        const email = user.email.toLowerCase();
        const local =
          (await db.user.findUnique({ where: { email } })) ??
          (await db.user.create({ data: { email, name: user.name ?? null, image: user.image ?? null } }));
        await db.account.upsert({
          where: { provider_providerAccountId: { provider: account.provider, providerAccountId: account.providerAccountId } },
          update: {},
          create: { userId: local.id, type: account.type, provider: account.provider, providerAccountId: account.providerAccountId },
        });
        user.id = local.id;
        return true;
      },
      async jwt({ token, user }) {
        if (user) {
          const row = await db.user.findUnique({ where: { id: user.id }, select: { id: true, role: true } });
          token.sub = row?.id ?? user.id;
          token.role = row?.role ?? "USER";
        }
        return token;
      },
      async session({ session, token }) {
        if (session.user) {
          session.user.id = token.sub ?? "";
          session.user.role = (token.role as "USER" | "ADMIN" | undefined) ?? "USER";
        }
        return session;
      },
    },
  };
}
