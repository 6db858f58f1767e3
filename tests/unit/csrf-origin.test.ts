import { describe, expect, it } from "vitest";
import { csrfRejection, ownOrigins } from "@/lib/http/origin";

function req(method: string, headers: Record<string, string>, url = "http://127.0.0.1:3000/api/tokens") {
  return { method, url, headers: new Headers(headers) };
}
const APP = "http://127.0.0.1:3000";

describe("csrfRejection", () => {
  it("lets safe methods through whatever their Origin", () => {
    for (const m of ["GET", "HEAD", "OPTIONS"]) expect(csrfRejection(req(m, { origin: "https://evil.example", host: "127.0.0.1:3000" }), APP)).toBeNull();
  });

  it.each(["POST", "PUT", "PATCH", "DELETE", "delete"])("refuses a foreign or opaque Origin on %s", (m) => {
    expect(csrfRejection(req(m, { origin: "https://evil.example", host: "127.0.0.1:3000" }), APP)).toMatch(/Cross-origin/);
    expect(csrfRejection(req(m, { origin: "null", host: "127.0.0.1:3000" }), APP)).toMatch(/null/);
    expect(csrfRejection(req(m, { origin: "garbage", host: "127.0.0.1:3000" }), APP)).toMatch(/Cross-origin/);
  });

  it("accepts the Host's origin, NEXTAUTH_URL's origin and a proxy's forwarded host/proto", () => {
    expect(csrfRejection(req("POST", { origin: APP, host: "127.0.0.1:3000" }), APP)).toBeNull();
    // npm start on 0.0.0.0, opened at a LAN address while NEXTAUTH_URL says localhost.
    expect(csrfRejection(req("POST", { origin: "http://192.168.1.20:3000", host: "192.168.1.20:3000" }), "http://localhost:3000")).toBeNull();
    // The configured public URL, whatever the Host (a proxy that rewrites it).
    expect(csrfRejection(req("POST", { origin: "https://folio.example.org", host: "10.0.0.5:3000" }), "https://folio.example.org/")).toBeNull();
    // TLS-terminating proxy passing the original host and scheme.
    expect(
      csrfRejection(req("POST", { origin: "https://folio.example.org", host: "127.0.0.1:3000", "x-forwarded-host": "folio.example.org", "x-forwarded-proto": "https" }), undefined),
    ).toBeNull();
  });

  it("refuses another port or scheme of the same host", () => {
    expect(csrfRejection(req("POST", { origin: "http://127.0.0.1:3001", host: "127.0.0.1:3000" }), APP)).not.toBeNull();
    expect(csrfRejection(req("POST", { origin: "https://127.0.0.1:3000", host: "127.0.0.1:3000" }), APP)).not.toBeNull();
  });

  it("falls back on Sec-Fetch-Site when Origin is absent", () => {
    expect(csrfRejection(req("POST", { "sec-fetch-site": "same-origin" }), APP)).toBeNull();
    for (const site of ["cross-site", "same-site", "none"]) expect(csrfRejection(req("POST", { "sec-fetch-site": site }), APP)).not.toBeNull();
  });

  it("lets non-browser clients (no Origin, no Sec-Fetch-Site) through", () => {
    expect(csrfRejection(req("POST", { "content-type": "application/json" }), APP)).toBeNull();
    expect(csrfRejection(req("DELETE", {}), APP)).toBeNull();
  });

  it("refuses the simple-request body types a cross-site form can send, even same-origin", () => {
    for (const type of ["text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded"]) {
      expect(csrfRejection(req("POST", { "content-type": type }), APP)).toMatch(/send JSON/);
      expect(csrfRejection(req("POST", { "content-type": type, origin: APP, host: "127.0.0.1:3000" }), APP)).toMatch(/send JSON/);
    }
    expect(csrfRejection(req("POST", { "content-type": "multipart/form-data; boundary=x", origin: APP, host: "127.0.0.1:3000" }), APP)).toBeNull();
  });
});

describe("ownOrigins", () => {
  it("lists NEXTAUTH_URL's origin and the addressed host", () => {
    expect([...ownOrigins(req("POST", { host: "192.168.1.20:3000" }), "http://localhost:3000/x")].sort()).toEqual(["http://192.168.1.20:3000", "http://localhost:3000"]);
  });
});
