import { outsideRequest } from '../lib/request-context';
import { randomUUID } from 'node:crypto';
import type { Logger } from '../logger';
import { withTimeout } from '../lib/timeout';

export interface EventBatch<E> {
  id: string;
  events: E[];
}

export interface EventBufferOptions {
  /** Events per queued job. */
  maxBatch: number;
  /** Longest an event waits at the edge before its batch is sent. */
  flushMs: number;
  /** Events held in memory while the queue is unreachable; past this, new events are dropped and counted. */
  capacity: number;
  /** Estimated bytes those events may take (see sizeOf); past this too, new events are dropped and counted. */
  maxBytes: number;
  /** Pause before trying again after a failed send. */
  retryMs: number;
  /** A send that takes longer than this counts as failed (it may still land: the sink is idempotent). */
  sendTimeoutMs: number;
  /** Drops are logged at most once per this interval, with how many since the last line (default 10 s). */
  dropLogMs?: number;
}

/** What every event costs beyond its strings: the object, the numbers, the id (a rough V8 figure). */
export const EVENT_OVERHEAD_BYTES = 200;

/**
 * Edge events (clicks, installs) leave the web process in batches: one queue job per batch
 * instead of one Redis round trip per event. The request never waits for a send. While the
 * queue is unreachable, sealed batches wait here in order and are retried; a crash loses what is
 * held at that moment (at most one flush interval's worth while Redis is healthy).
 */
export class EventBuffer<E> {
  private open: E[] = [];
  /** Batches waiting to be sent, in order, each with its estimated bytes. */
  private readonly sealed: Array<{ batch: EventBatch<E>; bytes: number }> = [];
  private openBytes = 0;
  private held = 0;
  private bytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private sending = false;
  private closed = false;
  private dropReport: NodeJS.Timeout | undefined;
  private droppedSinceReport = 0;
  dropped = 0;

  constructor(
    private readonly send: (batch: EventBatch<E>) => Promise<void>,
    private readonly logger: Logger,
    private readonly options: EventBufferOptions,
    /** Log category and the noun in messages: 'clicks', 'installs'. */
    private readonly kind: string,
    /** Estimated bytes one event holds in memory: EVENT_OVERHEAD_BYTES plus its strings. */
    private readonly sizeOf: (event: E) => number,
  ) {}

  /** Events accepted and not yet handed to the queue. */
  get pending(): number {
    return this.held;
  }

  /** Estimated bytes of the events pending; never above maxBytes. */
  get pendingBytes(): number {
    return this.bytes;
  }

  push(event: E): void {
    const size = this.sizeOf(event);
    // A batch carries many requests' events: its timer, job and logs belong to none of them, so
    // whatever starts one of those leaves the request's context (most pushes start none).
    if (this.held >= this.options.capacity || this.bytes + size > this.options.maxBytes) {
      outsideRequest(() => this.drop());
      return;
    }
    this.open.push(event);
    this.openBytes += size;
    this.bytes += size;
    this.held++;
    if (this.open.length >= this.options.maxBatch) {
      outsideRequest(() => {
        this.seal();
        void this.drain();
      });
    } else if (!this.timer && !this.closed) {
      outsideRequest(() => this.schedule(this.options.flushMs));
    }
  }

  /** Sends everything held, retrying until it is all sent or the deadline passes. */
  async close(deadlineMs = 10_000): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.seal();
    const deadline = Date.now() + deadlineMs;
    while (this.held > 0 && Date.now() < deadline) {
      await this.drain();
      if (this.held > 0) await new Promise((r) => setTimeout(r, Math.min(this.options.retryMs, Math.max(0, deadline - Date.now()))));
    }
    if (this.held > 0) this.logger.error({ category: this.kind, lost: this.held }, `shutting down with ${this.kind} that could not be queued`);
    if (this.dropReport) clearTimeout(this.dropReport);
    if (this.droppedSinceReport > 0) this.reportDrops();
  }

  /**
   * Counted, and logged once per interval rather than per event: a full buffer during an outage
   * would otherwise add a log line to every request. The first drop is logged at once.
   */
  private drop(): void {
    this.dropped++;
    this.droppedSinceReport++;
    if (this.dropReport) return;
    this.reportDrops();
    const every = this.options.dropLogMs ?? 10_000;
    const tick = () => {
      if (this.droppedSinceReport === 0) {
        this.dropReport = undefined;
        return;
      }
      this.reportDrops();
      this.dropReport = setTimeout(tick, every);
      this.dropReport.unref();
    };
    this.dropReport = setTimeout(tick, every);
    this.dropReport.unref();
  }

  private reportDrops(): void {
    this.logger.error(
      { category: this.kind, dropped: this.droppedSinceReport, droppedTotal: this.dropped, held: this.held, heldBytes: this.bytes, capacity: this.options.capacity, maxBytes: this.options.maxBytes },
      `${this.kind} buffer full: dropping ${this.kind} until the queue is reachable`,
    );
    this.droppedSinceReport = 0;
  }

  private seal(): void {
    if (this.open.length === 0) return;
    this.sealed.push({ batch: { id: randomUUID(), events: this.open }, bytes: this.openBytes });
    this.open = [];
    this.openBytes = 0;
  }

  private schedule(ms: number): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.seal();
      void this.drain();
    }, ms);
    this.timer.unref();
  }

  private async drain(): Promise<void> {
    if (this.sending) return;
    this.sending = true;
    try {
      while (this.sealed.length > 0) {
        const { batch, bytes } = this.sealed[0] as { batch: EventBatch<E>; bytes: number };
        try {
          await withTimeout(this.send(batch), this.options.sendTimeoutMs, 'the queue');
        } catch (err) {
          this.logger.warn({ category: this.kind, held: this.held, err: (err as Error).message }, `could not queue ${this.kind}; will retry`);
          this.schedule(this.options.retryMs);
          return;
        }
        this.sealed.shift();
        this.held -= batch.events.length;
        this.bytes -= bytes;
      }
    } finally {
      this.sending = false;
    }
    if (this.open.length > 0) this.schedule(this.options.flushMs);
  }
}
