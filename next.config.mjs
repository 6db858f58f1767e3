/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  // Separate build dirs let tests and a dev server run side by side.
  distDir: process.env.FOLIO_NEXT_DIST || ".next",
  poweredByHeader: false,
  // Server-only packages that must not be bundled (native bindings, worker files, the Prisma client's wasm).
  serverExternalPackages: ["@libsql/client", "@prisma/adapter-libsql", "libsql", "pdfjs-dist", "busboy"],
  experimental: {
    // Uploads are streamed by our route handler; keep Next's own proxy buffer out of the way.
    proxyClientMaxBodySize: "1gb",
  },
};

export default nextConfig;
