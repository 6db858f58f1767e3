import { describe, expect, it } from "vitest";
import { newNonce, pageCsp, servedOverHttps } from "@/lib/http/security-headers";

describe("page CSP", () => {
  it("uses a fresh 128-bit nonce each time", () => {
    const a = newNonce();
    expect(Buffer.from(a, "base64")).toHaveLength(16);
    expect(newNonce()).not.toBe(a);
  });

  it("allows only nonced scripts, no eval, no framing in production", () => {
    const csp = pageCsp("abc", { dev: false, https: false });
    expect(csp).toContain("script-src 'self' 'nonce-abc' 'strict-dynamic'");
    expect(csp).not.toContain("unsafe-eval");
    expect(csp).toContain("style-src 'self' 'nonce-abc'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain("upgrade-insecure-requests");
    expect(pageCsp("abc", { dev: false, https: true })).toContain("upgrade-insecure-requests");
    expect(pageCsp("abc", { dev: true, https: false })).toContain("'unsafe-eval'");
  });

  it("detects https from NEXTAUTH_URL, the URL or X-Forwarded-Proto", () => {
    const h = (o: Record<string, string> = {}) => new Headers(o);
    expect(servedOverHttps({ url: "http://x/", headers: h() }, "https://folio.example")).toBe(true);
    expect(servedOverHttps({ url: "https://x/", headers: h() }, undefined)).toBe(true);
    expect(servedOverHttps({ url: "http://x/", headers: h({ "x-forwarded-proto": "https, http" }) }, undefined)).toBe(true);
    expect(servedOverHttps({ url: "http://x/", headers: h() }, "http://localhost:3000")).toBe(false);
  });
});
