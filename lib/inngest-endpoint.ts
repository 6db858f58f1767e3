/**
 * Whether this app process answers Inngest calls at /api/inngest, and why not.
 * - A public web process answers 404 when a separate functions process serves the functions
 *   (`npm start` sets FOLIO_SERVE_FUNCTIONS=0 on the web process).
 * - In production, the SDK's dev mode (INNGEST_DEV: no signature checks) is refused unless
 *   FOLIO_INNGEST_UNSIGNED=1 says so explicitly (the start scripts allow that on loopback only);
 *   signed mode (INNGEST_SIGNING_KEY) is the way to serve functions on a network.
 */
export function inngestEndpointRefusal(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.FOLIO_SERVE_FUNCTIONS === "0") return "This process does not serve Inngest functions.";
  const dev = !!env.INNGEST_DEV && env.INNGEST_DEV !== "0" && env.INNGEST_DEV !== "false";
  if (dev && env.NODE_ENV === "production" && env.FOLIO_INNGEST_UNSIGNED !== "1") {
    return "Unsigned Inngest calls (INNGEST_DEV) are refused in production: set INNGEST_SIGNING_KEY, or FOLIO_INNGEST_UNSIGNED=1 on a loopback-only server.";
  }
  return null;
}
