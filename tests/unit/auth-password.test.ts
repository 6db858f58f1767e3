import bcrypt from "bcryptjs";
import { describe, expect, it, vi } from "vitest";
import { dummyHash, hashPassword, needsRehash, verifyOrDummy, verifyPassword } from "@/lib/auth/password";
import { passwordStrength } from "@/lib/auth/strength";
import { clientIp } from "@/lib/auth/settings";

// Each scrypt hash takes ~0.1-0.5 s on a loaded machine.
describe("password hashing", { timeout: 60_000 }, () => {
  it("hashes with scrypt in a self-describing format and verifies", async () => {
    const hash = await hashPassword("correct-horse-battery");
    expect(hash).toMatch(/^\$scrypt\$N=\d+,r=\d+,p=\d+\$/);
    expect(needsRehash(hash)).toBe(false);
    expect(await verifyPassword("correct-horse-battery", hash)).toBe(true);
    expect(await verifyPassword("correct-horse-batterY", hash)).toBe(false);
  });

  it("still verifies legacy bcrypt hashes (in a worker) and marks them for rehash", async () => {
    const legacy = bcrypt.hashSync("legacy-password-1", 4);
    expect(await verifyPassword("legacy-password-1", legacy)).toBe(true);
    expect(await verifyPassword("wrong", legacy)).toBe(false);
    expect(needsRehash(legacy)).toBe(true);
    expect(await verifyPassword("x", "not-a-hash")).toBe(false);
  });

  it("does not block the event loop while hashing", async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const started = Date.now();
    await Promise.all([hashPassword("a-long-enough-password"), verifyPassword("x", bcrypt.hashSync("y", 10))]);
    clearInterval(timer);
    const elapsed = Date.now() - started;
    // A blocked loop would get ~0 ticks; allow a loaded machine plenty of slack.
    expect(ticks).toBeGreaterThan(Math.min(10, elapsed / 5 / 4));
  });

  it("checks unknown accounts against a dummy hash of the same cost", async () => {
    const verify = vi.fn(async () => true);
    expect(await verifyOrDummy("guess", null, verify)).toBe(false);
    expect(await verifyOrDummy("guess", undefined, verify)).toBe(false);
    const dummy = await dummyHash();
    expect(verify).toHaveBeenCalledTimes(2);
    expect(verify).toHaveBeenCalledWith("guess", dummy);
    expect(needsRehash(dummy)).toBe(false);
  });

  it("takes about as long for an unknown account as for a known one (loose)", async () => {
    const real = await hashPassword("correct-horse-battery");
    await dummyHash();
    const time = async (hash: string | null) => {
      const t = performance.now();
      await verifyOrDummy("wrong-guess", hash);
      return performance.now() - t;
    };
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 3; i++) {
      known.push(await time(real));
      unknown.push(await time(null));
    }
    const ratio = median(unknown) / median(known);
    expect(ratio).toBeGreaterThan(0.2);
    expect(ratio).toBeLessThan(5);
  });
});

describe("password strength", () => {
  it("refuses common passwords and accepts the fixtures' passphrases", () => {
    for (const weak of ["password", "12345678", "password123", "qwertyuiop"]) expect(passwordStrength(weak).ok, weak).toBe(false);
    for (const ok of ["correct-horse-battery", "admin-password-1", "a-long-enough-password", "cli-password-1", "bench-password-1", "another-password"]) {
      expect(passwordStrength(ok).ok, ok).toBe(true);
    }
    const s = passwordStrength("password");
    expect(s.warning).toBeTruthy();
  });

  it("counts the email as a guessable word", () => {
    expect(passwordStrength("jeanne.dupont@example.org", []).ok).toBe(true);
    expect(passwordStrength("jeanne.dupont@example.org", ["jeanne.dupont@example.org"]).ok).toBe(false);
  });
});

describe("client address", () => {
  const h = new Headers({ "x-forwarded-for": "203.0.113.9, 10.0.0.2" });
  it("takes the n-th address from the right behind n trusted proxies, else the first (what Next set from the socket)", () => {
    expect(clientIp(h, { trustedProxies: 0 })).toBe("203.0.113.9");
    expect(clientIp(new Headers(), { trustedProxies: 0 })).toBe("direct");
    expect(clientIp(h, { trustedProxies: 1 })).toBe("10.0.0.2");
    expect(clientIp(h, { trustedProxies: 2 })).toBe("203.0.113.9");
    expect(clientIp(new Headers(), { trustedProxies: 1 })).toBe("direct");
  });
});

describe("password strength cost", { timeout: 30_000 }, () => {
  it("rates a long pathological password in bounded time", () => {
    passwordStrength("warm-up-password");
    const t = performance.now();
    passwordStrength("aB3$".repeat(50));
    // 11 s with zxcvbn's defaults; ~0.3 s with the limits on a loaded machine.
    expect(performance.now() - t).toBeLessThan(3_000);
  });
});
