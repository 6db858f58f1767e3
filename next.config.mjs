/** Headers on every answer (pages, API, assets); pages get their nonce CSP from proxy.ts. */
const staticSecurityHeaders = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  // For browsers without CSP frame-ancestors.
  { key: "X-Frame-Options", value: "DENY" },
];

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  // Separate build dirs let tests and a dev server run side by side.
  distDir: process.env.FOLIO_NEXT_DIST || ".next",
  poweredByHeader: false,
  // Server-only packages that must not be bundled (native bindings, worker files, the Prisma client's wasm).
  serverExternalPackages: ["@libsql/client", "@prisma/adapter-libsql", "libsql", "pdfjs-dist", "busboy", "tesseract.js", "@napi-rs/canvas"],
  async headers() {
    return [
      { source: "/:path*", headers: staticSecurityHeaders },
      // JSON and file answers: nothing in them may run, load or be framed.
      { source: "/api/:path((?!auth/).*)", headers: [{ key: "Content-Security-Policy", value: "default-src 'none'; frame-ancestors 'none'" }] },
      // next-auth's own fallback pages (error, sign-out confirmation) are plain HTML with an inline <style>.
      {
        source: "/api/auth/:path*",
        headers: [{ key: "Content-Security-Policy", value: "default-src 'self'; script-src 'none'; style-src 'unsafe-inline'; img-src 'self' data: https:; frame-ancestors 'none'; form-action 'self'" }],
      },
      // HSTS for the API when a TLS-terminating proxy says so (pages get it from proxy.ts).
      {
        source: "/api/:path*",
        has: [{ type: "header", key: "x-forwarded-proto", value: "https" }],
        headers: [{ key: "Strict-Transport-Security", value: "max-age=31536000; includeSubDomains" }],
      },
    ];
  },
  experimental: {
    // Uploads are streamed by our route handler; keep Next's own proxy buffer out of the way.
    proxyClientMaxBodySize: "1gb",
  },
};

export default nextConfig;
