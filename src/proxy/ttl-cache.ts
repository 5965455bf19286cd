interface Entry<V> {
  value: V;
  freshUntil: number;
}

/**
 * The in-process cache behind the link and badge caches: key → value for `ttlMs`, a "not found"
 * value included (so a flood of bad keys does not reach PostgreSQL), at most `maxEntries` (the
 * oldest insertion goes first). Concurrent misses for one key share a single load; when a load
 * fails a stale entry keeps serving. Values may be null but never undefined: undefined is how
 * `peek` says "not fresh".
 */
export class TtlCache<V extends object | null> {
  private readonly entries = new Map<string, Entry<V>>();
  private readonly loading = new Map<string, Promise<V>>();
  /** Moves on every invalidation, so a load that straddles one is not cached. */
  private generation = 0;

  constructor(
    private readonly load: (key: string) => Promise<V>,
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The cached value if it is still fresh: synchronous and allocation-free, so a hot path can answer without a promise. */
  peek(key: string, now = this.now()): V | undefined {
    const entry = this.entries.get(key);
    return entry && entry.freshUntil > now ? entry.value : undefined;
  }

  /** The fresh cached value, else a load (shared with one already under way). */
  get(key: string): Promise<V> {
    const fresh = this.peek(key);
    if (fresh !== undefined) return Promise.resolve(fresh);
    const inFlight = this.loading.get(key);
    if (inFlight) return inFlight;
    const generation = this.generation;
    const promise: Promise<V> = this.load(key)
      .then((value) => {
        // A load that started before an invalidation may have read the old value: answer with
        // it (the request came first) but do not cache it.
        if (generation === this.generation) this.store(key, value);
        return value;
      })
      .catch((err: unknown) => {
        const stale = this.entries.get(key);
        if (stale) return stale.value;
        throw err;
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
