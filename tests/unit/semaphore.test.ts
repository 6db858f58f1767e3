import { describe, expect, it } from "vitest";
import { KeyedSemaphore, Semaphore } from "@/lib/concurrency/semaphore";

const tick = () => new Promise((r) => setTimeout(r, 0));

describe("Semaphore", () => {
  it("lets `size` holders in, then hands each released slot to the first waiter", async () => {
    const sem = new Semaphore(2);
    const order: string[] = [];
    const r1 = await sem.acquire();
    const r2 = await sem.acquire();
    const waiters = ["a", "b", "c"].map((n) => sem.acquire().then((release) => (order.push(n), release)));
    await tick();
    expect(order).toEqual([]);
    expect(sem.inUse).toBe(2);
    expect(sem.waiting).toBe(3);
    r1();
    await tick();
    expect(order).toEqual(["a"]);
    expect(sem.inUse).toBe(2);
    r2();
    r2(); // a second release of the same slot does nothing
    await tick();
    expect(order).toEqual(["a", "b"]);
    expect(sem.waiting).toBe(1);
    const [ra, rb] = await Promise.all(waiters.slice(0, 2));
    ra();
    rb();
    const rc = await waiters[2];
    expect(order).toEqual(["a", "b", "c"]);
    rc();
    expect(sem.inUse).toBe(0);
  });

  it("never has more than `size` holders under churn", async () => {
    const sem = new Semaphore(3);
    let inside = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        const release = await sem.acquire();
        inside++;
        most = Math.max(most, inside);
        await new Promise((r) => setTimeout(r, i % 3));
        inside--;
        release();
      }),
    );
    expect(most).toBe(3);
    expect(sem.inUse).toBe(0);
  });

  it("refuses a size below 1", () => {
    expect(() => new Semaphore(0)).toThrow(RangeError);
  });
});

describe("KeyedSemaphore", () => {
  it("limits each key on its own and forgets idle keys", async () => {
    const sem = new KeyedSemaphore(1);
    const a1 = await sem.acquire("alice");
    const b1 = await sem.acquire("bob");
    let a2Got = false;
    const a2 = sem.acquire("alice").then((r) => ((a2Got = true), r));
    await tick();
    expect(a2Got).toBe(false);
    a1();
    (await a2)();
    b1();
    expect(sem.keys).toBe(0);
  });
});
