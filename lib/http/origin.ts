import { ApiError } from "@/lib/http/errors";

/**
 * CSRF defence for cookie-authenticated API calls (Bearer-token calls never reach this: a
 * cross-site page cannot make a browser attach an Authorization header).
 *
 * A state-changing request (POST, PUT, PATCH, DELETE) that rides on the session cookie must come
 * from the app's own origin:
 * - `Origin` present: it must be one of the app's own origins (see `ownOrigins`); `Origin: null`
 *   (sandboxed frames, file://, cross-origin redirects) is refused.
 * - `Origin` absent but `Sec-Fetch-Site` present: it must be `same-origin`.
 * - neither header: not a browser (curl, the CLI, scripts holding a cookie) — allowed. Every
 *   current browser sends `Origin` on cross-origin POST/PUT/PATCH/DELETE (forms and fetch alike),
 *   and `Sec-Fetch-Site` on all requests, so a forged cross-site request always carries one of them.
 * - as a second layer, bodies of the "simple request" content types a cross-site form can send
 *   without a CORS preflight (text/plain, application/x-www-form-urlencoded) are refused: no API
 *   route accepts them (JSON routes parse JSON, the upload is multipart/form-data).
 */

const UNSAFE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const FORM_LIKE_TYPES = new Set(["text/plain", "application/x-www-form-urlencoded"]);

type RequestLike = { method: string; headers: Headers; url: string };

function originOf(raw: string | undefined | null): string | null {
  if (!raw) return null;
  try {
    const u = new URL(raw);
    return u.protocol === "http:" || u.protocol === "https:" ? u.origin : null;
  } catch {
    return null;
  }
}

/** First value of a possibly comma-separated forwarded header. */
function firstValue(v: string | null): string | null {
  const s = v?.split(",")[0]?.trim();
  return s ? s : null;
}

/**
 * The origins this request may legitimately come from: NEXTAUTH_URL's origin, and the host the
 * browser addressed (`Host`, or `X-Forwarded-Host` set by a reverse proxy) with the request's scheme
 * (`X-Forwarded-Proto` when a proxy terminates TLS). So `npm start` on 0.0.0.0 opened at
 * http://192.168.1.20:3000 accepts its own pages' requests. Trusting the X-Forwarded-* headers is
 * safe here: a cross-site page cannot set them (they are not CORS-safelisted, so the browser would
 * need a preflight this app never grants), and a non-browser client has no victim's cookie.
 */
export function ownOrigins(req: RequestLike, nextAuthUrl = process.env.NEXTAUTH_URL): Set<string> {
  const out = new Set<string>();
  const configured = originOf(nextAuthUrl);
  if (configured) out.add(configured);
  let scheme = "http";
  try {
    scheme = new URL(req.url).protocol.replace(":", "");
  } catch {
    // keep http
  }
  const proto = firstValue(req.headers.get("x-forwarded-proto"))?.toLowerCase();
  if (proto === "http" || proto === "https") scheme = proto;
  for (const host of [req.headers.get("host"), firstValue(req.headers.get("x-forwarded-host"))]) {
    const o = host ? originOf(`${scheme}://${host}`) : null;
    if (o) out.add(o);
  }
  return out;
}

/** Why this request must be refused as a possible CSRF, or null when it may go on. */
export function csrfRejection(req: RequestLike, nextAuthUrl = process.env.NEXTAUTH_URL): string | null {
  if (!UNSAFE_METHODS.has(req.method.toUpperCase())) return null;
  const origin = req.headers.get("origin");
  if (origin !== null) {
    if (origin.trim().toLowerCase() === "null") return "Requests from an opaque origin (Origin: null) are refused.";
    const o = originOf(origin.trim());
    if (!o || !ownOrigins(req, nextAuthUrl).has(o)) return "Cross-origin requests with the session cookie are refused.";
  } else {
    const site = req.headers.get("sec-fetch-site");
    if (site !== null && site.trim().toLowerCase() !== "same-origin") return "Cross-site requests with the session cookie are refused.";
  }
  const type = req.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
  if (type && FORM_LIKE_TYPES.has(type)) return `A ${type} body is not accepted with the session cookie; send JSON.`;
  return null;
}

/** Throws 403 CSRF_REJECTED for a state-changing cookie request that is not from the app's own origin. */
export function assertSameOrigin(req: RequestLike): void {
  const why = csrfRejection(req);
  if (why) throw new ApiError(403, "CSRF_REJECTED", why);
}
