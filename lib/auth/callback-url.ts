/**
 * Where to send the browser after sign-in. Pure (no server imports): used by the sign-in page,
 * its client form and next-auth's `redirect` callback.
 */

export const DEFAULT_AFTER_SIGNIN = "/upload";

const PLACEHOLDER_BASE = "http://folio.invalid";
// C0 controls, DEL, C1 controls and every Unicode space/line separator: browsers strip or fold
// some of them (tab, CR, LF) before parsing, which turns "/\t/evil" into "//evil".
const CONTROL_OR_SPACE = /[\u0000-\u0020\u007f-\u00a0\u1680\u180e\u2000-\u200f\u2028\u2029\u202f\u205f\u2060\u3000\ufeff]/;

function fullyDecoded(raw: string): string | null {
  let s = raw;
  // Decode until stable (a few rounds at most) so "%252F%252F" cannot hide a "//".
  for (let i = 0; i < 3; i++) {
    let next: string;
    try {
      next = decodeURIComponent(s);
    } catch {
      return null;
    }
    if (next === s) return s;
    s = next;
  }
  return s;
}

/**
 * `raw` if it is a same-origin relative path, normalised; else `fallback`. The rule: starts with a
 * single `/` (not `//` nor `/\`), no backslash, control character or whitespace in it before or after
 * decoding, and `new URL(raw, base)` keeps the base's origin. Never throws.
 */
export function safeCallbackPath(raw: unknown, fallback = DEFAULT_AFTER_SIGNIN): string {
  if (typeof raw !== "string" || raw.length === 0 || raw.length > 2048) return fallback;
  const decoded = fullyDecoded(raw);
  if (decoded === null) return fallback;
  for (const s of [raw, decoded]) {
    if (!s.startsWith("/") || s.startsWith("//") || s.includes("\\") || CONTROL_OR_SPACE.test(s)) return fallback;
  }
  let url: URL;
  try {
    url = new URL(raw, PLACEHOLDER_BASE);
  } catch {
    return fallback;
  }
  if (url.origin !== PLACEHOLDER_BASE) return fallback;
  return `${url.pathname}${url.search}${url.hash}`;
}

/**
 * next-auth's `redirect` callback rule: `url` (relative, or absolute on `baseUrl`'s origin) becomes
 * `baseUrl` + its safe path; anything else goes to `baseUrl` + the default page.
 */
export function safeRedirectUrl(url: string, baseUrl: string): string {
  let base: URL;
  try {
    base = new URL(baseUrl);
  } catch {
    return DEFAULT_AFTER_SIGNIN;
  }
  let path: string = DEFAULT_AFTER_SIGNIN;
  if (url.startsWith("/")) path = safeCallbackPath(url);
  else {
    try {
      const u = new URL(url);
      if (u.origin === base.origin) path = safeCallbackPath(`${u.pathname}${u.search}${u.hash}`);
    } catch {
      // not a URL: default page
    }
  }
  return `${base.origin}${path}`;
}
