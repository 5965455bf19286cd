import type { OutageLog } from './outage-log';

interface Entry<V> {
  value: V;
  freshUntil: number;
}

/** After a failed load, the next one waits 500 ms, doubling per failure in a row up to 5 s. */
export const RELOAD_BACKOFF = { firstMs: 500, maxMs: 5000 } as const;

/**
 * The in-process cache behind the link and badge caches: key → value for `ttlMs`, a "not found"
 * value included (so a flood of bad keys does not reach PostgreSQL), at most `maxEntries` (the
 * oldest insertion goes first). Concurrent misses for one key share a single load. When a load
 * fails, the cache backs off (RELOAD_BACKOFF, for every key: a failure is almost always the
 * database, not the key): until the next retry a stale entry keeps serving, from `peek` as if
 * fresh, and a key with no entry fails at once without a load — so a PostgreSQL outage costs
 * one load attempt per backoff, not one per request — and the failure is logged once
 * (OutageLog), not per request. Values may be null but never undefined: undefined is how `peek`
 * says "not fresh".
 */
export class TtlCache<V extends object | null> {
  private readonly entries = new Map<string, Entry<V>>();
  private readonly loading = new Map<string, Promise<V>>();
  /** Moves on every invalidation, so a load that straddles one is not cached. */
  private generation = 0;
  private failuresInARow = 0;
  private retryAt = 0;
  private lastError: unknown;

  constructor(
    private readonly load: (key: string) => Promise<V>,
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
    private readonly outage?: OutageLog,
  ) {}

  /** The cached value if it is still fresh: synchronous and allocation-free, so a hot path can answer without a promise. */
  peek(key: string, now = this.now()): V | undefined {
    const entry = this.entries.get(key);
    return entry && entry.freshUntil > now ? entry.value : undefined;
  }

  /** The fresh cached value, else a load (shared with one already under way); while backing off, the stale value or the last error. */
  get(key: string): Promise<V> {
    const now = this.now();
    const fresh = this.peek(key, now);
    if (fresh !== undefined) return Promise.resolve(fresh);
    const inFlight = this.loading.get(key);
    if (inFlight) return inFlight;
    if (now < this.retryAt) {
      const stale = this.entries.get(key);
      if (!stale) return Promise.reject(this.lastError);
      stale.freshUntil = this.retryAt;
      return Promise.resolve(stale.value);
    }
    const generation = this.generation;
    const promise: Promise<V> = this.load(key)
      .then((value) => {
        this.loaded();
        // A load that started before an invalidation may have read the old value: answer with
        // it (the request came first) but do not cache it.
        if (generation === this.generation) this.store(key, value);
        return value;
      })
      .catch((err: unknown) => {
        this.failed(err);
        const stale = this.entries.get(key);
        if (!stale) throw err;
        stale.freshUntil = this.retryAt;
        return stale.value;
      })
      .finally(() => {
        if (this.loading.get(key) === promise) this.loading.delete(key);
      });
    this.loading.set(key, promise);
    return promise;
  }

  /** Forgets one key at once, including a load already under way. */
  invalidate(key: string): void {
    this.generation++;
    this.entries.delete(key);
    this.loading.delete(key);
  }

  /** Forgets everything. */
  clear(): void {
    this.generation++;
    this.entries.clear();
    this.loading.clear();
  }

  private loaded(): void {
    if (this.failuresInARow === 0) return;
    this.failuresInARow = 0;
    this.retryAt = 0;
    this.lastError = undefined;
    this.outage?.succeeded();
  }

  private failed(err: unknown): void {
    this.failuresInARow++;
    this.lastError = err;
    this.retryAt = this.now() + Math.min(RELOAD_BACKOFF.maxMs, RELOAD_BACKOFF.firstMs * 2 ** Math.min(this.failuresInARow - 1, 20));
    this.outage?.failed(err);
  }

  private store(key: string, value: V): void {
    if (this.entries.size >= this.maxEntries && !this.entries.has(key)) {
      // Evict the oldest insertion: Map iterates in insertion order.
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.delete(key);
    this.entries.set(key, { value, freshUntil: this.now() + this.ttlMs });
  }
}
