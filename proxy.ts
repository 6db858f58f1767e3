import { NextResponse, type NextRequest } from "next/server";
import { HSTS_VALUE, newNonce, pageCsp, servedOverHttps } from "@/lib/http/security-headers";

/**
 * Next 16's proxy (formerly middleware), on pages only: a fresh CSP nonce per request. The CSP is
 * set on the request too, which is how Next finds the nonce and stamps it on its own scripts; the
 * nonce is also passed as `x-nonce` for server components that render a <Script>.
 */
export function proxy(req: NextRequest) {
  const nonce = newNonce();
  const https = servedOverHttps(req);
  const csp = pageCsp(nonce, { dev: process.env.NODE_ENV === "development", https });
  const requestHeaders = new Headers(req.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("content-security-policy", csp);
  const res = NextResponse.next({ request: { headers: requestHeaders } });
  res.headers.set("Content-Security-Policy", csp);
  if (https) res.headers.set("Strict-Transport-Security", HSTS_VALUE);
  return res;
}

export const config = {
  matcher: [
    {
      // Not the API (static headers from next.config.mjs, and the poll route stays cheap), nor
      // static assets; not link prefetches either (RSC payloads, no HTML to protect).
      source: "/((?!api/|_next/static/|_next/image|favicon\\.svg|favicon\\.ico).*)",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
