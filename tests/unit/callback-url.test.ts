import { describe, expect, it } from "vitest";
import { safeCallbackPath, safeRedirectUrl } from "@/lib/auth/callback-url";

describe("safeCallbackPath", () => {
  it.each([
    "/\t/evil.example",
    "/%09/evil.example",
    "%2F%09%2Fevil.example",
    "//evil.example",
    "/\\evil.example",
    "/%5Cevil.example",
    "%2F%2Fevil.example",
    "/%2F/evil.example",
    "/%252F%252Fevil.example",
    "https://evil.example",
    "HTTPS://evil.example/upload",
    "javascript:alert(1)",
    "\n",
    "\r",
    "/\n/evil.example",
    "/\r/evil.example",
    "/%0A",
    "/%0d",
    " /upload",
    "/up load",
    "/\u2028x",
    "/%E0%A4%A", // malformed escape
    "upload",
    "",
    "/" + "a".repeat(3000),
  ])("refuses %j", (raw) => {
    expect(safeCallbackPath(raw)).toBe("/upload");
  });

  it("refuses non-strings and uses the given fallback", () => {
    expect(safeCallbackPath(undefined)).toBe("/upload");
    expect(safeCallbackPath(["/jobs"])).toBe("/upload");
    expect(safeCallbackPath("//x", "/jobs")).toBe("/jobs");
  });

  it.each([
    ["/upload", "/upload"],
    ["/jobs/abc123", "/jobs/abc123"],
    ["/jobs?page=2&pageSize=20", "/jobs?page=2&pageSize=20"],
    ["/jobs/abc/results#top", "/jobs/abc/results#top"],
    ["/signin?callbackUrl=%2Fupload", "/signin?callbackUrl=%2Fupload"],
    ["/a/../jobs", "/jobs"],
  ])("keeps the local path %j", (raw, expected) => {
    expect(safeCallbackPath(raw)).toBe(expected);
  });
});

describe("safeRedirectUrl (next-auth redirect callback)", () => {
  const base = "http://127.0.0.1:3000";
  it("keeps same-origin URLs and paths", () => {
    expect(safeRedirectUrl("/jobs", base)).toBe(`${base}/jobs`);
    expect(safeRedirectUrl(`${base}/jobs?page=2`, base)).toBe(`${base}/jobs?page=2`);
    expect(safeRedirectUrl(`${base}/signin?callbackUrl=%2Fupload`, base)).toBe(`${base}/signin?callbackUrl=%2Fupload`);
  });
  it.each(["https://evil.example/", "//evil.example", "/\t/evil.example", "javascript:alert(1)", "http://127.0.0.1:3001/jobs", `${base}//evil.example`, "not a url"])(
    "sends %j to the default page",
    (url) => {
      expect(safeRedirectUrl(url, base)).toBe(`${base}/upload`);
    },
  );
});
