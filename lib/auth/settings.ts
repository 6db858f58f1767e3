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
 * The client address used as a throttle key.
 * - FOLIO_TRUST_PROXY=<n> (n proxies we run append to X-Forwarded-For): the n-th entry from the
 *   right, the address our outermost proxy saw.
 * - Otherwise: the first entry. Next fills X-Forwarded-For in from the socket when a request has
 *   none, so an honest client is keyed by its real address; a client that sends the header itself
 *   chooses its key and so escapes the per-address limits (the per-account sign-in limits still
 *   hold). That is the lesser evil: one shared key for everyone would let 50 bad passwords lock
 *   every user out of sign-in. Behind a proxy, set FOLIO_TRUST_PROXY.
 */
export function clientIp(headers: HeaderBag, settings: Pick<AuthSettings, "trustedProxies"> = getAuthSettings()): string {
  const list = (header(headers, "x-forwarded-for") ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  if (settings.trustedProxies < 1) return list[0] ?? "direct";
  return list[list.length - settings.trustedProxies] ?? list[0] ?? "direct";
}
