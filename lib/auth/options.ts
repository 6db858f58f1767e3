import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import GitHubProvider from "next-auth/providers/github";
import GoogleProvider from "next-auth/providers/google";
import { db } from "@/lib/db";
import { ensureAuthSecret } from "@/lib/auth/secret";
import { safeRedirectUrl } from "@/lib/auth/callback-url";
import { PENDING_APPROVAL, authorizeCredentials, findSessionUser } from "@/lib/auth/credentials";
import { getAuthSettings } from "@/lib/auth/settings";
import { credentialsSchema, endSessions } from "@/lib/users";

/** Thrown by the jwt callback for a session that was signed out, demoted or whose user is gone. */
const SESSION_ENDED = "SESSION_ENDED";

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
        async authorize(raw, req) {
          const parsed = credentialsSchema.pick({ email: true, password: true }).safeParse(raw ?? {});
          if (!parsed.success) return null;
          return authorizeCredentials(parsed.data.email, parsed.data.password, req?.headers ?? {});
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
        let local = await db.user.findUnique({ where: { email } });
        if (!local) {
          // A first OAuth sign-in is a sign-up: FOLIO_SIGNUP applies (invite codes only go through the form).
          const mode = getAuthSettings().signupMode;
          if (mode === "closed" || mode === "invite") return "/signin?error=SignupDisabled";
          local = await db.user.create({ data: { email, name: user.name ?? null, image: user.image ?? null, approved: mode !== "approval" } });
        }
        await db.account.upsert({
          where: { provider_providerAccountId: { provider: account.provider, providerAccountId: account.providerAccountId } },
          update: {},
          create: { userId: local.id, type: account.type, provider: account.provider, providerAccountId: account.providerAccountId },
        });
        user.id = local.id;
        if (!local.approved) return `/signin?error=${PENDING_APPROVAL}`;
        return true;
      },
      async jwt({ token, user }) {
        if (user) {
          const row = await db.user.findUnique({ where: { id: user.id }, select: { id: true, role: true, sessionVersion: true } });
          token.sub = row?.id ?? user.id;
          token.role = row?.role ?? "USER";
          token.sv = row?.sessionVersion ?? 0;
          return token;
        }
        // Every later use (/api/auth/session, getServerSession in pages): the session must still be
        // current, and the role is the user's role now, not the one at sign-in. Throwing makes
        // next-auth answer `{}` (and getServerSession null) and clear the cookie.
        const sv = typeof token.sv === "number" ? token.sv : 0;
        const current = token.sub ? await findSessionUser(token.sub, sv) : null;
        if (!current || !current.approved || current.sessionVersion !== sv) {
          throw new Error(SESSION_ENDED);
        }
        token.role = current.role;
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
    events: {
      // Sign-out ends all of the user's browser sessions (the JWT cannot be revoked on its own).
      async signOut({ token }) {
        if (token?.sub) await endSessions(token.sub);
      },
    },
    logger: {
      error(code, metadata) {
        // An ended session is expected, not an error worth a stack trace on every poll.
        const message = metadata instanceof Error ? metadata.message : (metadata as { message?: unknown } | undefined)?.message;
        if (code === "JWT_SESSION_ERROR" && message === SESSION_ENDED) return;
        console.error(`[next-auth][error][${code}]`, metadata);
      },
      warn(code) {
        console.warn(`[next-auth][warn][${code}]`);
      },
      debug() {},
    },
  };
}
