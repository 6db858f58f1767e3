/** The Cookie header after a response's Set-Cookie lines, kept over `existing` (a plain jar, no vitest: the benches use it too). */
export function cookieHeader(setCookies: string[], existing = ""): string {
  const jar = new Map(existing.split("; ").filter(Boolean).map((c) => c.split("=", 2) as [string, string]));
  for (const sc of setCookies) {
    const [pair] = sc.split(";");
    const i = pair.indexOf("=");
    jar.set(pair.slice(0, i), pair.slice(i + 1));
  }
  return [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
}
