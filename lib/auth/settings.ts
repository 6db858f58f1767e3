import { z } from "zod";

const seconds = (def: number) => z.coerce.number().positive().default(def);
const count = (def: number) => z.coerce.number().int().positive().default(def);

const schema = z.object({
  FOLIO_SIGNUP: z.enum(["open", "approval", "invite", "closed"]).optional(),
  FOLIO_ALLOW_SIGNUP: z.string().optional(),
  FOLIO_TRUST_PROXY: z.string().optional(),
  FOLIO_SIGNIN_MAX_FAILURES: count(5),
  FOLIO_SIGNIN_IP_MAX_FAILURES: count(50),
  FOLIO_SIGNIN_WINDOW_SECONDS: seconds(15 * 60),
  FOLIO_SIGNIN_LOCK_SECONDS: seconds(60),
  FOLIO_SIGNIN_MAX_LOCK_SECONDS: seconds(60 * 60),
  FOLIO_SIGNUPS_PER_IP: count(20),
  FOLIO_SIGNUP_WINDOW_SECONDS: seconds(60 * 60),
  FOLIO_INVITE_TTL_HOURS: seconds(7 * 24),
});

/** A throttle: `max` hits within `windowMs` of the last one lock the key for `lockMs`, doubling per further hit up to `maxLockMs`. */
export type ThrottlePolicy = { max: number; windowMs: number; lockMs: number; maxLockMs: number };

export type SignupMode = "open" | "approval" | "invite" | "closed";

export type AuthSettings = {
  signupMode: SignupMode;
  /** How many proxies in front of the app append to X-Forwarded-For (0: trust none). */
  trustedProxies: number;
  signinAccount: ThrottlePolicy;
  signinIp: ThrottlePolicy;
  signupIp: ThrottlePolicy;
  inviteTtlMs: number;
};

/** Sign-in/sign-up settings from the environment, read on each call (cheap; tests change env). */
export function getAuthSettings(env: NodeJS.ProcessEnv = process.env): AuthSettings {
  const e = schema.parse(env);
  const lockMs = e.FOLIO_SIGNIN_LOCK_SECONDS * 1000;
  const maxLockMs = Math.max(lockMs, e.FOLIO_SIGNIN_MAX_LOCK_SECONDS * 1000);
  const windowMs = e.FOLIO_SIGNIN_WINDOW_SECONDS * 1000;
  const signupWindowMs = e.FOLIO_SIGNUP_WINDOW_SECONDS * 1000;
  const trust = e.FOLIO_TRUST_PROXY?.trim().toLowerCase();
  const trustedProxies = !trust || trust === "0" || trust === "false" ? 0 : trust === "true" ? 1 : Math.max(0, Math.floor(Number(trust)) || 0);
  return {
    signupMode: e.FOLIO_SIGNUP ?? (e.FOLIO_ALLOW_SIGNUP === "false" ? "closed" : "open"),
    trustedProxies,
    signinAccount: { max: e.FOLIO_SIGNIN_MAX_FAILURES, windowMs, lockMs, maxLockMs },
    signinIp: { max: e.FOLIO_SIGNIN_IP_MAX_FAILURES, windowMs, lockMs, maxLockMs },
    signupIp: { max: e.FOLIO_SIGNUPS_PER_IP, windowMs: signupWindowMs, lockMs: signupWindowMs, maxLockMs: signupWindowMs },
    inviteTtlMs: e.FOLIO_INVITE_TTL_HOURS * 3600 * 1000,
  };
}

type HeaderBag = Headers | Record<string, string | string[] | undefined>;
function header(h: HeaderBag, name: string): string | undefined {
  if (h instanceof Headers) return h.get(name) ?? undefined;
  const v = h[name];
  return Array.isArray(v) ? v.join(",") : v;
}

/**
 * The client address used as a throttle key. Only with FOLIO_TRUST_PROXY=<n> (n proxies we run
 * append to X-Forwarded-For) is the header believed: the n-th entry from the right is the address
 * our outermost proxy saw. Otherwise the header is the client's to forge (Next only fills it in
 * from the socket when it is absent, and does not expose the socket otherwise), so every client
 * shares one constant key and the per-IP limits act as global ones.
 */
export function clientIp(headers: HeaderBag, settings: Pick<AuthSettings, "trustedProxies"> = getAuthSettings()): string {
  if (settings.trustedProxies < 1) return "direct";
  const list = (header(headers, "x-forwarded-for") ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  return list[list.length - settings.trustedProxies] ?? list[0] ?? "direct";
}
