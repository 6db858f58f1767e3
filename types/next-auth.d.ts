import "next-auth";
import "next-auth/jwt";

declare module "next-auth" {
  interface Session {
    user: { id: string; role: "USER" | "ADMIN"; email?: string | null; name?: string | null; image?: string | null };
  }
  interface User {
    role?: "USER" | "ADMIN";
    sessionVersion?: number;
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    role?: "USER" | "ADMIN";
    /** The user's sessionVersion when this session was issued (sign-out and role changes bump it). */
    sv?: number;
  }
}
