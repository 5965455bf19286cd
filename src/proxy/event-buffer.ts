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
  /** Pause before trying again after a failed send. */
  retryMs: number;
  /** A send that takes longer than this counts as failed (it may still land: the sink is idempotent). */
  sendTimeoutMs: number;
}

/**
 * Edge events (clicks, installs) leave the web process in batches: one queue job per batch
 * instead of one Redis round trip per event. The request never waits for a send. While the
 * queue is unreachable, sealed batches wait here in order and are retried; a crash loses what is
 * held at that moment (at most one flush interval's worth while Redis is healthy).
 */
export class EventBuffer<E> {
  private open: E[] = [];
  private readonly sealed: Array<EventBatch<E>> = [];
  private held = 0;
  private timer: NodeJS.Timeout | undefined;
  private sending = false;
  private closed = false;
  dropped = 0;

  constructor(
    private readonly send: (batch: EventBatch<E>) => Promise<void>,
    private readonly logger: Logger,
    private readonly options: EventBufferOptions,
    /** Log category and the noun in messages: 'clicks', 'installs'. */
    private readonly kind: string,
  ) {}

  /** Events accepted and not yet handed to the queue. */
  get pending(): number {
    return this.held;
  }

  push(event: E): void {
    if (this.held >= this.options.capacity) {
      this.dropped++;
      if (this.dropped === 1 || this.dropped % 10_000 === 0) {
        this.logger.error({ category: this.kind, dropped: this.dropped, held: this.held }, `${this.kind} buffer full: dropping ${this.kind} until the queue is reachable`);
      }
      return;
    }
    this.open.push(event);
    this.held++;
    if (this.open.length >= this.options.maxBatch) {
      this.seal();
      void this.drain();
    } else {
      this.schedule(this.options.flushMs);
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
  }

  private seal(): void {
    if (this.open.length === 0) return;
    this.sealed.push({ id: randomUUID(), events: this.open });
    this.open = [];
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
        const batch = this.sealed[0] as EventBatch<E>;
        try {
          await withTimeout(this.send(batch), this.options.sendTimeoutMs, 'the queue');
        } catch (err) {
          this.logger.warn({ category: this.kind, held: this.held, err: (err as Error).message }, `could not queue ${this.kind}; will retry`);
          this.schedule(this.options.retryMs);
          return;
        }
        this.sealed.shift();
        this.held -= batch.events.length;
      }
    } finally {
      this.sending = false;
    }
    if (this.open.length > 0) this.schedule(this.options.flushMs);
  }
}
