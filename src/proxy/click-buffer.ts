import type { ClickEvent } from '../lib/edge-events';
import type { Logger } from '../logger';
import { EVENT_OVERHEAD_BYTES, EventBuffer, type EventBatch, type EventBufferOptions } from './event-buffer';

export type ClickBatch = EventBatch<ClickEvent>;
export type ClickBufferOptions = EventBufferOptions;

/**
 * 64 MiB: about 200,000 ordinary clicks (~300 bytes each), or 36,000 with user agent and referrer
 * at their edge bounds (visitor-bounds.ts), whichever comes first with the 250,000-click cap.
 */
export const DEFAULT_CLICK_BUFFER: ClickBufferOptions = { maxBatch: 500, flushMs: 100, capacity: 250_000, maxBytes: 64 * 1024 * 1024, retryMs: 1000, sendTimeoutMs: 5000 };

export function clickBytes(click: ClickEvent): number {
  return EVENT_OVERHEAD_BYTES + click.ip.length + click.userAgent.length + (click.referrer?.length ?? 0);
}

/**
 * Clicks leave the redirector in batches (the generic EventBuffer): one queue job every 100 ms
 * or 500 clicks; the redirect never waits for a send. Every job costs the same fixed work
 * whatever it carries (a BullMQ add and completion, an ingest transaction, a rollup request),
 * so the interval sets how few clicks share it under moderate traffic: 100 ms rather than 20
 * cut that share fivefold for a tenth of a second more before a click is counted. What a crash
 * can lose stays one batch of at most 500 clicks.
 */
export class ClickBuffer extends EventBuffer<ClickEvent> {
  constructor(send: (batch: ClickBatch) => Promise<void>, logger: Logger, options: ClickBufferOptions = DEFAULT_CLICK_BUFFER) {
    super(send, logger, options, 'clicks', clickBytes);
  }
}
