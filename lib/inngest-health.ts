/** Where the app's Inngest server is, per the SDK's own environment variables. */
export function inngestServerOrigin(): string | null {
  const base = process.env.INNGEST_BASE_URL;
  if (base) return base;
  const dev = process.env.INNGEST_DEV;
  if (!dev || dev === "0" || dev === "false") return null;
  return /^https?:\/\//.test(dev) ? dev : "http://localhost:8288";
}

/** Whether the Inngest server (bundled runner, dev server or self-hosted) answers. Cloud is assumed up. */
export async function runnerHealth(): Promise<{ url: string | null; reachable: boolean | null }> {
  const url = inngestServerOrigin();
  if (!url) return { url: null, reachable: null };
  try {
    const res = await fetch(new URL("/health", url), { signal: AbortSignal.timeout(500) });
    return { url, reachable: res.status < 500 };
  } catch {
    return { url, reachable: false };
  }
}
