/**
 * Security headers. Pages get a per-request nonce-based Content-Security-Policy from `proxy.ts`;
 * the static headers (nosniff, Referrer-Policy, X-Frame-Options, the API's CSP) come from
 * next.config.mjs `headers()`, so the polled API routes never run the proxy.
 */

/** 128 random bits, base64: the CSP nonce of one page response. */
export function newNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
}

/**
 * The page CSP. Scripts: only those carrying this response's nonce ('strict-dynamic' lets Next's
 * nonced loader pull in its chunks); 'self' is a fallback for browsers without CSP3. Styles: style
 * elements need the nonce; style attributes stay allowed ('unsafe-inline' in style-src-attr only)
 * because React renders a few computed inline styles (progress bar width, grid columns), and
 * nonces cannot apply to attributes. In development React needs eval and the dev server injects
 * un-nonced styles, so both are relaxed there.
 */
export function pageCsp(nonce: string, opts: { dev: boolean; https: boolean }): string {
  const directives = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${opts.dev ? " 'unsafe-eval'" : ""}`,
    opts.dev ? "style-src 'self' 'unsafe-inline'" : `style-src 'self' 'nonce-${nonce}'`,
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' blob: data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ];
  // Only over https: on plain http (e.g. http://192.168.1.20:3000) it would break every asset.
  if (opts.https) directives.push("upgrade-insecure-requests");
  return directives.join("; ");
}

/** HSTS, sent only when the app is served over https. */
export const HSTS_VALUE = "max-age=31536000; includeSubDomains";

/**
 * Whether this request reached the app over https: NEXTAUTH_URL is https, the request URL is, or a
 * reverse proxy says so with X-Forwarded-Proto (browsers ignore HSTS received over plain http, so a
 * spoofed header cannot do harm).
 */
export function servedOverHttps(req: { url: string; headers: Headers }, nextAuthUrl = process.env.NEXTAUTH_URL): boolean {
  if (nextAuthUrl?.startsWith("https:")) return true;
  if (req.url.startsWith("https:")) return true;
  return req.headers.get("x-forwarded-proto")?.split(",")[0]?.trim().toLowerCase() === "https";
}
