type Entry<T> = { readAt: number; value: Promise<T>; ready: boolean; refreshing: boolean };

/**
 * A small in-process cache with single flight and stale-while-revalidate:
 * - within `ttlMs` of a read, every caller shares that read's promise;
 * - up to `staleMs` (default 4 × ttl), callers get the stored value at once while one
 *   background read refreshes it;
 * - older or missing entries are read while the caller waits (and concurrent callers share it).
 * A failed read is not stored. `now` is injectable for tests.
 */
export class SwrCache<T> {
  private readonly map = new Map<string, Entry<T>>();

  constructor(
    private readonly ttlMs: number,
    private readonly staleMs = ttlMs * 4,
    private readonly maxEntries = 2_000,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string, load: () => Promise<T>): Promise<T> {
    const now = this.now();
    const hit = this.map.get(key);
    if (hit && now - hit.readAt < this.ttlMs) return hit.value;
    if (hit && hit.ready && now - hit.readAt < this.staleMs) {
      if (!hit.refreshing) this.refresh(key, hit, load, now);
      return hit.value;
    }
    const entry: Entry<T> = { readAt: now, value: load(), ready: false, refreshing: false };
    entry.value.then(
      () => {
        entry.ready = true;
      },
      () => {
        if (this.map.get(key) === entry) this.map.delete(key);
      },
    );
    this.map.set(key, entry);
    if (this.map.size > this.maxEntries) for (const [k, e] of this.map) if (now - e.readAt >= this.staleMs) this.map.delete(k);
    return entry.value;
  }

  delete(key: string): void {
    this.map.delete(key);
  }

  private refresh(key: string, hit: Entry<T>, load: () => Promise<T>, startedAt: number): void {
    hit.refreshing = true;
    const next = load();
    next.then(
      () => {
        // Unless the key was forgotten meanwhile: then the next caller reads afresh.
        if (this.map.get(key) === hit) this.map.set(key, { readAt: startedAt, value: next, ready: true, refreshing: false });
      },
      () => {
        hit.refreshing = false;
      },
    );
  }
}
