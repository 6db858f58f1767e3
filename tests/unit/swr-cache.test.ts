import { describe, expect, it } from "vitest";
import { SwrCache } from "@/lib/cache/swr";

function setup(ttl = 500) {
  let clock = 1_000;
  let reads = 0;
  let value = "v1";
  let fail = false;
  const pending: Array<() => void> = [];
  const cache = new SwrCache<string>(ttl, ttl * 4, 2_000, () => clock);
  const load = () => {
    reads++;
    const v = value;
    const f = fail;
    return new Promise<string>((resolve, reject) => pending.push(() => (f ? reject(new Error("db down")) : resolve(v))));
  };
  const flush = async () => {
    while (pending.length) pending.shift()!();
    await new Promise((r) => setTimeout(r, 0));
  };
  return {
    cache,
    load,
    flush,
    tick: (ms: number) => (clock += ms),
    set: (v: string) => (value = v),
    failNext: (f: boolean) => (fail = f),
    reads: () => reads,
  };
}

describe("SwrCache", () => {
  it("shares one read among concurrent and later callers within the window", async () => {
    const t = setup();
    const a = t.cache.get("job", t.load);
    const b = t.cache.get("job", t.load);
    await t.flush();
    expect(await a).toBe("v1");
    expect(await b).toBe("v1");
    t.tick(499);
    expect(await t.cache.get("job", t.load)).toBe("v1");
    expect(t.reads()).toBe(1);
  });

  it("serves the stored value past the window while one background read refreshes it", async () => {
    const t = setup();
    const first = t.cache.get("job", t.load);
    await t.flush();
    await first;
    t.set("v2");
    t.tick(600);
    // Stale but usable: answered at once with v1, one refresh started.
    expect(await t.cache.get("job", t.load)).toBe("v1");
    expect(await t.cache.get("job", t.load)).toBe("v1");
    expect(t.reads()).toBe(2);
    await t.flush();
    expect(await t.cache.get("job", t.load)).toBe("v2");
    expect(t.reads()).toBe(2);
  });

  it("waits for a fresh read when the value is older than the stale limit or was forgotten", async () => {
    const t = setup();
    const first = t.cache.get("job", t.load);
    await t.flush();
    await first;
    t.set("v2");
    t.tick(2_500);
    const old = t.cache.get("job", t.load);
    await t.flush();
    expect(await old).toBe("v2");

    t.set("v3");
    t.cache.delete("job");
    const afterForget = t.cache.get("job", t.load);
    await t.flush();
    expect(await afterForget).toBe("v3");
    expect(t.reads()).toBe(3);
  });

  it("does not keep a failed read, and keeps serving the old value when a refresh fails", async () => {
    const t = setup();
    t.failNext(true);
    const failed = t.cache.get("job", t.load);
    await t.flush();
    await expect(failed).rejects.toThrow("db down");
    t.failNext(false);
    const ok = t.cache.get("job", t.load);
    await t.flush();
    expect(await ok).toBe("v1");

    t.tick(600);
    t.failNext(true);
    expect(await t.cache.get("job", t.load)).toBe("v1");
    await t.flush();
    t.failNext(false);
    t.set("v2");
    // The failed refresh is forgotten: the next caller starts another one.
    expect(await t.cache.get("job", t.load)).toBe("v1");
    await t.flush();
    expect(await t.cache.get("job", t.load)).toBe("v2");
  });
});
