import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { inject } from "vitest";
import { baseUrl } from "../helpers/client";

const ROOT = path.resolve(__dirname, "..", "..");

function folio(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(path.join(ROOT, "node_modules", ".bin", "tsx"), ["scripts/cli.ts", ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, FOLIO_DATA_DIR: inject("dataDir"), ...env },
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout.trim(), stderr: r.stderr };
}

describe("npm run folio", () => {
  const email = `cli-${Date.now()}@folio.test`;

  it("creates a user and a token that the running app accepts", () => {
    const created = folio(["user", "create", "--email", email, "--password", "cli-password-1"]);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(new RegExp(`\\tUSER\\t${email.replace(/[.]/g, "\\.")}$`));

    const token = folio(["token", "create", "--email", email]);
    expect(token.code).toBe(0);
    expect(token.stdout).toMatch(/^folio_[A-Za-z0-9_-]+$/);
    return fetch(`${baseUrl()}/api/me`, { headers: { authorization: `Bearer ${token.stdout}` } }).then(async (res) => {
      expect(res.status).toBe(200);
      expect(((await res.json()) as { user: { email: string } }).user.email).toBe(email);
    });
  });

  it("grants credits and reads the balance", () => {
    const before = Number(folio(["credits", "balance", "--email", email]).stdout);
    expect(folio(["credits", "grant", "--email", email, "--amount", "250"]).code).toBe(0);
    expect(Number(folio(["credits", "balance", "--email", email]).stdout)).toBe(before + 250);
  });

  it("explains bad input and exits 1", () => {
    const bad = folio(["user", "create", "--email", "nope", "--password", "x"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/valid email/i);
    const dup = folio(["user", "create", "--email", email, "--password", "cli-password-1"]);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toMatch(/already exists/i);
  });

  it("process reports the server's error code for a file that is not a PDF", () => {
    const token = folio(["token", "create", "--email", email]).stdout;
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "folio-cli-")), "notes.pdf");
    fs.writeFileSync(file, "just some notes");
    const r = folio(["process", file, "--url", baseUrl(), "--token", token]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/NOT_A_PDF/);
  });
});
