import type { Logger } from '../logger';

export interface ClickIdOptions {
  /** Ids reserved per database round trip. */
  blockSize: number;
  /** When this few are left, the next block is fetched in the background. */
  lowWater: number;
  /** After a failed fetch, no new attempt for this long (the database is likely down). */
  retryMs: number;
}

export const DEFAULT_CLICK_IDS: ClickIdOptions = { blockSize: 1000, lowWater: 200, retryMs: 1000 };

/**
 * Integer click ids minted at the edge, for links that append the click id to their
 * destination (the redirect answers before a worker stores the click, so the id must be known
 * here). Ids come in blocks reserved from the clicks id sequence itself, so edge-assigned and
 * worker-assigned ids can never collide; an id this process never uses is simply a gap.
 * `take` is synchronous for the hot path; `acquire` waits (bounded) only when the block is
 * empty, e.g. for the first opted-in click after start.
 */
export class ClickIdBlocks {
  private ids: number[] = [];
  private next = 0;
  private fetching: Promise<void> | undefined;
  private failedAt = 0;

  constructor(
    private readonly reserve: (count: number) => Promise<number[]>,
    private readonly logger: Logger,
    private readonly options: ClickIdOptions = DEFAULT_CLICK_IDS,
    private readonly clock: () => number = Date.now,
  ) {}

  get available(): number {
    return this.ids.length - this.next;
  }

  /** Forgets reserved ids: only for tests, whose reset restarts the sequence they came from. */
  discard(): void {
    this.ids = [];
    this.next = 0;
  }

  /** The next id, or undefined when the block is empty; starts a refill when running low. */
  take(): number | undefined {
    if (this.available <= this.options.lowWater) void this.refill();
    if (this.next >= this.ids.length) return undefined;
    return this.ids[this.next++];
  }

  /** Like take, but waits up to `timeoutMs` for a block; undefined if none arrives. */
  async acquire(timeoutMs: number): Promise<number | undefined> {
    const id = this.take();
    if (id !== undefined || !this.fetching) return id;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    await Promise.race([this.fetching, timeout]).finally(() => clearTimeout(timer));
    return this.next < this.ids.length ? this.ids[this.next++] : undefined;
  }

  private refill(): Promise<void> {
    if (this.fetching) return this.fetching;
    if (this.clock() - this.failedAt < this.options.retryMs) return Promise.resolve();
    this.fetching = this.reserve(this.options.blockSize)
      .then((fresh) => {
        // Keep what is left of the current block, then the new one.
        this.ids = this.ids.slice(this.next).concat(fresh);
        this.next = 0;
      })
      .catch((err: unknown) => {
        this.failedAt = this.clock();
        this.logger.warn({ category: 'redirect', err: (err as Error).message }, 'could not reserve click ids; redirecting without them');
      })
      .finally(() => {
        this.fetching = undefined;
      });
    return this.fetching;
  }
}

/** Query parameter that carries the click id to an opted-in link's destination. */
export const CLICK_ID_PARAM = 'lt_click';

/** Longest a redirect waits for a block of click ids before going without one. */
export const CLICK_ID_WAIT_MS = 250;

/**
 * Calls `then` with a click id when one is wanted and obtainable, else with undefined:
 * synchronously in the common case (ids in hand), after a bounded wait when the block is empty
 * — then the returned promise settles with `then`, so what it throws reaches the caller.
 */
export function withClickId(blocks: ClickIdBlocks | undefined, wanted: boolean, then: (clickId: number | undefined) => void): void | Promise<void> {
  if (!wanted || !blocks) {
    then(undefined);
    return;
  }
  const id = blocks.take();
  if (id !== undefined) {
    then(id);
    return;
  }
  return blocks.acquire(CLICK_ID_WAIT_MS).then(then, () => then(undefined));
}

export function appendClickId(destination: string, clickId: number | undefined): string {
  if (clickId === undefined) return destination;
  const url = new URL(destination);
  url.searchParams.set(CLICK_ID_PARAM, String(clickId));
  return url.toString();
}
