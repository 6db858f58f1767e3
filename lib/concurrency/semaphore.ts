/** A counting semaphore: first come, first served. `acquire` resolves to its release function. */
export class Semaphore {
  private used = 0;
  private waiters: Array<() => void> = [];

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError("a semaphore needs a size >= 1");
  }

  get inUse(): number {
    return this.used;
  }

  get waiting(): number {
    return this.waiters.length;
  }

  async acquire(): Promise<() => void> {
    if (this.used < this.size) this.used++;
    // A release hands its slot straight to the first waiter (`used` does not change).
    else await new Promise<void>((resolve) => this.waiters.push(resolve));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiters.shift();
      if (next) next();
      else this.used--;
    };
  }
}

/** Semaphores by key (one per user, say), created on first use and dropped when idle. */
export class KeyedSemaphore {
  private byKey = new Map<string, Semaphore>();

  constructor(readonly size: number) {}

  async acquire(key: string): Promise<() => void> {
    let sem = this.byKey.get(key);
    if (!sem) this.byKey.set(key, (sem = new Semaphore(this.size)));
    const release = await sem.acquire();
    return () => {
      release();
      if (sem.inUse === 0 && sem.waiting === 0 && this.byKey.get(key) === sem) this.byKey.delete(key);
    };
  }

  /** Keys with a slot taken or a waiter (for tests and diagnostics). */
  get keys(): number {
    return this.byKey.size;
  }
}
